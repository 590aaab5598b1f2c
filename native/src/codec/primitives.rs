//! Wire primitives: the remaining-length varint, big-endian u16, length-prefixed strings and
//! binary data, topic checks, and a bounds-checked reader over a frame body.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::MAX_REMAINING_LENGTH;

/// Parses the remaining-length varint at the start of `bytes` (the bytes after the first
/// header byte). Returns `(value, bytes used)`, or `None` if more bytes are needed.
///
/// Non-minimal encodings (e.g. `80 00` for 0) are accepted: 3.1.1 describes the algorithm
/// but, unlike 5.0, does not require the shortest form, and rejecting them buys nothing.
pub(crate) fn parse_remaining_length(bytes: &[u8]) -> Result<Option<(usize, usize)>, DecodeError> {
    let mut value = 0usize;
    for (i, &b) in bytes.iter().take(4).enumerate() {
        value |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    if bytes.len() >= 4 {
        // The fourth byte still had its continuation bit: a fifth byte would be needed,
        // which MQTT forbids. Reject now rather than waiting for it.
        Err(DecodeError::MalformedRemainingLength)
    } else {
        Ok(None)
    }
}

/// Number of bytes the varint for `len` takes.
pub(crate) fn remaining_length_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Callers check `len <= MAX_REMAINING_LENGTH` first; larger values would need a 5th byte.
pub(crate) fn put_remaining_length(out: &mut BytesMut, mut len: usize) {
    debug_assert!(len <= MAX_REMAINING_LENGTH);
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if len == 0 {
            break;
        }
    }
}

/// Encoded size of an MQTT string (2-byte length + UTF-8), after checking MQTT can carry it.
pub(crate) fn string_size(field: &'static str, s: &str) -> Result<usize, EncodeError> {
    if s.len() > usize::from(u16::MAX) {
        return Err(EncodeError::StringTooLong {
            field,
            len: s.len(),
        });
    }
    if s.contains('\0') {
        return Err(EncodeError::NullCharacter { field });
    }
    Ok(2 + s.len())
}

/// Encoded size of an MQTT binary field (2-byte length + bytes).
pub(crate) fn binary_size(field: &'static str, b: &[u8]) -> Result<usize, EncodeError> {
    if b.len() > usize::from(u16::MAX) {
        return Err(EncodeError::BinaryTooLong {
            field,
            len: b.len(),
        });
    }
    Ok(2 + b.len())
}

/// Writes a string already validated by [`string_size`].
pub(crate) fn put_string(out: &mut BytesMut, s: &str) {
    put_binary(out, s.as_bytes());
}

/// Writes binary data already validated by [`binary_size`] or [`string_size`].
pub(crate) fn put_binary(out: &mut BytesMut, b: &[u8]) {
    out.put_u16(b.len() as u16);
    out.put_slice(b);
}

/// Why `topic` cannot be a PUBLISH (or will) topic name, if it cannot.
pub(crate) fn topic_name_problem(topic: &str) -> Option<&'static str> {
    if topic.is_empty() {
        Some("a topic name must not be empty")
    } else if topic.contains(['+', '#']) {
        Some("a topic name must not contain the wildcards '+' or '#'")
    } else {
        None
    }
}

/// Why `filter` cannot be a SUBSCRIBE/UNSUBSCRIBE topic filter, if it cannot.
pub(crate) fn topic_filter_problem(filter: &str) -> Option<&'static str> {
    if filter.is_empty() {
        return Some("a topic filter must not be empty");
    }
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        let last = levels.peek().is_none();
        if level.contains('#') && (level != "#" || !last) {
            return Some("'#' must be alone in the last level");
        }
        if level.contains('+') && level != "+" {
            return Some("'+' must fill a whole level");
        }
    }
    None
}

