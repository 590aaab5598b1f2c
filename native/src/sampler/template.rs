//! Templates in topics and String payloads, expanded by the engine per connection and per
//! message, where JMeter's `${...}` (evaluated once per sample and thread) cannot reach.
//!
//! Syntax: `{{name}}`, which JMeter leaves alone (its own are `${...}` and `${__f()}`):
//! `{{conn}}`, `{{conn.test}}` (zero-padded to N digits as `{{conn:N}}`, `{{conn.test:N}}`),
//! `{{client_id}}`, `{{seq}}`, `{{time_ms}}`, `{{time_ns}}`, `{{random:MIN:MAX}}`; `{{{{` writes a
//! literal `{{`. Text without `{{` is not a template at
//! all, so it keeps today's path and cost. Parsed once into segments; expanding writes into the
//! caller's buffer and allocates nothing else.
//!
//! Two more exist only where an element asks for them (`Template::parse_with`), so that elsewhere
//! they stay unknown placeholders rather than expanding to nothing: `{{target}}` (zero-padded
//! `{{target:N}}`), the MQTT Request element's request number modulo its Targets, which addresses
//! many devices from one commander (`devices/dev-{{target:6}}/req`); and `{{request}}`, the MQTT
//! Responder's request payload, echoed in its reply.

use std::fmt::Write as _;

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;

use super::payload::epoch_nanos;

/// What a connection and a message put into a template.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    /// The connection's index in its group (0-based).
    pub conn: u64,
    /// The connection's index among every connection of this engine (0-based).
    pub conn_test: u64,
    pub client_id: &'a str,
    /// The message's sequence number on its connection (0-based).
    pub seq: u64,
}

/// Placeholders an element may allow beyond the common ones (see the module's doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    Target,
    Request,
}

impl Extra {
    fn shown(self) -> &'static str {
        match self {
            Extra::Target => "{{target}} (zero-padded: {{target:6}})",
            Extra::Request => "{{request}}",
        }
    }
}

/// What the extra placeholders put into a template.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtraVars<'a> {
    /// {{target}}: the request's number modulo the element's Targets.
    pub target: u64,
    /// {{request}}: the request's payload.
    pub request: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(Bytes),
    /// Zero-padded to this many digits (0: as it is).
    Conn(u8),
    ConnTest(u8),
    ClientId,
    Seq,
    TimeMs,
    TimeNs,
    /// Inclusive bounds.
    Random(i64, i64),
    /// Zero-padded to this many digits (0: as it is).
    Target(u8),
    Request,
}

impl Segment {
    fn per_message(&self) -> bool {
        matches!(
            self,
            Segment::Seq
                | Segment::TimeMs
                | Segment::TimeNs
                | Segment::Random(..)
                | Segment::Target(_)
                | Segment::Request
        )
    }
}

/// The placeholders, for messages.
pub const KNOWN: &str = "{{conn}}, {{conn.test}} (zero-padded: {{conn:6}}, {{conn.test:6}}), \
                         {{client_id}}, {{seq}}, {{time_ms}}, {{time_ns}}, {{random:MIN:MAX}}";

/// Widest zero padding: a u64 has 20 digits.
const MAX_WIDTH: u8 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    segments: Vec<Segment>,
    /// Bytes of the literal parts, for the output's capacity.
    literal_len: usize,
}

impl Template {
    /// None when `text` holds no `{{`: it is then sent as it is. The error names the faulty
    /// placeholder.
    pub fn parse(text: &[u8]) -> Result<Option<Template>, String> {
        Template::parse_with(text, &[])
    }

