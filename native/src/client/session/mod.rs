//! One connection's session: the handle callers hold (`Session`) and the task that owns the
//! socket. The task's work is split by flow: `task` (connection life: run, reconnect, resume,
//! commands, keep-alive), `outbound` (our PUBLISHes and their in-flight window), `inbound`
//! (packets from the broker), `handshake` (CONNECT -> CONNACK).

mod commands;
mod handshake;
mod inbound;
mod maps;
mod outbound;
mod task;

use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::BytesMut;
use tokio::sync::oneshot;

use crate::codec::{
    Disconnect, Properties, Property, Publish, QoS, ReasonCode, SubscribeReturnCode,
    SubscriptionOptions,
};

use super::options::backoff;
use super::{ClientError, ConnectProgress, SessionOptions};
use commands::{command_queue, CommandReceiver, CommandSender};
use handshake::handshake;
use maps::{Map, Set};

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
}

/// The subscriptions of a closed session, handed to the next session of the same slot so
/// that a resumed (MQTT 5.0 session expiry, or 3.x clean session off) session delivers the
/// messages the broker queued, and a fresh one subscribes again.
pub struct Carried {
    routes: Vec<Route>,
    subscriptions: Vec<SubscriptionEntry>,
}

pub type PublishAck = oneshot::Receiver<Result<(), ClientError>>;
pub type SubAckWait = oneshot::Receiver<Result<Vec<SubscribeReturnCode>, ClientError>>;
/// UNSUBACK's reason codes, one per filter (MQTT 5.0; empty for 3.1/3.1.1, which has none).
pub type UnsubAckWait = oneshot::Receiver<Result<Vec<ReasonCode>, ClientError>>;
type UnsubDone = oneshot::Sender<Result<Vec<ReasonCode>, ClientError>>;

type Done = oneshot::Sender<Result<(), ClientError>>;

enum Command {
    /// The message, its completion, and whether to use our own topic aliases (MQTT 5.0).
    Publish(Publish, Option<Done>, bool),
    Subscribe {
        filters: Vec<(String, SubscriptionOptions)>,
        /// MQTT 5.0 SUBSCRIBE properties (Subscription Identifier, User Property).
        properties: Properties,
        sink: Arc<dyn MessageSink>,
        done: oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>,
    },
    Unsubscribe {
        filters: Vec<String>,
        /// Told the UNSUBACK's reason codes, when the caller waits for it.
        done: Option<UnsubDone>,
    },
    /// Stop handing messages to this sink (its subscriber is gone); the subscription itself stays.
    Detach(Arc<dyn MessageSink>),
    Disconnect(oneshot::Sender<()>, Disconnect),
}

/// State the session task shares with its callers without a round trip.
struct Shared {
    connected: AtomicBool,
    closed: AtomicBool,
    /// Why the connection last dropped: the original cause, kept while reconnects fail.
    last_error: Mutex<Option<String>>,
    /// The latest failed reconnect attempt, told beside the original cause.
    last_attempt: Mutex<Option<String>>,
    /// Messages that matched no subscription of ours (counted, never silently dropped).
    unrouted: AtomicU64,
    reconnects: AtomicU64,
    /// QoS 2 PUBLISHes (DUP=0) on a packet id that still awaited our PUBREL: the broker reused
    /// an id in flight (a broker fault, seen with more than 65,535 messages in flight).
    reused_ids: AtomicU64,
    /// Set when the task ends.
    carried: Mutex<Option<Carried>>,
}

impl Shared {
    /// A new drop: its cause replaces the previous one, and earlier attempts are forgotten.
    fn set_error(&self, e: String) {
        if let Ok(mut g) = self.last_error.lock() {
            *g = Some(e);
        }
        if let Ok(mut g) = self.last_attempt.lock() {
            *g = None;
        }
    }

    fn set_attempt_error(&self, e: String) {
        if let Ok(mut g) = self.last_attempt.lock() {
            *g = Some(e);
        }
    }
}

/// Handle to one MQTT connection. Dropping it stops the task and closes the socket
/// without DISCONNECT (the broker then publishes the will, as for a crashed client).
pub struct Session {
    tx: CommandSender,
    shared: Arc<Shared>,
    client_id: String,
}

