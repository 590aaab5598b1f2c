//! The fixed header: packet type, flags and remaining length.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::primitives::{parse_remaining_length, put_remaining_length, remaining_length_size};
use super::{ProtocolVersion, QoS, MAX_REMAINING_LENGTH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    /// MQTT 5.0 only; reserved in 3.1/3.1.1.
    Auth = 15,
}

impl PacketType {
    fn from_nibble(v: u8, version: ProtocolVersion) -> Result<PacketType, DecodeError> {
        Ok(match v {
            1 => PacketType::Connect,
            2 => PacketType::ConnAck,
            3 => PacketType::Publish,
            4 => PacketType::PubAck,
            5 => PacketType::PubRec,
            6 => PacketType::PubRel,
            7 => PacketType::PubComp,
            8 => PacketType::Subscribe,
            9 => PacketType::SubAck,
            10 => PacketType::Unsubscribe,
            11 => PacketType::UnsubAck,
            12 => PacketType::PingReq,
            13 => PacketType::PingResp,
            14 => PacketType::Disconnect,
            15 if version == ProtocolVersion::V5 => PacketType::Auth,
            other => return Err(DecodeError::InvalidPacketType(other)),
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }

    /// The flags every packet but PUBLISH must carry (MQTT-2.2.2-1).
    pub(crate) fn fixed_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 0b0010,
            _ => 0,
        }
    }

    /// First header byte for every packet whose flags are fixed.
    pub(crate) fn first_byte(self) -> u8 {
        ((self as u8) << 4) | self.fixed_flags()
    }
}

/// PUBLISH flags: checked here so a bad header is refused before its body is awaited.
fn check_publish_flags(flags: u8) -> Result<(), DecodeError> {
    let qos_bits = (flags >> 1) & 0b11;
    let qos = QoS::from_u8(qos_bits).ok_or(DecodeError::InvalidQoS(qos_bits))?;
    if qos == QoS::AtMostOnce && flags & 0b1000 != 0 {
        // MQTT-3.3.1-2: DUP must be 0 for QoS 0.
        return Err(DecodeError::InvalidFlags {
            kind: "PUBLISH",
            flags,
        });
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedHeader {
    pub(crate) packet_type: PacketType,
    pub(crate) flags: u8,
    /// Bytes of the fixed header itself: 1 + length of the varint.
    pub(crate) header_len: usize,
    pub(crate) remaining_len: usize,
}

impl FixedHeader {
    pub(crate) fn frame_len(&self) -> usize {
        self.header_len + self.remaining_len
    }
}

/// Parses and validates an MQTT 3.1/3.1.1 fixed header at the start of `buf` without
/// consuming anything. `Ok(None)` means the header itself is incomplete.
#[cfg(test)]
pub(crate) fn parse(buf: &[u8]) -> Result<Option<FixedHeader>, DecodeError> {
    parse_versioned(buf, ProtocolVersion::V311)
}

/// Like [`parse`] for any version: type 15 (AUTH) is valid only in MQTT 5.0.
pub(crate) fn parse_versioned(
    buf: &[u8],
    version: ProtocolVersion,
) -> Result<Option<FixedHeader>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let packet_type = PacketType::from_nibble(first >> 4, version)?;
    let flags = first & 0x0F;
    if packet_type == PacketType::Publish {
        check_publish_flags(flags)?;
    } else if flags != packet_type.fixed_flags() {
        return Err(DecodeError::InvalidFlags {
            kind: packet_type.name(),
            flags,
        });
    }
    let Some((remaining_len, len_bytes)) = parse_remaining_length(buf.get(1..).unwrap_or(&[]))?
    else {
        return Ok(None);
    };
    Ok(Some(FixedHeader {
        packet_type,
        flags,
        header_len: 1 + len_bytes,
        remaining_len,
    }))
}

/// Checks a body length against MQTT's limit and returns the whole frame length.
pub(crate) fn frame_len(remaining_len: usize) -> Result<usize, EncodeError> {
    if remaining_len > MAX_REMAINING_LENGTH {
        return Err(EncodeError::PacketTooLarge {
            size: remaining_len,
            max: MAX_REMAINING_LENGTH,
        });
    }
    Ok(1 + remaining_length_size(remaining_len) + remaining_len)
}

/// Writes a fixed header whose remaining length was checked by [`frame_len`].
pub(crate) fn put(out: &mut BytesMut, first_byte: u8, remaining_len: usize) {
    out.put_u8(first_byte);
    put_remaining_length(out, remaining_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_types_are_rejected() {
        assert_eq!(parse(&[0x00, 0x00]), Err(DecodeError::InvalidPacketType(0)));
        assert_eq!(
            parse(&[0xF0, 0x00]),
            Err(DecodeError::InvalidPacketType(15))
        );
    }

    #[test]
    fn fixed_flags_are_enforced() {
        // PUBREL, SUBSCRIBE, UNSUBSCRIBE need 0b0010; everything else 0.
        assert!(parse(&[0x62, 0x02]).unwrap().is_some());
        assert!(matches!(
            parse(&[0x60, 0x02]),
            Err(DecodeError::InvalidFlags {
                kind: "PUBREL",
                flags: 0
            })
        ));
        assert!(matches!(
            parse(&[0x80, 0x00]),
            Err(DecodeError::InvalidFlags {
                kind: "SUBSCRIBE",
                ..
            })
        ));
        assert!(matches!(
            parse(&[0xA3, 0x00]),
            Err(DecodeError::InvalidFlags {
                kind: "UNSUBSCRIBE",
                ..
            })
        ));
        for ty in [1u8, 2, 4, 5, 7, 9, 11, 12, 13, 14] {
            for flags in 1..16u8 {
                assert!(parse(&[(ty << 4) | flags, 0]).is_err(), "{ty} {flags}");
            }
            assert!(parse(&[ty << 4, 0]).unwrap().is_some());
        }
    }

    #[test]
    fn publish_flags() {
        assert_eq!(parse(&[0x36, 0x00]), Err(DecodeError::InvalidQoS(3)));
        assert!(matches!(
            parse(&[0x38, 0x00]),
            Err(DecodeError::InvalidFlags {
                kind: "PUBLISH",
                ..
            })
        ));
        for ok in [0x30u8, 0x31, 0x32, 0x33, 0x34, 0x3A, 0x3D] {
            assert!(parse(&[ok, 0x00]).unwrap().is_some(), "{ok:#x}");
        }
    }

    #[test]
    fn header_is_rejected_before_length_arrives() {
        // A bad first byte is reported with nothing else buffered.
        assert!(parse(&[0x00]).is_err());
        assert_eq!(parse(&[0x30]), Ok(None));
        assert_eq!(parse(&[0x30, 0x80]), Ok(None));
        assert_eq!(
            parse(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err(DecodeError::MalformedRemainingLength)
        );
    }

    #[test]
    fn lengths() {
        let h = parse(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F]).unwrap().unwrap();
        assert_eq!(h.header_len, 5);
        assert_eq!(h.remaining_len, MAX_REMAINING_LENGTH);
        assert_eq!(h.frame_len(), MAX_REMAINING_LENGTH + 5);
        assert_eq!(frame_len(0), Ok(2));
        assert_eq!(
            frame_len(MAX_REMAINING_LENGTH),
            Ok(MAX_REMAINING_LENGTH + 5)
        );
        assert!(frame_len(MAX_REMAINING_LENGTH + 1).is_err());
    }
}
