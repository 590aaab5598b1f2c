//! The Subscribe operation. The first sample subscribes; from then on every message the broker
//! delivers lands in the subscriber's queue, between samples too. A time sample takes everything
//! queued when its window ends; a count sample takes exactly its count, oldest first, and leaves
//! the rest for the next sample (or what it has when its timeout or JMeter's Shutdown ends it).

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::Notify;

use crate::client::{route_filter, topic_matches, Delivery, MessageSink, Session};
use crate::codec::{Properties, Property, Publish, SubscribeReturnCode};

use super::config::{Condition, SubscribeConfig};
use super::group::ConnectionGroup;
use super::outcome::{self, SampleOutcome};
use super::payload::{epoch_nanos, parse_stamp, Stamp};
use super::shutdown::Shutdown;
use super::stats::{Latencies, SequenceTracker};
use super::streams::{self, Stream};

/// How often a count sample checks that its connections are still there.
const DROP_CHECK: Duration = Duration::from_millis(100);

/// Debug response data kept per batch; the rest is counted and named, not shown.
const MAX_DEBUG_BYTES: usize = 1024 * 1024;

/// One received message, as much of it as a sample reports.
struct Received {
    bytes: u64,
    latency_us: Option<i128>,
    /// The payload, kept only with debug response on.
    payload: Option<Bytes>,
    /// MQTT 5.0 properties line for the debug response.
    properties: Option<String>,
}

/// `# properties: content-type=..., user-property name=value, ...` (contract, issue 4), or
/// None when the message carries none worth showing.
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

/// What one sample takes from the queue.
#[derive(Default)]
struct Batch {
    count: u64,
    bytes: u64,
    latencies: Latencies,
    debug: Vec<u8>,
    debug_omitted: u64,
}

