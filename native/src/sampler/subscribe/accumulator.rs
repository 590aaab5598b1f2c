//! What a subscription collects for its samples: every message delivered, queued until a sample
//! takes it, and the loss, duplicate and order accounting against this engine's publishers.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::futures::Notified;
use tokio::sync::Notify;

use crate::client::{route_filter, topic_matches, Delivery, MessageSink};
use crate::clock;
use crate::codec::Publish;
use crate::sampler::clock_sync;
use crate::sampler::payload::{epoch_nanos, parse_stamp, Stamp};
use crate::sampler::stats::{Latencies, SequenceTracker};
use crate::sampler::streams::{self, Stream};

use super::stopped::{stopped_text, Activities};

/// Debug response data kept per batch; the rest is counted and named, not shown.
const MAX_DEBUG_BYTES: usize = 1024 * 1024;

/// One received message, as much of it as a sample reports.
struct Received {
    bytes: u64,
    latency_us: Option<i128>,
    /// Its latency was corrected by the clock offsets of its publisher's engine and ours.
    corrected: bool,
    /// The payload, kept only with debug response on.
    payload: Option<Bytes>,
    /// MQTT 5.0 properties line for the debug response.
    properties: Option<String>,
}

/// `# properties: content-type=..., user-property name=value, ...`, or None when the message
/// carries none worth showing.
fn properties_line(p: &Publish) -> Option<String> {
    let props = &p.properties;
    let mut parts: Vec<String> = Vec::new();
    if let Some(ct) = props.content_type() {
        parts.push(format!("content-type={ct}"));
    }
    for (k, v) in props.user_properties() {
        parts.push(format!("user-property {k}={v}"));
    }
    if let Some(e) = props.message_expiry_interval() {
        parts.push(format!("message-expiry={e}"));
    }
    if let Some(t) = props.response_topic() {
        parts.push(format!("response-topic={t}"));
    }
    if let Some(c) = props.correlation_data() {
        let hex: String = c.iter().map(|b| format!("{b:02x}")).collect();
        parts.push(format!("correlation-data={hex}"));
    }
    if props.payload_format_indicator() == Some(1) {
        parts.push("payload-format=utf8".into());
    }
    for id in props.subscription_identifiers() {
        parts.push(format!("subscription-id={id}"));
    }
    (!parts.is_empty()).then(|| format!("# properties: {}", parts.join(", ")))
}

/// What one sample takes from the queue.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) count: u64,
    pub(super) bytes: u64,
    pub(super) latencies: Latencies,
    /// Latencies corrected by the engines' clock offsets.
    pub(super) corrected: u64,
    pub(super) debug: Vec<u8>,
    pub(super) debug_omitted: u64,
}

/// The sink of one Subscriber on every connection of its group. It runs on the session tasks,
/// so it only queues each message and notes its sequence number; the figures are worked out
/// when a sample asks.
pub(super) struct Accumulator {
    add_timestamp: bool,
    debug_response: bool,
    /// Messages not yet reported, oldest first: a count sample takes exactly its count and
    /// leaves the rest for the next sample.
    queue: Mutex<VecDeque<Received>>,
    /// Cumulative since the subscription started: loss is only known over the whole stream.
    sequence: Mutex<SequenceTracker>,
    /// When each other engine's publisher's messages arrived, to name streams that stopped
    /// (taken after `sequence`, never before it).
    activity: Mutex<Activities>,
    /// Epoch nanoseconds of the latest stamped message of any stream, this engine's included
    /// (0: none yet): a foreign stream stopped only if others went on after it.
    last_heard_ns: AtomicU64,
    /// The publishers of this engine whose messages this subscription should get.
    expected: Mutex<Expected>,
    count: AtomicU64,
    /// A waiter wants to hear when `count` reaches this.
    wake_at: AtomicU64,
    notify: Notify,
    /// Cleared when the subscriber is dropped: the sink then takes nothing more.
    open: AtomicBool,
}

