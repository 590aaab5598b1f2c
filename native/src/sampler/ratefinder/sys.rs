//! The broker's dropped-messages total from its `$SYS` tree, for the drop guard: Mosquitto's
//! `publish/messages/dropped`, or EMQX's `<node>/metrics/messages/dropped` added up over nodes.
//! Brokers publish it every few seconds (Mosquitto's `sys_interval`), so a step sees the value of
//! the broker's last publication; a broker without one leaves the guard unwatched.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::client::{Delivery, MessageSink};

const MOSQUITTO: &str = "publish/messages/dropped";
const EMQX_NODE: &str = "metrics/messages/dropped";

/// The filters to subscribe under `root`.
pub(super) fn filters(root: &str) -> Vec<String> {
    vec![
        format!("{root}/{MOSQUITTO}"),
        format!("{root}/+/{EMQX_NODE}"),
    ]
}

pub struct SysDrops {
    prefix: String,
    /// Topic (relative to the root) -> its latest value.
    values: Mutex<BTreeMap<String, f64>>,
    open: AtomicBool,
}

impl SysDrops {
    pub fn new(root: &str) -> SysDrops {
        SysDrops {
            prefix: format!("{root}/"),
            values: Mutex::new(BTreeMap::new()),
            open: AtomicBool::new(true),
        }
    }

    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    /// The broker's dropped total as last published; None before its first value.
    pub fn total(&self) -> Option<f64> {
        let v = self.values.lock().ok()?;
        if let Some(m) = v.get(MOSQUITTO) {
            return Some(*m);
        }
        let nodes: Vec<f64> = v
            .iter()
            .filter(|(t, _)| t.split_once('/').is_some_and(|(_, rest)| rest == EMQX_NODE))
            .map(|(_, n)| *n)
            .collect();
        if nodes.is_empty() {
            return None;
        }
        // Nodes' totals near f64::MAX add up to infinity (found by the sys_figures fuzz target),
        // which would read as u64::MAX drops and fail every step: unknown instead.
        let sum: f64 = nodes.iter().sum();
        sum.is_finite().then_some(sum)
    }
}

/// A `$SYS` value as a number ("1234", "12 messages": the first word).
fn number(text: &str) -> Option<f64> {
    let v: f64 = text.split_whitespace().next()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// How much the total grew from `before` to `now`; None when either is unknown or the counter
/// went down (a restarted broker).
pub fn growth(before: Option<f64>, now: Option<f64>) -> Option<u64> {
    match (before, now) {
        (Some(b), Some(n)) if n >= b => Some((n - b).round() as u64),
        _ => None,
    }
}

impl MessageSink for SysDrops {
    fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        self.receive(&d.publish.topic, &d.publish.payload);
    }
}

impl SysDrops {
    /// A publication under the root (what the sink is given; public for the fuzz target).
    pub fn receive(&self, topic: &str, payload: &[u8]) {
        let Some(topic) = topic.strip_prefix(&self.prefix) else {
            return;
        };
        let Some(v) = std::str::from_utf8(payload).ok().and_then(number) else {
            return;
        };
        if let Ok(mut values) = self.values.lock() {
            values.insert(topic.to_string(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use bytes::Bytes;

    use super::*;
    use crate::codec::{Properties, Publish, QoS};

    fn send(s: &SysDrops, topic: &str, value: &str) {
        let p = Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: topic.into(),
            pkid: 0,
            payload: Bytes::copy_from_slice(value.as_bytes()),
            properties: Properties::new(),
        };
        s.on_message(&Delivery {
            publish: &p,
            received_at: SystemTime::now(),
        });
    }

    #[test]
    fn nodes_adding_up_beyond_f64_leave_the_total_unknown() {
        // Found by the sys_figures fuzz target: the sum was infinite, growth() then u64::MAX.
        let s = SysDrops::new("$SYS/brokers");
        send(&s, "$SYS/brokers/a/metrics/messages/dropped", "1e308");
        assert_eq!(s.total(), Some(1e308));
        send(&s, "$SYS/brokers/b/metrics/messages/dropped", "1e308");
        assert_eq!(s.total(), None);
        assert_eq!(growth(Some(1e308), s.total()), None);
    }

    #[test]
    fn mosquitto_and_emqx_totals() {
        assert_eq!(
            filters("$SYS/broker"),
            [
                "$SYS/broker/publish/messages/dropped",
                "$SYS/broker/+/metrics/messages/dropped"
            ]
        );
        let m = SysDrops::new("$SYS/broker");
        assert_eq!(m.total(), None);
        send(&m, "$SYS/broker/publish/messages/dropped", "12");
        send(&m, "$SYS/broker/publish/messages/dropped", "15");
        send(&m, "$SYS/broker/uptime", "not a number");
        assert_eq!(m.total(), Some(15.0));
        let e = SysDrops::new("$SYS/brokers");
        send(&e, "$SYS/brokers/node1/metrics/messages/dropped", "3");
        send(&e, "$SYS/brokers/node2/metrics/messages/dropped", "4 ");
        assert_eq!(e.total(), Some(7.0));
    }

    #[test]
    fn growth_needs_both_values_and_a_counter_that_went_up() {
        assert_eq!(growth(Some(10.0), Some(13.0)), Some(3));
        assert_eq!(growth(Some(10.0), Some(10.0)), Some(0));
        assert_eq!(growth(None, Some(10.0)), None);
        assert_eq!(growth(Some(10.0), Some(2.0)), None);
    }
}
