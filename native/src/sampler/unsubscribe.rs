//! The Unsubscribe operation: UNSUBSCRIBE on every live connection of a group, timed until every
//! UNSUBACK is in (bounded by the element's timeout, ended early by JMeter's Shutdown). From the
//! moment it is sent, the group's sessions stop routing those filters and the group's Subscribe
//! elements stop expecting messages on them.

use std::time::Instant;

use crate::client::{ClientError, UnsubAckWait};
use crate::codec::{PacketKind, ReasonCode};

use super::config::UnsubscribeConfig;
use super::group::ConnectionGroup;
use super::outcome::{self, SampleOutcome};
use super::shutdown::Shutdown;

/// What became of one connection's UNSUBSCRIBE.
enum Answer {
    /// UNSUBACK's reason codes, one per filter (empty before MQTT 5.0).
    Acked(Vec<ReasonCode>),
    Failed(ClientError),
    TimedOut,
    Cut,
}

async fn answer(wait: UnsubAckWait, deadline: tokio::time::Instant, shutdown: &Shutdown) -> Answer {
    tokio::select! {
        r = tokio::time::timeout_at(deadline, wait) => match r {
            Ok(Ok(Ok(codes))) => Answer::Acked(codes),
            Ok(Ok(Err(e))) => Answer::Failed(e),
            Ok(Err(_)) => Answer::Failed(ClientError::NotConnected),
            Err(_) => Answer::TimedOut,
        },
        _ = shutdown.requested() => Answer::Cut,
    }
}