    /// As [`Template::parse`], also taking the `allowed` extra placeholders.
    pub fn parse_with(text: &[u8], allowed: &[Extra]) -> Result<Option<Template>, String> {
        if find(text, 0).is_none() {
            return Ok(None);
        }
        let mut segments = Vec::new();
        let mut literal: Vec<u8> = Vec::new();
        let mut i = 0;
        while let Some(open) = find(text, i) {
            literal.extend_from_slice(&text[i..open]);
            let after = open + 2;
            if text[after..].starts_with(b"{{") {
                literal.extend_from_slice(b"{{");
                i = after + 2;
                continue;
            }
            if text[after..].starts_with(b"{") {
                // `{{{conn}}}`: the placeholder is the innermost `{{`.
                literal.push(b'{');
                i = open + 1;
                continue;
            }
            let Some(len) = text[after..].windows(2).position(|w| w == b"}}") else {
                return Err(format!(
                    "'{}' has no closing }}}} (a literal {{{{ is written {{{{{{{{)",
                    shown(&text[open..])
                ));
            };
            let name = &text[after..after + len];
            let segment = placeholder(name, allowed)?;
            if !literal.is_empty() {
                segments.push(Segment::Literal(Bytes::from(std::mem::take(&mut literal))));
            }
            segments.push(segment);
            i = after + len + 2;
        }
        literal.extend_from_slice(&text[i..]);
        if !literal.is_empty() {
            segments.push(Segment::Literal(Bytes::from(literal)));
        }
        let literal_len = segments
            .iter()
            .map(|s| match s {
                Segment::Literal(b) => b.len(),
                _ => 0,
            })
            .sum();
        Ok(Some(Template {
            segments,
            literal_len,
        }))
    }

    /// Some placeholder changes from one message to the next ({{seq}}, time, random).
    pub fn per_message(&self) -> bool {
        self.segments.iter().any(Segment::per_message)
    }

    pub fn uses_seq(&self) -> bool {
        self.segments.contains(&Segment::Seq)
    }

    /// The first per-message placeholder, named for "not allowed here" messages.
    pub fn first_per_message(&self) -> Option<&'static str> {
        self.segments.iter().find_map(|s| match s {
            Segment::Seq => Some("{{seq}}"),
            Segment::TimeMs => Some("{{time_ms}}"),
            Segment::TimeNs => Some("{{time_ns}}"),
            Segment::Random(..) => Some("{{random}}"),
            Segment::Target(_) => Some("{{target}}"),
            Segment::Request => Some("{{request}}"),
            _ => None,
        })
    }

    pub fn uses_target(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Target(_)))
    }

    /// It names the connection: {{conn}} or {{conn.test}}, so each connection's expansion differs.
    pub fn uses_index(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Conn(_) | Segment::ConnTest(_)))
    }

    pub fn uses_client_id(&self) -> bool {
        self.segments.contains(&Segment::ClientId)
    }

    /// A capacity that most expansions fit in.
    pub fn size_hint(&self) -> usize {
        self.literal_len + 24 * (self.segments.len())
    }

    pub fn expand(&self, out: &mut BytesMut, vars: &Vars<'_>) {
        self.expand_with(out, vars, &ExtraVars::default());
    }

    /// As [`Template::expand`], with the extra placeholders' values.
    pub fn expand_with(&self, out: &mut BytesMut, vars: &Vars<'_>, extra: &ExtraVars<'_>) {
        let mut now: Option<u128> = None;
        let mut nanos = || *now.get_or_insert_with(|| epoch_nanos(crate::clock::now()));
        for s in &self.segments {
            // Writing into a BytesMut cannot fail (it grows).
            let _ = match s {
                Segment::Literal(b) => {
                    out.put_slice(b);
                    Ok(())
                }
                Segment::Conn(w) => write!(out, "{:0w$}", vars.conn, w = usize::from(*w)),
                Segment::ConnTest(w) => {
                    write!(out, "{:0w$}", vars.conn_test, w = usize::from(*w))
                }
                Segment::ClientId => {
                    out.put_slice(vars.client_id.as_bytes());
                    Ok(())
                }
                Segment::Seq => write!(out, "{}", vars.seq),
                Segment::TimeMs => write!(out, "{}", nanos() / 1_000_000),
                Segment::TimeNs => write!(out, "{}", nanos()),
                Segment::Random(lo, hi) => {
                    write!(out, "{}", rand::rng().random_range(*lo..=*hi))
                }
                Segment::Target(w) => write!(out, "{:0w$}", extra.target, w = usize::from(*w)),
                Segment::Request => {
                    out.put_slice(extra.request);
                    Ok(())
                }
            };
        }
    }

    /// The expansion as text (topics and topic filters).
    pub fn expand_string(&self, vars: &Vars<'_>) -> String {
        self.expand_string_with(vars, &ExtraVars::default())
    }

    pub fn expand_string_with(&self, vars: &Vars<'_>, extra: &ExtraVars<'_>) -> String {
        let mut b = BytesMut::with_capacity(self.size_hint());
        self.expand_with(&mut b, vars, extra);
        String::from_utf8_lossy(&b).into_owned()
    }

    /// The text with every placeholder replaced by `stand_in`, to check what is around them.
    pub fn with_stand_ins(&self, stand_in: &str) -> String {
        let mut s = String::with_capacity(self.size_hint());
        for seg in &self.segments {
            match seg {
                Segment::Literal(b) => s.push_str(&String::from_utf8_lossy(b)),
                _ => s.push_str(stand_in),
            }
        }
        s
    }
}

