//! What a Request element's reply subscriptions collect: every reply is matched to its request by
//! correlation id, timed, checked, and counted as matched, late, duplicate or unmatched. It runs
//! on the session tasks (the sink of every reply topic of the element), so it only looks the id
//! up and counts; the sample reads the counts when it ends.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::futures::Notified;
use tokio::sync::Notify;

use super::is_live;
use crate::client::{Delivery, MessageSink};
use crate::sampler::config::ReplyCheck;
use crate::sampler::envelope::{reply_correlation, Correlation};
use crate::sampler::stats::Latencies;

/// Settled requests are remembered to tell a duplicate or late reply from an unknown one, for
/// REMEMBER_FOR and at most REMEMBERED of them (about 3 MiB): a reply to an older request counts
/// as unmatched. By age first, so that what a long run holds follows its rate, not its length.
pub(super) const REMEMBERED: usize = 65_536;
pub(super) const REMEMBER_FOR: Duration = Duration::from_secs(60);

/// How a request ended, for the replies that come after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    Answered,
    TimedOut,
}

/// Counts since the last sample ended: the current sample's requests, and every reply.
#[derive(Default)]
pub(super) struct Tally {
    /// The sample's requests answered within the timeout.
    pub(super) matched: u64,
    /// The sample's requests without a reply within the timeout.
    pub(super) timeouts: u64,
    /// Of `matched`, the replies that failed the check, and the first one's failure.
    pub(super) check_failed: u64,
    pub(super) first_failure: Option<String>,
    pub(super) unmatched: u64,
    pub(super) duplicates: u64,
    pub(super) late: u64,
    /// Round-trip times of `matched`, µs.
    pub(super) rtt: Latencies,
    /// Payload bytes of the matched replies.
    pub(super) bytes: u64,
    /// The first matched reply's payload, for the response data.
    pub(super) first_reply: Option<Bytes>,
}

#[derive(Default)]
struct State {
    /// Requests awaiting their reply, with when they were handed to their connection: all of
    /// them the current sample's, since a sample ends by settling what is left.
    pending: HashMap<u128, Instant>,
    settled: HashMap<u128, Settled>,
    /// `settled`'s keys and when they were settled, oldest first, to forget.
    order: VecDeque<(u128, Instant)>,
    tally: Tally,
}

impl State {
    fn settle(&mut self, key: u128, how: Settled) {
        self.settle_at(key, how, Instant::now());
    }

    fn settle_at(&mut self, key: u128, how: Settled, now: Instant) {
        if self.settled.insert(key, how).is_none() {
            self.order.push_back((key, now));
        }
        while let Some(&(old, at)) = self.order.front() {
            let aged = now.saturating_duration_since(at) > REMEMBER_FOR;
            if !aged && self.order.len() <= REMEMBERED {
                break;
            }
            self.order.pop_front();
            self.settled.remove(&old);
        }
    }
}

pub(super) struct Tracker {
    element: u64,
    timeout: Duration,
    check: ReplyCheck,
    state: Mutex<State>,
    /// Woken when the last pending request is answered.
    notify: Notify,
    /// Cleared when the element is dropped: the sink then takes nothing more.
    open: AtomicBool,
}

impl MessageSink for Tracker {
    fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        if !self.is_open() {
            return;
        }
        self.on_reply(d.publish, Instant::now());
    }
}

impl Tracker {
    pub(super) fn new(element: u64, timeout: Duration, check: ReplyCheck) -> Tracker {
        Tracker {
            element,
            timeout,
            check,
            state: Mutex::new(State::default()),
            notify: Notify::new(),
            open: AtomicBool::new(true),
        }
    }

    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    /// A request about to be handed to its connection.
    pub(super) fn register(&self, c: Correlation, at: Instant) {
        if let Ok(mut s) = self.state.lock() {
            s.pending.insert(c.0, at);
        }
    }

    /// A request that could not be handed over: it awaits nothing.
    pub(super) fn forget(&self, c: Correlation) {
        if let Ok(mut s) = self.state.lock() {
            s.pending.remove(&c.0);
        }
    }

    pub(super) fn outstanding(&self) -> usize {
        self.state.lock().map_or(0, |s| s.pending.len())
    }