impl Session {
    /// CONNECT with retries as the options allow; on success the session task is running.
    /// Must be called inside the tokio runtime.
    pub async fn connect(opts: SessionOptions) -> Result<Session, ClientError> {
        Session::connect_carrying(opts, None).await
    }

    /// As [`Session::connect`], taking over the subscriptions of a previous session of the
    /// same client: kept by the broker (session present) or subscribed again.
    pub async fn connect_carrying(
        opts: SessionOptions,
        carried: Option<Carried>,
    ) -> Result<Session, ClientError> {
        Session::connect_observed(opts, carried, &ConnectProgress::default()).await
    }

    /// As [`Session::connect_carrying`], recording each failed attempt that is retried in
    /// `progress`, so a caller that stops waiting can say why it had not connected.
    pub async fn connect_observed(
        opts: SessionOptions,
        carried: Option<Carried>,
        progress: &ConnectProgress,
    ) -> Result<Session, ClientError> {
        let client_id = opts.client_id.clone();
        Session::connect_shared(Arc::new(opts), client_id, None, carried, progress).await
    }

    /// As [`Session::connect_observed`] with options shared by many connections (a group's):
    /// `client_id` and `local` (its source address, None = `opts.endpoint.bind`) are this
    /// connection's, and `opts.client_id` is not used. Sharing keeps an idle connection's memory
    /// to its own state.
    pub async fn connect_shared(
        opts: Arc<SessionOptions>,
        client_id: String,
        local: Option<IpAddr>,
        carried: Option<Carried>,
        progress: &ConnectProgress,
    ) -> Result<Session, ClientError> {
        let mut retries = 0u32;
        let mut client_id = client_id;
        let (stream, leftover, ack) = loop {
            match handshake(&opts, &client_id, local).await {
                Ok(ok) => break ok,
                Err(e) if opts.connect_attempts.allows(retries) => {
                    progress.record_failure(&e);
                    tracing::info!(
                        client_id = %client_id,
                        broker = %opts.endpoint.label(),
                        attempt = retries + 1,
                        error = %e,
                        "connect attempt failed, retrying"
                    );
                    tokio::time::sleep(backoff(retries)).await;
                    retries += 1;
                }
                Err(e) => return Err(e),
            }
        };
        let shared = Arc::new(Shared {
            connected: AtomicBool::new(true),
            closed: AtomicBool::new(false),
            last_error: Mutex::new(None),
            last_attempt: Mutex::new(None),
            unrouted: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            reused_ids: AtomicU64::new(0),
            carried: Mutex::new(None),
        });
        let (tx, rx) = command_queue();
        // MQTT 5.0: a broker-assigned identifier is ours from now on (reconnects use it too).
        if let Some(id) = ack.properties.assigned_client_identifier() {
            client_id = id.to_string();
        }
        let mut task = Task::new(opts, client_id.clone(), local, shared.clone(), rx, &ack);
        if let Some(c) = carried {
            task.routes = c.routes.into_iter().filter(|r| r.sink.is_open()).collect();
            task.subscriptions = c.subscriptions;
            if !ack.session_present {
                task.resume(false);
            }
        }
        tracing::debug!(
            client_id = %client_id,
            broker = %task.opts.endpoint.label(),
            session_present = ack.session_present,
            "connected"
        );
        tokio::spawn(Box::new(task).run(stream, leftover));
        Ok(Session {
            tx,
            shared,
            client_id,
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::Acquire)
    }

    /// True once the task has ended for good (disconnect, or reconnects exhausted).
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Why the connection last dropped, and the last reconnect attempt's error when that
    /// differs: the original cause is what the user needs, the attempt says why it persists.
    pub fn last_error(&self) -> Option<String> {
        let cause = self.shared.last_error.lock().ok().and_then(|g| g.clone())?;
        let attempt = self.shared.last_attempt.lock().ok().and_then(|g| g.clone());
        Some(match attempt {
            Some(a) if a != cause => format!("{cause}; last reconnect attempt: {a}"),
            _ => cause,
        })
    }

    /// QoS 2 packet ids the broker reused while they awaited our PUBREL (see `Shared`).
    pub fn reused_packet_ids(&self) -> u64 {
        self.shared.reused_ids.load(Ordering::Relaxed)
    }

    /// The subscriptions of this session once it has ended, for the next one (once).
    pub fn take_carried(&self) -> Option<Carried> {
        if !self.is_closed() {
            return None;
        }
        self.shared.carried.lock().ok().and_then(|mut g| g.take())
    }

    pub fn unrouted(&self) -> u64 {
        self.shared.unrouted.load(Ordering::Relaxed)
    }

    pub fn reconnects(&self) -> u64 {
        self.shared.reconnects.load(Ordering::Relaxed)
    }

    /// Queues a PUBLISH. The receiver completes when the packet is written (QoS 0) or
    /// acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2).
    pub fn publish(&self, publish: Publish) -> Result<PublishAck, ClientError> {
        self.publish_with(publish, false)
    }

    /// As [`Session::publish`]; with `use_topic_alias` (MQTT 5.0) the topic is replaced by our
    /// own alias once the broker knows it, when its Topic Alias Maximum allows.
    pub fn publish_with(
        &self,
        publish: Publish,
        use_topic_alias: bool,
    ) -> Result<PublishAck, ClientError> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Publish(publish, Some(done), use_topic_alias))?;
        Ok(rx)
    }

    pub fn subscribe(
        &self,
        filters: Vec<(String, QoS)>,
        sink: Arc<dyn MessageSink>,
    ) -> Result<SubAckWait, ClientError> {
        let filters = filters.into_iter().map(|(f, q)| (f, q.into())).collect();
        self.subscribe_with(filters, Properties::new(), sink)
    }

    /// SUBSCRIBE with full (MQTT 5.0) options and properties. A `$share/group/filter`
    /// delivers the messages whose topic matches `filter`.
    pub fn subscribe_with(
        &self,
        filters: Vec<(String, SubscriptionOptions)>,
        properties: Properties,
        sink: Arc<dyn MessageSink>,
    ) -> Result<SubAckWait, ClientError> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Subscribe {
            filters,
            properties,
            sink,
            done,
        })?;
        Ok(rx)
    }

    /// Stops delivering messages of `filters` at once and sends UNSUBSCRIBE, not waiting for UNSUBACK.
    pub fn unsubscribe(&self, filters: Vec<String>) -> Result<(), ClientError> {
        self.send(Command::Unsubscribe {
            filters,
            done: None,
        })
    }

    /// As [`Session::unsubscribe`]; the receiver completes with the UNSUBACK's reason codes (MQTT
    /// 5.0; empty for 3.x). Sent again after a reconnect until the broker answers.
    pub fn unsubscribe_acked(&self, filters: Vec<String>) -> Result<UnsubAckWait, ClientError> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Unsubscribe {
            filters,
            done: Some(done),
        })?;
        Ok(rx)
    }

    /// Stops delivering to `sink`. Messages its filters still bring are counted as unrouted.
    pub fn detach(&self, sink: Arc<dyn MessageSink>) {
        let _ = self.send(Command::Detach(sink));
    }

    /// Sends DISCONNECT and waits (at most `timeout`) for the task to close the socket.
    pub async fn disconnect(&self, timeout: Duration) {
        self.disconnect_with(timeout, ReasonCode::Success, None)
            .await
    }

    /// DISCONNECT with an MQTT 5.0 reason code and, when given, a new Session Expiry
    /// Interval. On 3.1/3.1.1 a plain DISCONNECT is sent.
    pub async fn disconnect_with(
        &self,
        timeout: Duration,
        reason: ReasonCode,
        session_expiry: Option<u32>,
    ) {
        let mut packet = Disconnect {
            reason,
            properties: Properties::new(),
        };
        if let Some(e) = session_expiry {
            packet.properties.push(Property::SessionExpiryInterval(e));
        }
        let (done, rx) = oneshot::channel();
        if self.send(Command::Disconnect(done, packet)).is_ok() {
            let _ = tokio::time::timeout(timeout, rx).await;
        }
    }

    fn send(&self, cmd: Command) -> Result<(), ClientError> {
        if self.is_closed() {
            return Err(self.closed_error());
        }
        self.tx.send(cmd).map_err(|_| self.closed_error())
    }

    fn closed_error(&self) -> ClientError {
        match self.last_error() {
            Some(e) => ClientError::Lost(e),
            None => ClientError::NotConnected,
        }
    }
}
/// The acknowledgement an outgoing QoS 1/2 message waits for.
#[allow(clippy::enum_variant_names)] // named after the packets awaited
enum AwaitedAck {
    PubAck,
    PubRec,
    PubComp,
}

