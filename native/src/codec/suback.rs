//! SUBACK: packet id, then one return code per requested filter.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::QoS;

const FAILURE: u8 = 0x80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscribeReturnCode {
    /// Granted QoS.
    Success(QoS),
    /// 0x80. Not defined by 3.1, but accepted there too: brokers send it to 3.1 clients.
    Failure,
}

impl SubscribeReturnCode {
    pub fn code(self) -> u8 {
        match self {
            SubscribeReturnCode::Success(qos) => qos as u8,
            SubscribeReturnCode::Failure => FAILURE,
        }
    }

    pub fn from_u8(code: u8) -> Option<SubscribeReturnCode> {
        match code {
            FAILURE => Some(SubscribeReturnCode::Failure),
            _ => QoS::from_u8(code).map(SubscribeReturnCode::Success),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    pub pkid: u16,
    pub return_codes: Vec<SubscribeReturnCode>,
}

impl SubAck {
    pub(crate) fn size(&self) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if self.return_codes.is_empty() {
            return Err(EncodeError::Invalid(
                "SUBACK needs at least one return code",
            ));
        }
        Ok(2 + self.return_codes.len())
    }

    pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::SubAck.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        for rc in &self.return_codes {
            out.put_u8(rc.code());
        }
    }

    pub(crate) fn read(body: Bytes) -> Result<SubAck, DecodeError> {
        let mut r = Reader::new("SUBACK", body);
        let pkid = r.packet_id()?;
        let codes = r.rest();
        if codes.is_empty() {
            // A SUBSCRIBE has at least one filter, so its SUBACK has at least one code.
            return Err(DecodeError::Malformed("SUBACK has no return code"));
        }
        let return_codes = codes
            .iter()
            .map(|&c| SubscribeReturnCode::from_u8(c).ok_or(DecodeError::InvalidSubAckCode(c)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SubAck { pkid, return_codes })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet, ProtocolVersion};
    use super::*;

    fn decode(bytes: &[u8], version: ProtocolVersion) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), version, 1024)
    }

    #[test]
    fn vector_with_failure() {
        let ack = SubAck {
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
        Packet::SubAck(ack.clone()).encode(&mut out).unwrap();
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
