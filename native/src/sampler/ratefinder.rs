//! The Rate Finder operation: the highest message rate a broker sustains within the guards. On
//! one connection group, the first connections subscribe to the finder's topic and the others
//! publish to it on the paced schedule (precise timestamps, intended send times); each sample
//! is one step at one rate. A step holds while end-to-end latency p99, loss, the schedule's own
//! lag and the broker's `$SYS` drops stay within their guards; the first step that breaks one
//! ends the climb (optionally refined between the last rate held and the first broken), and the
//! final sample says whose limit that was: the broker's, or ours when the load generator fell
//! behind its schedule or its in-flight windows were full (see `search::judge`).

mod cpu;
mod inbox;
mod report;
mod search;
mod step;
mod sys;

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::Rng;

use crate::client::{MessageSink, Session};
use crate::codec::{Properties, QoS, SubscriptionOptions};
use crate::metrics::{Gauge, METRICS};

use super::config::{refer, Id, RateFinderConfig};
use super::group::ConnectionGroup;
use super::live::{Kind, Live};
use super::outcome::{self, figure, SampleOutcome};
use super::shutdown::Shutdown;
use super::subacks::await_subacks;
use inbox::{Inbox, SubscriberSink, MAX_PUBLISHERS};
use report::Row;
use search::{judge, Measured, Search};
use step::{Plan, StepRun};
#[doc(hidden)]
pub use sys::{growth as sys_growth, SysDrops};

/// Before a step that follows one with deliveries missing, the finder waits for this much quiet
/// from the earlier steps (at most the drain), so their backlog is not the new step's latency.
const QUIET: Duration = Duration::from_millis(250);
const QUIET_POLL: Duration = Duration::from_millis(50);

/// Whether the broker's dropped total is watched.
#[derive(Debug, Clone, PartialEq)]
enum SysWatch {
    NotAsked,
    Watching,
    /// Why not (a refused subscription, a broker without a `$SYS` tree says nothing at all).
    Refused(String),
}

/// Where the subscriptions are: the group, and per subscribing slot its sink and the session it
/// was last seen on (weakly: the group owns the sessions).
struct Bound {
    group: Option<u64>,
    sinks: Vec<Arc<SubscriberSink>>,
    sessions: Vec<Weak<Session>>,
    /// The slot's subscription was made (a reconnected session carries it over).
    subscribed: Vec<bool>,
    sys: SysWatch,
    /// The session the `$SYS` subscription is on.
    sys_session: Weak<Session>,
}

impl Default for Bound {
    fn default() -> Bound {
        Bound {
            group: None,
            sinks: Vec::new(),
            sessions: Vec::new(),
            subscribed: Vec::new(),
            sys: SysWatch::NotAsked,
            sys_session: Weak::new(),
        }
    }
}

/// The search across samples.
struct State {
    search: Search,
    rows: Vec<Row>,
    /// Steps run over the finder's life: each step's publisher ids are its own.
    serial: u32,
    /// The previous step closed with deliveries missing: they may still be on their way.
    backlog: bool,
    closed_at: Option<Instant>,
}

pub struct RateFinder {
    /// Its live metrics and gauges (offered rate, highest held), once it has a name.
    live: Option<(Live, Arc<Gauge>, Arc<Gauge>)>,
    config: RateFinderConfig,
    base: u64,
    padding: Bytes,
    inbox: Arc<Inbox>,
    sys: Option<Arc<SysDrops>>,
    bound: Mutex<Bound>,
    state: Mutex<State>,
}

impl Drop for RateFinder {
    fn drop(&mut self) {
        self.inbox.close();
        if let Some(s) = &self.sys {
            s.close();
        }
        if let Ok(b) = self.bound.get_mut() {
            detach(b, self.sys.as_ref());
        }
    }
}

/// Leaves the sessions `b` subscribed on.
fn detach(b: &Bound, sys: Option<&Arc<SysDrops>>) {
    for (sink, session) in b.sinks.iter().zip(&b.sessions) {
        if let Some(s) = session.upgrade() {
            let sink: Arc<dyn MessageSink> = sink.clone();
            s.detach(sink);
        }
    }
    if let (Some(sys), Some(s)) = (sys, b.sys_session.upgrade()) {
        let sink: Arc<dyn MessageSink> = sys.clone();
        s.detach(sink);
    }
}

/// Aborts the task when the future awaiting it is dropped (JMeter's Stop cancels that future).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn milli(rate: f64) -> u64 {
    (rate * 1000.0).round() as u64
}