    /// Completes once the last pending request is answered; enable it before looking at
    /// `outstanding()`, so an answer in between is not missed.
    pub(super) fn notified(&self) -> Notified<'_> {
        self.notify.notified()
    }

    fn on_reply(&self, reply: &crate::codec::Publish, arrived: Instant) {
        let count = |f: fn(&mut Tally)| {
            if let Ok(mut s) = self.state.lock() {
                f(&mut s.tally);
            }
        };
        let Some((id, body)) = reply_correlation(reply) else {
            return count(|t| t.unmatched += 1);
        };
        let Some(c) = Correlation::from_bytes(&id) else {
            return count(|t| t.unmatched += 1);
        };
        // Another Request element of this engine whose replies share our topic: its own.
        if c.element() != self.element && is_live(c.element()) {
            return;
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        let Some(sent) = s.pending.remove(&c.0) else {
            match s.settled.get(&c.0).copied() {
                Some(Settled::TimedOut) => {
                    s.tally.late += 1;
                    s.settle_again(c.0);
                }
                Some(Settled::Answered) => s.tally.duplicates += 1,
                None => s.tally.unmatched += 1,
            }
            return;
        };
        let rtt = arrived.saturating_duration_since(sent);
        if rtt > self.timeout {
            // Its sample is still running (a paced one): a timeout there, and a late reply.
            s.tally.timeouts += 1;
            s.tally.late += 1;
            s.settle(c.0, Settled::Answered);
        } else {
            s.settle(c.0, Settled::Answered);
            let t = &mut s.tally;
            t.matched += 1;
            t.rtt
                .record(i128::try_from(rtt.as_micros()).unwrap_or(i128::MAX));
            t.bytes += body.len() as u64;
            if t.first_reply.is_none() {
                t.first_reply = Some(reply.payload.slice_ref(body));
            }
            if let Some(why) = self.check.failure(body) {
                t.check_failed += 1;
                t.first_failure.get_or_insert(why);
            }
        }
        let done = s.pending.is_empty();
        drop(s);
        if done {
            self.notify.notify_waiters();
        }
    }

    /// A sample starts. Requests still pending belong to a sample JMeter's Stop interrupted (which
    /// reported nothing, as any interrupted sample): they are settled as timed out, so a reply to
    /// them is late, and this sample waits only for its own.
    pub(super) fn begin_sample(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.time_out_pending();
        }
    }

    /// The sample is over: what is still pending timed out. Takes the counts.
    pub(super) fn end_sample(&self) -> Tally {
        let Ok(mut s) = self.state.lock() else {
            return Tally::default();
        };
        s.tally.timeouts += s.time_out_pending();
        std::mem::take(&mut s.tally)
    }
}

impl State {
    /// Settles every pending request as timed out; how many there were.
    fn time_out_pending(&mut self) -> u64 {
        let mut left: Vec<u128> = self.pending.drain().map(|(k, _)| k).collect();
        // Oldest first (by connection, then number), so that the oldest are forgotten first.
        left.sort_unstable();
        let n = left.len() as u64;
        for k in left {
            self.settle(k, Settled::TimedOut);
        }
        n
    }

    /// A timed-out request answered after all: a further reply to it is a duplicate.
    fn settle_again(&mut self, key: u128) {
        if let Some(how) = self.settled.get_mut(&key) {
            *how = Settled::Answered;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Properties, Property, Publish, QoS};
    use crate::sampler::envelope::write_reply_header;
    use bytes::BytesMut;

    fn v5_reply(c: Correlation, body: &'static [u8]) -> Publish {
        let mut properties = Properties::new();
        properties.push(Property::CorrelationData(Bytes::copy_from_slice(
            &c.bytes(),
        )));
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "r".into(),
            pkid: 0,
            payload: Bytes::from_static(body),
            properties,
        }
    }

    fn v311_reply(c: Correlation, body: &[u8]) -> Publish {
        let mut b = BytesMut::new();
        write_reply_header(&mut b, &c.bytes());
        b.extend_from_slice(body);
        Publish {
            payload: b.freeze(),
            properties: Properties::new(),
            ..v5_reply(c, b"")
        }
    }

    fn tracker(check: ReplyCheck) -> Tracker {
        Tracker::new(7, Duration::from_secs(5), check)
    }

