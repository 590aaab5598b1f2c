//! UNSUBSCRIBE: packet id, (MQTT 5.0: properties,) then topic filters.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::{check_topic_filter, put_string, string_size, Reader};
use super::properties::{PacketKind, Properties};
use super::ProtocolVersion;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unsubscribe {
    pub pkid: u16,
    pub topics: Vec<String>,
    /// MQTT 5.0 (User Property only); empty for 3.1/3.1.1.
    pub properties: Properties,
}

impl Unsubscribe {
    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if self.topics.is_empty() {
            // MQTT-3.10.3-2
            return Err(EncodeError::EmptyUnsubscribe);
        }
        let mut len = 2;
        if version == ProtocolVersion::V5 {
            len += self.properties.size(PacketKind::Unsubscribe)?;
        } else {
            check_v3_properties("UNSUBSCRIBE", &self.properties)?;
        }
        for topic in &self.topics {
            check_topic_filter(topic)?;
            len += string_size("topic filter", topic)?;
        }
        Ok(len)
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Unsubscribe.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        if version == ProtocolVersion::V5 {
            self.properties.write(out);
        }
        for topic in &self.topics {
            put_string(out, topic);
        }
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<Unsubscribe, DecodeError> {
        let mut r = Reader::new("UNSUBSCRIBE", body);
        let pkid = r.packet_id()?;
        let properties = if version == ProtocolVersion::V5 {
            Properties::read(&mut r, PacketKind::Unsubscribe)?
        } else {
            Properties::new()
        };
        let mut topics = Vec::new();
        while !r.is_empty() {
            topics.push(r.topic_filter()?);
        }
        if topics.is_empty() {
            return Err(DecodeError::Malformed("UNSUBSCRIBE has no topic filter"));
        }
        Ok(Unsubscribe {
            pkid,
            topics,
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
        let unsub = Unsubscribe {
            properties: Properties::new(),
            pkid: 3,
            topics: vec!["a/b".into(), "c/+".into()],
        };
        #[rustfmt::skip]
        let bytes = [
            0xA2, 12,
            0x00, 0x03,
            0x00, 0x03, b'a', b'/', b'b',
            0x00, 0x03, b'c', b'/', b'+',
        ];
        let mut out = BytesMut::new();
        Packet::Unsubscribe(unsub.clone())
            .encode(ProtocolVersion::V311, &mut out)
            .unwrap();
        assert_eq!(&out[..], &bytes[..]);
        assert_eq!(decode(&bytes), Ok(Some(Packet::Unsubscribe(unsub))));
    }

    #[test]
    fn invalid_unsubscribes() {
        assert!(matches!(
            decode(&[0xA2, 0x02, 0x00, 0x01]),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(
            decode(&[0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, b't']),
            Err(DecodeError::ZeroPacketId)
        );
        assert!(matches!(
            decode(&[0xA2, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x00]),
            Err(DecodeError::Truncated { .. })
        ));
        assert!(matches!(
            decode(&[0xA0, 0x05, 0x00, 0x01, 0x00, 0x01, b't']),
            Err(DecodeError::InvalidFlags { .. })
        ));
        assert_eq!(
            Packet::Unsubscribe(Unsubscribe {
                pkid: 1,
                topics: vec![],
                properties: Properties::new(),
            })
            .encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::EmptyUnsubscribe)
        );
    }
}