impl RateFinder {
    pub fn new(config: RateFinderConfig) -> RateFinder {
        let base: u64 = rand::rng().random();
        RateFinder {
            live: None,
            padding: Bytes::from(vec![b'x'; config.padding]),
            inbox: Arc::new(Inbox::new(base)),
            sys: config
                .sys_root
                .as_deref()
                .map(|r| Arc::new(SysDrops::new(r))),
            state: Mutex::new(State {
                search: Search::new(
                    config.start_rate,
                    config.max_rate,
                    config.step,
                    config.refine_steps,
                ),
                rows: Vec::new(),
                serial: 0,
                backlog: false,
                closed_at: None,
            }),
            bound: Mutex::new(Bound::default()),
            base,
            config,
        }
    }

    /// Its name, under which its steps add to the live metrics (messages, latency), with two
    /// gauges: the step's offered rate while it runs, and the highest rate held so far.
    pub fn labelled(mut self, label: &str) -> RateFinder {
        let labels = vec![("element", label.to_string())];
        let offered = METRICS.gauge(
            "mqttload_rate_finder_offered_msgs_per_s",
            "Rate Finder: the offered rate of the step running (or last run), messages per second.",
            labels.clone(),
        );
        let held = METRICS.gauge(
            "mqttload_rate_finder_max_ok_msgs_per_s",
            "Rate Finder: the highest offered rate that held its guards so far, messages per second.",
            labels,
        );
        self.live = Some((
            Live::new(Kind::RateFinder, label, Vec::new()),
            offered,
            held,
        ));
        self
    }

    pub async fn step(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.step_until(group, &Shutdown::never()).await
    }

    /// One step of the search (the first sample subscribes first); JMeter's Shutdown ends the
    /// schedule and the drain, and the step is then reported but not judged.
    pub async fn step_until(&self, group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
        let o = self.step_sample(group, shutdown).await;
        if let Some((live, _, held)) = &self.live {
            live.record(&o);
            if let Ok(s) = self.state.lock() {
                held.set(s.search.best().map_or(0.0, |(r, _)| r));
            }
        }
        o
    }

    /// As [`RateFinder::step_until`], run as a task of the runtime, as a paced Publish is: the
    /// schedule's timer then wakes its loop on the worker that fired it, which keeps the lag
    /// guard about the load generator rather than about the JMeter thread's wake-ups.
    pub async fn step_on_runtime(
        self: Arc<Self>,
        group: Arc<ConnectionGroup>,
        shutdown: Shutdown,
    ) -> SampleOutcome {
        let started = Instant::now();
        let task = tokio::spawn(async move { self.step_until(&group, &shutdown).await });
        let _abort = AbortOnDrop(task.abort_handle());
        match task.await {
            Ok(o) => o,
            Err(e) if e.is_panic() => SampleOutcome::failed(
                outcome::EXCEPTION,
                format!("mqttload internal error (please report): {e}"),
                started.elapsed(),
            ),
            Err(_) => SampleOutcome::interrupted(started.elapsed()),
        }
    }

    async fn step_sample(&self, group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
        let started = Instant::now();
        let k = self.config.subscribers;
        let size = group.client_ids().len();
        if size <= k {
            return SampleOutcome::failed(
                outcome::EXCEPTION,
                format!(
                    "{}: the group has {size} connection(s) and its first {k} subscribe, so none \
                     would publish; raise its Connect element's {}",
                    refer(Id::RfSubscribers),
                    refer(Id::Connections)
                ),
                started.elapsed(),
            );
        }
        let live = group.connected();
        let (subs, pubs): (Vec<_>, Vec<_>) = live.into_iter().partition(|(slot, _)| *slot < k);
        if subs.is_empty() || pubs.is_empty() {
            let which = if subs.is_empty() {
                "subscribing"
            } else {
                "publishing"
            };
            return SampleOutcome::failed(
                outcome::NO_CONNECTION,
                format!(
                    "No {which} connection is connected. {}",
                    group.not_connected_message()
                ),
                started.elapsed(),
            );
        }
        let pubs = &pubs[..pubs.len().min(MAX_PUBLISHERS)];
        if let Err(o) = self
            .ensure_subscribed(group, &subs, shutdown, started)
            .await
        {
            return o;
        }
        let Some((serial, number, rate, backlog, closed_at)) = self.plan() else {
            return poisoned(started);
        };
        if backlog {
            self.settle(closed_at, shutdown).await;
        }
        if let Some((_, offered, _)) = &self.live {
            offered.set(rate);
        }
        let plan = Plan {
            config: &self.config,
            base: self.base,
            serial,
            rate,
            publishers: pubs,
            subscribers: subs.len(),
            padding: &self.padding,
            window: step::window(self.config.qos, group.config().inflight_window()),
        };
        let run = step::run(&plan, &self.inbox, self.watched_sys(), shutdown).await;
        let mut o = self.outcome(number, &run, (subs.len(), pubs.len()), started);
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }

