//! SUBSCRIBE: packet id, (MQTT 5.0: properties,) then (topic filter, options) pairs. The
//! options byte holds the requested QoS in 3.1/3.1.1 and, in 5.0, also No Local, Retain As
//! Published and Retain Handling.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::{check_topic_filter, put_string, string_size, Reader};
use super::properties::{PacketKind, Properties};
use super::{ProtocolVersion, QoS};

const NO_LOCAL: u8 = 0b0000_0100;
const RETAIN_AS_PUBLISHED: u8 = 0b0000_1000;
const RETAIN_HANDLING_SHIFT: u8 = 4;
const V5_RESERVED: u8 = 0b1100_0000;
const V3_RESERVED: u8 = 0b1111_1100;

/// When the server sends retained messages for a new subscription (MQTT 5.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetainHandling {
    /// 0: at subscribe time (the only behaviour of 3.1/3.1.1).
    #[default]
    SendAtSubscribe = 0,
    /// 1: at subscribe time, only if the subscription did not exist yet.
    SendAtSubscribeIfNew = 1,
    /// 2: never.
    DoNotSend = 2,
}

impl RetainHandling {
    pub fn from_u8(v: u8) -> Option<RetainHandling> {
        match v {
            0 => Some(RetainHandling::SendAtSubscribe),
            1 => Some(RetainHandling::SendAtSubscribeIfNew),
            2 => Some(RetainHandling::DoNotSend),
            _ => None,
        }
    }
}

/// The subscription options byte. Only `qos` exists in 3.1/3.1.1; the rest must keep
/// their defaults there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionOptions {
    pub qos: QoS,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
}

impl Default for SubscriptionOptions {
    fn default() -> Self {
        SubscriptionOptions::from(QoS::AtMostOnce)
    }
}

impl From<QoS> for SubscriptionOptions {
    fn from(qos: QoS) -> Self {
        SubscriptionOptions {
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: RetainHandling::SendAtSubscribe,
        }
    }
}

impl SubscriptionOptions {
    pub fn to_byte(self) -> u8 {
        let mut b = self.qos as u8 | ((self.retain_handling as u8) << RETAIN_HANDLING_SHIFT);
        if self.no_local {
            b |= NO_LOCAL;
        }
        if self.retain_as_published {
            b |= RETAIN_AS_PUBLISHED;
        }
        b
    }

    /// Decodes a 5.0 options byte.
    pub fn from_byte(b: u8) -> Result<SubscriptionOptions, DecodeError> {
        if b & V5_RESERVED != 0 {
            // MQTT-3.8.3-5
            return Err(DecodeError::Malformed(
                "SUBSCRIBE options byte has reserved bits set",
            ));
        }
        let qos = QoS::from_u8(b & 0b11).ok_or(DecodeError::InvalidQoS(b & 0b11))?;
        let rh = (b >> RETAIN_HANDLING_SHIFT) & 0b11;
        let retain_handling = RetainHandling::from_u8(rh).ok_or(DecodeError::ProtocolError(
            "SUBSCRIBE Retain Handling 3 is reserved",
        ))?;
        Ok(SubscriptionOptions {
            qos,
            no_local: b & NO_LOCAL != 0,
            retain_as_published: b & RETAIN_AS_PUBLISHED != 0,
            retain_handling,
        })
    }

    /// The 5.0-only option set to a non-default value, if any.
    fn v5_only_field(self) -> Option<&'static str> {
        if self.no_local {
            Some("subscription option No Local")
        } else if self.retain_as_published {
            Some("subscription option Retain As Published")
        } else if self.retain_handling != RetainHandling::SendAtSubscribe {
            Some("subscription option Retain Handling")
        } else {
            None
        }
    }
}

