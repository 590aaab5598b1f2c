//! SUBSCRIBE: packet id, then (topic filter, requested QoS) pairs.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::{check_topic_filter, put_string, string_size, Reader};
use super::QoS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    pub pkid: u16,
    pub filters: Vec<(String, QoS)>,
}

impl Subscribe {
    pub(crate) fn size(&self) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if self.filters.is_empty() {
            // MQTT-3.8.3-3
            return Err(EncodeError::EmptySubscribe);
        }
        let mut len = 2;
        for (filter, _) in &self.filters {
            check_topic_filter(filter)?;
            len += string_size("topic filter", filter)? + 1;
        }
        Ok(len)
    }

    pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Subscribe.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        for (filter, qos) in &self.filters {
            put_string(out, filter);
            out.put_u8(*qos as u8);
        }
    }

    pub(crate) fn read(body: Bytes) -> Result<Subscribe, DecodeError> {
        let mut r = Reader::new("SUBSCRIBE", body);
        let pkid = r.packet_id()?;
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.topic_filter()?;
            let options = r.u8("requested QoS")?;
            if options & 0b1111_1100 != 0 {
                // MQTT-3.8.3-4: the upper six bits are reserved.
                return Err(DecodeError::Malformed(
                    "SUBSCRIBE requested-QoS byte has reserved bits set",
                ));
            }
            let qos = QoS::from_u8(options).ok_or(DecodeError::InvalidQoS(options))?;
            filters.push((filter, qos));
        }
        if filters.is_empty() {
            return Err(DecodeError::Malformed("SUBSCRIBE has no topic filter"));
        }
        Ok(Subscribe { pkid, filters })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet, ProtocolVersion};
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), ProtocolVersion::V311, 1024)
    }

    #[test]
    fn vector() {
        let sub = Subscribe {
            pkid: 1,
            filters: vec![
                ("a/b".into(), QoS::AtLeastOnce),
                ("c/#".into(), QoS::ExactlyOnce),
                ("+".into(), QoS::AtMostOnce),
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
        Packet::Subscribe(sub.clone()).encode(&mut out).unwrap();
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
            pkid: 1,
            filters: vec![],
        };
        assert_eq!(
            Packet::Subscribe(empty).encode(&mut BytesMut::new()),
            Err(EncodeError::EmptySubscribe)
        );
        let zero = Subscribe {
            pkid: 0,
            filters: vec![("t".into(), QoS::AtMostOnce)],
        };
        assert_eq!(
            Packet::Subscribe(zero).encode(&mut BytesMut::new()),
            Err(EncodeError::ZeroPacketId)
        );
        let bad = Subscribe {
            pkid: 1,
            filters: vec![("a/#/b".into(), QoS::AtMostOnce)],
        };
        assert!(matches!(
            Packet::Subscribe(bad).encode(&mut BytesMut::new()),
            Err(EncodeError::InvalidTopicFilter { .. })
        ));
    }
}