    /// The next step: its serial, its number in the search, its rate, and whether the previous
    /// step's backlog may still arrive (and since when). A search that is over starts again.
    fn plan(&self) -> Option<(u32, u32, f64, bool, Option<Instant>)> {
        let mut s = self.state.lock().ok()?;
        if s.search.is_done() {
            s.search = s.search.restarted();
            s.rows.clear();
        }
        let rate = s.search.next_rate()?;
        s.serial = s.serial.wrapping_add(1);
        Some((s.serial, s.search.steps() + 1, rate, s.backlog, s.closed_at))
    }

    /// Until no delivery of an earlier step has arrived for `QUIET`, at most the drain.
    async fn settle(&self, closed_at: Option<Instant>, shutdown: &Shutdown) {
        let deadline = Instant::now() + self.config.drain;
        loop {
            let last = self.inbox.last_late().max(closed_at);
            if last.is_none_or(|t| t.elapsed() >= QUIET) || Instant::now() >= deadline {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(QUIET_POLL) => {}
                _ = shutdown.requested() => return,
            }
        }
    }

    fn watched_sys(&self) -> Option<&SysDrops> {
        let watching = self.bound.lock().is_ok_and(|b| b.sys == SysWatch::Watching);
        self.sys.as_deref().filter(|_| watching)
    }

    /// Subscribes the subscribing connections not yet subscribed (and the `$SYS` watcher once);
    /// a reconnected session carries its subscription over.
    async fn ensure_subscribed(
        &self,
        group: &ConnectionGroup,
        subs: &[(usize, Arc<Session>)],
        shutdown: &Shutdown,
        started: Instant,
    ) -> Result<(), SampleOutcome> {
        let options = SubscriptionOptions::from(self.config.qos);
        let mut waits = Vec::new();
        let mut sys_wait = None;
        {
            let Ok(mut b) = self.bound.lock() else {
                return Err(poisoned(started));
            };
            if b.group != Some(group.id()) {
                detach(&b, self.sys.as_ref());
                let k = self.config.subscribers;
                *b = Bound {
                    group: Some(group.id()),
                    sinks: (0..k)
                        .map(|subscriber| {
                            Arc::new(SubscriberSink {
                                inbox: self.inbox.clone(),
                                subscriber,
                            })
                        })
                        .collect(),
                    sessions: (0..k).map(|_| Weak::new()).collect(),
                    subscribed: vec![false; k],
                    ..Bound::default()
                };
            }
            for (slot, session) in subs {
                let slot = *slot;
                if std::ptr::eq(b.sessions[slot].as_ptr(), Arc::as_ptr(session)) {
                    continue;
                }
                b.sessions[slot] = Arc::downgrade(session);
                if b.subscribed[slot] {
                    continue;
                }
                let sink: Arc<dyn MessageSink> = b.sinks[slot].clone();
                let topic = self.config.topic.clone();
                match session.subscribe_with(
                    vec![(topic.clone(), options)],
                    Properties::new(),
                    sink,
                ) {
                    Ok(w) => waits.push((w, vec![topic])),
                    Err(e) => {
                        *b = Bound::default();
                        return Err(SampleOutcome::failed(
                            outcome::NO_CONNECTION,
                            format!("Subscribe failed: {e}"),
                            started.elapsed(),
                        ));
                    }
                }
                b.subscribed[slot] = true;
            }
            if let (Some(sys), Some(root), SysWatch::NotAsked) =
                (&self.sys, &self.config.sys_root, &b.sys)
            {
                let session = &subs[0].1;
                let filters = sys::filters(root)
                    .into_iter()
                    .map(|f| (f, SubscriptionOptions::from(QoS::AtMostOnce)))
                    .collect();
                let sink: Arc<dyn MessageSink> = sys.clone();
                b.sys = match session.subscribe_with(filters, Properties::new(), sink) {
                    Ok(w) => {
                        sys_wait = Some(w);
                        b.sys_session = Arc::downgrade(session);
                        SysWatch::Watching
                    }
                    Err(e) => SysWatch::Refused(e.to_string()),
                };
            }
        }
        if let Err(o) = await_subacks(waits, self.config.subscribe_timeout, shutdown, started).await
        {
            if let Ok(mut b) = self.bound.lock() {
                detach(&b, self.sys.as_ref());
                *b = Bound::default();
            }
            return Err(o);
        }
        if let Some(w) = sys_wait {
            let why = tokio::select! {
                acked = tokio::time::timeout(self.config.subscribe_timeout, w) => match acked {
                    Ok(Ok(Ok(codes))) if codes.iter().any(|c| !c.is_failure()) => None,
                    Ok(Ok(Ok(_))) => Some("the broker refused the $SYS subscription".to_string()),
                    Ok(Ok(Err(e))) => Some(e.to_string()),
                    Ok(Err(_)) => Some("the connection closed before SUBACK".to_string()),
                    Err(_) => Some("no SUBACK for the $SYS subscription".to_string()),
                },
                _ = shutdown.requested() => Some("JMeter shutdown came before SUBACK".to_string()),
            };
            if let (Some(why), Ok(mut b)) = (why, self.bound.lock()) {
                b.sys = SysWatch::Refused(why);
            }
        }
        Ok(())
    }

