//! PUBLISH: flags in the fixed header, topic name, packet id for QoS 1/2, (MQTT 5.0:
//! properties,) payload.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::{check_topic_name, put_string, string_size, topic_name_problem, Reader};
use super::properties::{PacketKind, Properties};
use super::{ProtocolVersion, QoS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    /// May be empty in MQTT 5.0 when the properties carry a Topic Alias.
    pub topic: String,
    /// 0 for QoS 0 (no packet id on the wire); non-zero otherwise.
    pub pkid: u16,
    pub payload: Bytes,
    /// MQTT 5.0; must stay empty for 3.1/3.1.1.
    pub properties: Properties,
}

impl Publish {
    fn first_byte(&self) -> u8 {
        let mut b = ((PacketType::Publish as u8) << 4) | ((self.qos as u8) << 1);
        if self.dup {
            b |= 0b1000;
        }
        if self.retain {
            b |= 0b0001;
        }
        b
    }

    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let v5 = version == ProtocolVersion::V5;
        // MQTT 5.0: a Topic Alias stands for the topic, which may then be empty.
        if !(v5 && self.topic.is_empty() && self.properties.topic_alias().is_some()) {
            check_topic_name(&self.topic)?;
        }
        let mut len = string_size("topic name", &self.topic)?;
        if v5 {
            len += self.properties.size(PacketKind::Publish)?;
        } else {
            check_v3_properties("PUBLISH", &self.properties)?;
        }
        if self.qos == QoS::AtMostOnce {
            // Refused rather than silently dropped, so what is encoded is what the peer sees.
            if self.dup {
                return Err(EncodeError::Invalid("DUP must be 0 for a QoS 0 PUBLISH"));
            }
            if self.pkid != 0 {
                return Err(EncodeError::Invalid(
                    "a QoS 0 PUBLISH carries no packet identifier (pkid must be 0)",
                ));
            }
        } else {
            if self.pkid == 0 {
                return Err(EncodeError::ZeroPacketId);
            }
            len += 2;
        }
        Ok(len + self.payload.len())
    }

    /// Appends the frame to `out`, as [`super::Packet::encode`] does for a PUBLISH (which needs
    /// the message moved into a `Packet`; this borrows it).
    pub fn encode(&self, version: ProtocolVersion, out: &mut BytesMut) -> Result<(), EncodeError> {
        let remaining_len = self.size(version)?;
        out.reserve(fixed_header::frame_len(remaining_len)?);
        self.write(version, out, remaining_len);
        Ok(())
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, self.first_byte(), remaining_len);
        put_string(out, &self.topic);
        if self.qos != QoS::AtMostOnce {
            out.put_u16(self.pkid);
        }
        if version == ProtocolVersion::V5 {
            self.properties.write(out);
        }
        out.put_slice(&self.payload);
    }

    /// `flags` were validated with the fixed header (QoS 3, DUP on QoS 0).
    pub(crate) fn read(
        flags: u8,
        body: Bytes,
        version: ProtocolVersion,
    ) -> Result<Publish, DecodeError> {
        let qos_bits = (flags >> 1) & 0b11;
        let qos = QoS::from_u8(qos_bits).ok_or(DecodeError::InvalidQoS(qos_bits))?;
        let mut r = Reader::new("PUBLISH", body);
        let v5 = version == ProtocolVersion::V5;
        let topic = if v5 {
            r.string("topic name")?
        } else {
            r.topic_name()?
        };
        let pkid = if qos == QoS::AtMostOnce {
            0
        } else {
            r.packet_id()?
        };
        let properties = if v5 {
            let properties = Properties::read(&mut r, PacketKind::Publish)?;
            if !(topic.is_empty() && properties.topic_alias().is_some()) {
                if let Some(reason) = topic_name_problem(&topic) {
                    return Err(DecodeError::InvalidTopicName { topic, reason });
                }
            }
            properties
        } else {
            Properties::new()
        };
        Ok(Publish {
            dup: flags & 0b1000 != 0,
            qos,
            retain: flags & 0b0001 != 0,
            topic,
            pkid,
            payload: r.rest(),
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet};
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), ProtocolVersion::V311, 1 << 20)
    }

    #[test]
    fn qos1_vector() {
        let publish = Publish {
            properties: Properties::new(),
            dup: true,
            qos: QoS::AtLeastOnce,
            retain: true,
            topic: "a/b".into(),
            pkid: 10,
            payload: Bytes::from_static(b"hello"),
        };
        #[rustfmt::skip]
        let bytes = [
            0x3B, 12,
            0x00, 0x03, b'a', b'/', b'b',
            0x00, 0x0A,
            b'h', b'e', b'l', b'l', b'o',
        ];
        let mut out = BytesMut::new();
        Packet::Publish(publish.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        assert_eq!(decode(&bytes), Ok(Some(Packet::Publish(publish))));
    }

    #[test]
    fn qos0_vector_and_empty_payload() {
        let publish = Publish {
            properties: Properties::new(),
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "t".into(),
            pkid: 0,
            payload: Bytes::new(),
        };
        let mut out = BytesMut::new();
        Packet::Publish(publish.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &[0x30, 0x03, 0x00, 0x01, b't']);
        assert_eq!(decode(&out), Ok(Some(Packet::Publish(publish))));
    }

    #[test]
    fn payload_is_a_slice_of_the_frame() {
        let mut buf = BytesMut::from(&[0x30, 0x06, 0x00, 0x01, b't', b'x', b'y', b'z'][..]);
        let frame_start = buf.as_ptr() as usize;
        let Ok(Some(Packet::Publish(p))) = decode_packet(&mut buf, ProtocolVersion::V311, 64)
        else {
            panic!("expected a PUBLISH");
        };
        assert_eq!(&p.payload[..], b"xyz");
        assert_eq!(p.payload.as_ptr() as usize, frame_start + 5);
    }

    #[test]
    fn invalid_publishes() {
        // Wildcards in the topic name.
        assert!(matches!(
            decode(&[0x30, 0x03, 0x00, 0x01, b'#']),
            Err(DecodeError::InvalidTopicName { .. })
        ));
        assert!(matches!(
            decode(&[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+']),
            Err(DecodeError::InvalidTopicName { .. })
        ));
        // Empty topic name.
        assert!(matches!(
            decode(&[0x30, 0x02, 0x00, 0x00]),
            Err(DecodeError::InvalidTopicName { .. })
        ));
        // Packet id 0 at QoS 1 and QoS 2.
        assert_eq!(
            decode(&[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00]),
            Err(DecodeError::ZeroPacketId)
        );
        assert_eq!(
            decode(&[0x34, 0x05, 0x00, 0x01, b't', 0x00, 0x00]),
            Err(DecodeError::ZeroPacketId)
        );
        // QoS 1 without room for the packet id.
        assert!(matches!(
            decode(&[0x32, 0x04, 0x00, 0x01, b't', 0x00]),
            Err(DecodeError::Truncated { .. })
        ));
        // QoS 3 and DUP on QoS 0.
        assert_eq!(decode(&[0x36, 0x00]), Err(DecodeError::InvalidQoS(3)));
        assert!(matches!(
            decode(&[0x38, 0x03, 0x00, 0x01, b't']),
            Err(DecodeError::InvalidFlags { .. })
        ));
    }

    #[test]
    fn encode_checks() {
        let base = Publish {
            properties: Properties::new(),
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: "t".into(),
            pkid: 1,
            payload: Bytes::new(),
        };
        let cases = [
            (
                Publish {
                    pkid: 0,
                    ..base.clone()
                },
                EncodeError::ZeroPacketId,
            ),
            (
                Publish {
                    qos: QoS::AtMostOnce,
                    ..base.clone()
                },
                EncodeError::Invalid(
                    "a QoS 0 PUBLISH carries no packet identifier (pkid must be 0)",
                ),
            ),
            (
                Publish {
                    qos: QoS::AtMostOnce,
                    pkid: 0,
                    dup: true,
                    ..base.clone()
                },
                EncodeError::Invalid("DUP must be 0 for a QoS 0 PUBLISH"),
            ),
        ];
        for (publish, err) in cases {
            let mut out = BytesMut::new();
            assert_eq!(
                Packet::Publish(publish).encode(ProtocolVersion::V311, &mut out),
                Err(err)
            );
            assert!(out.is_empty());
        }
        let wildcard = Publish {
            properties: Properties::new(),
            topic: "a/+".into(),
            ..base
        };
        assert!(matches!(
            Packet::Publish(wildcard).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::InvalidTopicName { .. })
        ));
    }
}