impl MessageSink for Accumulator {
    fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        if !self.is_open() {
            return;
        }
        let payload = &d.publish.payload;
        let stamp = if self.add_timestamp {
            parse_stamp(payload)
        } else {
            None
        };
        if let Some(Stamp::End {
            publisher, sent, ..
        }) = stamp
        {
            // A control message, not part of the load: it only says how many were sent.
            if let Ok(mut s) = self.sequence.lock() {
                s.ended(publisher, sent);
            }
            return;
        }
        if let Some(Stamp::Precise { publisher, seq, .. }) = stamp {
            if let Ok(mut s) = self.sequence.lock() {
                if !s.knows(publisher) {
                    self.discover(publisher, &mut s);
                }
                s.record(publisher, seq);
                let at = u64::try_from(epoch_nanos(d.received_at)).unwrap_or(u64::MAX);
                self.last_heard_ns.fetch_max(at, Ordering::Relaxed);
                // This engine's streams say how many they sent, so they never need naming as
                // stopped: a run on one engine takes no second lock per message.
                if clock::publisher_tag(publisher) != clock::engine_tag() {
                    if let Ok(mut a) = self.activity.lock() {
                        a.seen(publisher, d.received_at);
                    }
                }
            }
        }
        let mut corrected = false;
        let latency_us = stamp.map(|st| {
            let mut ns = epoch_nanos(d.received_at) as i128 - st.sent_nanos() as i128;
            // Another engine's clock stamped it: the two clocks' offsets are part of the figure.
            if let Stamp::Precise { publisher, .. } = st {
                if let Some(c) = clock_sync::correction_ns(publisher) {
                    ns += i128::from(c);
                    corrected = true;
                }
            }
            ns / 1000
        });
        let record = Received {
            bytes: payload.len() as u64,
            latency_us,
            corrected,
            payload: self.debug_response.then(|| payload.clone()),
            properties: if self.debug_response {
                properties_line(d.publish)
            } else {
                None
            },
        };
        if let Ok(mut q) = self.queue.lock() {
            q.push_back(record);
        }
        let n = self.count.fetch_add(1, Ordering::AcqRel) + 1;
        if n >= self.wake_at.load(Ordering::Acquire) {
            self.notify.notify_waiters();
        }
    }
}

/// What a subscription expects from this engine's publishers (precise timestamps): every message
/// a matching stream sent after the subscription started, so the tail that never arrived counts.
#[derive(Default)]
struct Expected {
    /// The stream registration count when the subscription started; None before, and for
    /// shared subscriptions (each member gets only part of a stream).
    epoch: Option<u64>,
    /// Filters as matched (without `$share/...`), and the group of an MQTT 5.0 No Local
    /// subscription (its own publications never come back).
    filters: Vec<String>,
    no_local_group: Option<u64>,
    known: Vec<Arc<Stream>>,
    /// Streams no longer expected since an Unsubscribe removed every filter they matched.
    dropped: HashSet<u64>,
    /// Registration count of the last look at the registry: only newer streams are looked at.
    scanned: u64,
}

impl Expected {
    fn wants(&self, s: &Stream) -> bool {
        self.no_local_group != Some(s.group)
            && self.filters.iter().any(|f| topic_matches(f, &s.topic))
    }
}

/// Figures since the previous sample: the tracker's counters are running totals.
#[derive(Default, Clone, Copy)]
pub(super) struct Reported {
    gaps_found: u64,
    duplicates: u64,
    out_of_order: u64,
}

/// Loss, duplicate and order figures of one sample.
pub(super) struct SequenceFigures {
    pub(super) lost: u64,
    pub(super) duplicates: u64,
    pub(super) out_of_order: u64,
    /// Sent by known publishers after the last message received from each: on the way, or
    /// lost at the end of the test.
    pub(super) pending: u64,
    /// Missing now: in gaps plus pending.
    pub(super) lost_total: u64,
    pub(super) duplicates_total: u64,
    /// "publisher <id>: N" for the publishers something is missing from (the largest first).
    pub(super) shortfall: Vec<(u64, u64)>,
    /// Streams of other engines that stopped mid-run without an end marker, in words.
    pub(super) stopped: Option<String>,
}

impl Accumulator {
    pub(super) fn new(add_timestamp: bool, debug_response: bool) -> Accumulator {
        Accumulator {
            add_timestamp,
            debug_response,
            queue: Mutex::new(VecDeque::new()),
            sequence: Mutex::new(SequenceTracker::default()),
            activity: Mutex::new(Activities::default()),
            last_heard_ns: AtomicU64::new(0),
            expected: Mutex::new(Expected::default()),
            count: AtomicU64::new(0),
            wake_at: AtomicU64::new(u64::MAX),
            notify: Notify::new(),
            open: AtomicBool::new(true),
        }
    }

