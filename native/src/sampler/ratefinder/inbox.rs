//! What the subscribing connections receive, step by step. Each message's publisher id says which
//! step sent it (`id`), so a message that arrives after its step was closed is counted as late,
//! never as part of the step that is running; within a step, each subscriber's sequence tracker
//! tells distinct deliveries from duplicates and finds the missing ones.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::futures::Notified;
use tokio::sync::Notify;

use crate::client::{Delivery, MessageSink};
use crate::sampler::payload::{epoch_nanos, parse_stamp, Stamp};
use crate::sampler::stats::{Latencies, SequenceTracker};

/// Bits of a publisher id below the step's serial number: the publisher's index in the step.
const PUBLISHER_BITS: u32 = 20;
/// The most publishing connections a step can tell apart.
pub(super) const MAX_PUBLISHERS: usize = 1 << PUBLISHER_BITS;

/// The publisher id of the `publisher`-th publishing connection in step `serial`.
pub(super) fn id(base: u64, serial: u32, publisher: usize) -> u64 {
    base.wrapping_add((u64::from(serial) << PUBLISHER_BITS) | publisher as u64)
}

/// The step serial an id of this finder belongs to.
fn serial_of(base: u64, publisher: u64) -> u64 {
    publisher.wrapping_sub(base) >> PUBLISHER_BITS
}

/// The step that is receiving.
struct Open {
    serial: u32,
    /// One per subscriber (a message reaches each of them).
    trackers: Vec<SequenceTracker>,
    latencies: Latencies,
    bytes: u64,
}

#[derive(Default)]
struct State {
    open: Option<Open>,
    /// Serial numbers below this are steps that ran.
    next_serial: u64,
    /// Deliveries of closed steps since the last look.
    late: u64,
    last_late: Option<Instant>,
    /// Messages on the topic that are no step's of this finder (another publisher's).
    foreign: u64,
}

/// What a closed step received.
#[derive(Default)]
pub(super) struct Received {
    pub(super) distinct: u64,
    pub(super) duplicates: u64,
    /// Deliveries missing: in gaps and after the last received, per subscriber.
    pub(super) lost: u64,
    pub(super) latencies: Latencies,
    pub(super) bytes: u64,
}

pub(super) struct Inbox {
    base: u64,
    state: Mutex<State>,
    /// Distinct deliveries of the open step, read without the lock by the drain's wait.
    distinct: AtomicU64,
    wake_at: AtomicU64,
    notify: Notify,
    open: AtomicBool,
}

impl Inbox {
    pub(super) fn new(base: u64) -> Inbox {
        Inbox {
            base,
            state: Mutex::new(State::default()),
            distinct: AtomicU64::new(0),
            wake_at: AtomicU64::new(u64::MAX),
            notify: Notify::new(),
            open: AtomicBool::new(true),
        }
    }

    /// Takes nothing more: its finder is gone.
    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    /// From now on the messages of step `serial`, published by `publishers` connections, are
    /// this step's, each expected by every one of `subscribers`.
    pub(super) fn open_step(&self, serial: u32, publishers: usize, subscribers: usize) {
        let mut trackers: Vec<SequenceTracker> = Vec::with_capacity(subscribers);
        for _ in 0..subscribers {
            let mut t = SequenceTracker::default();
            for p in 0..publishers {
                t.expect(id(self.base, serial, p), 0);
            }
            trackers.push(t);
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        s.open = Some(Open {
            serial,
            trackers,
            latencies: Latencies::default(),
            bytes: 0,
        });
        s.next_serial = s.next_serial.max(u64::from(serial) + 1);
        self.distinct.store(0, Ordering::Release);
    }

    /// Ends the open step: `sent` holds how many messages each of its publishers handed over.
    pub(super) fn close_step(&self, sent: &[u64]) -> Received {
        let Some(open) = self.state.lock().ok().and_then(|mut s| s.open.take()) else {
            return Received::default();
        };
        let mut r = Received {
            distinct: self.distinct.swap(0, Ordering::AcqRel),
            latencies: open.latencies,
            bytes: open.bytes,
            ..Received::default()
        };
        for t in &open.trackers {
            r.duplicates += t.duplicates;
            r.lost += t.lost();
            for (p, n) in sent.iter().enumerate() {
                let got_to = t.next_expected(id(self.base, open.serial, p)).unwrap_or(0);
                r.lost += n.saturating_sub(got_to);
            }
        }
        r
    }

    /// Distinct deliveries of the open step so far.
    pub(super) fn distinct(&self) -> u64 {
        self.distinct.load(Ordering::Acquire)
    }

    /// Completes once `distinct()` reaches the mark `wake_at` set; enable it before looking.
    pub(super) fn notified(&self) -> Notified<'_> {
        self.notify.notified()
    }

    pub(super) fn wake_at(&self, n: u64) {
        self.wake_at.store(n, Ordering::Release);
    }

    /// Late deliveries and foreign messages since the last call.
    pub(super) fn take_strays(&self) -> (u64, u64) {
        self.state.lock().map_or((0, 0), |mut s| {
            (std::mem::take(&mut s.late), std::mem::take(&mut s.foreign))
        })
    }

