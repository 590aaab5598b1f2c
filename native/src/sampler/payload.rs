//! Payload building and the timestamp headers embedded in payloads.
//!
//! Two formats are written and detected:
//! - XMeter's: ASCII epoch milliseconds, the literal `ts_sep_flag`, then the body.
//! - ours ("precise"): `mqlt:<publisher id, 16 hex>:<sequence>:<epoch nanoseconds>;` then the body.
//!   Nanoseconds give microsecond latency; publisher id + sequence give loss, duplicate and
//!   order checks per publisher.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;

const XMETER_SEP: &[u8] = b"ts_sep_flag";
const PRECISE_TAG: &[u8] = b"mqlt:";

/// What a received payload's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// XMeter format: milliseconds only.
    Millis { epoch_millis: u64 },
    Precise {
        publisher: u64,
        seq: u64,
        epoch_nanos: u64,
    },
    /// End of a precise stream: the publisher sent `sent` messages (sequence 0..sent) in all.
    End {
        publisher: u64,
        sent: u64,
        epoch_nanos: u64,
    },
}

impl Stamp {
    pub fn sent_nanos(&self) -> u128 {
        match *self {
            Stamp::Millis { epoch_millis } => u128::from(epoch_millis) * 1_000_000,
            Stamp::Precise { epoch_nanos, .. } | Stamp::End { epoch_nanos, .. } => {
                u128::from(epoch_nanos)
            }
        }
    }
}

pub fn epoch_nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

pub fn write_xmeter(out: &mut BytesMut, now: SystemTime) {
    let millis = epoch_nanos(now) / 1_000_000;
    out.put_slice(millis.to_string().as_bytes());
    out.put_slice(XMETER_SEP);
}

pub fn write_precise(out: &mut BytesMut, publisher: u64, seq: u64, now: SystemTime) {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(48);
    let _ = write!(s, "mqlt:{publisher:016x}:{seq}:{};", epoch_nanos(now));
    out.put_slice(s.as_bytes());
}

/// `mqlt:<publisher>:<sent>:<epoch ns>:end;`: tells subscribers (in other JMeter engines too) how
/// many messages the stream sent, so the ones missing after the last received can be counted.
pub fn write_end(out: &mut BytesMut, publisher: u64, sent: u64, now: SystemTime) {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(52);
    let _ = write!(s, "mqlt:{publisher:016x}:{sent}:{}:end;", epoch_nanos(now));
    out.put_slice(s.as_bytes());
}

/// Reads a timestamp header at the start of a payload, in either format.
pub fn parse_stamp(payload: &[u8]) -> Option<Stamp> {
    if let Some(rest) = payload.strip_prefix(PRECISE_TAG) {
        return parse_precise(rest);
    }
    // An epoch-millis number is 13 digits today; allow a little either way.
    let digits = payload
        .iter()
        .take(20)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || !payload[digits..].starts_with(XMETER_SEP) {
        return None;
    }
    let epoch_millis = std::str::from_utf8(&payload[..digits]).ok()?.parse().ok()?;
    Some(Stamp::Millis { epoch_millis })
}

fn parse_precise(rest: &[u8]) -> Option<Stamp> {
    let end = rest.iter().take(64).position(|b| *b == b';')?;
    let header = std::str::from_utf8(&rest[..end]).ok()?;
    let mut parts = header.split(':');
    let publisher = u64::from_str_radix(parts.next()?, 16).ok()?;
    let seq = parts.next()?.parse().ok()?;
    let epoch_nanos = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(Stamp::Precise {
            publisher,
            seq,
            epoch_nanos,
        }),
        (Some("end"), None) => Some(Stamp::End {
            publisher,
            sent: seq,
            epoch_nanos,
        }),
        _ => None,
    }
}

/// Random printable text (letters and digits), as XMeter's "Random string with fixed length".
pub fn random_text(len: usize) -> Bytes {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let v: Vec<u8> = (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect();
    Bytes::from(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn precise_round_trip() {
        // whole 100 ns: Windows' SystemTime counts in 100 ns steps (these tests run there too)
        let now = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_700);
        let mut b = BytesMut::new();
        write_precise(&mut b, 0xabc, 42, now);
        b.put_slice(b"body");
        assert_eq!(
            parse_stamp(&b),
            Some(Stamp::Precise {
                publisher: 0xabc,
                seq: 42,
                epoch_nanos: 1_700_000_000_123_456_700
            })
        );
    }

    #[test]
    fn end_marker_round_trip() {
        let now = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_000_000_100);
        let mut b = BytesMut::new();
        write_end(&mut b, 0xabc, 100, now);
        assert_eq!(
            &b[..],
            b"mqlt:0000000000000abc:100:1700000000000000100:end;"
        );
        assert_eq!(
            parse_stamp(&b),
            Some(Stamp::End {
                publisher: 0xabc,
                sent: 100,
                epoch_nanos: 1_700_000_000_000_000_100
            })
        );
        assert_eq!(parse_stamp(b"mqlt:0abc:1:2:fin;"), None);
    }

    #[test]
    fn xmeter_format_is_read_and_written() {
        assert_eq!(
            parse_stamp(b"1700000000000ts_sep_flaghello"),
            Some(Stamp::Millis {
                epoch_millis: 1_700_000_000_000
            })
        );
        let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_001);
        let mut b = BytesMut::new();
        write_xmeter(&mut b, now);
        assert_eq!(&b[..], b"1700000000001ts_sep_flag");
    }

    #[test]
    fn plain_payloads_have_no_stamp() {
        assert_eq!(parse_stamp(b"hello"), None);
        assert_eq!(parse_stamp(b"12345"), None);
        assert_eq!(parse_stamp(b"mqlt:zz:1:2;"), None);
        assert_eq!(parse_stamp(b""), None);
    }

    #[test]
    fn random_text_has_the_length() {
        let a = random_text(1024);
        assert_eq!(a.len(), 1024);
        assert!(a.iter().all(|b| b.is_ascii_alphanumeric()));
    }
}
