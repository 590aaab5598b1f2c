//! PINGREQ and PINGRESP (and the 3.1/3.1.1 DISCONNECT): a fixed header and nothing else.

use bytes::{Bytes, BytesMut};

use super::error::DecodeError;
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;

pub(crate) fn write(out: &mut BytesMut, packet_type: PacketType) {
    fixed_header::put(out, packet_type.first_byte(), 0);
}

/// These packets have no body; any byte after the header is a protocol violation.
pub(crate) fn read(packet_type: PacketType, body: Bytes) -> Result<(), DecodeError> {
    Reader::new(packet_type.name(), body).finish()
}

#[cfg(test)]
mod tests {
    use super::super::{decode_packet, Packet, ProtocolVersion};
    use super::*;

    #[test]
    fn vectors() {
        for (packet, bytes) in [
            (Packet::PingReq, [0xC0, 0x00]),
            (Packet::PingResp, [0xD0, 0x00]),
            (Packet::Disconnect(Default::default()), [0xE0, 0x00]),
        ] {
            let mut out = BytesMut::new();
            packet.encode(ProtocolVersion::V311, &mut out).unwrap();
            assert_eq!(&out[..], &bytes[..]);
            let mut buf = BytesMut::from(&bytes[..]);
            assert_eq!(
                decode_packet(&mut buf, ProtocolVersion::V311, 2),
                Ok(Some(packet))
            );
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn body_is_rejected() {
        for first in [0xC0u8, 0xD0, 0xE0] {
            let mut buf = BytesMut::from(&[first, 0x01, 0x00][..]);
            assert!(matches!(
                decode_packet(&mut buf, ProtocolVersion::V311, 16),
                Err(DecodeError::TrailingBytes { extra: 1, .. })
            ));
        }
        let mut buf = BytesMut::from(&[0xE1, 0x00][..]);
        assert!(matches!(
            decode_packet(&mut buf, ProtocolVersion::V311, 16),
            Err(DecodeError::InvalidFlags {
                kind: "DISCONNECT",
                ..
            })
        ));
    }
}
