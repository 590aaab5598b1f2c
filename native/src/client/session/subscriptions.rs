//! A session's subscriptions: where their messages go (a sink per filter), what is subscribed
//! again when the broker kept no session, and both handed to the next session of the slot.

use std::sync::Arc;
use std::time::SystemTime;

use crate::codec::{Publish, SubscriptionOptions};

/// A received message as handed to subscriptions.
pub struct Delivery<'a> {
    pub publish: &'a Publish,
    /// Wall-clock arrival time, taken once per packet so every matching subscription
    /// computes latency from the same instant.
    pub received_at: SystemTime,
}

/// Where a subscription's messages go. Called on the session task: must not block.
pub trait MessageSink: Send + Sync {
    fn on_message(&self, delivery: &Delivery<'_>);

    /// False once nobody reads this sink any more: it is then not carried to a new session.
    fn is_open(&self) -> bool {
        true
    }

    /// True for the engine's own control traffic's sink: only such a sink gets the messages of
    /// control topics (`topic::CONTROL_PREFIX`), whatever other filters match them.
    fn takes_control(&self) -> bool {
        false
    }
}

/// The subscriptions of a closed session, handed to the next session of the same slot so
/// that a resumed (MQTT 5.0 session expiry, or 3.x clean session off) session delivers the
/// messages the broker queued, and a fresh one subscribes again.
pub struct Carried {
    pub(super) routes: Vec<Route>,
    pub(super) subscriptions: Vec<SubscriptionEntry>,
}

pub(super) struct Route {
    /// As subscribed (what UNSUBSCRIBE names).
    pub(super) filter: String,
    /// What topics are matched against: `filter` without a `$share/group/` prefix.
    pub(super) matches: String,
    pub(super) sink: Arc<dyn MessageSink>,
}

/// A subscription to restore when the broker kept no session: filter, options, identifier.
pub(super) struct SubscriptionEntry {
    pub(super) filter: String,
    pub(super) options: SubscriptionOptions,
    pub(super) id: Option<u32>,
}
