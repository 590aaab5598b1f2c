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

/// Reads an input front to back; past its end every read is empty or zero, so that any byte
/// string is a valid input.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader(data)
    }

    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }

    pub fn rest(&mut self) -> &'a [u8] {
        self.take(self.0.len())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The `template` input: `[flags][n][client id: n bytes][m][request payload: m bytes][text]`.
///
/// Promises checked (native/src/sampler/template.rs): parsing never panics; text is a template
/// exactly when it holds `{{`; a refusal is a short message quoting the faulty placeholder as the
/// text has it; the extra placeholders only add
/// (what parses without them parses the same with them); an expansion is never longer than
/// the text plus, per placeholder, the longest value one can write (20 digits, the client id or
/// the request), it appends to the buffer, and without per-message placeholders it is the
/// same every time.
pub mod template_input {
    use bytes::BytesMut;
    use mqttload::sampler::template::{Extra, ExtraVars, Template, Vars};

    use super::Reader;

    /// `parse_with` allows `{{target}}`.
    pub const TARGET: u8 = 1 << 0;
    /// `parse_with` allows `{{request}}`.
    pub const REQUEST: u8 = 1 << 1;
    /// Every number (connection, sequence, target) is `u64::MAX` rather than a small one.
    pub const HUGE_NUMBERS: u8 = 1 << 2;

    /// A refusal names the faulty placeholder and lists the known ones: it must not grow with
    /// the text (a payload template may be megabytes).
    pub const MAX_ERROR: usize = 1024;

    /// The widest a number placeholder writes: a u64 or i64 has at most 20 characters, and
    /// zero padding is at most 20 digits.
    const NUMBER: usize = 20;

    /// The shortest placeholder in the text, `{{seq}}`.
    const SHORTEST: usize = 7;

    pub fn check(data: &[u8]) {
        let mut r = Reader::new(data);
        let flags = r.byte();
        let n = usize::from(r.byte());
        let client_id = String::from_utf8_lossy(r.take(n)).into_owned();
        let m = usize::from(r.byte());
        let request = r.take(m);
        let text = r.rest();

        let mut allowed = Vec::new();
        if flags & TARGET != 0 {
            allowed.push(Extra::Target);
        }
        if flags & REQUEST != 0 {
            allowed.push(Extra::Request);
        }
        let big = flags & HUGE_NUMBERS != 0;
        let vars = Vars {
            conn: if big { u64::MAX } else { 3 },
            conn_test: if big { u64::MAX } else { 17 },
            client_id: &client_id,
            seq: if big { u64::MAX } else { 41 },
        };
        let extra = ExtraVars {
            target: if big { u64::MAX } else { 5 },
            request,
        };

        let has_open = text.windows(2).any(|w| w == b"{{");
        let plain = Template::parse(text);
        let with = Template::parse_with(text, &allowed);
        assert_eq!(
            with,
            Template::parse_with(text, &allowed),
            "parsing is not deterministic"
        );
        if let Ok(t) = &plain {
            assert_eq!(
                &with,
                &Ok(t.clone()),
                "an extra placeholder allowed changed a template that needs none"
            );
        }
        let t = match with {
            Ok(None) => {
                assert!(!has_open, "text with {{{{ taken as plain text");
                return;
            }
            Err(e) => {
                assert!(has_open, "text without {{{{ refused: {e}");
                assert!(!e.is_empty(), "a refusal says nothing");
                assert!(
                    e.len() <= MAX_ERROR,
                    "a refusal of {} bytes for a text of {}",
                    e.len(),
                    text.len()
                );
                assert_names_the_place(&e, text);
                return;
            }
            Ok(Some(t)) => t,
        };
        assert!(has_open, "text without {{{{ taken as a template");

        assert_eq!(t.per_message(), t.first_per_message().is_some());
        assert!(!t.uses_seq() || t.per_message());
        assert!(!t.uses_target() || (t.per_message() && allowed.contains(&Extra::Target)));
        assert!(t.with_stand_ins("").len() <= 3 * text.len());

        let widest = NUMBER.max(client_id.len()).max(request.len());
        let bound = text.len() + (text.len() / SHORTEST + 1) * widest;
        let mut out = BytesMut::from(&b"prefix"[..]);
        t.expand_with(&mut out, &vars, &extra);
        assert!(out.starts_with(b"prefix"), "expansion overwrote the buffer");
        let first = out.split_off(6);
        assert!(
            first.len() <= bound,
            "{} bytes expanded from a text of {} (bound {bound})",
            first.len(),
            text.len()
        );
        if !t.per_message() {
            let mut again = BytesMut::new();
            t.expand_with(&mut again, &vars, &extra);
            assert_eq!(
                again, first,
                "a per-connection template expanded twice differs"
            );
            assert_eq!(
                t.expand_string_with(&vars, &extra),
                String::from_utf8_lossy(&first)
            );
        }
        let mut plain_out = BytesMut::new();
        t.expand(&mut plain_out, &vars);
        assert!(plain_out.len() <= bound);
    }

