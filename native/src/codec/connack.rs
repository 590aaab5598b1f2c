//! CONNACK: acknowledge flags and return code; in MQTT 5.0 a reason code and properties.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::properties::{PacketKind, Properties};
use super::reason::ReasonCode;
use super::ProtocolVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectReturnCode {
    #[default]
    Accepted,
    UnacceptableProtocolVersion,
    IdentifierRejected,
    ServerUnavailable,
    BadUserNameOrPassword,
    NotAuthorized,
}

impl ConnectReturnCode {
    pub fn code(self) -> u8 {
        match self {
            ConnectReturnCode::Accepted => 0,
            ConnectReturnCode::UnacceptableProtocolVersion => 1,
            ConnectReturnCode::IdentifierRejected => 2,
            ConnectReturnCode::ServerUnavailable => 3,
            ConnectReturnCode::BadUserNameOrPassword => 4,
            ConnectReturnCode::NotAuthorized => 5,
        }
    }

    pub fn from_u8(code: u8) -> Option<ConnectReturnCode> {
        Some(match code {
            0 => ConnectReturnCode::Accepted,
            1 => ConnectReturnCode::UnacceptableProtocolVersion,
            2 => ConnectReturnCode::IdentifierRejected,
            3 => ConnectReturnCode::ServerUnavailable,
            4 => ConnectReturnCode::BadUserNameOrPassword,
            5 => ConnectReturnCode::NotAuthorized,
            _ => return None,
        })
    }

    /// Plain words for response messages.
    pub fn describe(self) -> &'static str {
        match self {
            ConnectReturnCode::Accepted => "connection accepted",
            ConnectReturnCode::UnacceptableProtocolVersion => "unacceptable protocol version",
            ConnectReturnCode::IdentifierRejected => "client identifier rejected",
            ConnectReturnCode::ServerUnavailable => "server unavailable",
            ConnectReturnCode::BadUserNameOrPassword => "bad user name or password",
            ConnectReturnCode::NotAuthorized => "not authorized",
        }
    }
}

impl ConnectReturnCode {
    /// The nearest 3.1.1 return code for an MQTT 5.0 CONNACK reason code, so code written
    /// for 3.1.1 (`code != Accepted`) keeps working; the exact reason stays in
    /// [`ConnAck::reason`].
    pub fn from_reason(reason: ReasonCode) -> ConnectReturnCode {
        match reason {
            ReasonCode::Success => ConnectReturnCode::Accepted,
            ReasonCode::UnsupportedProtocolVersion => {
                ConnectReturnCode::UnacceptableProtocolVersion
            }
            ReasonCode::ClientIdentifierNotValid => ConnectReturnCode::IdentifierRejected,
            ReasonCode::BadUserNameOrPassword => ConnectReturnCode::BadUserNameOrPassword,
            ReasonCode::NotAuthorized
            | ReasonCode::Banned
            | ReasonCode::BadAuthenticationMethod => ConnectReturnCode::NotAuthorized,
            _ => ConnectReturnCode::ServerUnavailable,
        }
    }