fn find(text: &[u8], from: usize) -> Option<usize> {
    text.get(from..)?
        .windows(2)
        .position(|w| w == b"{{")
        .map(|p| p + from)
}

/// Bytes of a placeholder or text a message shows.
const SHOWN: usize = 40;

/// The start of `text` for a message: a payload may be megabytes, and a message that repeats it
/// whole would flood JMeter's log and the sample's response message.
fn shown(text: &[u8]) -> String {
    let end = text.len().min(SHOWN);
    let mut s = String::from_utf8_lossy(&text[..end]).into_owned();
    if end < text.len() {
        s.push_str("...");
    }
    s
}

fn placeholder(name: &[u8], allowed: &[Extra]) -> Result<Segment, String> {
    let full = String::from_utf8_lossy(name);
    let raw = shown(name);
    let unknown = || {
        let extras: String = allowed.iter().map(|e| format!(", {}", e.shown())).collect();
        format!("unknown placeholder '{{{{{raw}}}}}' (known: {KNOWN}{extras})")
    };
    let name = full.trim();
    let target = allowed.contains(&Extra::Target);
    if let Some((index, width)) = name.split_once(':') {
        let make = match index.trim() {
            "conn" => Segment::Conn,
            "conn.test" => Segment::ConnTest,
            "target" if target => Segment::Target,
            _ if index.trim() == "random" => return random(&raw, name),
            _ => return Err(unknown()),
        };
        return match width.trim().parse::<u8>() {
            Ok(w @ 1..=MAX_WIDTH) => Ok(make(w)),
            _ => Err(format!(
                "'{{{{{raw}}}}}': a zero-padded index is {{{{{}:N}}}} with N digits, 1-{MAX_WIDTH}",
                index.trim()
            )),
        };
    }
    Ok(match name {
        "conn" => Segment::Conn(0),
        "conn.test" => Segment::ConnTest(0),
        "client_id" => Segment::ClientId,
        "seq" => Segment::Seq,
        "time_ms" => Segment::TimeMs,
        "time_ns" => Segment::TimeNs,
        "random" => return random(&raw, name),
        "target" if target => Segment::Target(0),
        "request" if allowed.contains(&Extra::Request) => Segment::Request,
        _ => return Err(unknown()),
    })
}

