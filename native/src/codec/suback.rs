//! SUBACK: packet id, (MQTT 5.0: properties,) then one return/reason code per requested
//! filter.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::properties::{PacketKind, Properties};
use super::reason::ReasonCode;
use super::{ProtocolVersion, QoS};

const FAILURE: u8 = 0x80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscribeReturnCode {
    /// Granted QoS.
    Success(QoS),
    /// 0x80 (5.0: "Unspecified error"). Not defined by 3.1, but accepted there too: brokers
    /// send it to 3.1 clients.
    Failure,
    /// MQTT 5.0 only: a failure reason other than 0x80 (0x83, 0x87, 0x8F, 0x91, 0x97,
    /// 0x9E, 0xA1, 0xA2).
    Error(ReasonCode),
}

impl SubscribeReturnCode {
    pub fn code(self) -> u8 {
        match self {
            SubscribeReturnCode::Success(qos) => qos as u8,
            SubscribeReturnCode::Failure => FAILURE,
            SubscribeReturnCode::Error(rc) => rc.code(),
        }
    }

    /// The 3.1/3.1.1 return codes: granted QoS or 0x80.
    pub fn from_u8(code: u8) -> Option<SubscribeReturnCode> {
        match code {
            FAILURE => Some(SubscribeReturnCode::Failure),
            _ => QoS::from_u8(code).map(SubscribeReturnCode::Success),
        }
    }

    /// Any MQTT 5.0 SUBACK reason code.
    pub fn from_u8_v5(code: u8) -> Option<SubscribeReturnCode> {
        match SubscribeReturnCode::from_u8(code) {
            Some(rc) => Some(rc),
            None => ReasonCode::from_u8(code)
                .filter(|rc| rc.is_valid_for(PacketKind::SubAck))
                .map(SubscribeReturnCode::Error),
        }
    }

    /// True for 0x80 and every other failure code.
    pub fn is_failure(self) -> bool {
        !matches!(self, SubscribeReturnCode::Success(_))
    }

    /// The MQTT 5.0 reason code with the same value.
    pub fn reason(self) -> ReasonCode {
        match self {
            SubscribeReturnCode::Success(QoS::AtMostOnce) => ReasonCode::Success,
            SubscribeReturnCode::Success(QoS::AtLeastOnce) => ReasonCode::GrantedQoS1,
            SubscribeReturnCode::Success(QoS::ExactlyOnce) => ReasonCode::GrantedQoS2,
            SubscribeReturnCode::Failure => ReasonCode::UnspecifiedError,
            SubscribeReturnCode::Error(rc) => rc,
        }
    }

    fn check(self, version: ProtocolVersion) -> Result<(), EncodeError> {
        let SubscribeReturnCode::Error(rc) = self else {
            return Ok(());
        };
        if version != ProtocolVersion::V5 {
            return Err(EncodeError::V5Only {
                kind: "SUBACK",
                field: "reason code other than a granted QoS or 0x80",
            });
        }
        if rc == ReasonCode::UnspecifiedError {
            return Err(EncodeError::Invalid(
                "SUBACK code 0x80 is written SubscribeReturnCode::Failure",
            ));
        }
        if !rc.is_error() {
            return Err(EncodeError::Invalid(
                "SubscribeReturnCode::Error needs a failure code; granted QoS is Success",
            ));
        }
        rc.check_for(PacketKind::SubAck)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubAck {
    pub pkid: u16,
    pub return_codes: Vec<SubscribeReturnCode>,
    /// MQTT 5.0; must stay empty for 3.1/3.1.1.
    pub properties: Properties,
}

impl SubAck {
    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if self.return_codes.is_empty() {
            return Err(EncodeError::Invalid(
                "SUBACK needs at least one return code",
            ));
        }
        for rc in &self.return_codes {
            rc.check(version)?;
        }
        let props = if version == ProtocolVersion::V5 {
            self.properties.size(PacketKind::SubAck)?
        } else {
            check_v3_properties("SUBACK", &self.properties)?;
            0
        };
        Ok(2 + props + self.return_codes.len())
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::SubAck.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        if version == ProtocolVersion::V5 {
            self.properties.write(out);
        }
        for rc in &self.return_codes {
            out.put_u8(rc.code());
        }
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<SubAck, DecodeError> {
        let mut r = Reader::new("SUBACK", body);
        let pkid = r.packet_id()?;
        let v5 = version == ProtocolVersion::V5;
        let properties = if v5 {
            Properties::read(&mut r, PacketKind::SubAck)?
        } else {
            Properties::new()
        };
        let codes = r.rest();
        if codes.is_empty() {
            // A SUBSCRIBE has at least one filter, so its SUBACK has at least one code.
            return Err(DecodeError::Malformed("SUBACK has no return code"));
        }
        let return_codes = codes
            .iter()
            .map(|&c| {
                if v5 {
                    SubscribeReturnCode::from_u8_v5(c).ok_or(DecodeError::InvalidReasonCode {
                        kind: "SUBACK",
                        code: c,
                    })
                } else {
                    SubscribeReturnCode::from_u8(c).ok_or(DecodeError::InvalidSubAckCode(c))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SubAck {
            pkid,
            return_codes,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet};
    use super::*;

    fn decode(bytes: &[u8], version: ProtocolVersion) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), version, 1024)
    }

    #[test]
    fn vector_with_failure() {
        let ack = SubAck {
            properties: Properties::new(),
            pkid: 0x0102,
            return_codes: vec![
                SubscribeReturnCode::Success(QoS::AtMostOnce),
                SubscribeReturnCode::Success(QoS::AtLeastOnce),
                SubscribeReturnCode::Success(QoS::ExactlyOnce),
                SubscribeReturnCode::Failure,
            ],
        };
        let bytes = [0x90, 0x06, 0x01, 0x02, 0x00, 0x01, 0x02, 0x80];
        let mut out = BytesMut::new();
        Packet::SubAck(ack.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        for version in [ProtocolVersion::V31, ProtocolVersion::V311] {
            assert_eq!(
                decode(&bytes, version),
                Ok(Some(Packet::SubAck(ack.clone())))
            );
        }
    }

    #[test]
    fn invalid_codes() {
        for bad in [0x03u8, 0x04, 0x7F, 0x81, 0xFF] {
            assert_eq!(
                decode(&[0x90, 0x03, 0x00, 0x01, bad], ProtocolVersion::V311),
                Err(DecodeError::InvalidSubAckCode(bad))
            );
        }
        assert!(matches!(
            decode(&[0x90, 0x02, 0x00, 0x01], ProtocolVersion::V311),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(
            decode(&[0x90, 0x03, 0x00, 0x00, 0x00], ProtocolVersion::V311),
            Err(DecodeError::ZeroPacketId)
        );
    }
}
