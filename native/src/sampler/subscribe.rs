//! The Subscribe operation. The first sample subscribes; from then on every message the broker
//! delivers lands in the subscriber's queue, between samples too. A time sample takes everything
//! queued when its window ends; a count sample takes exactly its count, oldest first, and leaves
//! the rest for the next sample (or what it has when its timeout or JMeter's Shutdown ends it).

mod accumulator;
mod stopped;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::client::{ClientError, MessageSink, Session, SubAckWait};
use crate::codec::{Properties, Property};

use super::config::{Condition, SubscribeConfig};
use super::group::ConnectionGroup;
use super::live::{Kind, Live};
use super::outcome::{self, SampleOutcome};
use super::shutdown::Shutdown;
use super::subacks::await_subacks;
use accumulator::{Accumulator, Batch, Reported};

/// How often a count sample checks that its connections are still there.
const DROP_CHECK: Duration = Duration::from_millis(100);

/// Why a sample stopped waiting.
enum End {
    /// Its window elapsed or its count arrived.
    Done,
    /// Its timeout came before the count (the count).
    TimedOut(u64),
    /// JMeter's Shutdown came before the count (the count).
    Shutdown(u64),
    /// JMeter's Shutdown came this far into the window.
    WindowCut { after: Duration, window: Duration },
}

/// Where this subscriber's SUBSCRIBE went out: the group, and its sessions (weakly: the group
/// owns them, and a subscriber must not keep a closed group's connections alive).
struct Binding {
    group: u64,
    sessions: Vec<Weak<Session>>,
}

/// The SUBSCRIBEs of one subscription, one per connection.
struct Sent {
    /// Per connection: the SUBACK to wait for, and the filters it answers.
    waits: Vec<(SubAckWait, Vec<String>)>,
    /// Every connection's filters, each once, for loss accounting.
    all_filters: Vec<String>,
}

pub struct Subscriber {
    /// Its live metrics, once it has a name (`labelled`).
    live: Option<Live>,
    config: SubscribeConfig,
    acc: Arc<Accumulator>,
    bound_to: Mutex<Option<Binding>>,
    reported: Mutex<Reported>,
    /// Position in the bound group's list of unsubscribed filters already applied.
    unsub_seen: Mutex<usize>,
}

impl Drop for Subscriber {
    /// A replaced or freed subscriber stops receiving, so its queue does not grow unseen.
    fn drop(&mut self) {
        self.acc.close();
        if let Some(b) = self.bound_to.get_mut().ok().and_then(Option::take) {
            self.detach(&b);
        }
    }
}

impl Subscriber {
    pub fn new(config: SubscribeConfig) -> Subscriber {
        let acc = Arc::new(Accumulator::new(
            config.add_timestamp,
            config.debug_response,
        ));
        Subscriber {
            live: None,
            config,
            acc,
            bound_to: Mutex::new(None),
            reported: Mutex::new(Reported::default()),
            unsub_seen: Mutex::new(0),
        }
    }

    fn detach(&self, binding: &Binding) {
        let sink: Arc<dyn MessageSink> = self.acc.clone();
        for s in binding.sessions.iter().filter_map(Weak::upgrade) {
            s.detach(sink.clone());
        }
    }