    /// Takes nothing more: its subscriber is gone.
    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    /// Messages queued and not yet taken.
    pub(super) fn queued(&self) -> u64 {
        self.count.load(Ordering::Acquire)
    }

    /// Completes once `queued()` reaches the mark `wake_at` set; enable it before looking at
    /// `queued()`, so a message that arrives in between is not missed.
    pub(super) fn notified(&self) -> Notified<'_> {
        self.notify.notified()
    }

    /// The count a waiter wants to hear of (`u64::MAX`: nobody waits).
    pub(super) fn wake_at(&self, n: u64) {
        self.wake_at.store(n, Ordering::Release);
    }

    /// Starts expecting: every matching stream from where it stands now. Called once SUBACK is
    /// in, so each message sent from here on reaches the broker after our subscription.
    pub(super) fn start_expecting(&self, filters: &[String], no_local_group: Option<u64>) {
        let (Ok(mut seq), Ok(mut exp)) = (self.sequence.lock(), self.expected.lock()) else {
            return;
        };
        if filters.iter().any(|f| f.starts_with("$share/")) {
            return;
        }
        exp.filters = filters
            .iter()
            .map(|f| route_filter(f).to_string())
            .collect();
        exp.no_local_group = no_local_group;
        let (epoch, found) = streams::select(|s| exp.wants(s));
        for s in found {
            seq.expect(s.id, s.sent());
            exp.known.push(s);
        }
        exp.epoch = Some(epoch);
        exp.scanned = epoch;
    }

    /// An Unsubscribe removed these filters: streams that no remaining filter matches are no
    /// longer expected (what they send from now on is not for us). Gaps already found stay.
    pub(super) fn stop_expecting(&self, filters: &[String]) {
        let Ok(mut exp) = self.expected.lock() else {
            return;
        };
        let gone: HashSet<&str> = filters.iter().map(|f| route_filter(f)).collect();
        exp.filters.retain(|f| !gone.contains(f.as_str()));
        let known = std::mem::take(&mut exp.known);
        let (kept, dropped): (Vec<_>, Vec<_>) = known.into_iter().partition(|s| exp.wants(s));
        exp.known = kept;
        exp.dropped.extend(dropped.iter().map(|s| s.id));
    }

    /// A publisher seen for the first time: a stream of this engine that began after the
    /// subscription is expected from its first message on.
    fn discover(&self, publisher: u64, seq: &mut SequenceTracker) {
        let Ok(mut exp) = self.expected.lock() else {
            return;
        };
        let Some(epoch) = exp.epoch else {
            return;
        };
        if let Some(s) = streams::find(publisher).filter(|s| s.registered > epoch && exp.wants(s)) {
            seq.expect(s.id, 0);
            exp.known.push(s);
        }
    }

    pub(super) fn figures(&self, before: &mut Reported) -> SequenceFigures {
        let (Ok(mut seq), Ok(mut exp)) = (self.sequence.lock(), self.expected.lock()) else {
            return SequenceFigures {
                lost: 0,
                duplicates: 0,
                out_of_order: 0,
                pending: 0,
                lost_total: 0,
                duplicates_total: 0,
                shortfall: Vec::new(),
                stopped: None,
            };
        };
        if exp.epoch.is_some() {
            // Streams that began since the last look and sent nothing that arrived yet.
            let (now, found) =
                streams::select_since(exp.scanned, |s| !seq.knows(s.id) && exp.wants(s));
            for s in found {
                seq.expect(s.id, 0);
                exp.known.push(s);
            }
            exp.scanned = now;
        }
        // How many each publisher sent: this engine's streams say it directly, end markers
        // from elsewhere (another JMeter engine) when they arrive.
        let known: HashSet<u64> = exp.known.iter().map(|s| s.id).collect();
        let sent = exp.known.iter().map(|s| (s.id, s.sent())).chain(
            seq.ends
                .iter()
                .filter(|(id, _)| !known.contains(id) && !exp.dropped.contains(id))
                .map(|(&id, &n)| (id, n)),
        );
        let mut pending = 0;
        let mut shortfall = Vec::new();
        for (id, n) in sent {
            let tail = n.saturating_sub(seq.next_expected(id).unwrap_or(0));
            pending += tail;
            let short = tail + seq.missing_of(id);
            if short > 0 {
                shortfall.push((id, short));
            }
        }
        shortfall.sort_by_key(|s| std::cmp::Reverse(s.1));
        // This engine's streams and those ended by a marker have their loss counted exactly.
        let own = clock::engine_tag();
        let heard = match self.last_heard_ns.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(UNIX_EPOCH + Duration::from_nanos(ns)),
        };
        let stopped = self.activity.lock().ok().and_then(|a| {
            let stopped = a.stopped(SystemTime::now(), heard, |id| {
                known.contains(&id)
                    || seq.ends.contains_key(&id)
                    || exp.dropped.contains(&id)
                    || clock::publisher_tag(id) == own
            });
            stopped_text(&stopped, |id| seq.missing_of(id))
        });
        let now = Reported {
            gaps_found: seq.gaps_found,
            duplicates: seq.duplicates,
            out_of_order: seq.out_of_order,
        };
        let f = SequenceFigures {
            lost: now.gaps_found - before.gaps_found,
            duplicates: now.duplicates - before.duplicates,
            out_of_order: now.out_of_order - before.out_of_order,
            pending,
            lost_total: seq.lost() + pending,
            duplicates_total: now.duplicates,
            shortfall,
            stopped,
        };
        *before = now;
        f
    }

    /// Takes up to `limit` of the oldest messages.
    pub(super) fn take(&self, limit: u64) -> Batch {
        let taken: Vec<Received> = match self.queue.lock() {
            Ok(mut q) => {
                let n = usize::try_from(limit).unwrap_or(usize::MAX).min(q.len());
                q.drain(..n).collect()
            }
            Err(_) => Vec::new(),
        };
        self.count.fetch_sub(taken.len() as u64, Ordering::AcqRel);
        let mut batch = Batch::default();
        for r in taken {
            batch.count += 1;
            batch.bytes += r.bytes;
            batch.corrected += u64::from(r.corrected);
            if let Some(us) = r.latency_us {
                batch.latencies.record(us);
            }
            if let Some(p) = r.payload {
                let props = r.properties.unwrap_or_default();
                if batch.debug.len() + p.len() + props.len() < MAX_DEBUG_BYTES {
                    if !props.is_empty() {
                        batch.debug.extend_from_slice(props.as_bytes());
                        batch.debug.push(b'\n');
                    }
                    batch.debug.extend_from_slice(&p);
                    batch.debug.push(b'\n');
                } else {
                    batch.debug_omitted += 1;
                }
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::codec::{Properties, QoS};
    use crate::sampler::payload::{write_end, write_precise};

    fn deliver(acc: &Accumulator, payload: BytesMut, at: SystemTime) {
        let publish = Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: "mqttload/lost/x".into(),
            pkid: 1,
            payload: payload.freeze(),
            properties: Properties::new(),
        };
        acc.on_message(&Delivery {
            publish: &publish,
            received_at: at,
        });
    }

    /// `count` messages of `publisher` from seq `from`, every 100 ms, the last `ago` before now.
    fn stream(acc: &Accumulator, publisher: u64, from: u64, count: u64, ago: Duration) {
        let last = SystemTime::now() - ago;
        for i in 0..count {
            let at = last - Duration::from_millis(100 * (count - 1 - i));
            let mut b = BytesMut::new();
            write_precise(&mut b, publisher, from + i, at);
            deliver(acc, b, at);
        }
    }

    fn other_engine(n: u32) -> u32 {
        // Never this engine's own tag, whatever it drew.
        (clock::engine_tag() ^ n) & 0x00ff_ffff
    }

    #[test]
    fn another_engines_stream_that_stopped_is_named_apart_from_loss() {
        let acc = Accumulator::new(true, false);
        let (dead, alive) = (other_engine(1), other_engine(2));
        // The dead engine's two streams went silent 20 s ago, the live one's go on.
        stream(&acc, clock::tagged(dead, 1), 0, 30, Duration::from_secs(20));
        stream(&acc, clock::tagged(dead, 2), 0, 30, Duration::from_secs(20));
        stream(&acc, clock::tagged(alive, 1), 0, 250, Duration::ZERO);
        let f = acc.figures(&mut Reported::default());
        assert_eq!((f.lost_total, f.pending), (0, 0));
        assert!(f.shortfall.is_empty());
        let text = f.stopped.expect("the dead engine's streams are named");
        assert!(
            text.starts_with(&format!(
                "stopped: 2 publisher stream(s) of engine {dead:06x} sent nothing for 20."
            )),
            "{text}"
        );
        assert!(
            text.contains("60 of their messages received, 0 missing in gaps"),
            "{text}"
        );
        assert!(!text.contains(&format!("{alive:06x}")), "{text}");
    }

    #[test]
    fn a_stream_that_stopped_while_this_engines_went_on_is_named() {
        let acc = Accumulator::new(true, false);
        let dead = other_engine(1);
        stream(&acc, clock::tagged(dead, 1), 0, 30, Duration::from_secs(20));
        // The only stream that went on is this engine's own (the subscriber's engine survived).
        stream(
            &acc,
            clock::tagged(clock::engine_tag(), 1),
            0,
            250,
            Duration::ZERO,
        );
        let f = acc.figures(&mut Reported::default());
        let text = f.stopped.expect("named");
        assert!(
            text.starts_with(&format!(
                "stopped: 1 publisher stream(s) of engine {dead:06x}"
            )),
            "{text}"
        );
        assert_eq!(f.lost_total, 0);
    }

    #[test]
    fn gaps_of_a_stopped_stream_are_loss_and_named_with_it() {
        let acc = Accumulator::new(true, false);
        let (dead, alive) = (other_engine(1), other_engine(2));
        stream(&acc, clock::tagged(dead, 1), 0, 10, Duration::from_secs(30));
        // 5 of its messages never arrived although later ones did: the broker's (or the
        // network's) loss, whatever became of the publisher afterwards.
        stream(
            &acc,
            clock::tagged(dead, 1),
            15,
            10,
            Duration::from_secs(20),
        );
        stream(&acc, clock::tagged(alive, 1), 0, 250, Duration::ZERO);
        let f = acc.figures(&mut Reported::default());
        assert_eq!(f.lost_total, 5);
        let text = f.stopped.expect("named");
        assert!(
            text.contains("20 of their messages received, 5 missing in gaps"),
            "{text}"
        );
    }

    #[test]
    fn a_stream_that_said_how_many_it_sent_or_is_this_engines_is_not_named() {
        let acc = Accumulator::new(true, false);
        let (ended, alive) = (other_engine(1), other_engine(2));
        let own = clock::tagged(clock::engine_tag(), 1);
        stream(
            &acc,
            clock::tagged(ended, 1),
            0,
            30,
            Duration::from_secs(20),
        );
        let mut b = BytesMut::new();
        let at = SystemTime::now() - Duration::from_secs(20);
        write_end(&mut b, clock::tagged(ended, 1), 32, at);
        deliver(&acc, b, at);
        // This engine's stream is not registered here (a test has no publisher): it is counted
        // by the registry when there is one, never named as stopped.
        stream(&acc, own, 0, 30, Duration::from_secs(20));
        stream(&acc, clock::tagged(alive, 1), 0, 250, Duration::ZERO);
        let f = acc.figures(&mut Reported::default());
        assert!(f.stopped.is_none(), "{:?}", f.stopped);
        // The marker said 32: the two that never came are the broker's, by publisher.
        assert_eq!(f.shortfall, vec![(clock::tagged(ended, 1), 2)]);
        assert_eq!(f.lost_total, 2);
    }

    #[test]
    fn streams_that_all_ended_together_are_not_named() {
        let acc = Accumulator::new(true, false);
        stream(
            &acc,
            clock::tagged(other_engine(1), 1),
            0,
            30,
            Duration::from_secs(20),
        );
        stream(
            &acc,
            clock::tagged(other_engine(2), 1),
            0,
            30,
            Duration::from_secs(20),
        );
        assert!(acc.figures(&mut Reported::default()).stopped.is_none());
    }
}
