//! What the fuzz targets check, shared by the targets and the seed generator.
//!
//! The decoder's promises (native/src/codec/mod.rs) are checked on whatever the fuzzer finds:
//! it never panics, an incomplete frame leaves the buffer untouched, and a packet it accepts
//! encodes again (it is no more lenient than the encoder), to a frame that decodes to the same
//! packet, that every strict prefix of is "need more bytes", and that a limit one byte short
//! refuses from its header. Byte-exact re-encoding of the *input* is not promised (a
//! non-minimal remaining length, say, is accepted but never written), so the round trip is
//! checked from the first re-encoding on, where it is exact.

use bytes::BytesMut;
use mqttload::codec::{decode_packet, DecodeError, Packet, ProtocolVersion, MAX_FRAME_SIZE};

/// Frames decoded per input at most: enough to reach back-to-back packets, bounded so one
/// input cannot take long.
const MAX_PACKETS: usize = 64;

/// Prefixes are checked on re-encoded frames up to this size (the check is quadratic).
const PREFIX_CHECK_MAX: usize = 512;

/// The limit the decoder is given: the first byte picks "any size MQTT allows" or a small
/// limit, so the oversize refusal is reached with short inputs too.
pub fn split_limit(data: &[u8]) -> (usize, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) if b & 0x80 != 0 => (usize::from(b & 0x7F) * 4, rest),
        Some((_, rest)) => (MAX_FRAME_SIZE, rest),
        None => (MAX_FRAME_SIZE, data),
    }
}

/// Decodes `data` as a stream of frames in `version` and checks every accepted packet.
pub fn check_stream(data: &[u8], version: ProtocolVersion, max: usize) {
    let mut buf = BytesMut::from(data);
    for _ in 0..MAX_PACKETS {
        let before = buf.clone();
        match decode_packet(&mut buf, version, max) {
            Ok(None) => {
                assert_eq!(
                    buf, before,
                    "an incomplete frame must leave the buffer untouched"
                );
                return;
            }
            Ok(Some(packet)) => {
                let consumed = before.len() - buf.len();
                assert!(
                    consumed >= 2,
                    "a frame is at least 2 bytes, {consumed} consumed"
                );
                assert!(
                    consumed <= max,
                    "frame of {consumed} bytes accepted under limit {max}"
                );
                assert_eq!(
                    &before[consumed..],
                    &buf[..],
                    "bytes after the frame changed"
                );
                check_packet(&packet, version);
            }
            Err(e) => {
                // Refusing an oversized frame is decided from the header: nothing consumed.
                if let DecodeError::PacketTooLarge { size, max: m } = e {
                    assert!(size > m, "PacketTooLarge {size} <= {m}");
                    assert_eq!(buf, before, "an oversized frame must not be consumed");
                }
                return;
            }
        }
    }
}

/// The encoder takes back whatever the decoder accepted, and the round trip from there is exact.
pub fn check_packet(packet: &Packet, version: ProtocolVersion) {
    let len = match packet.encoded_len(version) {
        Ok(len) => len,
        Err(e) => panic!("decoded {packet:?} but encoded_len fails: {e}"),
    };
    let mut out = BytesMut::new();
    if let Err(e) = packet.encode(version, &mut out) {
        panic!("decoded {packet:?} but encode fails: {e}");
    }
    assert_eq!(
        out.len(),
        len,
        "encoded_len disagrees with encode for {packet:?}"
    );

    let frame = out.clone().freeze();
    let again = match decode_packet(&mut out, version, len) {
        Ok(Some(p)) => p,
        other => panic!("re-encoded {packet:?} as {frame:02x?}, decoding it gives {other:?}"),
    };
    assert!(out.is_empty(), "re-encoded frame not consumed whole");
    assert_eq!(
        &again, packet,
        "round trip changed the packet; frame {frame:02x?}"
    );

    let mut twice = BytesMut::new();
    if let Err(e) = again.encode(version, &mut twice) {
        panic!("second encode of {again:?} fails: {e}");
    }
    assert_eq!(&twice[..], &frame[..], "encoding is not deterministic");

    if len <= PREFIX_CHECK_MAX {
        for cut in 0..len {
            let mut short = BytesMut::from(&frame[..cut]);
            let res = decode_packet(&mut short, version, MAX_FRAME_SIZE);
            assert_eq!(res, Ok(None), "prefix of {cut} of {frame:02x?}");
            assert_eq!(&short[..], &frame[..cut]);
        }
    }

    let mut tight = BytesMut::from(&frame[..]);
    match decode_packet(&mut tight, version, len - 1) {
        Err(DecodeError::PacketTooLarge { size, max }) => {
            assert_eq!((size, max), (len, len - 1));
        }
        other => panic!("limit one byte short of {len} gives {other:?}"),
    }
}

/// The `session_inbound` input: `[flags][chunk][bytes the broker writes]`.
pub mod session_input {
    /// Bits 0-1 of the flags byte: the protocol version (`VERSION_*`).
    pub const VERSION_MASK: u8 = 0b11;
    pub const VERSION_V311: u8 = 0;
    pub const VERSION_V5: u8 = 1;
    pub const VERSION_V31: u8 = 2;
    /// The input starts with the broker's CONNACK (else an accepted one is sent first, and
    /// the operations below run before the input).
    pub const RAW: u8 = 1 << 2;
    /// SUBSCRIBE to `a/+` and `#` first (packet id 1); a sink counts deliveries.
    pub const SUBSCRIBE: u8 = 1 << 3;
    /// PUBLISH QoS 1 to `a/b` first (next packet id).
    pub const PUBLISH_QOS1: u8 = 1 << 4;
    /// PUBLISH QoS 2 to `a/c` first (next packet id).
    pub const PUBLISH_QOS2: u8 = 1 << 5;
    /// MQTT 5.0: the CONNACK we send carries limits (Receive Maximum 2, Topic Alias Maximum 4,
    /// Maximum Packet Size 4096), and our publications use topic aliases.
    pub const LIMITS: u8 = 1 << 6;
    /// The second byte: the input is written in pieces of this many bytes (0 = at once).
    pub const WHOLE: u8 = 0;
}
