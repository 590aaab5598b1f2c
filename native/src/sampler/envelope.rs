//! Request and reply envelopes. MQTT 5.0 carries a request's reply topic and correlation id in
//! its Response Topic and Correlation Data properties; MQTT 3.1/3.1.1 has neither, so there they
//! travel at the start of the payload, as text a device (or any third-party responder) can read
//! with a string split, like the precise timestamp's `mqlt:` header:
//!
//! - request: `mqrq:<correlation id, hex>:<reply topic>;<payload>`
//! - reply:   `mqrs:<correlation id, hex>;<payload>`
//!
//! The correlation id is the requester's opaque bytes; a responder echoes them. Ours is 16 bytes
//! (`Correlation`). The reply topic ends at the first `;`, so it cannot hold one.

use bytes::{BufMut, BytesMut};

use crate::codec::Publish;

pub const REQUEST_TAG: &[u8] = b"mqrq:";
pub const REPLY_TAG: &[u8] = b"mqrs:";

/// Longest correlation id a header may carry, in bytes (its hex is twice as long): MQTT 5.0 allows
/// 65,535, but an id that long in a payload header is a payload, not an id.
pub const MAX_CORRELATION: usize = 64;

/// Longest header a reader looks through for its `;`: the tag, the longest id, the colon and the
/// longest topic MQTT allows.
const MAX_REQUEST_HEADER: usize = REQUEST_TAG.len() + 2 * MAX_CORRELATION + 1 + u16::MAX as usize;

/// Why a payload's header cannot be followed: the reasons a responder names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("no mqrq header")]
    Missing,
    #[error("mqrq header without its closing ';'")]
    Unterminated,
    #[error("mqrq header's correlation id {0}")]
    Correlation(&'static str),
    #[error("mqrq header's reply topic {0}")]
    ReplyTopic(String),
}

/// Our requests' correlation id: which element (a random number per Request element), which of
/// its group's connections, and the request's number on that connection. 16 bytes, big-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Correlation(pub u128);

impl Correlation {
    pub fn new(element: u64, slot: u32, seq: u32) -> Correlation {
        Correlation((u128::from(element) << 64) | (u128::from(slot) << 32) | u128::from(seq))
    }

    pub fn element(self) -> u64 {
        (self.0 >> 64) as u64
    }

    pub fn bytes(self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    /// One of ours when it is 16 bytes long.
    pub fn from_bytes(b: &[u8]) -> Option<Correlation> {
        <[u8; 16]>::try_from(b)
            .ok()
            .map(|a| Correlation(u128::from_be_bytes(a)))
    }
}

fn put_hex(out: &mut BytesMut, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.put_u8(DIGITS[usize::from(b >> 4)]);
        out.put_u8(DIGITS[usize::from(b & 0xf)]);
    }
}

/// `mqrq:<hex>:<reply topic>;`
pub fn write_request_header(out: &mut BytesMut, correlation: &[u8], reply_topic: &str) {
    out.put_slice(REQUEST_TAG);
    put_hex(out, correlation);
    out.put_u8(b':');
    out.put_slice(reply_topic.as_bytes());
    out.put_u8(b';');
}

/// `mqrs:<hex>;`
pub fn write_reply_header(out: &mut BytesMut, correlation: &[u8]) {
    out.put_slice(REPLY_TAG);
    put_hex(out, correlation);
    out.put_u8(b';');
}

fn hex_value(d: u8) -> Option<u8> {
    match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        b'A'..=b'F' => Some(d - b'A' + 10),
        _ => None,
    }
}

fn decode_hex(hex: &[u8]) -> Result<Vec<u8>, HeaderError> {
    if hex.is_empty() {
        return Err(HeaderError::Correlation("is empty"));
    }
    if hex.len() % 2 == 1 {
        return Err(HeaderError::Correlation("has an odd number of hex digits"));
    }
    if hex.len() > 2 * MAX_CORRELATION {
        return Err(HeaderError::Correlation("is longer than 64 bytes"));
    }
    hex.chunks(2)
        .map(|p| match (hex_value(p[0]), hex_value(p[1])) {
            (Some(h), Some(l)) => Ok(h << 4 | l),
            _ => Err(HeaderError::Correlation("is not hex digits")),
        })
        .collect()
}