    /// The step's sample: judged and recorded in the search, unless it could not be run as
    /// planned (a connection would not take its messages, or JMeter's Shutdown cut it short).
    fn outcome(
        &self,
        number: u32,
        run: &StepRun,
        roles: (usize, usize),
        started: Instant,
    ) -> SampleOutcome {
        let g = &self.config.guards;
        let row = row(number, run);
        let (broke, limit) = judge(&measured(&row, run), g);
        let row = Row { broke, ..row };
        let judged = !run.cut && run.not_sent == 0;
        let Ok(mut s) = self.state.lock() else {
            return poisoned(started);
        };
        if judged {
            s.search.record(run.rate, limit);
            s.rows.push(row.clone());
            s.backlog = run.received.lost > 0;
            s.closed_at = Some(Instant::now());
        }
        let done = judged && s.search.is_done();
        let end = done.then(|| report::conclusion(&s.search, &s.rows, &self.config));
        let mut line = report::step_line(&row, g);
        let notes = self.notes(run);
        if !notes.is_empty() {
            line = format!("{line} ({})", notes.join("; "));
        }
        if let Some(end) = &end {
            line = format!("{line}. Done: {end}");
        }
        let drops_watched = self.sys.as_ref().map(|s| s.total().is_some());
        let table = report::table(&s.rows, &self.config, roles, drops_watched, end.as_deref());
        let clean = broke == 0 && judged && run.refused == 0 && run.unacked == 0;
        let elapsed = started.elapsed();
        let mut o = if clean {
            SampleOutcome::ok(line, elapsed)
        } else {
            let code = if run.cut {
                outcome::EXCEPTION
            } else if run.handed == 0 && run.not_sent > 0 {
                outcome::NO_CONNECTION
            } else {
                outcome::FAILED
            };
            let mut o = SampleOutcome::failed(code, line, elapsed);
            o.error_count =
                (run.received.lost + run.held_back + run.not_sent + run.refused + run.unacked)
                    .max(1);
            o
        };
        o.sample_count = (run.handed + run.not_sent + run.held_back).max(1);
        o.bytes = run.acked_bytes + run.received.bytes;
        o.response_data = Some(table.into_bytes());
        o.distribution = run.received.latencies.distribution();
        let when_done = done.then(|| self.config.when_done.code());
        set_figures(&mut o, &row, run, &s.search, when_done);
        o
    }