    /// The tail of the refusal of an unclosed placeholder (template.rs).
    const UNCLOSED: &str = "' has no closing }} (a literal {{ is written {{{{)";

    /// A refusal quotes the faulty placeholder as the text has it (its first bytes only), so that
    /// a user finds it in a long payload: the quote, less the "..." of a cut and a character the
    /// cut split, must be part of the text.
    fn assert_names_the_place(e: &str, text: &[u8]) {
        let quote = if let Some(head) = e.strip_suffix(UNCLOSED) {
            head.strip_prefix('\'')
        } else if let Some(rest) = e.strip_prefix("unknown placeholder '") {
            rest.rfind("}}' (known: ").map(|end| &rest[..end + 2])
        } else {
            e.strip_prefix('\'')
                .and_then(|rest| rest.find("}}': ").map(|end| &rest[..end + 2]))
        };
        let Some(quote) = quote else {
            panic!("a refusal that quotes no placeholder: {e}");
        };
        assert!(quote.starts_with("{{"), "quoted: {quote:?}");
        let name = quote.strip_suffix("}}").unwrap_or(quote);
        let name = name.strip_suffix("...").unwrap_or(name);
        let name = name.trim_end_matches('\u{FFFD}');
        let whole = String::from_utf8_lossy(text);
        assert!(
            whole.contains(name),
            "the refusal quotes {name:?}, which is not in the text: {e}"
        );
    }
}

/// The `sys_figures` input: `[root][record]...`, each record
/// `[op][topic][payload length][payload]`, fed to both the Broker Statistics replay and the
/// rate finder's dropped-messages guard.
///
/// - root: the low 2 bits pick `ROOTS`; `SMALL` a small topic limit.
/// - op: `RETAIN`, `SAMPLE` (a sample after this record), and in bits 2-4 how far the clock
///   moves before the record (`ADVANCE`).
/// - topic: with bit 7, one of `KNOWN` (low 5 bits) under the root with `*` as one of `NODES`
///   (bits 5-6); else that many bytes (low 6 bits) of topic, under the root when bit 6 is set.
/// - payload length: one byte; 255 means two more bytes (big-endian) give it.
///
/// Promises checked (native/src/sampler/broker_stats.rs and ratefinder/sys.rs): no panic;
/// every figure is a plain finite number (it goes into a JTL column and a JMeter variable),
/// the rates are never negative; at most `MAX_TOPICS` topics are kept, the response data is no
/// bigger than what came in plus a line's framing per topic; the dropped total is finite and
/// not negative, and its growth is only reported for a counter that did not go down.
pub mod sys_input {
    use std::time::{Duration, Instant};

    use mqttload::sampler::{sys_growth, SysDrops, SysReplay, SysReport};

    use super::Reader;

