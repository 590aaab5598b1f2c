//! The clock probes on the wire: a run's topics under `mqttload/clock/<run id>/` and the small ASCII
//! payloads engines exchange there (`mqck:1:<kind>:...`; the 1 is the format's version).

use std::fmt::Write as _;

use bytes::Bytes;

use crate::client::CONTROL_PREFIX;

const TAG: &str = "mqck:1:";

/// One run's topics.
#[derive(Debug, Clone)]
pub struct Topics {
    prefix: String,
}

impl Topics {
    pub fn new(run: &str) -> Topics {
        Topics {
            prefix: format!("{CONTROL_PREFIX}{run}"),
        }
    }

    /// Claims of the reference, its beacons, and newcomers' hellos: every engine hears them.
    pub fn reference(&self) -> String {
        format!("{}/ref", self.prefix)
    }

    /// Probes for the reference engine `reference`.
    pub fn ask(&self, reference: u32) -> String {
        format!("{}/ask/{reference:06x}", self.prefix)
    }

    /// Answers for the engine that asked.
    pub fn answer(&self, asker: u32) -> String {
        format!("{}/ans/{asker:06x}", self.prefix)
    }

    /// Each engine's estimate, for every other engine (to correct latency).
    pub fn estimates(&self) -> String {
        format!("{}/est", self.prefix)
    }

    /// What engine `me` subscribes to: nobody hears the probes or answers meant for others.
    pub fn filters(&self, me: u32) -> Vec<String> {
        vec![
            self.reference(),
            self.ask(me),
            self.answer(me),
            self.estimates(),
        ]
    }
}

/// What engines tell each other. Engines are named by their tag; times are epoch nanoseconds on
/// the sender's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// A newcomer asks who the reference is.
    Hello { from: u32 },
    /// `from` is (or would be) the reference; `named` when it was set to be one.
    Claim { from: u32, named: bool },
    /// A probe of burst `burst`, number `n`, sent at `t1`.
    Ask {
        from: u32,
        burst: u32,
        n: u32,
        t1: i64,
    },
    /// The reference's answer: the probe's `t1`, when it came (`t2`) and when it went back (`t3`).
    Answer {
        from: u32,
        burst: u32,
        n: u32,
        t1: i64,
        t2: i64,
        t3: i64,
    },
    /// `from`'s clock against `reference`'s, and how sure.
    Estimate {
        from: u32,
        reference: u32,
        offset_ns: i64,
        uncertainty_ns: i64,
    },
}

impl Message {
    pub fn encode(&self) -> Bytes {
        let mut s = String::with_capacity(96);
        s.push_str(TAG);
        // Writing into a String cannot fail.
        let _ = match *self {
            Message::Hello { from } => write!(s, "hello:{from:06x}"),
            Message::Claim { from, named } => {
                write!(s, "ref:{from:06x}:{}", if named { "named" } else { "auto" })
            }
            Message::Ask { from, burst, n, t1 } => write!(s, "ask:{from:06x}:{burst}:{n}:{t1}"),
            Message::Answer {
                from,
                burst,
                n,
                t1,
                t2,
                t3,
            } => write!(s, "ans:{from:06x}:{burst}:{n}:{t1}:{t2}:{t3}"),
            Message::Estimate {
                from,
                reference,
                offset_ns,
                uncertainty_ns,
            } => write!(
                s,
                "est:{from:06x}:{reference:06x}:{offset_ns}:{uncertainty_ns}"
            ),
        };
        Bytes::from(s)
    }

    /// None for anything else (a message of a later format, a user's payload on our topics).
    pub fn parse(payload: &[u8]) -> Option<Message> {
        let text = std::str::from_utf8(payload.strip_prefix(TAG.as_bytes())?).ok()?;
        let mut parts = text.split(':');
        let kind = parts.next()?;
        let from = tag(parts.next()?)?;
        let fields: Vec<&str> = parts.collect();
        let m = match (kind, fields.as_slice()) {
            ("hello", []) => Message::Hello { from },
            ("ref", ["named"]) => Message::Claim { from, named: true },
            ("ref", ["auto"]) => Message::Claim { from, named: false },
            ("ask", [burst, n, t1]) => Message::Ask {
                from,
                burst: burst.parse().ok()?,
                n: n.parse().ok()?,
                t1: t1.parse().ok()?,
            },
            ("ans", [burst, n, t1, t2, t3]) => Message::Answer {
                from,
                burst: burst.parse().ok()?,
                n: n.parse().ok()?,
                t1: t1.parse().ok()?,
                t2: t2.parse().ok()?,
                t3: t3.parse().ok()?,
            },
            ("est", [reference, offset, uncertainty]) => Message::Estimate {
                from,
                reference: tag(reference)?,
                offset_ns: offset.parse().ok()?,
                uncertainty_ns: uncertainty.parse().ok()?,
            },
            _ => return None,
        };
        Some(m)
    }
}

fn tag(hex: &str) -> Option<u32> {
    if hex.len() != 6 {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_reads_back() {
        let all = [
            Message::Hello { from: 0xabc },
            Message::Claim {
                from: 1,
                named: true,
            },
            Message::Claim {
                from: 0xff_ffff,
                named: false,
            },
            Message::Ask {
                from: 2,
                burst: 7,
                n: 3,
                t1: 1_700_000_000_123_456_789,
            },
            Message::Answer {
                from: 3,
                burst: u32::MAX,
                n: 0,
                t1: -1,
                t2: 0,
                t3: i64::MAX,
            },
            Message::Estimate {
                from: 4,
                reference: 5,
                offset_ns: -250_000_000,
                uncertainty_ns: 12,
            },
        ];
        for m in all {
            let bytes = m.encode();
            assert!(bytes.len() < 100, "{m:?}: {} bytes", bytes.len());
            assert_eq!(Message::parse(&bytes), Some(m));
        }
        assert_eq!(
            &Message::Hello { from: 0xabc }.encode()[..],
            b"mqck:1:hello:000abc"
        );
    }

    #[test]
    fn anything_else_is_not_a_message() {
        for p in [
            &b""[..],
            b"mqck:1:",
            b"mqck:2:hello:000001",
            b"mqck:1:hello:1",
            b"mqck:1:hello:000001:extra",
            b"mqck:1:ref:000001:maybe",
            b"mqck:1:ask:000001:1:2",
            b"mqck:1:ask:000001:1:2:x",
            b"mqck:1:est:000001:00000g:1:1",
            b"mqlt:0000000000000abc:1:2;",
            b"mqck:1:ans:000001:1:2:3:4:\xff",
        ] {
            assert_eq!(Message::parse(p), None, "{}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn a_run_has_its_own_topics() {
        let t = Topics::new("run-1");
        assert_eq!(t.reference(), "mqttload/clock/run-1/ref");
        assert_eq!(t.ask(0x1f), "mqttload/clock/run-1/ask/00001f");
        assert_eq!(t.answer(0xabcdef), "mqttload/clock/run-1/ans/abcdef");
        assert_eq!(t.filters(2).len(), 4);
        assert!(t.filters(2).iter().all(|f| crate::client::is_control(f)));
    }
}