    #[test]
    fn replies_are_matched_timed_and_checked() {
        let t = tracker(ReplyCheck::Contains(Bytes::from_static(b"ok")));
        let now = Instant::now();
        let (a, b, c) = (
            Correlation::new(7, 0, 0),
            Correlation::new(7, 1, 0),
            Correlation::new(7, 0, 1),
        );
        for x in [a, b, c] {
            t.register(x, now);
        }
        t.on_reply(&v5_reply(a, b"ok 1"), now + Duration::from_millis(2));
        t.on_reply(&v311_reply(b, b"error"), now + Duration::from_millis(4));
        assert_eq!(t.outstanding(), 1);
        let tally = t.end_sample();
        assert_eq!(
            (tally.matched, tally.timeouts, tally.check_failed),
            (2, 1, 1)
        );
        assert_eq!(
            tally.first_failure.as_deref(),
            Some("'error' does not contain 'ok'")
        );
        assert_eq!(tally.first_reply.as_deref(), Some(&b"ok 1"[..]));
        assert_eq!(tally.bytes, 9);
        let rtt = tally.rtt.summary().unwrap();
        assert_eq!((rtt.count, rtt.min), (2, 2000));
        assert!((4000..=4004).contains(&rtt.max), "{rtt:?}");
        // after the sample: a late reply to c, then a duplicate of it and of a, and strangers
        t.on_reply(&v5_reply(c, b"ok"), Instant::now());
        t.on_reply(&v5_reply(c, b"ok"), Instant::now());
        t.on_reply(&v5_reply(a, b"ok"), Instant::now());
        t.on_reply(&v5_reply(Correlation::new(7, 9, 9), b"ok"), Instant::now());
        t.on_reply(&v5_reply(Correlation::new(99, 0, 0), b"ok"), Instant::now());
        let mut plain = v5_reply(a, b"no id");
        plain.properties = Properties::new();
        t.on_reply(&plain, Instant::now());
        let tally = t.end_sample();
        assert_eq!((tally.late, tally.duplicates, tally.unmatched), (1, 2, 3));
        assert_eq!((tally.matched, tally.timeouts), (0, 0));
    }

    #[test]
    fn a_reply_after_its_timeout_in_a_running_sample_is_a_timeout_and_late() {
        let t = tracker(ReplyCheck::None);
        let sent = Instant::now();
        let c = Correlation::new(7, 0, 0);
        t.register(c, sent);
        t.on_reply(&v5_reply(c, b""), sent + Duration::from_secs(6));
        let tally = t.end_sample();
        assert_eq!((tally.matched, tally.timeouts, tally.late), (0, 1, 1));
    }

    #[test]
    fn only_the_last_settled_requests_are_remembered() {
        let t = tracker(ReplyCheck::None);
        let now = Instant::now();
        for seq in 0..(REMEMBERED as u32 + 10) {
            t.register(Correlation::new(7, 0, seq), now);
        }
        let tally = t.end_sample();
        assert_eq!(tally.timeouts, REMEMBERED as u64 + 10);
        t.on_reply(&v5_reply(Correlation::new(7, 0, 0), b""), now);
        t.on_reply(&v5_reply(Correlation::new(7, 0, 10), b""), now);
        let tally = t.end_sample();
        assert_eq!((tally.unmatched, tally.late), (1, 1));
    }

    #[test]
    fn settled_requests_are_forgotten_after_a_minute() {
        let mut s = State::default();
        let t0 = Instant::now();
        s.settle_at(1, Settled::Answered, t0);
        s.settle_at(2, Settled::TimedOut, t0 + Duration::from_secs(30));
        s.settle_at(
            3,
            Settled::Answered,
            t0 + REMEMBER_FOR + Duration::from_secs(1),
        );
        assert_eq!(s.settled.get(&1), None);
        assert_eq!(s.settled.get(&2), Some(&Settled::TimedOut));
        assert_eq!(s.order.len(), 2);
    }

    #[test]
    fn requests_of_an_interrupted_sample_are_not_waited_for() {
        let t = tracker(ReplyCheck::None);
        let c = Correlation::new(7, 0, 0);
        t.register(c, Instant::now());
        t.begin_sample();
        assert_eq!(t.outstanding(), 0);
        t.on_reply(&v5_reply(c, b""), Instant::now());
        let tally = t.end_sample();
        assert_eq!((tally.timeouts, tally.late, tally.matched), (0, 1, 0));
    }

    #[tokio::test]
    async fn the_last_answer_wakes_the_sample() {
        let t = std::sync::Arc::new(tracker(ReplyCheck::None));
        let c = Correlation::new(7, 0, 0);
        t.register(c, Instant::now());
        let waiter = {
            let t = t.clone();
            tokio::spawn(async move {
                let n = t.notified();
                tokio::pin!(n);
                n.as_mut().enable();
                if t.outstanding() > 0 {
                    n.await;
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        t.on_reply(&v5_reply(c, b""), Instant::now());
        tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .expect("woken")
            .expect("no panic");
    }
}