    pub const ROOTS: [&str; 4] = ["$SYS/broker", "$SYS/brokers", "$SYS", "x"];
    pub const RETAIN: u8 = 1 << 0;
    pub const SAMPLE: u8 = 1 << 1;
    /// The root byte's bit 2: the sink keeps `SMALL_LIMIT` topics rather than the sampler's
    /// `MAX_TOPICS`, so that a few messages pass the limit.
    pub const SMALL: u8 = 1 << 2;
    pub const SMALL_LIMIT: usize = 4;
    pub const ADVANCE_SHIFT: u32 = 2;
    pub const ADVANCE: [Duration; 8] = [
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::from_micros(1),
        Duration::from_millis(1),
        Duration::from_millis(10),
        Duration::from_secs(1),
        Duration::from_secs(10),
        Duration::from_secs(3600),
    ];
    pub const KNOWN_TOPIC: u8 = 1 << 7;
    pub const UNDER_ROOT: u8 = 1 << 6;
    /// The topics the figures and the drop guard read (relative to the root), Mosquitto's and
    /// EMQX's, and a few others a broker publishes.
    pub const KNOWN: [&str; 24] = [
        "clients/connected",
        "clients/active",
        "*/stats/connections/count",
        "publish/messages/received",
        "*/metrics/messages/received",
        "publish/messages/sent",
        "*/metrics/messages/sent",
        "bytes/received",
        "*/metrics/bytes/received",
        "bytes/sent",
        "*/metrics/bytes/sent",
        "load/publish/received/1min",
        "load/publish/sent/1min",
        "subscriptions/count",
        "*/stats/subscriptions/count",
        "retained messages/count",
        "*/stats/retained/count",
        "heap/current",
        "publish/messages/dropped",
        "*/metrics/messages/dropped",
        "version",
        "uptime",
        "*/clients/c1/connected",
        "",
    ];
    pub const NODES: [&str; 4] = ["emqx@10.0.0.1", "emqx@10.0.0.2", "+", ""];

    /// The sink's topic limit (broker_stats.rs MAX_TOPICS).
    pub const MAX_TOPICS: usize = 10_000;
    /// The Rate figures: per second from two totals, so never negative.
    const RATES: [&str; 4] = [
        "MQTT_BROKER_MSGS_RECEIVED_PER_S",
        "MQTT_BROKER_MSGS_SENT_PER_S",
        "MQTT_BROKER_BYTES_RECEIVED_PER_S",
        "MQTT_BROKER_BYTES_SENT_PER_S",
    ];

    pub fn check(data: &[u8]) {
        let mut r = Reader::new(data);
        let first = r.byte();
        let root = ROOTS[usize::from(first & 3)];
        let limit = if first & SMALL != 0 {
            SMALL_LIMIT
        } else {
            MAX_TOPICS
        };
        let mut replay = SysReplay::new(root, limit);
        let drops = SysDrops::new(root);
        let mut at = Instant::now();
        let mut fed = 0usize;
        let mut drops_before = None;

        while !r.is_empty() {
            let op = r.byte();
            let t = r.byte();
            let topic = if t & KNOWN_TOPIC != 0 {
                let known = KNOWN[usize::from(t & 0x1F) % KNOWN.len()];
                let node = NODES[usize::from((t >> 5) & 3)];
                format!("{root}/{}", known.replace('*', node))
            } else {
                let raw = String::from_utf8_lossy(r.take(usize::from(t & 0x3F)));
                if t & UNDER_ROOT != 0 {
                    format!("{root}/{raw}")
                } else {
                    raw.into_owned()
                }
            };
            let len = match r.byte() {
                255 => usize::from(u16::from_be_bytes([r.byte(), r.byte()])),
                n => usize::from(n),
            };
            let payload = r.take(len);
            let step = ADVANCE[usize::from((op >> ADVANCE_SHIFT) & 7)];
            at = at.checked_add(step).unwrap_or(at);

            fed += topic.len() + payload.len();
            replay.receive(&topic, payload, op & RETAIN != 0, at);
            drops.receive(&topic, payload);

            let total = drops.total();
            if let Some(v) = total {
                assert!(v.is_finite() && v >= 0.0, "dropped total {v}");
            }
            match sys_growth(drops_before, total) {
                Some(_) => assert!(matches!((drops_before, total), (Some(b), Some(n)) if n >= b)),
                None => assert!(!matches!((drops_before, total), (Some(b), Some(n)) if n >= b)),
            }
            drops_before = total;

            if op & SAMPLE != 0 {
                check_report(replay.sample(), root, limit, fed);
            }
        }
        check_report(replay.sample(), root, limit, fed);
    }