/// Why a 5.0 filter is not a valid shared subscription (`$share/{ShareName}/{filter}`),
/// or cannot carry `options`.
fn shared_problem(filter: &str, options: SubscriptionOptions) -> Option<&'static str> {
    let rest = filter.strip_prefix("$share/")?;
    let Some((group, topic)) = rest.split_once('/') else {
        return Some("a shared subscription needs $share/{ShareName}/{filter}");
    };
    if group.is_empty() || group.contains(['+', '#']) {
        return Some("a share name must be non-empty and hold no wildcard");
    }
    if topic.is_empty() {
        return Some("a shared subscription needs a topic filter after the share name");
    }
    if options.no_local {
        // MQTT-3.8.3-4
        return Some("No Local must not be set on a shared subscription");
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscribe {
    pub pkid: u16,
    pub filters: Vec<(String, SubscriptionOptions)>,
    /// MQTT 5.0 (Subscription Identifier, User Property); empty for 3.1/3.1.1.
    pub properties: Properties,
}

impl Subscribe {
    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if self.filters.is_empty() {
            // MQTT-3.8.3-3
            return Err(EncodeError::EmptySubscribe);
        }
        let v5 = version == ProtocolVersion::V5;
        let mut len = 2;
        if v5 {
            len += self.properties.size(PacketKind::Subscribe)?;
        } else {
            check_v3_properties("SUBSCRIBE", &self.properties)?;
        }
        for (filter, options) in &self.filters {
            check_topic_filter(filter)?;
            if v5 {
                if let Some(reason) = shared_problem(filter, *options) {
                    return Err(EncodeError::InvalidTopicFilter {
                        filter: filter.clone(),
                        reason,
                    });
                }
            } else if let Some(field) = options.v5_only_field() {
                return Err(EncodeError::V5Only {
                    kind: "SUBSCRIBE",
                    field,
                });
            }
            len += string_size("topic filter", filter)? + 1;
        }
        Ok(len)
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Subscribe.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        if version == ProtocolVersion::V5 {
            self.properties.write(out);
        }
        for (filter, options) in &self.filters {
            put_string(out, filter);
            out.put_u8(options.to_byte());
        }
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<Subscribe, DecodeError> {
        let mut r = Reader::new("SUBSCRIBE", body);
        let pkid = r.packet_id()?;
        let v5 = version == ProtocolVersion::V5;
        let properties = if v5 {
            Properties::read(&mut r, PacketKind::Subscribe)?
        } else {
            Properties::new()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.topic_filter()?;
            let byte = r.u8("requested QoS")?;
            let options = if v5 {
                let options = SubscriptionOptions::from_byte(byte)?;
                if let Some(reason) = shared_problem(&filter, options) {
                    return Err(DecodeError::ProtocolError(reason));
                }
                options
            } else {
                if byte & V3_RESERVED != 0 {
                    // MQTT-3.8.3-4: the upper six bits are reserved.
                    return Err(DecodeError::Malformed(
                        "SUBSCRIBE requested-QoS byte has reserved bits set",
                    ));
                }
                QoS::from_u8(byte)
                    .ok_or(DecodeError::InvalidQoS(byte))?
                    .into()
            };
            filters.push((filter, options));
        }
        if filters.is_empty() {
            return Err(DecodeError::Malformed("SUBSCRIBE has no topic filter"));
        }
        Ok(Subscribe {
            pkid,
            filters,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet};
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), ProtocolVersion::V311, 1024)
    }

    #[test]
    fn vector() {
        let sub = Subscribe {
            properties: Properties::new(),
            pkid: 1,
            filters: vec![
                ("a/b".into(), QoS::AtLeastOnce.into()),
                ("c/#".into(), QoS::ExactlyOnce.into()),
                ("+".into(), QoS::AtMostOnce.into()),
            ],
        };
        #[rustfmt::skip]
        let bytes = [
            0x82, 18,
            0x00, 0x01,
            0x00, 0x03, b'a', b'/', b'b', 0x01,
            0x00, 0x03, b'c', b'/', b'#', 0x02,
            0x00, 0x01, b'+', 0x00,
        ];
        let mut out = BytesMut::new();
        Packet::Subscribe(sub.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        assert_eq!(decode(&bytes), Ok(Some(Packet::Subscribe(sub))));
    }

    #[test]
    fn invalid_subscribes() {
        // No filters.
        assert!(matches!(
            decode(&[0x82, 0x02, 0x00, 0x01]),
            Err(DecodeError::Malformed(_))
        ));
        // QoS 3, reserved bits, missing QoS byte.
        assert_eq!(
            decode(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x03]),
            Err(DecodeError::InvalidQoS(3))
        );
        assert!(matches!(
            decode(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x04]),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode(&[0x82, 0x05, 0x00, 0x01, 0x00, 0x01, b't']),
            Err(DecodeError::Truncated { .. })
        ));
        // Zero packet id, bad filter, wrong header flags.
        assert_eq!(
            decode(&[0x82, 0x06, 0x00, 0x00, 0x00, 0x01, b't', 0x00]),
            Err(DecodeError::ZeroPacketId)
        );
        assert!(matches!(
            decode(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'#', b'a', 0x00]),
            Err(DecodeError::InvalidTopicFilter { .. })
        ));
        assert!(matches!(
            decode(&[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x00]),
            Err(DecodeError::InvalidFlags { .. })
        ));
    }

    #[test]
    fn encode_checks() {
        let empty = Subscribe {
            properties: Properties::new(),
            pkid: 1,
            filters: vec![],
        };
        assert_eq!(
            Packet::Subscribe(empty).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::EmptySubscribe)
        );
        let zero = Subscribe {
            properties: Properties::new(),
            pkid: 0,
            filters: vec![("t".into(), QoS::AtMostOnce.into())],
        };
        assert_eq!(
            Packet::Subscribe(zero).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::ZeroPacketId)
        );
        let bad = Subscribe {
            properties: Properties::new(),
            pkid: 1,
            filters: vec![("a/#/b".into(), QoS::AtMostOnce.into())],
        };
        assert!(matches!(
            Packet::Subscribe(bad).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::InvalidTopicFilter { .. })
        ));
    }
}
