//! CONNECT: protocol name and level, connect flags, keep-alive, (MQTT 5.0: properties,)
//! then client id, will (5.0: with its properties), user name and password.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::{
    binary_size, check_topic_name, put_binary, put_string, string_size, Reader,
};
use super::properties::{PacketKind, Properties};
use super::{ProtocolVersion, QoS};

const USERNAME: u8 = 0x80;
const PASSWORD: u8 = 0x40;
const WILL_RETAIN: u8 = 0x20;
const WILL_QOS_SHIFT: u8 = 3;
const WILL: u8 = 0x04;
const CLEAN_SESSION: u8 = 0x02;
const RESERVED: u8 = 0x01;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastWill {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5.0 will properties (Will Delay Interval, Message Expiry Interval, Content
    /// Type, ...); must stay empty for 3.1/3.1.1.
    pub properties: Properties,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Connect {
    pub protocol: ProtocolVersion,
    /// MQTT 3.1 limits this to 1..=23 characters; that is for the caller to respect, since
    /// many brokers accept longer ids anyway.
    pub client_id: String,
    pub clean_session: bool,
    pub keep_alive: u16,
    pub username: Option<String>,
    pub password: Option<Bytes>,
    pub will: Option<LastWill>,
    /// MQTT 5.0; must stay empty for 3.1/3.1.1.
    pub properties: Properties,
}

/// Hand-written so that a password can never reach a log through `{:?}`.
impl fmt::Debug for Connect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connect")
            .field("protocol", &self.protocol)
            .field("client_id", &self.client_id)
            .field("clean_session", &self.clean_session)
            .field("keep_alive", &self.keep_alive)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| Redacted))
            .field("will", &self.will)
            .field("properties", &self.properties)
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Connect {
    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.username.is_some() {
            flags |= USERNAME;
        }
        if self.password.is_some() {
            flags |= PASSWORD;
        }
        if let Some(will) = &self.will {
            flags |= WILL | ((will.qos as u8) << WILL_QOS_SHIFT);
            if will.retain {
                flags |= WILL_RETAIN;
            }
        }
        if self.clean_session {
            flags |= CLEAN_SESSION;
        }
        flags
    }

    pub(crate) fn size(&self) -> Result<usize, EncodeError> {
        let v5 = self.protocol == ProtocolVersion::V5;
        if self.password.is_some() && self.username.is_none() && !v5 {
            // MQTT-3.1.2-22: a password needs a user name in 3.1 and 3.1.1.
            return Err(EncodeError::Invalid(
                "a CONNECT password needs a user name in MQTT 3.1/3.1.1",
            ));
        }
        let mut len = string_size("protocol name", self.protocol.protocol_name())? + 1 + 1 + 2;
        if v5 {
            len += self.properties.size(PacketKind::Connect)?;
        } else {
            check_v3_properties("CONNECT", &self.properties)?;
        }
        len += string_size("client identifier", &self.client_id)?;
        if let Some(will) = &self.will {
            if v5 {
                len += will.properties.size(PacketKind::Will)?;
            } else if !will.properties.is_empty() {
                return Err(EncodeError::V5Only {
                    kind: "CONNECT",
                    field: "will properties",
                });
            }
            check_topic_name(&will.topic)?;
            len += string_size("will topic", &will.topic)?;
            len += binary_size("will message", &will.payload)?;
        }
        if let Some(username) = &self.username {
            len += string_size("user name", username)?;
        }
        if let Some(password) = &self.password {
            len += binary_size("password", password)?;
        }
        Ok(len)
    }

    pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Connect.first_byte(), remaining_len);
        put_string(out, self.protocol.protocol_name());
        out.put_u8(self.protocol.level());
        out.put_u8(self.flags());
        out.put_u16(self.keep_alive);
        let v5 = self.protocol == ProtocolVersion::V5;
        if v5 {
            self.properties.write(out);
        }
        put_string(out, &self.client_id);
        if let Some(will) = &self.will {
            if v5 {
                will.properties.write(out);
            }
            put_string(out, &will.topic);
            put_binary(out, &will.payload);
        }
        if let Some(username) = &self.username {
            put_string(out, username);
        }
        if let Some(password) = &self.password {
            put_binary(out, password);
        }
    }

    /// The protocol comes from the packet itself (name and level), not from the version
    /// the caller expects: a server learns the version from CONNECT.
    pub(crate) fn read(body: Bytes) -> Result<Connect, DecodeError> {
        let mut r = Reader::new("CONNECT", body);
        let name = r.string("protocol name")?;
        let level = r.u8("protocol level")?;
        let protocol = ProtocolVersion::from_name_and_level(&name, level)
            .ok_or(DecodeError::InvalidProtocol(name, level))?;
        let flags = r.u8("connect flags")?;
        if flags & RESERVED != 0 {
            // MQTT-3.1.2-3
            return Err(DecodeError::InvalidConnectFlags(flags));
        }
        let will_qos_bits = (flags >> WILL_QOS_SHIFT) & 0b11;
        let will_qos = QoS::from_u8(will_qos_bits).ok_or(DecodeError::InvalidQoS(will_qos_bits))?;
        let has_will = flags & WILL != 0;
        if !has_will && (will_qos_bits != 0 || flags & WILL_RETAIN != 0) {
            // MQTT-3.1.2-13, -15: will QoS and retain only make sense with a will.
            return Err(DecodeError::InvalidConnectFlags(flags));
        }
        let v5 = protocol == ProtocolVersion::V5;
        if flags & PASSWORD != 0 && flags & USERNAME == 0 && !v5 {
            // MQTT-3.1.2-22 (5.0 allows a password without a user name)
            return Err(DecodeError::InvalidConnectFlags(flags));
        }
        let keep_alive = r.u16("keep alive")?;
        let properties = if v5 {
            Properties::read(&mut r, PacketKind::Connect)?
        } else {
            Properties::new()
        };
        let client_id = r.string("client identifier")?;
        let will = if has_will {
            let properties = if v5 {
                Properties::read(&mut r, PacketKind::Will)?
            } else {
                Properties::new()
            };
            let topic = r.topic_name()?;
            let payload = r.binary("will message")?;
            Some(LastWill {
                topic,
                payload,
                qos: will_qos,
                retain: flags & WILL_RETAIN != 0,
                properties,
            })
        } else {
            None
        };
        let username = if flags & USERNAME != 0 {
            Some(r.string("user name")?)
        } else {
            None
        };
        let password = if flags & PASSWORD != 0 {
            Some(r.binary("password")?)
        } else {
            None
        };
        r.finish()?;
        Ok(Connect {
            protocol,
            client_id,
            clean_session: flags & CLEAN_SESSION != 0,
            keep_alive,
            username,
            password,
            will,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet};
    use super::*;

    fn decode_all(bytes: &[u8], version: ProtocolVersion) -> Result<Option<Packet>, DecodeError> {
        let mut buf = BytesMut::from(bytes);
        let res = decode_packet(&mut buf, version, 1 << 20);
        if let Ok(Some(_)) = res {
            assert!(buf.is_empty());
        }
        res
    }

    fn full_v311() -> (Connect, Vec<u8>) {
        let connect = Connect {
            protocol: ProtocolVersion::V311,
            client_id: "cid".into(),
            clean_session: true,
            keep_alive: 60,
            username: Some("user".into()),
            password: Some(Bytes::from_static(b"pw")),
            will: Some(LastWill {
                topic: "w/t".into(),
                payload: Bytes::from_static(b"bye"),
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: Properties::new(),
            }),
            properties: Properties::new(),
        };
        #[rustfmt::skip]
        let bytes = vec![
            0x10, 35,
            0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
            0x04,                               // level 4
            0b1110_1110,                        // user, pass, will retain, will QoS 1, will, clean
            0x00, 0x3C,                         // keep alive 60
            0x00, 0x03, b'c', b'i', b'd',
            0x00, 0x03, b'w', b'/', b't',
            0x00, 0x03, b'b', b'y', b'e',
            0x00, 0x04, b'u', b's', b'e', b'r',
            0x00, 0x02, b'p', b'w',
        ];
        (connect, bytes)
    }

    #[test]
    fn v311_with_will_user_and_password() {
        let (connect, bytes) = full_v311();
        let mut out = BytesMut::new();
        Packet::Connect(connect.clone())
            .encode(connect.protocol, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        assert_eq!(
            decode_all(&bytes, ProtocolVersion::V311),
            Ok(Some(Packet::Connect(connect)))
        );
    }

    #[test]
    fn v31_mqisdp_level_3() {
        let connect = Connect {
            protocol: ProtocolVersion::V31,
            client_id: "c1".into(),
            clean_session: false,
            keep_alive: 10,
            username: None,
            password: None,
            will: None,
            properties: Properties::new(),
        };
        #[rustfmt::skip]
        let bytes = [
            0x10, 16,
            0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p',
            0x03,
            0x00,
            0x00, 0x0A,
            0x00, 0x02, b'c', b'1',
        ];
        let mut out = BytesMut::new();
        Packet::Connect(connect.clone())
            .encode(connect.protocol, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        // The packet names its own version, whatever the caller expected.
        assert_eq!(
            decode_all(&bytes, ProtocolVersion::V311),
            Ok(Some(Packet::Connect(connect)))
        );
    }

    #[test]
    fn debug_redacts_password() {
        let (connect, _) = full_v311();
        let text = format!("{connect:?}");
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!text.contains("pw"), "{text}");
        let no_password = Connect {
            password: None,
            username: None,
            ..connect
        };
        assert!(!format!("{no_password:?}").contains("redacted"));
    }

    fn with_flags(flags: u8) -> Vec<u8> {
        let (_, mut bytes) = full_v311();
        bytes[9] = flags;
        bytes
    }

    #[test]
    fn bad_flags() {
        let v = ProtocolVersion::V311;
        // Reserved bit.
        assert_eq!(
            decode_all(&with_flags(0b1110_1111), v),
            Err(DecodeError::InvalidConnectFlags(0b1110_1111))
        );
        // Will QoS 3.
        assert_eq!(
            decode_all(&with_flags(0b1111_1110), v),
            Err(DecodeError::InvalidQoS(3))
        );
        // Will QoS / retain without a will.
        assert!(matches!(
            decode_all(&with_flags(0b1100_1010), v),
            Err(DecodeError::InvalidConnectFlags(_))
        ));
        assert!(matches!(
            decode_all(&with_flags(0b1110_0010), v),
            Err(DecodeError::InvalidConnectFlags(_))
        ));
        // Password without user name.
        assert!(matches!(
            decode_all(&with_flags(0b0110_1110), v),
            Err(DecodeError::InvalidConnectFlags(_))
        ));
    }

    #[test]
    fn flags_promising_absent_fields_are_truncation() {
        // Will flag cleared: the will's bytes are then read as user name and password, and
        // the real password is left over.
        let (_, mut bytes) = full_v311();
        bytes[9] = 0b1100_0010;
        assert!(matches!(
            decode_all(&bytes, ProtocolVersion::V311),
            Err(DecodeError::TrailingBytes {
                kind: "CONNECT",
                ..
            })
        ));
    }

    #[test]
    fn unknown_protocols() {
        let (_, mut bytes) = full_v311();
        bytes[8] = 3; // "MQTT" with level 3
        assert_eq!(
            decode_all(&bytes, ProtocolVersion::V311),
            Err(DecodeError::InvalidProtocol("MQTT".into(), 3))
        );
        // Level 5 is MQTT 5.0 now; 6 is nothing.
        bytes[8] = 6;
        assert_eq!(
            decode_all(&bytes, ProtocolVersion::V311),
            Err(DecodeError::InvalidProtocol("MQTT".into(), 6))
        );
    }

    #[test]
    fn encode_checks() {
        let (connect, _) = full_v311();
        let bad = Connect {
            username: None,
            ..connect.clone()
        };
        assert!(matches!(
            Packet::Connect(bad).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::Invalid(_))
        ));
        let mut bad = connect.clone();
        bad.will.as_mut().unwrap().topic = "a/#".into();
        let mut out = BytesMut::new();
        assert!(matches!(
            Packet::Connect(bad).encode(ProtocolVersion::V311, &mut out),
            Err(EncodeError::InvalidTopicName { .. })
        ));
        assert!(out.is_empty());
        let bad = Connect {
            client_id: "x".repeat(70_000),
            ..connect
        };
        assert!(matches!(
            Packet::Connect(bad).encode(ProtocolVersion::V311, &mut out),
            Err(EncodeError::StringTooLong { .. })
        ));
    }
}
