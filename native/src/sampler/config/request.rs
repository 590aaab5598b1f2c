//! A Request element: what each request carries, where its reply is to come, and how the reply
//! is judged.

use std::time::Duration;

use bytes::Bytes;

use crate::codec::QoS;
use crate::sampler::template::Template;

/// A check of each reply's payload.
#[derive(Debug, Clone)]
pub enum ReplyCheck {
    None,
    Contains(Bytes),
    Equals(Bytes),
    /// Found anywhere in the payload, read as UTF-8 text (a byte that is not UTF-8 reads as
    /// U+FFFD, the replacement character).
    Regex(regex_lite::Regex),
}

/// Longest excerpt of a reply quoted in a failed check's message.
const SHOWN_BYTES: usize = 60;

fn shown(b: &[u8]) -> String {
    let end = b.len().min(SHOWN_BYTES);
    let mut s = String::from_utf8_lossy(&b[..end]).into_owned();
    if b.len() > SHOWN_BYTES {
        s.push_str("...");
    }
    s
}

impl ReplyCheck {
    /// None when `payload` passes; else what is wrong with it, quoting its start.
    pub fn failure(&self, payload: &[u8]) -> Option<String> {
        let (ok, wanted) = match self {
            ReplyCheck::None => return None,
            ReplyCheck::Contains(t) => (
                payload.windows(t.len().max(1)).any(|w| w == &t[..]) || t.is_empty(),
                format!("does not contain '{}'", shown(t)),
            ),
            ReplyCheck::Equals(t) => (payload == &t[..], format!("is not '{}'", shown(t))),
            ReplyCheck::Regex(r) => (
                r.is_match(&String::from_utf8_lossy(payload)),
                format!("does not match /{}/", r.as_str()),
            ),
        };
        (!ok).then(|| format!("'{}' {wanted}", shown(payload)))
    }
}

#[derive(Debug, Clone)]
pub struct RequestConfig {
    pub topic: String,
    /// The request topic's placeholders ({{target}} among them), when it holds any.
    pub topic_template: Option<Template>,
    pub qos: QoS,
    /// How many targets {{target}} cycles over.
    pub targets: u64,
    pub per_sample: u32,
    /// Requests per second for the group; None = the sample's requests at once.
    pub rate: Option<f64>,
    /// Each request's wait for its reply; also the reply subscription's SUBACK wait.
    pub timeout: Duration,
    pub payload: Bytes,
    pub payload_template: Option<Template>,
    pub reply_topic: String,
    /// The reply topic's per-connection placeholders, when it holds any.
    pub reply_template: Option<Template>,
    pub check: ReplyCheck,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_quote_what_came() {
        let contains = ReplyCheck::Contains(Bytes::from_static(b"ok"));
        assert_eq!(contains.failure(b"all ok"), None);
        assert_eq!(
            contains.failure(b"error").as_deref(),
            Some("'error' does not contain 'ok'")
        );
        let equals = ReplyCheck::Equals(Bytes::from_static(b"ok"));
        assert_eq!(equals.failure(b"ok"), None);
        assert!(equals.failure(b"ok ").is_some());
        let re = ReplyCheck::Regex(regex_lite::Regex::new(r"^\{.*\}$").unwrap());
        assert_eq!(re.failure(b"{\"a\":1}"), None);
        assert_eq!(
            re.failure(&[0xff, b'x']).as_deref(),
            Some("'\u{fffd}x' does not match /^\\{.*\\}$/")
        );
        assert_eq!(ReplyCheck::None.failure(b"anything"), None);
        assert_eq!(ReplyCheck::Contains(Bytes::new()).failure(b""), None);
        let long = ReplyCheck::Equals(Bytes::from_static(b"x"));
        let m = long.failure(&[b'a'; 100]).unwrap();
        assert!(m.starts_with(&format!("'{}...'", "a".repeat(60))), "{m}");
    }
}