    fn bound_to(&self) -> Option<u64> {
        self.bound_to
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|b| b.group))
    }

    /// SUBSCRIBE on every live connection of the group; any refused filter fails the sample.
    async fn ensure_subscribed(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> Result<(), SampleOutcome> {
        if self.bound_to() == Some(group.id()) {
            self.follow_sessions(group);
            return Ok(());
        }
        let started = Instant::now();
        let live = group.connected();
        if live.is_empty() {
            return Err(SampleOutcome::failed(
                outcome::NO_CONNECTION,
                group.not_connected_message(),
                started.elapsed(),
            ));
        }
        if let Some(m) = group.v5_only(self.config.v5.first_feature()) {
            return Err(SampleOutcome::failed(outcome::FAILED, m, started.elapsed()));
        }
        let sent = match self.send_subscribes(group, &live) {
            Ok(sent) => sent,
            Err(e) => {
                return Err(SampleOutcome::failed(
                    outcome::NO_CONNECTION,
                    format!("Subscribe failed: {e}"),
                    started.elapsed(),
                ))
            }
        };
        await_subacks(sent.waits, self.config.timeout, shutdown, started).await?;
        self.bind(group, &live, &sent.all_filters);
        Ok(())
    }

    /// Sessions that replaced closed ones carried this subscription over: follow them.
    fn follow_sessions(&self, group: &ConnectionGroup) {
        let live = group.connected();
        if let Ok(mut g) = self.bound_to.lock() {
            if let Some(b) = g.as_mut() {
                b.sessions = live.iter().map(|(_, s)| Arc::downgrade(s)).collect();
            }
        }
    }

    /// Each connection's SUBSCRIBE of its own filters (templates expanded for it).
    fn send_subscribes(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
    ) -> Result<Sent, ClientError> {
        let options = self.config.v5.options(self.config.qos);
        let mut properties = Properties::new();
        if let Some(id) = self.config.v5.subscription_identifier {
            properties.push(Property::SubscriptionIdentifier(id));
        }
        let mut sent = Sent {
            waits: Vec::with_capacity(live.len()),
            all_filters: Vec::new(),
        };
        let mut seen: HashSet<String> = HashSet::new();
        for (slot, s) in live {
            let topics = self.config.filters_for(&group.template_vars(*slot));
            for t in &topics {
                if seen.insert(t.clone()) {
                    sent.all_filters.push(t.clone());
                }
            }
            let filters = topics.iter().map(|t| (t.clone(), options)).collect();
            let sink: Arc<dyn MessageSink> = self.acc.clone();
            let w = s.subscribe_with(filters, properties.clone(), sink)?;
            sent.waits.push((w, topics));
        }
        Ok(sent)
    }

    /// Subscribed: the accounting starts, and the subscriber follows the group's sessions
    /// (leaving those of a group it was bound to before).
    fn bind(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
        all_filters: &[String],
    ) {
        let no_local = self.config.v5.no_local.then(|| group.id());
        self.acc.start_expecting(all_filters, no_local);
        // Unsubscribes before this subscription are history: only later ones stop the counting.
        if let Ok(mut seen) = self.unsub_seen.lock() {
            *seen = group.unsubscribed_since(0).0;
        }
        if let Ok(mut g) = self.bound_to.lock() {
            if let Some(old) = g.take() {
                self.detach(&old);
            }
            *g = Some(Binding {
                group: group.id(),
                sessions: live.iter().map(|(_, s)| Arc::downgrade(s)).collect(),
            });
        }
    }

    /// Applies the group's Unsubscribe samples since the last look.
    fn follow_unsubscribes(&self, group: &ConnectionGroup) {
        let Ok(mut seen) = self.unsub_seen.lock() else {
            return;
        };
        let (now, filters) = group.unsubscribed_since(*seen);
        *seen = now;
        if !filters.is_empty() {
            self.acc.stop_expecting(&filters);
        }
    }

    pub async fn subscribe(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.subscribe_until(group, &Shutdown::never()).await
    }

    /// As [`Subscriber::subscribe`]; JMeter's Shutdown ends the wait with the messages so far.
    pub async fn subscribe_until(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> SampleOutcome {
        let o = self.subscribe_sample(group, shutdown).await;
        if let Some(live) = &self.live {
            live.record(&o);
        }
        o
    }

    /// Its name, under which its samples add to the live metrics.
    pub fn labelled(mut self, label: &str) -> Subscriber {
        let more = Vec::new();
        self.live = Some(Live::new(Kind::Subscribe, label, more));
        self
    }

    async fn subscribe_sample(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> SampleOutcome {
        let started = Instant::now();
        if let Err(o) = self.ensure_subscribed(group, shutdown).await {
            return o;
        }
        self.follow_unsubscribes(group);
        let mut end = End::Done;
        let mut limit = u64::MAX;
        match self.config.condition {
            Condition::Elapsed(window) => {
                let opened = Instant::now();
                tokio::select! {
                    _ = tokio::time::sleep(window) => {}
                    _ = shutdown.requested() => {
                        end = End::WindowCut { after: opened.elapsed(), window };
                    }
                }
            }
            Condition::Count(n) => {
                end = self.wait_count(n, group, shutdown).await;
                limit = n;
            }
        }
        let batch = self.acc.take(limit);
        let mut o = self.report(batch, end, started);
        if !group.has_connected() {
            // Say why nothing more came, rather than a bare timeout.
            o.success = false;
            o.error_count = 1;
            o.code = outcome::NO_CONNECTION.into();
            o.message = format!("{} {}", o.message, group.not_connected_message());
        }
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }

    /// Waits until `n` messages are queued, the timeout passes, JMeter's Shutdown comes, or every
    /// connection is gone for good.
    async fn wait_count(&self, n: u64, group: &ConnectionGroup, shutdown: &Shutdown) -> End {
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        let mut end = End::Done;
        loop {
            let notified = self.acc.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let have = self.acc.queued();
            if have >= n {
                break;
            }
            self.acc.wake_at(n);
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => {
                    end = End::TimedOut(n);
                    break;
                }
                _ = shutdown.requested() => {
                    end = End::Shutdown(n);
                    break;
                }
                // No more messages can come once every connection is gone for good.
                _ = tokio::time::sleep(DROP_CHECK) => {
                    if !group.has_connected() {
                        break;
                    }
                }
            }
        }
        self.acc.wake_at(u64::MAX);
        end
    }

    fn report(&self, batch: Batch, end: End, started: Instant) -> SampleOutcome {
        let elapsed = started.elapsed();
        let seq = match self.reported.lock() {
            Ok(mut before) => self.acc.figures(&mut before),
            Err(_) => self.acc.figures(&mut Reported::default()),
        };
        // Plain digits: a locale separator ("13,207") breaks tools that parse this (as the XMeter plugin's did).
        let received = format!("Received {} of message.", batch.count);
        let mut o = match end {
            End::Done => SampleOutcome::ok(received, elapsed),
            End::TimedOut(n) => SampleOutcome::failed(
                outcome::FAILED,
                format!(
                    "{received} Timed out after {} ms waiting for {n}",
                    self.config.timeout.as_millis()
                ),
                elapsed,
            ),
            // Short of its count: failed, as the user's own ending of the run (Stop's code).
            End::Shutdown(n) => SampleOutcome::failed(
                outcome::EXCEPTION,
                format!("{received} Ended by JMeter shutdown before {n} arrived"),
                elapsed,
            ),
            // A window has no target to miss: what arrived in the shorter window is a valid batch.
            End::WindowCut { after, window } => SampleOutcome::ok(
                format!(
                    "{received} Window cut short by JMeter shutdown after {} of {} ms",
                    after.as_millis(),
                    window.as_millis()
                ),
                elapsed,
            ),
        };
        o = o
            .with_messages(batch.count)
            .with_latency(batch.latencies.summary())
            .with_sequence(seq.lost, seq.duplicates, seq.out_of_order)
            .with_totals(seq.pending, seq.lost_total, seq.duplicates_total)
            .with_clock(super::clock_sync::current(), batch.corrected);
        o.shortfall = shortfall_text(&seq.shortfall);
        o.distribution = batch.latencies.distribution();
        // Messages still on their way are normal mid-run (the variables carry them); a gap is not.
        let in_gaps = seq.lost_total - seq.pending;
        if in_gaps > 0 {
            // Gaps of streams whose count is unknown (another engine's, no end marker yet) have
            // no shortfall entry: a stopped one's are named with it below.
            let by = o
                .shortfall
                .as_deref()
                .map(|s| format!("; by publisher: {s}"))
                .unwrap_or_default();
            o.message = format!("{} (missing {in_gaps} in gaps so far{by})", o.message);
        }
        // Apart from loss: streams whose publisher went away mid-run without saying how many it sent.
        if let Some(stopped) = &seq.stopped {
            o.message = format!("{} ({stopped})", o.message);
        }
        o.bytes = batch.bytes;
        if self.config.debug_response {
            let mut data = batch.debug;
            if batch.debug_omitted > 0 {
                data.extend_from_slice(
                    format!("... {} more message(s) not shown\n", batch.debug_omitted).as_bytes(),
                );
            }
            o.response_data = Some(data);
        }
        o
    }
}

/// `<publisher id>:<missing>` for the publishers something is missing from, largest first; the
/// first few only (a JTL cell, not a report).
fn shortfall_text(shortfall: &[(u64, u64)]) -> Option<String> {
    const SHOWN: usize = 10;
    if shortfall.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = shortfall
        .iter()
        .take(SHOWN)
        .map(|(id, n)| format!("{id:016x}:{n}"))
        .collect();
    if shortfall.len() > SHOWN {
        let rest: u64 = shortfall[SHOWN..].iter().map(|(_, n)| n).sum();
        parts.push(format!("+{}-more:{rest}", shortfall.len() - SHOWN));
    }
    Some(parts.join(" "))
}