struct Outgoing {
    publish: Publish,
    done: Option<Done>,
    stage: AwaitedAck,
    /// Send order, so a resumed session resends in the original order.
    order: u64,
}

struct Route {
    /// As subscribed (what UNSUBSCRIBE names).
    filter: String,
    /// What topics are matched against: `filter` without a `$share/group/` prefix.
    matches: String,
    sink: Arc<dyn MessageSink>,
}

/// A subscription to restore when the broker kept no session: filter, options, identifier.
struct SubscriptionEntry {
    filter: String,
    options: SubscriptionOptions,
    id: Option<u32>,
}

/// Why the connected loop ended.
enum Exit {
    Disconnected(oneshot::Sender<()>, Disconnect),
    Dropped,
    Lost(String),
}

struct Task {
    /// Shared by the group's connections.
    opts: Arc<SessionOptions>,
    /// This connection's (a 5.0 broker may assign one).
    client_id: String,
    /// This connection's source address, kept for reconnects.
    local: Option<IpAddr>,
    shared: Arc<Shared>,
    rx: CommandReceiver,
    out: BytesMut,
    /// Completions to fire once `out` is on the wire (QoS 0 publishes).
    on_flush: Vec<Done>,
    outgoing: Map<u16, Outgoing>,
    /// QoS 1/2 messages waiting for a free packet id or for the broker's Receive Maximum
    /// to allow one more in flight; sent in order as acknowledgements arrive.
    waiting_for_id: VecDeque<(Publish, Option<Done>, bool)>,
    next_order: u64,
    next_pkid: u16,
    pending_subs: Map<u16, oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>>,
    /// UNSUBSCRIBEs awaiting UNSUBACK: their filters (to send again after a reconnect) and waiter.
    pending_unsubs: Map<u16, (Vec<String>, Option<UnsubDone>)>,
    incoming_qos2: Set<u16>,
    /// QoS 1 PUBLISHes received whose PUBACK is not on the wire yet: with the QoS 2 ones awaiting
    /// PUBREL, what the broker has in flight to us for sure.
    qos1_unacked: usize,
    routes: Vec<Route>,
    /// Messages that matched no subscription yet, kept for the first one that matches them:
    /// a resumed session's queued messages arrive right after CONNACK, before our SUBSCRIBE.
    early: VecDeque<(Publish, SystemTime)>,
    subscriptions: Vec<SubscriptionEntry>,
    last_sent: Instant,
    ping_sent: Option<Instant>,
    /// Per connection, from CONNACK (MQTT 5.0; 3.x keeps the defaults).
    link: Link,
}

/// What the broker's CONNACK set for the current connection.
#[derive(Default)]
struct Link {
    /// Ours, or the broker's Server Keep Alive.
    keep_alive_secs: u16,
    /// The broker's Receive Maximum: our QoS 1/2 in-flight window.
    send_max: usize,
    max_packet: Option<u32>,
    topic_alias_max: u16,
    /// The broker's Shared Subscription Available (5.0; absent = yes).
    shared_available: bool,
    /// What we advertised in CONNECT (5.0): a broker that goes beyond is out of spec.
    our_alias_max: u16,
    our_receive_max: u16,
    incoming_aliases: Map<u16, String>,
    outgoing_aliases: Map<String, u16>,
}

/// Commands handled per wake-up before writing, so bursts go out in few syscalls.
const COMMAND_BATCH: usize = 512;

/// Unclaimed messages held per connection; beyond this they are only counted (as unrouted).
const MAX_EARLY_MESSAGES: usize = 100_000;
