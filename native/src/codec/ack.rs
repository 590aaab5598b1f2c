//! The packets whose body is exactly one non-zero packet id: PUBACK, PUBREC, PUBREL,
//! PUBCOMP and UNSUBACK.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;

macro_rules! id_only_packet {
    ($(#[$doc:meta])* $name:ident, $ty:expr, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name {
            pub pkid: u16,
        }

        impl $name {
            pub(crate) fn size(&self) -> Result<usize, EncodeError> {
                if self.pkid == 0 {
                    return Err(EncodeError::ZeroPacketId);
                }
                Ok(2)
            }

            pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
                fixed_header::put(out, $ty.first_byte(), remaining_len);
                out.put_u16(self.pkid);
            }

            pub(crate) fn read(body: Bytes) -> Result<$name, DecodeError> {
                let mut r = Reader::new($kind, body);
                let pkid = r.packet_id()?;
                r.finish()?;
                Ok($name { pkid })
            }
        }
    };
}

id_only_packet!(
    /// QoS 1 acknowledgement.
    PubAck,
    PacketType::PubAck,
    "PUBACK"
);
id_only_packet!(
    /// QoS 2, step 1: publish received.
    PubRec,
    PacketType::PubRec,
    "PUBREC"
);
id_only_packet!(
    /// QoS 2, step 2: publish release (fixed-header flags 0b0010).
    PubRel,
    PacketType::PubRel,
    "PUBREL"
);
id_only_packet!(
    /// QoS 2, step 3: publish complete.
    PubComp,
    PacketType::PubComp,
    "PUBCOMP"
);
id_only_packet!(
    /// UNSUBSCRIBE acknowledgement (3.1.1 has no payload).
    UnsubAck,
    PacketType::UnsubAck,
    "UNSUBACK"
);

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet, ProtocolVersion};
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
        decode_packet(&mut BytesMut::from(bytes), ProtocolVersion::V311, 64)
    }

    #[test]
    fn vectors() {
        let cases = [
            (
                Packet::PubAck(PubAck { pkid: 0x1234 }),
                [0x40, 0x02, 0x12, 0x34],
            ),
            (Packet::PubRec(PubRec { pkid: 1 }), [0x50, 0x02, 0x00, 0x01]),
            (
                Packet::PubRel(PubRel { pkid: 0xFFFF }),
                [0x62, 0x02, 0xFF, 0xFF],
            ),
            (
                Packet::PubComp(PubComp { pkid: 7 }),
                [0x70, 0x02, 0x00, 0x07],
            ),
            (
                Packet::UnsubAck(UnsubAck { pkid: 9 }),
                [0xB0, 0x02, 0x00, 0x09],
            ),
        ];
        for (packet, bytes) in cases {
            let mut out = BytesMut::new();
            packet.encode(&mut out).unwrap();
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
            Packet::PubAck(PubAck { pkid: 0 }).encode(&mut BytesMut::new()),
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