struct Accumulator {
    add_timestamp: bool,
    debug_response: bool,
    /// Messages not yet reported, oldest first: a count sample takes exactly its count and
    /// leaves the rest for the next sample.
    queue: Mutex<VecDeque<Received>>,
    /// Cumulative since the subscription started: loss is only known over the whole stream.
    sequence: Mutex<SequenceTracker>,
    /// The publishers of this engine whose messages this subscription should get.
    expected: Mutex<Expected>,
    count: AtomicU64,
    /// A waiter wants to hear when `count` reaches this.
    wake_at: AtomicU64,
    notify: Notify,
    /// Cleared when the subscriber is dropped: the sink then takes nothing more.
    open: std::sync::atomic::AtomicBool,
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
            }
        }
        let latency_us =
            stamp.map(|st| (epoch_nanos(d.received_at) as i128 - st.sent_nanos() as i128) / 1000);
        let record = Received {
            bytes: payload.len() as u64,
            latency_us,
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
struct Reported {
    gaps_found: u64,
    duplicates: u64,
    out_of_order: u64,
}

/// Loss, duplicate and order figures of one sample.
struct SequenceFigures {
    lost: u64,
    duplicates: u64,
    out_of_order: u64,
    /// Sent by known publishers after the last message received from each: on the way, or
    /// lost at the end of the test.
    pending: u64,
    /// Missing now: in gaps plus pending.
    lost_total: u64,
    duplicates_total: u64,
    /// "publisher <id>: N" for the publishers something is missing from (the largest first).
    shortfall: Vec<(u64, u64)>,
}

impl Accumulator {
    /// Starts expecting: every matching stream from where it stands now. Called once SUBACK is
    /// in, so each message sent from here on reaches the broker after our subscription.
    fn start_expecting(&self, filters: &[String], no_local_group: Option<u64>) {
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
    fn stop_expecting(&self, filters: &[String]) {
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

    fn figures(&self, before: &mut Reported) -> SequenceFigures {
        let (Ok(mut seq), Ok(mut exp)) = (self.sequence.lock(), self.expected.lock()) else {
            return SequenceFigures {
                lost: 0,
                duplicates: 0,
                out_of_order: 0,
                pending: 0,
                lost_total: 0,
                duplicates_total: 0,
                shortfall: Vec::new(),
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
        };
        *before = now;
        f
    }

    /// Takes up to `limit` of the oldest messages.
    fn take(&self, limit: u64) -> Batch {
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

/// Where this subscriber's SUBSCRIBE went out: the group, and its sessions (weakly: the group
/// owns them, and a subscriber must not keep a closed group's connections alive).
struct Binding {
    group: u64,
    sessions: Vec<Weak<Session>>,
}

pub struct Subscriber {
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
        self.acc.open.store(false, Ordering::Release);
        if let Some(b) = self.bound_to.get_mut().ok().and_then(Option::take) {
            self.detach(&b);
        }
    }
}

impl Subscriber {
    pub fn new(config: SubscribeConfig) -> Subscriber {
        let acc = Arc::new(Accumulator {
            add_timestamp: config.add_timestamp,
            debug_response: config.debug_response,
            queue: Mutex::new(VecDeque::new()),
            sequence: Mutex::new(SequenceTracker::default()),
            expected: Mutex::new(Expected::default()),
            count: AtomicU64::new(0),
            wake_at: AtomicU64::new(u64::MAX),
            notify: Notify::new(),
            open: std::sync::atomic::AtomicBool::new(true),
        });
        Subscriber {
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
            // Sessions that replaced closed ones carried this subscription over: follow them.
            let live = group.connected();
            if let Ok(mut g) = self.bound_to.lock() {
                if let Some(b) = g.as_mut() {
                    b.sessions = live.iter().map(|(_, s)| Arc::downgrade(s)).collect();
                }
            }
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
        let options = self.config.v5.options(self.config.qos);
        let mut properties = Properties::new();
        if let Some(id) = self.config.v5.subscription_identifier {
            properties.push(Property::SubscriptionIdentifier(id));
        }
        let mut waits = Vec::with_capacity(live.len());
        // Each connection's own filters (templates expanded for it); all of them, for loss
        // accounting.
        let mut all_filters: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (slot, s) in &live {
            let topics = self.config.filters_for(&group.template_vars(*slot));
            for t in &topics {
                if seen.insert(t.clone()) {
                    all_filters.push(t.clone());
                }
            }
            let filters = topics.iter().map(|t| (t.clone(), options)).collect();
            let sink: Arc<dyn MessageSink> = self.acc.clone();
            match s.subscribe_with(filters, properties.clone(), sink) {
                Ok(w) => waits.push((w, topics)),
                Err(e) => {
                    return Err(SampleOutcome::failed(
                        outcome::NO_CONNECTION,
                        format!("Subscribe failed: {e}"),
                        started.elapsed(),
                    ))
                }
            }
        }
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        for (w, topics) in waits {
            let acked = tokio::select! {
                acked = tokio::time::timeout_at(deadline, w) => acked,
                _ = shutdown.requested() => {
                    return Err(SampleOutcome::failed(
                        outcome::EXCEPTION,
                        "Subscribe failed: ended by JMeter shutdown before SUBACK",
                        started.elapsed(),
                    ))
                }
            };
            let codes = match acked {
                Ok(Ok(Ok(codes))) => codes,
                Ok(Ok(Err(e))) => {
                    return Err(SampleOutcome::failed(
                        outcome::FAILED,
                        format!("Subscribe failed: {e}"),
                        started.elapsed(),
                    ))
                }
                Ok(Err(_)) => {
                    return Err(SampleOutcome::failed(
                        outcome::FAILED,
                        "Subscribe failed: the connection closed before SUBACK",
                        started.elapsed(),
                    ))
                }
                Err(_) => {
                    return Err(SampleOutcome::failed(
                        outcome::FAILED,
                        format!(
                            "Subscribe failed: no SUBACK within {} ms",
                            self.config.timeout.as_millis()
                        ),
                        started.elapsed(),
                    ))
                }
            };
            let refused: Vec<(&str, SubscribeReturnCode)> = topics
                .iter()
                .zip(
                    codes
                        .iter()
                        .chain(std::iter::repeat(&SubscribeReturnCode::Failure)),
                )
                .filter(|(_, c)| c.is_failure())
                .map(|(t, c)| (t.as_str(), *c))
                .collect();
            if let Some((_, first)) = refused.first() {
                // 3.x keeps its wording; a 5.0 reason code is named ("0x87 Not authorized").
                let why = match first {
                    SubscribeReturnCode::Error(rc) => format!("SUBACK {}", rc.describe()),
                    _ => "SUBACK return code 0x80 Failure".to_string(),
                };
                return Err(SampleOutcome::failed(
                    outcome::FAILED,
                    format!(
                        "Broker refused the subscription to {} ({why})",
                        refused
                            .iter()
                            .map(|(t, _)| format!("'{t}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    started.elapsed(),
                ));
            }
        }
        let no_local = self.config.v5.no_local.then(|| group.id());
        self.acc.start_expecting(&all_filters, no_local);
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
        Ok(())
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
                let deadline = tokio::time::Instant::now() + self.config.timeout;
                loop {
                    let notified = self.acc.notify.notified();
                    tokio::pin!(notified);
                    notified.as_mut().enable();
                    let have = self.acc.count.load(Ordering::Acquire);
                    if have >= n {
                        break;
                    }
                    self.acc.wake_at.store(n, Ordering::Release);
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
                            if group.connected().is_empty() {
                                break;
                            }
                        }
                    }
                }
                self.acc.wake_at.store(u64::MAX, Ordering::Release);
                limit = n;
            }
        }
        let batch = self.acc.take(limit);
        let mut o = self.report(batch, end, started);
        if group.connected().is_empty() {
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

    fn report(&self, batch: Batch, end: End, started: Instant) -> SampleOutcome {
        let elapsed = started.elapsed();
        let seq = match self.reported.lock() {
            Ok(mut before) => self.acc.figures(&mut before),
            Err(_) => self.acc.figures(&mut Reported::default()),
        };
        // Plain digits: a locale separator ("13,207") breaks tools that parse this (COMPAT.md).
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
            .with_totals(seq.pending, seq.lost_total, seq.duplicates_total);
        o.shortfall = shortfall_text(&seq.shortfall);
        // Messages still on their way are normal mid-run (the variables carry them); a gap is not.
        let in_gaps = seq.lost_total - seq.pending;
        if in_gaps > 0 {
            o.message = format!(
                "{} (missing {in_gaps} in gaps so far; by publisher: {})",
                o.message,
                o.shortfall.as_deref().unwrap_or("")
            );
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