/// What a request's `mqrq:` header says.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestHeader<'a> {
    pub correlation: Vec<u8>,
    pub reply_topic: &'a str,
    /// The payload after the header.
    pub body: &'a [u8],
}

/// Reads the `mqrq:` header at the start of a request's payload.
pub fn parse_request(payload: &[u8]) -> Result<RequestHeader<'_>, HeaderError> {
    let rest = payload
        .strip_prefix(REQUEST_TAG)
        .ok_or(HeaderError::Missing)?;
    let window = &rest[..rest.len().min(MAX_REQUEST_HEADER)];
    let end = window
        .iter()
        .position(|b| *b == b';')
        .ok_or(HeaderError::Unterminated)?;
    let header = &rest[..end];
    let colon = header
        .iter()
        .position(|b| *b == b':')
        .ok_or(HeaderError::ReplyTopic(
            "is missing (no ':' after the id)".into(),
        ))?;
    let correlation = decode_hex(&header[..colon])?;
    let topic = std::str::from_utf8(&header[colon + 1..])
        .map_err(|_| HeaderError::ReplyTopic("is not UTF-8".into()))?;
    reply_topic_problem(topic).map_or(Ok(()), |why| Err(HeaderError::ReplyTopic(why)))?;
    Ok(RequestHeader {
        correlation,
        reply_topic: topic,
        body: &rest[end + 1..],
    })
}

/// What is wrong with `topic` as a topic to publish a reply to; None when nothing is.
pub fn reply_topic_problem(topic: &str) -> Option<String> {
    if topic.is_empty() {
        return Some("is empty".into());
    }
    if topic.contains(['+', '#']) {
        return Some(format!("'{topic}' holds a wildcard (+ or #)"));
    }
    if topic.contains('\0') {
        return Some("holds U+0000".into());
    }
    (topic.len() > usize::from(u16::MAX)).then(|| "is longer than 65535 bytes".into())
}

