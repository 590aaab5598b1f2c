//! CONNACK: acknowledge flags and return code.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::ProtocolVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectReturnCode {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    pub code: ConnectReturnCode,
}

impl ConnAck {
    pub(crate) fn size(&self) -> Result<usize, EncodeError> {
        if self.session_present && self.code != ConnectReturnCode::Accepted {
            // MQTT-3.2.2-4
            return Err(EncodeError::Invalid(
                "CONNACK cannot report a present session on a refused connection",
            ));
        }
        Ok(2)
    }

    pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::ConnAck.first_byte(), remaining_len);
        out.put_u8(u8::from(self.session_present));
        out.put_u8(self.code.code());
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<ConnAck, DecodeError> {
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
            ProtocolVersion::V311 => {
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
            session_present: true,
            code: ConnectReturnCode::Accepted,
        };
        let mut out = BytesMut::new();
        Packet::ConnAck(ack.clone()).encode(&mut out).unwrap();
        assert_eq!(&out[..], &[0x20, 0x02, 0x01, 0x00]);
        assert_eq!(
            decode(&out, ProtocolVersion::V311),
            Ok(Some(Packet::ConnAck(ack)))
        );
        assert_eq!(
            decode(&[0x20, 0x02, 0x00, 0x04], ProtocolVersion::V311),
            Ok(Some(Packet::ConnAck(ConnAck {
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
            session_present: true,
            code: ConnectReturnCode::NotAuthorized,
        };
        assert!(Packet::ConnAck(ack).encode(&mut BytesMut::new()).is_err());
    }
}