    /// What the step's line adds to its figures: what kept it from being judged, and what was
    /// counted beside them (never dropped without a word).
    fn notes(&self, run: &StepRun) -> Vec<String> {
        let mut notes = Vec::new();
        if run.cut {
            notes.push(format!(
                "JMeter shutdown ended the step after {} of {} message(s); not judged",
                run.handed, run.intended
            ));
        }
        if let Some(e) = &run.first_failure {
            notes.push(format!(
                "{} message(s) not sent: {e}; the step is not judged and runs again",
                run.not_sent
            ));
        }
        if run.held_back > 0 {
            notes.push(format!(
                "{} message(s) held back: their connections already held their outbound limit",
                run.held_back
            ));
        }
        if run.refused > 0 {
            let why = run
                .first_refusal
                .as_ref()
                .map_or_else(String::new, |e| format!(": {e}"));
            notes.push(format!("{} refused by the broker{why}", run.refused));
        }
        if run.unacked > 0 {
            notes.push(format!(
                "{} not acknowledged within the drain ({} ms)",
                run.unacked,
                self.config.drain.as_millis()
            ));
        }
        if run.received.duplicates > 0 {
            notes.push(format!(
                "{} duplicate delivery(ies)",
                run.received.duplicates
            ));
        }
        let (late, foreign) = self.inbox.take_strays();
        if late > 0 {
            notes.push(format!(
                "{late} delivery(ies) of earlier steps arrived late"
            ));
        }
        if foreign > 0 {
            notes.push(format!(
                "{foreign} message(s) on the topic were not this finder's (ignored)"
            ));
        }
        if let Ok(b) = self.bound.lock() {
            if let SysWatch::Refused(why) = &b.sys {
                notes.push(format!("broker drops not watched: {why}"));
            }
        }
        notes
    }
}

/// The step's row of the table (its guards not judged yet).
fn row(number: u32, run: &StepRun) -> Row {
    Row {
        step: number,
        offered: run.rate,
        send_rate: run.send_rate(),
        receive_rate: run.receive_rate(),
        latency: run.received.latencies.summary(),
        // what our own queue held back did not get through either
        lost: run.received.lost + run.held_back,
        lag_p99_us: run.lag.summary().map(|l| l.p99),
        drops: run.drops,
        broke: 0,
        window_waits: run.window_waits,
        handed: run.handed,
        engine_busy: run.engine_busy,
    }
}

/// What the guards judge of the step.
fn measured(row: &Row, run: &StepRun) -> Measured {
    Measured {
        p99_us: row.latency.map(|l| l.p99),
        lost: row.lost,
        lag_p99_us: row.lag_p99_us,
        drops: row.drops,
        window_waits: row.window_waits,
        handed: run.handed,
        engine_busy: row.engine_busy,
    }
}

/// The step's figures (`contract/results.json`), and the search's as it stands after it;
/// `when_done` on the search's final step only.
fn set_figures(
    o: &mut SampleOutcome,
    row: &Row,
    run: &StepRun,
    search: &Search,
    when_done: Option<u64>,
) {
    let done = when_done.is_some();
    let limit = if done {
        search.limit().map_or(0, |l| l.code())
    } else {
        0
    };
    for (i, v) in [
        (figure::RF_STEP, Some(u64::from(row.step))),
        (figure::RF_OFFERED_MILLI, Some(milli(row.offered))),
        (figure::RF_SENT_PER_S_MILLI, Some(milli(row.send_rate))),
        (
            figure::RF_RECEIVED_PER_S_MILLI,
            Some(milli(row.receive_rate)),
        ),
        (figure::RF_SENT, Some(run.handed)),
        (figure::RF_RECEIVED, Some(run.received.distinct)),
        (figure::RF_LOST, Some(row.lost)),
        (figure::RF_P50_US, row.latency.map(|l| l.p50)),
        (figure::RF_P99_US, row.latency.map(|l| l.p99)),
        (figure::RF_LAG_P99_US, row.lag_p99_us),
        (figure::RF_BROKER_DROPPED, row.drops),
        (
            figure::RF_ENGINE_BUSY_PCT,
            row.engine_busy.map(|b| (b * 100.0).round() as u64),
        ),
        (figure::RF_BROKE, Some(u64::from(row.broke))),
        (
            figure::RF_MAX_OK_MILLI,
            search.best().map(|(r, _)| milli(r)),
        ),
        (
            figure::RF_FIRST_BAD_MILLI,
            search.worst().map(|(r, _, _)| milli(r)),
        ),
        (figure::RF_LIMIT, Some(limit)),
        (figure::RF_DONE, Some(u64::from(done))),
        (figure::RF_WHEN_DONE, when_done),
    ] {
        if let Some(v) = v {
            o.set_figure(i, v);
        }
    }
}

fn poisoned(started: Instant) -> SampleOutcome {
    SampleOutcome::failed(
        outcome::EXCEPTION,
        "mqttload internal error (please report): a lock was poisoned",
        started.elapsed(),
    )
}