/// A reply's correlation id and its payload without the header: the Correlation Data property,
/// else the `mqrs:` header; None when it carries neither (or an unreadable header).
pub fn reply_correlation(p: &Publish) -> Option<(Vec<u8>, &[u8])> {
    if let Some(c) = p.properties.correlation_data() {
        return Some((c.to_vec(), &p.payload[..]));
    }
    let rest = p.payload.strip_prefix(REPLY_TAG)?;
    let window = &rest[..rest.len().min(2 * MAX_CORRELATION + 1)];
    let end = window.iter().position(|b| *b == b';')?;
    let correlation = decode_hex(&rest[..end]).ok()?;
    Some((correlation, &rest[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Properties, Property, QoS};
    use bytes::Bytes;

    fn publish(payload: &[u8], properties: Properties) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "r".into(),
            pkid: 0,
            payload: Bytes::copy_from_slice(payload),
            properties,
        }
    }

    #[test]
    fn correlation_ids_carry_element_slot_and_number() {
        let c = Correlation::new(0x0102_0304_0506_0708, 9, 0xffff_fffe);
        assert_eq!(c.element(), 0x0102_0304_0506_0708);
        assert_eq!(
            c.bytes(),
            [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xfe]
        );
        assert_eq!(Correlation::from_bytes(&c.bytes()), Some(c));
        assert_eq!(Correlation::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn a_request_header_round_trips() {
        let mut b = BytesMut::new();
        write_request_header(&mut b, &[0xab, 0x01], "replies/dev:1");
        b.put_slice(b"{\"cmd\":1};x");
        assert_eq!(&b[..], &b"mqrq:ab01:replies/dev:1;{\"cmd\":1};x"[..]);
        let h = parse_request(&b).unwrap();
        assert_eq!(h.correlation, vec![0xab, 0x01]);
        assert_eq!(h.reply_topic, "replies/dev:1");
        assert_eq!(h.body, b"{\"cmd\":1};x");
        // upper-case hex from a third-party commander is read too
        assert_eq!(parse_request(b"mqrq:AB:t;").unwrap().correlation, [0xab]);
    }

    #[test]
    fn malformed_request_headers_are_named() {
        let e = |p: &[u8]| parse_request(p).unwrap_err().to_string();
        assert_eq!(e(b"hello"), "no mqrq header");
        assert_eq!(e(b"mqrq:ab:t"), "mqrq header without its closing ';'");
        assert_eq!(
            e(b"mqrq:abt;"),
            "mqrq header's reply topic is missing (no ':' after the id)"
        );
        assert_eq!(e(b"mqrq::t;"), "mqrq header's correlation id is empty");
        assert_eq!(
            e(b"mqrq:abc:t;"),
            "mqrq header's correlation id has an odd number of hex digits"
        );
        assert_eq!(
            e(b"mqrq:zz:t;"),
            "mqrq header's correlation id is not hex digits"
        );
        assert!(e(format!("mqrq:{}:t;", "ab".repeat(65)).as_bytes()).contains("longer than 64"));
        assert_eq!(e(b"mqrq:ab:;"), "mqrq header's reply topic is empty");
        assert!(e(b"mqrq:ab:a/+;").contains("wildcard"));
        assert!(e(b"mqrq:ab:a/\xff;").contains("UTF-8"));
    }

    proptest::proptest! {
        #[test]
        fn any_payload_is_read_without_panicking(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..200), tag in 0usize..3) {
            let mut p = match tag {
                0 => REQUEST_TAG.to_vec(),
                1 => REPLY_TAG.to_vec(),
                _ => Vec::new(),
            };
            p.extend_from_slice(&payload);
            if let Ok(h) = parse_request(&p) {
                proptest::prop_assert!(h.correlation.len() <= MAX_CORRELATION);
                proptest::prop_assert!(!h.reply_topic.is_empty() && !h.reply_topic.contains(';'));
            }
            let _ = reply_correlation(&publish(&p, Properties::new()));
        }

        #[test]
        fn what_is_written_is_read_back(id in proptest::collection::vec(proptest::num::u8::ANY, 1..=MAX_CORRELATION), topic in "[a-z0-9/:_-]{1,40}", body in proptest::collection::vec(proptest::num::u8::ANY, 0..50)) {
            let mut b = BytesMut::new();
            write_request_header(&mut b, &id, &topic);
            b.put_slice(&body);
            let h = parse_request(&b).unwrap();
            proptest::prop_assert_eq!((&h.correlation, h.reply_topic, h.body), (&id, topic.as_str(), &body[..]));
            let mut r = BytesMut::new();
            write_reply_header(&mut r, &id);
            r.put_slice(&body);
            let reply = publish(&r, Properties::new());
            proptest::prop_assert_eq!(reply_correlation(&reply), Some((id.clone(), &body[..])));
        }
    }

    #[test]
    fn a_reply_header_round_trips_and_properties_come_first() {
        let mut b = BytesMut::new();
        write_reply_header(&mut b, &[0, 0xff]);
        b.put_slice(b"ok");
        assert_eq!(&b[..], b"mqrs:00ff;ok");
        let p = publish(&b, Properties::new());
        assert_eq!(reply_correlation(&p), Some((vec![0, 0xff], &b"ok"[..])));
        let mut props = Properties::new();
        props.push(Property::CorrelationData(Bytes::from_static(b"\x01")));
        let p = publish(b"mqrs:00ff;ok", props);
        assert_eq!(reply_correlation(&p), Some((vec![1], &b"mqrs:00ff;ok"[..])));
        for plain in [&b"ok"[..], b"mqrs:zz;ok", b"mqrs:00ff", b"mqrs:;x"] {
            assert_eq!(reply_correlation(&publish(plain, Properties::new())), None);
        }
    }
}
