//! The acknowledgements whose body is a non-zero packet id, plus in MQTT 5.0 an optional
//! reason code and optional properties: PUBACK, PUBREC, PUBREL and PUBCOMP.
//!
//! 5.0 short forms: remaining length 2 means reason 0x00 and no properties, 3 means a
//! reason code without properties. Encoding picks the shortest form that carries the value.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::{check_v3_tail, read_reason_tail, reason_tail_size, write_reason_tail};
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::properties::{PacketKind, Properties};
use super::reason::ReasonCode;
use super::ProtocolVersion;

macro_rules! id_only_packet {
    ($(#[$doc:meta])* $name:ident, $ty:expr, $pk:expr, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            pub pkid: u16,
            /// MQTT 5.0; must stay 0x00 Success for 3.1/3.1.1.
            pub reason: ReasonCode,
            /// MQTT 5.0; must stay empty for 3.1/3.1.1.
            pub properties: Properties,
        }

        impl $name {
            /// Success, no properties: the only form 3.1/3.1.1 know.
            pub fn new(pkid: u16) -> $name {
                $name {
                    pkid,
                    reason: ReasonCode::Success,
                    properties: Properties::new(),
                }
            }

            pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
                if self.pkid == 0 {
                    return Err(EncodeError::ZeroPacketId);
                }
                if version != ProtocolVersion::V5 {
                    check_v3_tail($kind, self.reason, &self.properties)?;
                    return Ok(2);
                }
                Ok(2 + reason_tail_size(self.reason, &self.properties, $pk)?)
            }

            pub(crate) fn write(
                &self,
                version: ProtocolVersion,
                out: &mut BytesMut,
                remaining_len: usize,
            ) {
                fixed_header::put(out, $ty.first_byte(), remaining_len);
                out.put_u16(self.pkid);
                if version == ProtocolVersion::V5 {
                    write_reason_tail(out, self.reason, &self.properties);
                }
            }

            pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<$name, DecodeError> {
                let mut r = Reader::new($kind, body);
                let pkid = r.packet_id()?;
                let (reason, properties) = if version == ProtocolVersion::V5 {
                    read_reason_tail(&mut r, $pk)?
                } else {
                    (ReasonCode::Success, Properties::new())
                };
                r.finish()?;
                Ok($name {
                    pkid,
                    reason,
                    properties,
                })
            }
        }
    };
}

id_only_packet!(
    /// QoS 1 acknowledgement.
    PubAck,
    PacketType::PubAck,
    PacketKind::PubAck,
    "PUBACK"
);
id_only_packet!(
    /// QoS 2, step 1: publish received.
    PubRec,
    PacketType::PubRec,
    PacketKind::PubRec,
    "PUBREC"
);
id_only_packet!(
    /// QoS 2, step 2: publish release (fixed-header flags 0b0010).
    PubRel,
    PacketType::PubRel,
    PacketKind::PubRel,
    "PUBREL"
);
id_only_packet!(
    /// QoS 2, step 3: publish complete.
    PubComp,
    PacketType::PubComp,
    PacketKind::PubComp,
    "PUBCOMP"
);

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet, UnsubAck};
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), ProtocolVersion::V311, 64)
    }

    #[test]
    fn vectors() {
        let cases = [
            (
                Packet::PubAck(PubAck::new(0x1234)),
                [0x40, 0x02, 0x12, 0x34],
            ),
            (Packet::PubRec(PubRec::new(1)), [0x50, 0x02, 0x00, 0x01]),
            (
                Packet::PubRel(PubRel::new(0xFFFF)),
                [0x62, 0x02, 0xFF, 0xFF],
            ),
            (Packet::PubComp(PubComp::new(7)), [0x70, 0x02, 0x00, 0x07]),
            (Packet::UnsubAck(UnsubAck::new(9)), [0xB0, 0x02, 0x00, 0x09]),
        ];
        for (packet, bytes) in cases {
            let mut out = BytesMut::new();
            packet.encode(ProtocolVersion::V311, &mut out).unwrap();
            assert_eq!(&out[..], &bytes[..], "{}", packet.kind());
            assert_eq!(decode(&bytes), Ok(Some(packet)));
        }
    }

    #[test]
    fn zero_ids_and_wrong_lengths() {
        for first in [0x40u8, 0x50, 0x62, 0x70, 0xB0] {
            assert_eq!(decode(&[first, 2, 0, 0]), Err(DecodeError::ZeroPacketId));
            assert!(matches!(
                decode(&[first, 3, 0, 1, 0]),
                Err(DecodeError::TrailingBytes { extra: 1, .. })
            ));
            assert!(matches!(
                decode(&[first, 1, 0]),
                Err(DecodeError::Truncated { .. })
            ));
            assert!(matches!(
                decode(&[first, 0]),
                Err(DecodeError::Truncated { .. })
            ));
        }
        assert_eq!(
            Packet::PubAck(PubAck::new(0)).encode(ProtocolVersion::V311, &mut BytesMut::new()),
            Err(EncodeError::ZeroPacketId)
        );
    }

    #[test]
    fn pubrel_needs_its_flag() {
        assert!(matches!(
            decode(&[0x60, 0x02, 0x00, 0x01]),
            Err(DecodeError::InvalidFlags { kind: "PUBREL", .. })
        ));
    }
}
