use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use tokio::sync::Notify;

use super::subscriptions::Carried;

/// State the session task shares with its callers without a round trip.
pub(super) struct Shared {
    pub(super) connected: AtomicBool,
    pub(super) closed: AtomicBool,
    /// Why the connection last dropped: the original cause, kept while reconnects fail.
    pub(super) last_error: Mutex<Option<String>>,
    /// The latest failed reconnect attempt, told beside the original cause.
    pub(super) last_attempt: Mutex<Option<String>>,
    /// Messages that matched no subscription of ours (counted, never silently dropped).
    pub(super) unrouted: AtomicU64,
    pub(super) reconnects: AtomicU64,
    /// QoS 2 PUBLISHes (DUP=0) on a packet id that still awaited our PUBREL: the broker reused
    /// an id in flight (a broker fault, seen with more than 65,535 messages in flight).
    pub(super) reused_ids: AtomicU64,
    /// Set when the task ends.
    pub(super) carried: Mutex<Option<Carried>>,
    /// What the connection holds for the broker that is not written yet (see `Outbound`).
    pub(super) outbound: Outbound,
    /// QoS 0 messages handed off (nobody waits for their write) that were never written, and
    /// why the last of them was not: told to the next publisher that asks, never dropped silently.
    handed_lost: Mutex<Option<Box<(u64, String)>>>,
}

impl Shared {
    pub(super) fn new(outbound_limit: usize) -> Shared {
        Shared {
            connected: AtomicBool::new(true),
            closed: AtomicBool::new(false),
            last_error: Mutex::new(None),
            last_attempt: Mutex::new(None),
            unrouted: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            reused_ids: AtomicU64::new(0),
            carried: Mutex::new(None),
            outbound: Outbound::new(outbound_limit),
            handed_lost: Mutex::new(None),
        }
    }

    /// `n` handed-off QoS 0 messages will never be written, because of `why`.
    pub(super) fn lost_handed(&self, n: u64, why: &str) {
        if n == 0 {
            return;
        }
        if let Ok(mut g) = self.handed_lost.lock() {
            match g.as_mut() {
                Some(lost) => {
                    lost.0 += n;
                    lost.1 = why.to_string();
                }
                None => *g = Some(Box::new((n, why.to_string()))),
            }
        }
    }

    /// The handed-off messages lost since the last call, and the last reason.
    pub(super) fn take_handed_lost(&self) -> Option<(u64, String)> {
        self.handed_lost.lock().ok()?.take().map(|b| *b)
    }

    /// A new drop: its cause replaces the previous one, and earlier attempts are forgotten.
    pub(super) fn set_error(&self, e: String) {
        if let Ok(mut g) = self.last_error.lock() {
            *g = Some(e);
        }
        if let Ok(mut g) = self.last_attempt.lock() {
            *g = None;
        }
    }

    pub(super) fn set_attempt_error(&self, e: String) {
        if let Ok(mut g) = self.last_attempt.lock() {
            *g = Some(e);
        }
    }
}

/// The bound on what one connection holds for a broker that does not read: messages queued for
/// the task, waiting for the in-flight window, or encoded but not written to the socket. A
/// stalled, slow or unreachable broker then costs at most this (plus the in-flight window)
/// per connection, and a publisher learns at once that it cannot send instead of queueing
/// without end.
pub(super) struct Outbound {
    used: AtomicUsize,
    limit: usize,
    /// Woken when `used` falls below the limit, for publishers that wait for room.
    room: Notify,
    wanted: AtomicBool,
}

impl Outbound {
    pub(super) fn new(limit: usize) -> Outbound {
        Outbound {
            used: AtomicUsize::new(0),
            limit: limit.max(1),
            room: Notify::new(),
            wanted: AtomicBool::new(false),
        }
    }

    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    /// Counts `cost` in unless the limit is reached already: the last message taken may go
    /// beyond it (one message, however large, always fits; the broker's Maximum Packet Size
    /// bounds it), so that `has_room` says exactly whether a publish will be taken.
    pub(super) fn take(&self, cost: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                (used < self.limit).then(|| used.saturating_add(cost))
            })
            .is_ok()
    }

    /// `cost` is written (or will never be): room for more.
    pub(super) fn release(&self, cost: usize) {
        if cost == 0 {
            return;
        }
        let before = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                Some(u.saturating_sub(cost))
            })
            .unwrap_or(0);
        if before.saturating_sub(cost) < self.limit && self.wanted.swap(false, Ordering::AcqRel) {
            self.room.notify_waiters();
        }
    }

    /// The session has ended: nothing is held any more, and whoever waits for room hears it.
    pub(super) fn clear(&self) {
        self.used.store(0, Ordering::Release);
        self.wanted.store(false, Ordering::Release);
        self.room.notify_waiters();
    }

    pub(super) fn has_room(&self) -> bool {
        self.used.load(Ordering::Acquire) < self.limit
    }

    /// Returns once there is room again (or the session has ended: `clear`).
    pub(super) async fn wait_for_room(&self, closed: &AtomicBool) {
        loop {
            let notified = self.room.notified();
            tokio::pin!(notified);
            // Registered before the flag is raised and room is looked at again: a release in
            // between is not missed.
            notified.as_mut().enable();
            self.wanted.store(true, Ordering::Release);
            if self.has_room() || closed.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn the_limit_holds_but_one_message_always_fits() {
        let o = Outbound::new(100);
        assert!(o.take(60));
        assert!(o.take(60), "the one that reaches the limit");
        assert!(!o.take(1) && !o.has_room(), "beyond the limit");
        o.release(30);
        assert!(o.has_room() && o.take(1));
        o.release(91);
        assert!(
            o.take(1_000),
            "an empty queue takes one message of any size"
        );
        assert!(!o.take(1));
    }

    #[tokio::test]
    async fn a_waiting_publisher_wakes_when_bytes_are_written() {
        let shared = Arc::new(Shared::new(100));
        assert!(shared.outbound.take(100));
        let s = shared.clone();
        let waiter = tokio::spawn(async move { s.outbound.wait_for_room(&s.closed).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        shared.outbound.release(30);
        let woke = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert!(matches!(woke, Ok(Ok(()))));
    }

    #[tokio::test]
    async fn an_ended_session_wakes_its_waiters() {
        let shared = Arc::new(Shared::new(10));
        assert!(shared.outbound.take(10));
        let s = shared.clone();
        let waiter = tokio::spawn(async move { s.outbound.wait_for_room(&s.closed).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        shared.closed.store(true, Ordering::Release);
        shared.outbound.clear();
        let woke = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert!(matches!(woke, Ok(Ok(()))));
    }
}