    fn check_report(report: Option<SysReport>, root: &str, limit: usize, fed: usize) {
        let Some(report) = report else {
            panic!("a sample found its state poisoned");
        };
        let names: Vec<&str> = report.figures.iter().map(|(n, _)| *n).collect();
        let expected: Vec<&str> = mqttload::sampler::broker_figure_names().collect();
        assert_eq!(names, expected, "figures out of order");
        for (name, value) in &report.figures {
            let Some(text) = value else { continue };
            let v: f64 = match text.parse() {
                Ok(v) => v,
                Err(_) => panic!("{name} = {text:?} is not a number"),
            };
            assert!(v.is_finite(), "{name} = {text:?}");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'),
                "{name} = {text:?}: not plain digits"
            );
            if RATES.contains(name) {
                assert!(v >= 0.0, "{name} = {text:?}: a negative rate");
            }
        }
        assert!(report.topics <= limit, "{} topics kept", report.topics);
        // Each line: "<root>/<topic> = <value>\n"; the payload as text may triple (U+FFFD per
        // invalid byte); one more line counts what was not kept.
        let framing = root.len() + 5;
        let bound = 3 * fed + report.topics * framing + 100;
        assert!(
            report.data.len() <= bound,
            "{} bytes of data from {fed} bytes fed",
            report.data.len()
        );
        assert!(report.message.len() <= 2048, "message: {}", report.message);
    }
}

/// The CI smoke of the fuzz targets (`make test`, on stable Rust, without libFuzzer's engine): each
/// target's committed seeds, then mutations of them from a fixed seed. `make fuzz` is the search.
#[cfg(test)]
mod smoke {
    use std::path::PathBuf;

    use mqttload::codec::ProtocolVersion;

    /// Mutated inputs per target: seconds of work, not minutes.
    const MUTATIONS: usize = 20_000;

    fn seeds(target: &str) -> Vec<Vec<u8>> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let seeds: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
        assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
        seeds
    }

    /// xorshift64*: the same inputs on every run, so a failure replays.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// A seed with a few bytes flipped, inserted, removed or duplicated, or two seeds spliced.
    fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut d = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(d.len() + 1);
            match rng.below(5) {
                0 if at < d.len() => d[at] ^= 1 << rng.below(8),
                1 => d.insert(at, rng.next() as u8),
                2 if at < d.len() => {
                    d.remove(at);
                }
                3 => {
                    let other = &seeds[rng.below(seeds.len())];
                    let from = rng.below(other.len() + 1);
                    d.splice(at..at, other[from..].iter().copied());
                }
                _ => {
                    let end = (at + rng.below(16)).min(d.len());
                    let piece = d[at..end].to_vec();
                    d.splice(at..at, piece);
                }
            }
        }
        d
    }

    fn run(target: &str, check: impl Fn(&[u8])) {
        let seeds = seeds(target);
        for s in &seeds {
            check(s);
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ target.len() as u64);
        for _ in 0..MUTATIONS {
            check(&mutate(&mut rng, &seeds));
        }
    }

    #[test]
    fn decode_v311() {
        run("decode_v311", |data| {
            let version = match data.first() {
                Some(b) if b & 0x40 != 0 => ProtocolVersion::V31,
                _ => ProtocolVersion::V311,
            };
            let (max, bytes) = crate::split_limit(data);
            crate::check_stream(bytes, version, max);
        });
    }

    #[test]
    fn decode_v5() {
        run("decode_v5", |data| {
            let (max, bytes) = crate::split_limit(data);
            crate::check_stream(bytes, ProtocolVersion::V5, max);
        });
    }

    #[test]
    fn template() {
        run("template", crate::template_input::check);
    }

    #[test]
    fn sys_figures() {
        run("sys_figures", crate::sys_input::check);
    }
}
