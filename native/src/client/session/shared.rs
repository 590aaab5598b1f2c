use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Mutex;

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
}

impl Shared {
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