pub(crate) fn check_topic_name(field_value: &str) -> Result<(), EncodeError> {
    match topic_name_problem(field_value) {
        Some(reason) => Err(EncodeError::InvalidTopicName {
            topic: field_value.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

pub(crate) fn check_topic_filter(filter: &str) -> Result<(), EncodeError> {
    match topic_filter_problem(filter) {
        Some(reason) => Err(EncodeError::InvalidTopicFilter {
            filter: filter.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Bounds-checked cursor over one frame body. Binary fields are returned as slices of the
/// frame (`Bytes::split_to`), so payloads are never copied.
pub(crate) struct Reader {
    kind: &'static str,
    buf: Bytes,
}

impl Reader {
    pub(crate) fn new(kind: &'static str, body: Bytes) -> Self {
        Reader { kind, buf: body }
    }

    pub(crate) fn kind(&self) -> &'static str {
        self.kind
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// A variable byte integer (MQTT 5 property lengths, Subscription Identifier): at most
    /// 4 bytes; a continuation bit on the fourth is malformed, running out is truncation.
    pub(crate) fn var_int(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        match parse_remaining_length(&self.buf) {
            Ok(Some((value, used))) => {
                self.buf.advance(used);
                Ok(value as u32)
            }
            Ok(None) => Err(DecodeError::Truncated {
                kind: self.kind,
                field,
            }),
            Err(_) => Err(DecodeError::MalformedVarInt { field }),
        }
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        if self.buf.len() < 4 {
            return Err(DecodeError::Truncated {
                kind: self.kind,
                field,
            });
        }
        Ok(self.buf.get_u32())
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<Bytes, DecodeError> {
        if self.buf.len() < n {
            return Err(DecodeError::Truncated {
                kind: self.kind,
                field,
            });
        }
        Ok(self.buf.split_to(n))
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        if self.buf.is_empty() {
            return Err(DecodeError::Truncated {
                kind: self.kind,
                field,
            });
        }
        Ok(self.buf.get_u8())
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        if self.buf.len() < 2 {
            return Err(DecodeError::Truncated {
                kind: self.kind,
                field,
            });
        }
        Ok(self.buf.get_u16())
    }

    /// A packet identifier, which MQTT requires to be non-zero wherever it appears.
    pub(crate) fn packet_id(&mut self) -> Result<u16, DecodeError> {
        match self.u16("packet identifier")? {
            0 => Err(DecodeError::ZeroPacketId),
            id => Ok(id),
        }
    }

    pub(crate) fn binary(&mut self, field: &'static str) -> Result<Bytes, DecodeError> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    pub(crate) fn string(&mut self, field: &'static str) -> Result<String, DecodeError> {
        let raw = self.binary(field)?;
        let s = std::str::from_utf8(&raw).map_err(|_| DecodeError::InvalidUtf8)?;
        // Rust's UTF-8 check already refuses surrogates and overlong forms; MQTT also
        // forbids U+0000 (MQTT-1.5.3-2).
        if s.contains('\0') {
            return Err(DecodeError::NullCharacter);
        }
        Ok(s.to_owned())
    }

    pub(crate) fn topic_name(&mut self) -> Result<String, DecodeError> {
        let topic = self.string("topic name")?;
        match topic_name_problem(&topic) {
            Some(reason) => Err(DecodeError::InvalidTopicName { topic, reason }),
            None => Ok(topic),
        }
    }

    pub(crate) fn topic_filter(&mut self) -> Result<String, DecodeError> {
        let filter = self.string("topic filter")?;
        match topic_filter_problem(&filter) {
            Some(reason) => Err(DecodeError::InvalidTopicFilter { filter, reason }),
            None => Ok(filter),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Everything left in the body (the PUBLISH payload).
    pub(crate) fn rest(&mut self) -> Bytes {
        self.buf.split_off(0)
    }

    /// Every packet must consume its body exactly: leftovers mean the peer and we disagree
    /// about the layout, so nothing after them can be trusted.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                kind: self.kind,
                extra: self.buf.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_len(n: usize) -> Vec<u8> {
        let mut out = BytesMut::new();
        put_remaining_length(&mut out, n);
        out.to_vec()
    }

    #[test]
    fn remaining_length_boundaries() {
        let cases: [(usize, &[u8]); 9] = [
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
            (321, &[0xC1, 0x02]),
        ];
        for (value, bytes) in cases {
            assert_eq!(encode_len(value), bytes, "encoding {value}");
            assert_eq!(remaining_length_size(value), bytes.len());
            assert_eq!(
                parse_remaining_length(bytes),
                Ok(Some((value, bytes.len()))),
                "decoding {value}"
            );
            // Every strict prefix needs more bytes.
            for cut in 0..bytes.len() {
                assert_eq!(parse_remaining_length(&bytes[..cut]), Ok(None));
            }
        }
    }

    #[test]
    fn fifth_length_byte_is_rejected() {
        assert_eq!(
            parse_remaining_length(&[0xFF, 0xFF, 0xFF, 0xFF]),
            Err(DecodeError::MalformedRemainingLength)
        );
        assert_eq!(
            parse_remaining_length(&[0x80, 0x80, 0x80, 0x80, 0x01]),
            Err(DecodeError::MalformedRemainingLength)
        );
    }

    #[test]
    fn non_minimal_length_is_accepted() {
        assert_eq!(parse_remaining_length(&[0x80, 0x00]), Ok(Some((0, 2))));
    }

    #[test]
    fn strings_reject_nul_and_bad_utf8() {
        let mut r = Reader::new("TEST", Bytes::from_static(&[0, 3, b'a', 0, b'b']));
        assert_eq!(r.string("s"), Err(DecodeError::NullCharacter));
        let mut r = Reader::new("TEST", Bytes::from_static(&[0, 2, 0xC3, 0x28]));
        assert_eq!(r.string("s"), Err(DecodeError::InvalidUtf8));
        // An encoded surrogate (U+D800) is not valid UTF-8 either.
        let mut r = Reader::new("TEST", Bytes::from_static(&[0, 3, 0xED, 0xA0, 0x80]));
        assert_eq!(r.string("s"), Err(DecodeError::InvalidUtf8));
        let mut r = Reader::new(
            "TEST",
            Bytes::from_static(&[0, 5, b'a', b'/', 0xC3, 0xA9, b'z']),
        );
        assert_eq!(r.string("s").as_deref(), Ok("a/\u{e9}z"));
        assert!(r.finish().is_ok());
    }

    #[test]
    fn string_encoding_limits() {
        assert_eq!(string_size("s", "abc"), Ok(5));
        assert_eq!(
            string_size("s", "a\0b"),
            Err(EncodeError::NullCharacter { field: "s" })
        );
        let long = "x".repeat(65_536);
        assert_eq!(
            string_size("s", &long),
            Err(EncodeError::StringTooLong {
                field: "s",
                len: 65_536
            })
        );
        assert_eq!(string_size("s", &long[..65_535]), Ok(65_537));
        assert!(binary_size("b", &[0u8; 65_536]).is_err());
    }

    #[test]
    fn truncated_fields_and_trailing_bytes() {
        let mut r = Reader::new("TEST", Bytes::from_static(&[0, 4, b'a']));
        assert_eq!(
            r.string("topic name"),
            Err(DecodeError::Truncated {
                kind: "TEST",
                field: "topic name"
            })
        );
        let mut r = Reader::new("TEST", Bytes::from_static(&[0, 1, 7]));
        assert_eq!(r.u16("id"), Ok(1));
        assert_eq!(
            r.finish(),
            Err(DecodeError::TrailingBytes {
                kind: "TEST",
                extra: 1
            })
        );
    }

    #[test]
    fn topic_rules() {
        assert!(topic_name_problem("a/b/c").is_none());
        assert!(topic_name_problem("/").is_none());
        assert!(topic_name_problem("").is_some());
        assert!(topic_name_problem("a/+/c").is_some());
        assert!(topic_name_problem("a/#").is_some());
        for ok in ["#", "+", "a/#", "+/+/#", "a/+/b", "/", "a//b", "+/"] {
            assert!(topic_filter_problem(ok).is_none(), "{ok}");
        }
        for bad in ["", "a#", "a/#/b", "a/b+", "#/a", "++", "a/##"] {
            assert!(topic_filter_problem(bad).is_some(), "{bad}");
        }
    }
}