/// `{{random:MIN:MAX}}`.
fn random(raw: &str, name: &str) -> Result<Segment, String> {
    let range = name.strip_prefix("random").unwrap_or("").trim_start();
    let bounds = range
        .strip_prefix(':')
        .and_then(|r| r.split_once(':'))
        .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse().ok()?)));
    match bounds {
        Some((lo, hi)) if lo <= hi => Ok(Segment::Random(lo, hi)),
        _ => Err(format!(
            "'{{{{{raw}}}}}': a random number is {{{{random:MIN:MAX}}}} with whole numbers \
             MIN <= MAX, e.g. {{{{random:1:100}}}}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vars() -> Vars<'static> {
        Vars {
            conn: 2,
            conn_test: 17,
            client_id: "dev_ab12",
            seq: 41,
        }
    }

    fn expand(t: &str) -> String {
        let t = Template::parse(t.as_bytes()).unwrap().expect("a template");
        t.expand_string(&vars())
    }

    #[test]
    fn indexes_may_be_zero_padded() {
        assert_eq!(expand("dev-{{conn.test:6}}"), "dev-000017");
        assert_eq!(expand("{{ conn : 3 }}/{{conn:1}}"), "002/2");
        for bad in ["{{conn:0}}", "{{conn.test:21}}", "{{conn:x}}", "{{seq:4}}"] {
            let e = Template::parse(bad.as_bytes()).unwrap_err();
            assert!(
                e.contains("zero-padded") || e.contains("unknown"),
                "{bad}: {e}"
            );
        }
        assert_eq!(expand("{{random:5:5}}"), "5");
    }

    #[test]
    fn per_connection_placeholders() {
        assert_eq!(expand("t/{{conn}}"), "t/2");
        assert_eq!(expand("t/{{conn.test}}/x"), "t/17/x");
        assert_eq!(expand("{{client_id}}"), "dev_ab12");
        assert_eq!(expand("{{ conn }}"), "2");
        let t = Template::parse(b"a/{{client_id}}/{{conn}}")
            .unwrap()
            .unwrap();
        assert!(!t.per_message());
        assert!(!t.uses_seq());
    }

    #[test]
    fn per_message_placeholders() {
        assert_eq!(
            expand(r#"{"id":"{{client_id}}","n":{{seq}}}"#),
            r#"{"id":"dev_ab12","n":41}"#
        );
        let t = Template::parse(b"{{seq}}").unwrap().unwrap();
        assert!(t.per_message() && t.uses_seq());
        assert_eq!(t.first_per_message(), Some("{{seq}}"));
    }

    #[test]
    fn time_placeholders_are_now() {
        let before = epoch_nanos(crate::clock::now());
        let ns: u128 = expand("{{time_ns}}").parse().unwrap();
        let ms: u128 = expand("{{time_ms}}").parse().unwrap();
        let after = epoch_nanos(crate::clock::now());
        assert!(before <= ns && ns <= after);
        assert!(before / 1_000_000 <= ms && ms <= after / 1_000_000);
        // One instant per expansion: ms and ns of the same message agree.
        let both = expand("{{time_ms}} {{time_ns}}");
        let (a, b) = both.split_once(' ').unwrap();
        assert_eq!(
            a.parse::<u128>().unwrap(),
            b.parse::<u128>().unwrap() / 1_000_000
        );
    }

    #[test]
    fn random_stays_in_its_range() {
        let t = Template::parse(b"{{random:-3:3}}").unwrap().unwrap();
        let seen: std::collections::HashSet<i64> = (0..2000)
            .map(|_| t.expand_string(&vars()).parse().unwrap())
            .collect();
        assert_eq!(seen, (-3..=3).collect());
        assert_eq!(expand("{{random:5:5}}"), "5");
    }

    #[test]
    fn literal_braces() {
        assert_eq!(expand("{{{{conn}}"), "{{conn}}");
        assert_eq!(expand("{{{conn}}}"), "{2}");
        assert_eq!(expand("x}}{{conn}}"), "x}}2");
        // Only escapes: still a template (constant), expanding without the escape.
        assert_eq!(expand("a{{{{b"), "a{{b");
    }

    #[test]
    fn bad_placeholders_are_named() {
        let e = Template::parse(b"t/{{con}}").unwrap_err();
        assert!(
            e.starts_with("unknown placeholder '{{con}}' (known: {{conn}}"),
            "{e}"
        );
        let e = Template::parse(b"t/{{conn").unwrap_err();
        assert!(e.contains("'{{conn' has no closing }}"), "{e}");
        for r in [
            "random",
            "random:1",
            "random:5:1",
            "random:a:b",
            "random:1:2:3",
        ] {
            let e = Template::parse(format!("{{{{{r}}}}}").as_bytes()).unwrap_err();
            assert!(e.contains(r) && e.contains("MIN <= MAX"), "{e}");
        }
        // JMeter's own syntax is not ours.
        assert_eq!(Template::parse(b"${__threadNum}/${x}").unwrap(), None);
    }

    #[test]
    fn a_long_bad_placeholder_is_shortened_in_its_message() {
        // Found by the template fuzz target: the message held the whole name.
        let long = "x".repeat(100_000);
        let mut invalid = b"{{".to_vec();
        invalid.extend([0xFF; 50_000]);
        invalid.extend(b"}}");
        for text in [
            format!("{{{{{long}}}}}").into_bytes(),
            format!("{{{{random:{long}}}}}").into_bytes(),
            format!("{{{{conn:{long}}}}}").into_bytes(),
            format!("{{{{{long}").into_bytes(),
            invalid,
        ] {
            let e = Template::parse(&text).unwrap_err();
            assert!(e.len() < 600, "{} bytes: {}", e.len(), &e[..200]);
            assert!(e.contains("..."), "{e}");
        }
    }

    #[test]
    fn extra_placeholders_only_where_allowed() {
        for text in ["t/{{target}}", "{{target:6}}", "{{request}}"] {
            let e = Template::parse(text.as_bytes()).unwrap_err();
            assert!(e.starts_with("unknown placeholder"), "{text}: {e}");
            let known = e.split_once("(known:").map_or("", |(_, k)| k);
            assert!(
                !known.contains("target") && !known.contains("request"),
                "{e}"
            );
        }
        let t = Template::parse_with(b"devices/dev-{{target:6}}/req", &[Extra::Target])
            .unwrap()
            .unwrap();
        assert!(t.per_message() && t.uses_target());
        assert_eq!(t.first_per_message(), Some("{{target}}"));
        let extra = ExtraVars {
            target: 42,
            request: b"",
        };
        assert_eq!(
            t.expand_string_with(&vars(), &extra),
            "devices/dev-000042/req"
        );
        let t = Template::parse_with(b"ok:{{request}}:{{client_id}}", &[Extra::Request])
            .unwrap()
            .unwrap();
        let mut b = BytesMut::new();
        let extra = ExtraVars {
            target: 0,
            request: b"\0\xff{{x",
        };
        t.expand_with(&mut b, &vars(), &extra);
        assert_eq!(&b[..], b"ok:\0\xff{{x:dev_ab12");
        let e = Template::parse_with(b"{{request}}", &[Extra::Target]).unwrap_err();
        assert!(e.contains("{{target}} (zero-padded: {{target:6}})"), "{e}");
        let e = Template::parse_with(b"{{target:0}}", &[Extra::Target]).unwrap_err();
        assert!(e.contains("{{target:N}}"), "{e}");
    }

    proptest! {
        #[test]
        fn text_without_braces_is_not_a_template(s in "[^{]*") {
            prop_assert_eq!(Template::parse(s.as_bytes()).unwrap(), None);
        }

        #[test]
        fn json_like_text_without_double_braces_is_sent_as_it_is(s in "[{}a-z\":,0-9 ]*") {
            prop_assume!(!s.contains("{{"));
            prop_assert_eq!(Template::parse(s.as_bytes()).unwrap(), None);
        }

        #[test]
        fn parsing_never_panics(s in "[{}a-z_.:0-9 -]{0,40}") {
            if let Ok(Some(t)) = Template::parse(s.as_bytes()) {
                let mut b = BytesMut::new();
                t.expand(&mut b, &vars());
            }
        }

        #[test]
        fn literal_text_expands_to_itself(a in "[^{]*", b in "[^{]*") {
            // Escaped braces between arbitrary literal text.
            let t = Template::parse(format!("{a}{{{{{{{{{b}").as_bytes()).unwrap().unwrap();
            prop_assert_eq!(t.expand_string(&vars()), format!("{a}{{{{{b}"));
            prop_assert!(!t.per_message());
        }

        #[test]
        fn placeholders_expand_between_literals(a in "[^{]*", b in "[^{]*") {
            let t = Template::parse(format!("{a}{{{{seq}}}}{b}").as_bytes()).unwrap().unwrap();
            prop_assert_eq!(t.expand_string(&vars()), format!("{a}41{b}"));
        }
    }
}