    /// The MQTT 5.0 reason code with the same meaning.
    pub fn to_reason(self) -> ReasonCode {
        match self {
            ConnectReturnCode::Accepted => ReasonCode::Success,
            ConnectReturnCode::UnacceptableProtocolVersion => {
                ReasonCode::UnsupportedProtocolVersion
            }
            ConnectReturnCode::IdentifierRejected => ReasonCode::ClientIdentifierNotValid,
            ConnectReturnCode::ServerUnavailable => ReasonCode::ServerUnavailable,
            ConnectReturnCode::BadUserNameOrPassword => ReasonCode::BadUserNameOrPassword,
            ConnectReturnCode::NotAuthorized => ReasonCode::NotAuthorized,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnAck {
    pub session_present: bool,
    /// The 3.1/3.1.1 return code; for 5.0, [`ConnectReturnCode::from_reason`] of `reason`.
    pub code: ConnectReturnCode,
    /// MQTT 5.0: the reason code as sent (always `Some` when decoded as 5.0; when encoding
    /// 5.0, `None` means `code.to_reason()`). Must be `None` for 3.1/3.1.1.
    pub reason: Option<ReasonCode>,
    /// MQTT 5.0; must stay empty for 3.1/3.1.1.
    pub properties: Properties,
}

impl ConnAck {
    /// The 5.0 reason code to write.
    fn v5_reason(&self) -> ReasonCode {
        self.reason.unwrap_or(self.code.to_reason())
    }

    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if version != ProtocolVersion::V5 {
            if self.reason.is_some() {
                return Err(EncodeError::V5Only {
                    kind: "CONNACK",
                    field: "reason code",
                });
            }
            check_v3_properties("CONNACK", &self.properties)?;
            if self.session_present && self.code != ConnectReturnCode::Accepted {
                // MQTT-3.2.2-4
                return Err(EncodeError::Invalid(
                    "CONNACK cannot report a present session on a refused connection",
                ));
            }
            return Ok(2);
        }
        let reason = self.v5_reason();
        reason.check_for(PacketKind::ConnAck)?;
        if ConnectReturnCode::from_reason(reason) != self.code {
            return Err(EncodeError::Invalid(
                "CONNACK code must be ConnectReturnCode::from_reason(reason)",
            ));
        }
        if self.session_present && reason != ReasonCode::Success {
            // MQTT-3.2.2-6
            return Err(EncodeError::Invalid(
                "CONNACK cannot report a present session on a refused connection",
            ));
        }
        Ok(2 + self.properties.size(PacketKind::ConnAck)?)
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::ConnAck.first_byte(), remaining_len);
        out.put_u8(u8::from(self.session_present));
        if version == ProtocolVersion::V5 {
            out.put_u8(self.v5_reason().code());
            self.properties.write(out);
        } else {
            out.put_u8(self.code.code());
        }
    }

    fn read_v5(body: Bytes) -> Result<ConnAck, DecodeError> {
        let mut r = Reader::new("CONNACK", body);
        let flags = r.u8("acknowledge flags")?;
        let reason = ReasonCode::read_for(r.u8("reason code")?, PacketKind::ConnAck)?;
        let properties = Properties::read(&mut r, PacketKind::ConnAck)?;
        r.finish()?;
        if flags & 0xFE != 0 {
            return Err(DecodeError::Malformed("CONNACK reserved flag bits are set"));
        }
        let session_present = flags & 0x01 != 0;
        if session_present && reason != ReasonCode::Success {
            return Err(DecodeError::Malformed(
                "CONNACK reports a present session on a refused connection",
            ));
        }
        Ok(ConnAck {
            session_present,
            code: ConnectReturnCode::from_reason(reason),
            reason: Some(reason),
            properties,
        })
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<ConnAck, DecodeError> {
        if version == ProtocolVersion::V5 {
            return ConnAck::read_v5(body);
        }
        let mut r = Reader::new("CONNACK", body);
        let flags = r.u8("acknowledge flags")?;
        let code_byte = r.u8("return code")?;
        r.finish()?;
        let code = ConnectReturnCode::from_u8(code_byte)
            .ok_or(DecodeError::InvalidConnectReturnCode(code_byte))?;
        let session_present = match version {
            // 3.1 has no session-present flag: the whole byte is "reserved, not used", and
            // receivers are to ignore reserved values there.
            ProtocolVersion::V31 => false,
            _ => {
                if flags & 0xFE != 0 {
                    // MQTT-3.2.2-1 reserves bits 7-1.
                    return Err(DecodeError::Malformed("CONNACK reserved flag bits are set"));
                }
                let present = flags & 0x01 != 0;
                if present && code != ConnectReturnCode::Accepted {
                    return Err(DecodeError::Malformed(
                        "CONNACK reports a present session on a refused connection",
                    ));
                }
                present
            }
        };
        Ok(ConnAck {
            session_present,
            code,
            reason: None,
            properties: Properties::new(),
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
    fn vectors() {
        let ack = ConnAck {
            reason: None,
            properties: Properties::new(),
            session_present: true,
            code: ConnectReturnCode::Accepted,
        };
        let mut out = BytesMut::new();
        Packet::ConnAck(ack.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &[0x20, 0x02, 0x01, 0x00]);
        assert_eq!(
            decode(&out, ProtocolVersion::V311),
            Ok(Some(Packet::ConnAck(ack)))
        );
        assert_eq!(
            decode(&[0x20, 0x02, 0x00, 0x04], ProtocolVersion::V311),
            Ok(Some(Packet::ConnAck(ConnAck {
                reason: None,
                properties: Properties::new(),
                session_present: false,
                code: ConnectReturnCode::BadUserNameOrPassword
            })))
        );
    }

    #[test]
    fn return_codes() {
        for code in 0..=5u8 {
            let rc = ConnectReturnCode::from_u8(code).unwrap();
            assert_eq!(rc.code(), code);
            assert!(!rc.describe().is_empty());
        }
        assert_eq!(
            ConnectReturnCode::BadUserNameOrPassword.describe(),
            "bad user name or password"
        );
        assert_eq!(
            decode(&[0x20, 0x02, 0x00, 0x06], ProtocolVersion::V311),
            Err(DecodeError::InvalidConnectReturnCode(6))
        );
    }

    #[test]
    fn reserved_bits() {
        assert!(matches!(
            decode(&[0x20, 0x02, 0x02, 0x00], ProtocolVersion::V311),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode(&[0x20, 0x02, 0x01, 0x05], ProtocolVersion::V311),
            Err(DecodeError::Malformed(_))
        ));
        // 3.1 ignores the byte altogether.
        assert_eq!(
            decode(&[0x20, 0x02, 0x01, 0x00], ProtocolVersion::V31),
            Ok(Some(Packet::ConnAck(ConnAck {
                reason: None,
                properties: Properties::new(),
                session_present: false,
                code: ConnectReturnCode::Accepted
            })))
        );
    }

    #[test]
    fn wrong_length() {
        assert!(matches!(
            decode(&[0x20, 0x03, 0x00, 0x00, 0x00], ProtocolVersion::V311),
            Err(DecodeError::TrailingBytes { .. })
        ));
        assert!(matches!(
            decode(&[0x20, 0x01, 0x00], ProtocolVersion::V311),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn refused_with_session_is_not_encoded() {
        let ack = ConnAck {
            reason: None,
            properties: Properties::new(),
            session_present: true,
            code: ConnectReturnCode::NotAuthorized,
        };
        assert!(Packet::ConnAck(ack)
            .encode(ProtocolVersion::V311, &mut BytesMut::new())
            .is_err());
    }
}