/// `'a', 'b'` for a sample's message.
fn quoted(filters: &[String]) -> String {
    filters
        .iter()
        .map(|f| format!("'{f}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Figures of one Unsubscribe sample, per connection.
#[derive(Default)]
struct Tally {
    acked: u64,
    /// (filter, reason) of the first refusal, and how many connections refused something.
    first_refusal: Option<(String, ReasonCode)>,
    refused: u64,
    /// Connections whose broker had no such subscription (5.0 reason 0x11): not an error, but
    /// usually a filter spelt differently from the Subscribe element's.
    no_such: u64,
    failures: Vec<ClientError>,
    timed_out: u64,
    cut: u64,
}

impl Tally {
    fn add(&mut self, filters: &[String], a: Answer) {
        match a {
            Answer::Acked(codes) => {
                let refusal = filters
                    .iter()
                    .zip(&codes)
                    .find(|(_, c)| c.is_error())
                    .map(|(f, c)| (f.clone(), *c));
                if let Some(r) = refusal {
                    self.refused += 1;
                    self.first_refusal.get_or_insert(r);
                } else {
                    self.acked += 1;
                    if codes.contains(&ReasonCode::NoSubscriptionExisted) {
                        self.no_such += 1;
                    }
                }
            }
            Answer::Failed(e) => self.failures.push(e),
            Answer::TimedOut => self.timed_out += 1,
            Answer::Cut => self.cut += 1,
        }
    }
}

pub async fn unsubscribe_until(
    group: &ConnectionGroup,
    config: &UnsubscribeConfig,
    shutdown: &Shutdown,
) -> SampleOutcome {
    let started = Instant::now();
    let live = group.connected();
    if live.is_empty() {
        return SampleOutcome::failed(
            outcome::NO_CONNECTION,
            group.not_connected_message(),
            started.elapsed(),
        );
    }
    let mut tally = Tally::default();
    let mut waits = Vec::with_capacity(live.len());
    let mut all: Vec<String> = Vec::new();
    for (slot, s) in &live {
        // Per connection: a filter with placeholders ({{conn}}, ...) names each one's own.
        let filters = config.filters_for(&group.template_vars(*slot));
        for f in &filters {
            if !all.contains(f) {
                all.push(f.clone());
            }
        }
        match s.unsubscribe_acked(filters.clone()) {
            Ok(w) => waits.push((filters, w)),
            Err(e) => tally.failures.push(e),
        }
    }
    // The sessions stopped routing these filters when the command reached them; the counting
    // side follows at once, whatever the broker answers.
    group.note_unsubscribed(&all);
    let deadline = tokio::time::Instant::now() + config.timeout;
    for (filters, w) in waits {
        let a = if shutdown.is_requested() {
            Answer::Cut
        } else {
            answer(w, deadline, shutdown).await
        };
        tally.add(&filters, a);
    }
    report(&tally, &config.topics, config, live.len() as u64, started)
}

fn report(
    t: &Tally,
    filters: &[String],
    config: &UnsubscribeConfig,
    total: u64,
    started: Instant,
) -> SampleOutcome {
    let elapsed = started.elapsed();
    let mut o = if t.acked == total {
        let mut m = format!(
            "Unsubscribed {total} connection(s) from {}",
            quoted(filters)
        );
        if t.no_such > 0 {
            m.push_str(&format!(
                " (the broker had no such subscription on {} connection(s): {})",
                t.no_such,
                ReasonCode::NoSubscriptionExisted.name_in(PacketKind::UnsubAck)
            ));
        }
        SampleOutcome::ok(m, elapsed)
    } else {
        let mut parts = Vec::new();
        if let Some((f, rc)) = &t.first_refusal {
            parts.push(format!(
                "{} refused ('{f}': UNSUBACK {})",
                t.refused,
                rc.describe()
            ));
        }
        if t.timed_out > 0 {
            parts.push(format!(
                "{} got no UNSUBACK within {} ms",
                t.timed_out,
                config.timeout.as_millis()
            ));
        }
        if t.cut > 0 {
            parts.push(format!(
                "{} not answered when JMeter shutdown ended the wait",
                t.cut
            ));
        }
        if let Some(e) = t.failures.first() {
            parts.push(format!("{} failed: {e}", t.failures.len()));
        }
        let code = if t.cut > 0 {
            outcome::EXCEPTION
        } else if t.acked == 0 && t.refused == 0 && t.timed_out == 0 {
            outcome::NO_CONNECTION
        } else {
            outcome::FAILED
        };
        let mut o = SampleOutcome::failed(
            code,
            format!(
                "Unsubscribed {} of {total} connection(s) from {}; {}",
                t.acked,
                quoted(filters),
                parts.join("; ")
            ),
            elapsed,
        );
        o.error_count = 1;
        o
    };
    o.sample_count = 1;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    fn config(timeout_ms: u64) -> UnsubscribeConfig {
        UnsubscribeConfig::from_json(&format!(r#"{{"topics":"a,b","timeoutMs":{timeout_ms}}}"#))
            .unwrap()
    }

    #[test]
    fn a_refused_filter_is_named_with_its_reason() {
        let mut t = Tally::default();
        t.add(
            &filters(),
            Answer::Acked(vec![ReasonCode::Success, ReasonCode::NotAuthorized]),
        );
        t.add(&filters(), Answer::Acked(vec![]));
        let c = config(1000);
        let o = report(&t, &filters(), &c, 2, Instant::now());
        assert!(!o.success);
        assert_eq!(o.code, outcome::FAILED);
        assert!(
            o.message.contains("1 refused ('b': UNSUBACK 0x87"),
            "{}",
            o.message
        );
        assert!(
            o.message.starts_with("Unsubscribed 1 of 2"),
            "{}",
            o.message
        );
    }

    #[test]
    fn no_subscription_existed_is_a_note_not_a_failure() {
        let mut t = Tally::default();
        t.add(
            &filters(),
            Answer::Acked(vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted]),
        );
        let c = config(1000);
        let o = report(&t, &filters(), &c, 1, Instant::now());
        assert!(o.success, "{}", o.message);
        assert!(
            o.message.contains("no such subscription on 1"),
            "{}",
            o.message
        );
    }

    #[test]
    fn timeouts_and_shutdown_are_told_apart() {
        let mut t = Tally::default();
        t.add(&filters(), Answer::TimedOut);
        t.add(&filters(), Answer::Cut);
        let c = config(250);
        let o = report(&t, &filters(), &c, 2, Instant::now());
        assert_eq!(o.code, outcome::EXCEPTION);
        assert!(
            o.message.contains("1 got no UNSUBACK within 250 ms"),
            "{}",
            o.message
        );
        assert!(
            o.message.contains("1 not answered when JMeter shutdown"),
            "{}",
            o.message
        );
    }
}