    /// When a delivery of a closed step last arrived.
    pub(super) fn last_late(&self) -> Option<Instant> {
        self.state.lock().ok().and_then(|s| s.last_late)
    }

    fn on_delivery(&self, subscriber: usize, d: &Delivery<'_>) {
        let payload = &d.publish.payload;
        // Read before the lock: the subscribers' session tasks share it.
        let stamp = parse_stamp(payload);
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        let Some(Stamp::Precise {
            publisher,
            seq,
            epoch_nanos: sent,
        }) = stamp
        else {
            s.foreign += 1;
            return;
        };
        let serial = serial_of(self.base, publisher);
        let open_serial = s.open.as_ref().map(|o| u64::from(o.serial));
        if open_serial != Some(serial) {
            if serial < s.next_serial {
                s.late += 1;
                s.last_late = Some(Instant::now());
            } else {
                s.foreign += 1;
            }
            return;
        }
        let Some(open) = s.open.as_mut() else {
            return;
        };
        let Some(t) = open.trackers.get_mut(subscriber) else {
            return;
        };
        let before = t.duplicates;
        t.record(publisher, seq);
        open.bytes += payload.len() as u64;
        open.latencies
            .record((epoch_nanos(d.received_at) as i128 - i128::from(sent)) / 1000);
        if t.duplicates == before {
            let n = self.distinct.fetch_add(1, Ordering::AcqRel) + 1;
            if n >= self.wake_at.load(Ordering::Acquire) {
                self.notify.notify_waiters();
            }
        }
    }
}

/// The inbox as one subscribing connection's sink.
pub(super) struct SubscriberSink {
    pub(super) inbox: Arc<Inbox>,
    pub(super) subscriber: usize,
}

impl MessageSink for SubscriberSink {
    fn is_open(&self) -> bool {
        self.inbox.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        if self.is_open() {
            self.inbox.on_delivery(self.subscriber, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use bytes::{Bytes, BytesMut};

    use super::*;
    use crate::codec::{Properties, Publish, QoS};
    use crate::sampler::payload::write_precise;

    const BASE: u64 = 0x1234_5678_0000_0000;

    fn message(publisher: u64, seq: u64) -> Publish {
        let mut b = BytesMut::new();
        write_precise(&mut b, publisher, seq, SystemTime::now());
        b.extend_from_slice(b"pad");
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "t".into(),
            pkid: 0,
            payload: b.freeze(),
            properties: Properties::new(),
        }
    }

    fn deliver(sink: &SubscriberSink, publisher: u64, seq: u64) {
        let p = message(publisher, seq);
        sink.on_message(&Delivery {
            publish: &p,
            received_at: SystemTime::now(),
        });
    }

    #[test]
    fn each_subscriber_is_counted_and_losses_found_per_step() {
        let inbox = Arc::new(Inbox::new(BASE));
        let subs: Vec<SubscriberSink> = (0..2)
            .map(|subscriber| SubscriberSink {
                inbox: inbox.clone(),
                subscriber,
            })
            .collect();
        inbox.open_step(7, 2, 2);
        let (p0, p1) = (id(BASE, 7, 0), id(BASE, 7, 1));
        // subscriber 0 gets everything, one twice; subscriber 1 misses p0's 1 and p1's tail
        for seq in 0..3 {
            deliver(&subs[0], p0, seq);
            deliver(&subs[0], p1, seq);
        }
        deliver(&subs[0], p0, 2);
        for (p, seq) in [(p0, 0), (p0, 2), (p1, 0)] {
            deliver(&subs[1], p, seq);
        }
        assert_eq!(inbox.distinct(), 9);
        let r = inbox.close_step(&[3, 3]);
        assert_eq!((r.distinct, r.duplicates, r.lost), (9, 1, 3));
        assert_eq!(r.latencies.summary().map(|l| l.count), Some(10));
        // after the close, a message of step 7 is late, a stranger's is foreign
        deliver(&subs[1], p1, 1);
        deliver(&subs[1], 42, 0);
        let other = Publish {
            payload: Bytes::from_static(b"no header"),
            ..message(0, 0)
        };
        subs[0].on_message(&Delivery {
            publish: &other,
            received_at: SystemTime::now(),
        });
        assert_eq!(inbox.take_strays(), (1, 2));
        assert!(inbox.last_late().is_some());
        assert_eq!(inbox.take_strays(), (0, 0));
    }

    #[test]
    fn the_next_step_starts_from_nothing_and_a_closed_inbox_takes_nothing() {
        let inbox = Arc::new(Inbox::new(BASE));
        let sink = SubscriberSink {
            inbox: inbox.clone(),
            subscriber: 0,
        };
        inbox.open_step(1, 1, 1);
        deliver(&sink, id(BASE, 1, 0), 0);
        let _ = inbox.close_step(&[1]);
        inbox.open_step(2, 1, 1);
        assert_eq!(inbox.distinct(), 0);
        // nothing arrived: the whole step is lost
        assert_eq!(inbox.close_step(&[5]).lost, 5);
        inbox.close();
        assert!(!sink.is_open());
    }
}
