//! A connection group: the 1..N connections one Connect element opens for its JMeter thread
//! (connections belong to the JMeter thread that opened them, or to the test under a name), and the Connect / Disconnect operations on it.

mod connect_limit;
mod own;
mod publishing;
mod unsubscribed;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{watch, OwnedSemaphorePermit};
use tokio::task::{JoinError, JoinSet};

use crate::client::{
    Carried, ClientError, ConnectProgress, PerConnection, Ramp, ReconnectLimits, Session,
    SessionOptions,
};
use crate::codec::{ProtocolVersion, QoS};
use crate::transport::Endpoint;

use super::acks::NeverWritten;
use super::config::{ConfigError, ConnectConfig, DisconnectSettings};
use super::live::{Kind, Live};
use super::outcome::{self, SampleOutcome};
use super::shutdown::Shutdown;
use super::streams::Stream;
use super::template::Vars;
use connect_limit::{connect_limit, next_permit};
use own::{fleet, index_vars, Fleet};
use publishing::Publishing;
use unsubscribed::Unsubscribed;

pub use connect_limit::{set_connect_concurrency, DEFAULT_CONNECT_CONCURRENCY};

const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest packet we accept from a broker (MQTT's own maximum is 256 MiB).
pub const MAX_INCOMING_PACKET: usize = 64 * 1024 * 1024;

static NEXT_GROUP_ID: AtomicU64 = AtomicU64::new(1);
/// Numbers every connection of this engine ({{conn.test}}): a group takes a block at creation.
static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(0);

/// A new test run numbers its connections ({{conn.test}}, round-robin placement) from 0 again,
/// so a plan run twice in one JMeter gives its devices the same identities both times.
pub fn number_connections_from_zero() {
    NEXT_CONNECTION.store(0, Ordering::Relaxed);
}

pub struct ConnectionGroup {
    id: u64,
    config: ConnectConfig,
    /// What every connection of the group connects with (each with its own client id and source
    /// address); its transport's TLS configuration is shared by every connection.
    session_options: Arc<SessionOptions>,
    /// One client id per slot, kept across reconnects so a persistent session resumes.
    client_ids: Vec<String>,
    /// What each slot has of its own (source address, broker, identity); slots with nothing of
    /// their own but their address and broker share one.
    own: Vec<Arc<PerConnection>>,
    /// The brokers of a group spread over several (`host:port`), and each slot's.
    brokers: Vec<String>,
    broker_of: Vec<u32>,
    sessions: Mutex<Vec<Option<Arc<Session>>>>,
    /// Per slot: the subscriptions of the session a Disconnect ended, for the next Connect.
    carried: Mutex<Vec<Option<Carried>>>,
    cancel: watch::Sender<u64>,
    publishing: Publishing,
    /// Reconnects already told in a sample's message.
    reconnects_reported: AtomicU64,
    /// Reused QoS 2 packet ids already told in a sample's message.
    reused_ids_reported: AtomicU64,
    unsubscribed: Unsubscribed,
    /// The engine-wide number of slot 0; slot i is `conn_base + i`.
    conn_base: u64,
    /// The Connect element's name and its live metrics, once it has one (`labelled`).
    live: Option<(String, Live)>,
    /// Reconnects the live metrics have counted.
    reconnects_counted: AtomicU64,
}

/// The options every connection of a group shares; the client id is each connection's own.
fn session_options(c: &ConnectConfig, endpoint: Endpoint) -> SessionOptions {
    SessionOptions {
        endpoint,
        version: c.version,
        client_id: String::new(),
        clean_session: c.clean_session,
        keep_alive_secs: c.keep_alive_secs,
        username: c.username.clone(),
        password: c.password.clone(),
        will: c.will.clone(),
        connect_timeout: c.connect_timeout,
        connect_attempts: c.connect_attempts,
        reconnect_attempts: c.reconnect_attempts,
        max_inflight: c.inflight_window(),
        max_packet_size: match c.v5.maximum_packet_size {
            0 => MAX_INCOMING_PACKET,
            m => usize::try_from(m).unwrap_or(MAX_INCOMING_PACKET),
        },
        connect_properties: c.v5.properties.clone(),
        authenticator: None,
        outbound_limit: c.outbound_limit,
        reconnect_limits: Some(ReconnectLimits {
            handshakes: connect_limit(),
            ramp: c.connect_rate.and_then(Ramp::per_second).map(Arc::new),
        }),
    }
}

/// A slot's connect: the session or why there is none, and how long it took.
type Connected = (usize, Result<Session, ClientError>, Duration);

/// What the connects of one Connect sample came to.
struct Opened {
    /// The failed connects, each with its client id when the task got as far as to say.
    failures: Vec<(Option<String>, ClientError)>,
    /// The slots of the failed connects (for the counts per broker).
    failed_slots: Vec<usize>,
    /// Per slot: its connect ended, connected or failed (not cut short by JMeter's Shutdown).
    finished: Vec<bool>,
    /// The longest a connection took to connect.
    slowest: Duration,
}

/// The first error, and how many of the group's connections failed.
fn failure_message(total: usize, failures: &[(Option<String>, ClientError)]) -> String {
    let (_, first) = &failures[0];
    if total == 1 {
        format!("Connect failed: {first}")
    } else {
        format!(
            "{} of {total} connection(s) failed; first error{}",
            failures.len(),
            naming(&failures[0])
        )
    }
}

/// A group's failure with the connection it came from: with an identity per device, which
/// device failed is what the user needs to find the wrong password or certificate.
fn naming((client_id, e): &(Option<String>, ClientError)) -> String {
    match client_id {
        Some(id) => format!(" (client id {id}): {e}"),
        None => format!(": {e}"),
    }
}

/// Why a connect that JMeter's Shutdown ended had not connected: the last error of a connection
/// still retrying, else that none had answered yet.
fn shutdown_message(
    total: usize,
    unfinished: &[&ConnectProgress],
    failures: &[(Option<String>, ClientError)],
) -> String {
    let last = unfinished
        .iter()
        .find_map(|p| p.last_failure().map(|e| (e, p.failed_attempts())));
    let why = match last {
        Some((e, n)) => {
            format!("{e} (JMeter shutdown ended the retries after {n} failed attempt(s))")
        }
        None => "ended by JMeter shutdown before the broker answered".to_string(),
    };
    if total == 1 {
        return format!("Connect failed: {why}");
    }
    let mut m = format!(
        "{} of {total} connection(s) not connected: {why}",
        unfinished.len()
    );
    if let Some(first) = failures.first() {
        m.push_str(&format!(
            "; {} more failed, first error{}",
            failures.len(),
            naming(first)
        ));
    }
    m
}

impl ConnectionGroup {
    pub fn new(config: ConnectConfig) -> Result<ConnectionGroup, ConfigError> {
        let slots = config.connections as usize;
        let conn_base = NEXT_CONNECTION.fetch_add(slots as u64, Ordering::Relaxed);
        let Fleet {
            client_ids,
            own,
            brokers,
            broker_of,
            endpoint,
        } = fleet(&config, conn_base)?;
        let session_options = Arc::new(session_options(&config, endpoint));
        Ok(ConnectionGroup {
            id: NEXT_GROUP_ID.fetch_add(1, Ordering::Relaxed),
            config,
            session_options,
            client_ids,
            own,
            brokers,
            broker_of,
            sessions: Mutex::new(vec![None; slots]),
            carried: Mutex::new((0..slots).map(|_| None).collect()),
            cancel: watch::Sender::new(0),
            publishing: Publishing::default(),
            reconnects_reported: AtomicU64::new(0),
            reused_ids_reported: AtomicU64::new(0),
            unsubscribed: Unsubscribed::default(),
            conn_base,
            live: None,
            reconnects_counted: AtomicU64::new(0),
        })
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn client_ids(&self) -> &[String] {
        &self.client_ids
    }

    /// What the connection in `slot` has of its own.
    fn own(&self, slot: usize) -> Arc<PerConnection> {
        self.own[slot].clone()
    }

    /// What a template sees of the connection in `slot` (its message number aside).
    pub(super) fn template_vars(&self, slot: usize) -> Vars<'_> {
        index_vars(
            self.conn_base,
            slot,
            self.client_ids.get(slot).map_or("", String::as_str),
        )
    }

    /// What the engine's clock connection connects with when this group starts it: the group's
    /// options, and what its first connection has of its own (broker, credentials, certificate).
    pub(super) fn clock_connection(&self) -> (Arc<SessionOptions>, Arc<PerConnection>) {
        (self.session_options.clone(), self.own(0))
    }

    /// What the group was made from.
    pub fn config(&self) -> &ConnectConfig {
        &self.config
    }

    pub fn version(&self) -> ProtocolVersion {
        self.config.version
    }

    /// "<feature> needs MQTT 5.0" when a v5-only setting is used on a 3.x group.
    pub fn v5_only(&self, feature: Option<&'static str>) -> Option<String> {
        match feature {
            Some(f) if self.config.version != ProtocolVersion::V5 => Some(format!(
                "{f} needs MQTT 5.0 (this connection uses MQTT {})",
                match self.config.version {
                    ProtocolVersion::V31 => "3.1",
                    _ => "3.1.1",
                }
            )),
            _ => None,
        }
    }

    /// Ends every operation blocked on this group now (JMeter's Stop).
    pub fn cancel(&self) {
        self.cancel.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Runs `op`, or ends it with "Interrupted" when `cancel` is called meanwhile.
    pub async fn cancellable<F>(&self, started: Instant, op: F) -> SampleOutcome
    where
        F: Future<Output = SampleOutcome>,
    {
        let mut rx = self.cancel.subscribe();
        tokio::select! {
            o = op => o,
            _ = rx.changed() => SampleOutcome::interrupted(started.elapsed()),
        }
    }

    fn slots(&self) -> Vec<Option<Arc<Session>>> {
        self.sessions.lock().map(|g| g.clone()).unwrap_or_default()
    }

    /// Live sessions, in slot order (stable, so round-robin is fair).
    pub fn connected(&self) -> Vec<(usize, Arc<Session>)> {
        self.slots()
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| s.filter(|s| !s.is_closed()).map(|s| (i, s)))
            .collect()
    }

    /// Whether any session is live, without copying the slots.
    pub fn has_connected(&self) -> bool {
        self.sessions
            .lock()
            .map(|g| g.iter().flatten().any(|s| !s.is_closed()))
            .unwrap_or(false)
    }

    /// The next `count` live sessions in turn (a round-robin sample's targets), in slot order
    /// from where the previous sample stopped. Only those are copied: a sample on a group of
    /// thousands costs what it sends, not the group's size (`make bench-round-robin`).
    pub fn round_robin(&self, count: usize) -> Vec<(usize, Arc<Session>)> {
        let Ok(slots) = self.sessions.lock() else {
            return Vec::new();
        };
        let len = slots.len();
        let mut picked = Vec::with_capacity(count.min(len.max(1) * 4));
        for _ in 0..count {
            if len == 0 {
                break;
            }
            let start = self.publishing.next_round_robin();
            let found = (0..len).find_map(|k| {
                let slot = start.wrapping_add(k) % len;
                slots[slot]
                    .as_ref()
                    .filter(|s| !s.is_closed())
                    .map(|s| (k, slot, s.clone()))
            });
            let Some((skipped, slot, session)) = found else {
                break;
            };
            if skipped > 0 {
                // the turn goes on after the slot taken, so live sessions share the turns evenly
                self.publishing.skip_round_robin(skipped);
            }
            picked.push((slot, session));
        }
        picked
    }

    pub fn is_connected(&self) -> bool {
        let slots = self.slots();
        !slots.is_empty()
            && slots
                .iter()
                .all(|s| s.as_ref().is_some_and(|s| s.is_connected()))
    }

    /// Why nothing is connected, for a 500 response.
    pub fn not_connected_message(&self) -> String {
        let reason = self.slots().iter().flatten().find_map(|s| s.last_error());
        match reason {
            Some(r) => format!("Not connected: {r}"),
            None => "Not connected: the MQTT Connect sampler has not connected this group".into(),
        }
    }

    /// Reconnects since the previous call, with why the connection dropped (e.g. a broker's
    /// DISCONNECT reason), so the next sample tells the user even when reconnecting succeeded.
    fn reconnect_note(&self, total: u64) -> Option<String> {
        let before = self.reconnects_reported.swap(total, Ordering::Relaxed);
        if total <= before {
            return None;
        }
        let why = self
            .slots()
            .iter()
            .flatten()
            .filter(|s| s.reconnects() > 0)
            .find_map(|s| s.last_error())
            .unwrap_or_else(|| "unknown".into());
        Some(format!(
            "reconnected {} time(s) since the previous sample; last drop: {why}",
            total - before
        ))
    }

    /// What a Publish or Subscribe sample adds to its message about the group's connections
    /// since the previous sample: reconnects and broker faults, each told once.
    pub fn notes(&self) -> Option<String> {
        // Summed under the lock: every sample asks, and a copy of the slots costs a large group
        // an atomic increment and decrement per connection.
        let (reconnects, reused) = self
            .sessions
            .lock()
            .map(|g| {
                g.iter().flatten().fold((0, 0), |(r, u), s| {
                    (r + s.reconnects(), u + s.reused_packet_ids())
                })
            })
            .unwrap_or_default();
        let notes: Vec<String> = [
            self.reconnect_note(reconnects),
            self.reused_ids_note(reused),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!notes.is_empty()).then(|| notes.join("; "))
    }

    /// The broker reused QoS 2 packet ids still in flight: the messages were delivered and
    /// counted, but the broker is out of spec, and its own state for them may be stuck.
    fn reused_ids_note(&self, total: u64) -> Option<String> {
        let before = self.reused_ids_reported.swap(total, Ordering::Relaxed);
        (total > before).then(|| {
            format!(
                "BROKER FAULT: {} QoS 2 message(s) arrived on a packet id still awaiting PUBREL \
                 (the broker reused ids in flight, as Mosquitto does past 65,535 messages in \
                 flight to one client; they were delivered and counted; limit the broker's \
                 in-flight messages, e.g. Mosquitto's max_inflight_messages)",
                total - before
            )
        })
    }

    /// Filters unsubscribed from every connection of the group from now on.
    pub(super) fn note_unsubscribed(&self, filters: &[String]) {
        self.unsubscribed.note(filters);
    }

    /// Filters unsubscribed since `seen` (a position in the group's list), and the new position.
    pub(super) fn unsubscribed_since(&self, seen: usize) -> (usize, Vec<String>) {
        self.unsubscribed.since(seen)
    }

    /// The stream's end marker goes out at every Disconnect of this group from now on.
    pub(super) fn add_end_marker(&self, slot: usize, stream: Arc<Stream>, qos: QoS) {
        self.publishing.add_end_marker(slot, stream, qos);
    }

    /// Connects every slot that has no live session. Already-live ones are kept (reuse).
    pub async fn connect(&self) -> SampleOutcome {
        self.connect_until(&Shutdown::never()).await
    }

    /// As [`ConnectionGroup::connect`]; JMeter's Shutdown ends the connects still under way (a
    /// connect retried forever, say), and the sample fails naming their last error.
    pub async fn connect_until(&self, shutdown: &Shutdown) -> SampleOutcome {
        let o = self.connect_sample(shutdown).await;
        if let Some((_, live)) = &self.live {
            live.record(&o);
        }
        o
    }

    /// The Connect element's name, under which its samples and connections show in the live
    /// metrics.
    pub fn labelled(mut self, label: &str) -> ConnectionGroup {
        self.live = Some((
            label.to_string(),
            Live::new(Kind::Connect, label, Vec::new()),
        ));
        self
    }

    /// For the live metrics: the Connect element's name, its connections up now, and the
    /// reconnects since the last time this was asked.
    pub fn live_counts(&self) -> Option<(&str, usize, u64)> {
        let (label, _) = self.live.as_ref()?;
        let slots = self.slots();
        let up = slots.iter().flatten().filter(|s| s.is_connected()).count();
        let reconnects: u64 = slots.iter().flatten().map(|s| s.reconnects()).sum();
        let before = self.reconnects_counted.swap(reconnects, Ordering::Relaxed);
        Some((label, up, reconnects.saturating_sub(before)))
    }

    async fn connect_sample(&self, shutdown: &Shutdown) -> SampleOutcome {
        let started = Instant::now();
        let todo: Vec<usize> = self
            .slots()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.as_ref().is_none_or(|s| s.is_closed()))
            .map(|(i, _)| i)
            .collect();
        let progress: Vec<(usize, Arc<ConnectProgress>)> = todo
            .iter()
            .map(|&slot| (slot, Arc::new(ConnectProgress::default())))
            .collect();
        let opened = self.open(&todo, &progress, shutdown).await;
        self.connect_outcome(&todo, &progress, opened, started.elapsed())
    }

    /// Connects the `todo` slots, each when its turn comes, until all have connected or failed,
    /// or JMeter's Shutdown ends the connects still under way.
    async fn open(
        &self,
        todo: &[usize],
        progress: &[(usize, Arc<ConnectProgress>)],
        shutdown: &Shutdown,
    ) -> Opened {
        let limit = connect_limit();
        let mut set = JoinSet::new();
        let slots = self.slots();
        // A ramp: the i-th connection starts i / rate seconds in, whatever the others are doing.
        let ramp_start = tokio::time::Instant::now();
        let start_at = |i: usize| {
            self.config
                .connect_rate
                .map(|rate| ramp_start + Duration::from_secs_f64(i as f64 / rate))
        };
        // A connection's task is spawned only once it holds a handshake permit: a connect future
        // is ~11 KB (every transport's handshake in one state machine), and spawning the whole
        // group at once had 15,000 of them alive while 128 worked, 165 MB the allocator kept.
        // The wait for the next permit stays one future across the loop, keeping its place in
        // the semaphore's queue among the other groups.
        let mut next = 0usize;
        let mut waiting = (!todo.is_empty()).then(|| next_permit(limit.clone(), start_at(0)));
        let mut opened = Opened {
            failures: Vec::new(),
            failed_slots: Vec::new(),
            finished: vec![false; self.client_ids.len()],
            slowest: Duration::ZERO,
        };
        let mut shut_down = false;
        while waiting.is_some() || !set.is_empty() {
            let joined = tokio::select! {
                permit = async { waiting.as_mut().expect("guarded").await }, if waiting.is_some() => {
                    self.spawn_connect(&mut set, todo[next], permit, &slots, progress[next].1.clone());
                    next += 1;
                    waiting = (next < todo.len()).then(|| next_permit(limit.clone(), start_at(next)));
                    continue;
                }
                joined = set.join_next(), if !set.is_empty() => joined,
                _ = shutdown.requested(), if !shut_down => {
                    shut_down = true;
                    waiting = None;
                    set.abort_all();
                    continue;
                }
            };
            if let Some(joined) = joined {
                self.record(joined, &mut opened);
            }
        }
        opened
    }

    /// Spawns `slot`'s connect, which holds `permit` until it has connected or given up.
    fn spawn_connect(
        &self,
        set: &mut JoinSet<Connected>,
        slot: usize,
        permit: Option<OwnedSemaphorePermit>,
        slots: &[Option<Arc<Session>>],
        seen: Arc<ConnectProgress>,
    ) {
        let opts = self.session_options.clone();
        let client_id = self.client_ids[slot].clone();
        let own = self.own(slot);
        let carried = slots[slot]
            .as_ref()
            .and_then(|s| s.take_carried())
            .or_else(|| {
                self.carried
                    .lock()
                    .ok()
                    .and_then(|mut g| g.get_mut(slot).and_then(Option::take))
            });
        set.spawn(async move {
            let _permit = permit;
            let began = Instant::now();
            // Boxed, so the task itself stays small: a transport may keep this task's
            // waker after the handshake (tungstenite's framing, which the WebSocket
            // transport once used, kept the last writer's until the next write), which
            // keeps the task's memory allocated for as long; inline, that was the whole
            // ~11 KB handshake future per idle WebSocket connection.
            let connected = Box::pin(Session::connect_shared(
                opts, client_id, own, carried, &seen,
            ))
            .await;
            (slot, connected, began.elapsed())
        });
    }

    /// A finished connect: its session takes the slot, or its error is kept for the sample.
    fn record(&self, joined: Result<Connected, JoinError>, opened: &mut Opened) {
        match joined {
            Ok((slot, Ok(session), took)) => {
                opened.finished[slot] = true;
                opened.slowest = opened.slowest.max(took);
                if let Ok(mut g) = self.sessions.lock() {
                    g[slot] = Some(Arc::new(session));
                }
            }
            Ok((slot, Err(e), _)) => {
                opened.finished[slot] = true;
                let client_id = self.client_ids.get(slot).cloned();
                opened.failures.push((client_id, e));
                opened.failed_slots.push(slot);
            }
            Err(e) if e.is_cancelled() => {}
            Err(e) => opened
                .failures
                .push((None, ClientError::Lost(format!("connect task failed: {e}")))),
        }
    }

    /// The Connect sample: every connection up, the connects cut short by JMeter's Shutdown, or
    /// the failures. `todo` are the slots it connected (the rest were reused).
    fn connect_outcome(
        &self,
        todo: &[usize],
        progress: &[(usize, Arc<ConnectProgress>)],
        opened: Opened,
        elapsed: Duration,
    ) -> SampleOutcome {
        let total = self.client_ids.len();
        let unfinished: Vec<&ConnectProgress> = progress
            .iter()
            .filter(|(slot, _)| !opened.finished[*slot])
            .map(|(_, p)| p.as_ref())
            .collect();
        if !unfinished.is_empty() {
            return SampleOutcome::failed(
                outcome::EXCEPTION,
                shutdown_message(total, &unfinished, &opened.failures),
                elapsed,
            );
        }
        if opened.failures.is_empty() {
            return self.connected_outcome(todo, opened.slowest, elapsed);
        }
        let message = failure_message(total, &opened.failures);
        let message = match self.per_broker(opened.failed_slots.iter().copied()) {
            Some(counts) => format!("{message}; failed per broker: {counts}"),
            None => message,
        };
        SampleOutcome::failed(outcome::FAILED, message, elapsed)
    }

    /// Every connection is up: how many were connected or reused, how fast, and the client ids
    /// in use as the response data.
    fn connected_outcome(
        &self,
        todo: &[usize],
        slowest: Duration,
        elapsed: Duration,
    ) -> SampleOutcome {
        let total = self.client_ids.len();
        let reused = total - todo.len();
        let message = if reused == 0 {
            format!("Connected {total} connection(s)")
        } else {
            format!("Connected {} connection(s), reused {reused}", todo.len())
        };
        // Several at once: how fast they came up, and the slowest (a broker near its limit).
        let message = if todo.len() > 1 {
            format!(
                "{message}: {:.1} connects/s, slowest CONNACK {:.1} ms",
                todo.len() as f64 / elapsed.as_secs_f64().max(1e-9),
                slowest.as_secs_f64() * 1e3
            )
        } else {
            message
        };
        let message = match self.per_broker(0..total) {
            Some(counts) => format!("{message}; per broker: {counts}"),
            None => message,
        };
        let message = if self.session_options.endpoint.transport.is_insecure() {
            format!("{message} (INSECURE: certificate not verified)")
        } else {
            message
        };
        let mut o = SampleOutcome::ok(message, elapsed);
        // The ids in use: a broker-assigned one (MQTT 5.0) replaces ours.
        let ids: Vec<String> = self
            .slots()
            .iter()
            .zip(&self.client_ids)
            .map(|(s, ours)| {
                s.as_ref()
                    .map_or(ours.clone(), |s| s.client_id().to_string())
            })
            .collect();
        o.response_data = Some(ids.join("\n").into_bytes());
        o
    }

    /// How many of `slots` go to each broker, in the order of the brokers (`a:1883 100, b:1883
    /// 100`), when the group spreads over several; a broker none of them uses is left out.
    fn per_broker(&self, slots: impl Iterator<Item = usize>) -> Option<String> {
        if self.brokers.len() < 2 {
            return None;
        }
        let mut counts = vec![0usize; self.brokers.len()];
        for slot in slots {
            if let Some(b) = self.broker_of.get(slot) {
                counts[*b as usize] += 1;
            }
        }
        let shown: Vec<String> = self
            .brokers
            .iter()
            .zip(&counts)
            .filter(|(_, n)| **n > 0)
            .map(|(b, n)| format!("{b} {n}"))
            .collect();
        Some(shown.join(", "))
    }

    /// DISCONNECT on every live connection, then forget them.
    pub async fn disconnect(&self) -> SampleOutcome {
        self.disconnect_with(DisconnectSettings::default()).await
    }

    /// DISCONNECT with an MQTT 5.0 reason code and session expiry, then forget the sessions.
    pub async fn disconnect_with(&self, settings: DisconnectSettings) -> SampleOutcome {
        let started = Instant::now();
        if let Some(m) = self.v5_only(settings.first_feature()) {
            return SampleOutcome::failed(outcome::FAILED, m, started.elapsed());
        }
        let sessions: Vec<(usize, Arc<Session>)> = match self.sessions.lock() {
            Ok(mut g) => g
                .iter_mut()
                .enumerate()
                .filter_map(|(i, s)| s.take().map(|s| (i, s)))
                .collect(),
            Err(_) => Vec::new(),
        };
        let live = sessions.iter().filter(|(_, s)| !s.is_closed()).count();
        let markers = self
            .publishing
            .send_end_markers(&sessions, DISCONNECT_TIMEOUT)
            .await;
        let dropped: Vec<String> = sessions
            .iter()
            .filter(|(_, s)| s.is_closed())
            .filter_map(|(_, s)| s.last_error())
            .collect();
        let mut set = JoinSet::new();
        for (slot, s) in sessions {
            set.spawn(async move {
                s.disconnect_with(DISCONNECT_TIMEOUT, settings.reason, settings.session_expiry)
                    .await;
                (slot, s.take_carried(), s.take_handed_lost())
            });
        }
        // QoS 0 messages handed off by Publish samples that the close could not write.
        let mut unwritten = NeverWritten::default();
        while let Some(joined) = set.join_next().await {
            let Ok((slot, carried, lost)) = joined else {
                continue;
            };
            unwritten.add(lost);
            if let (Some(c), Ok(mut g)) = (carried, self.carried.lock()) {
                if let Some(x) = g.get_mut(slot) {
                    *x = Some(c);
                }
            }
        }
        let message = match dropped.first() {
            None => format!("Disconnected {live} connection(s)"),
            Some(why) => format!(
                "Disconnected {live} connection(s); {} had already dropped: {why}",
                dropped.len()
            ),
        };
        let message = if markers > 0 {
            format!("{message}; sent {markers} end marker(s)")
        } else {
            message
        };
        match unwritten.describe("") {
            None => SampleOutcome::ok(message, started.elapsed()),
            Some(lost) => SampleOutcome::failed(
                outcome::FAILED,
                format!("{message}; {lost}"),
                started.elapsed(),
            ),
        }
    }

    /// Drops every session without DISCONNECT (thread or test end after a failure).
    pub fn close_now(&self) {
        if let Ok(mut g) = self.sessions.lock() {
            g.iter_mut().for_each(|s| *s = None);
        }
        if let Ok(mut g) = self.carried.lock() {
            g.iter_mut().for_each(|s| *s = None);
        }
    }
}
