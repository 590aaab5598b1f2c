use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, oneshot};

use crate::codec::{
    decode_packet, Auth, ConnAck, Connect, ConnectReturnCode, Disconnect, Packet, Properties,
    Property, ProtocolVersion, PubAck, PubComp, PubRec, PubRel, Publish, QoS, ReasonCode, SubAck,
    Subscribe, SubscribeReturnCode, SubscriptionOptions, UnsubAck, Unsubscribe,
};
use crate::transport::BrokerStream;

use super::options::backoff;
use super::topic::{route_filter, topic_matches};
use super::{ClientError, ConnectProgress, SessionOptions};

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
    },
    /// Stop handing messages to this sink (its subscriber is gone); the subscription itself stays.
    Detach(Arc<dyn MessageSink>),
    Disconnect(oneshot::Sender<()>, Disconnect),
}

/// State the session task shares with its callers without a round trip.
struct Shared {
    connected: AtomicBool,
    closed: AtomicBool,
    last_error: Mutex<Option<String>>,
    /// Messages that matched no subscription of ours (counted, never silently dropped).
    unrouted: AtomicU64,
    reconnects: AtomicU64,
    /// Set when the task ends.
    carried: Mutex<Option<Carried>>,
}

impl Shared {
    fn set_error(&self, e: String) {
        if let Ok(mut g) = self.last_error.lock() {
            *g = Some(e);
        }
    }
}

/// Handle to one MQTT connection. Dropping it stops the task and closes the socket
/// without DISCONNECT (the broker then publishes the will, as for a crashed client).
pub struct Session {
    tx: mpsc::UnboundedSender<Command>,
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
        let mut retries = 0u32;
        let mut opts = opts;
        let (stream, leftover, ack) = loop {
            match handshake(&opts).await {
                Ok(ok) => break ok,
                Err(e) if opts.connect_attempts.allows(retries) => {
                    progress.record_failure(&e);
                    tracing::debug!(client_id = %opts.client_id, error = %e, "connect failed, retrying");
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
            unrouted: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            carried: Mutex::new(None),
        });
        let (tx, rx) = mpsc::unbounded_channel();
        // MQTT 5.0: a broker-assigned identifier is ours from now on (reconnects use it too).
        if let Some(id) = ack.properties.assigned_client_identifier() {
            opts.client_id = id.to_string();
        }
        let client_id = opts.client_id.clone();
        let mut task = Task::new(opts, shared.clone(), rx, &ack);
        if let Some(c) = carried {
            task.routes = c.routes.into_iter().filter(|r| r.sink.is_open()).collect();
            task.subscriptions = c.subscriptions;
            if !ack.session_present {
                task.resume(false);
            }
        }
        tokio::spawn(task.run(stream, leftover));
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

    pub fn last_error(&self) -> Option<String> {
        self.shared.last_error.lock().ok().and_then(|g| g.clone())
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

    pub fn unsubscribe(&self, filters: Vec<String>) -> Result<(), ClientError> {
        self.send(Command::Unsubscribe { filters })
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

/// One CONNECT -> CONNACK exchange within the connect timeout.
async fn handshake(
    opts: &SessionOptions,
) -> Result<(BrokerStream, BytesMut, ConnAck), ClientError> {
    let deadline = Instant::now() + opts.connect_timeout;
    let mut stream = opts
        .endpoint
        .connect(opts.connect_timeout)
        .await
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    let v5 = opts.version == ProtocolVersion::V5;
    let mut properties = if v5 {
        opts.connect_properties.clone()
    } else {
        Properties::new()
    };
    let authenticator = opts.authenticator.as_ref().filter(|_| v5);
    if let Some(a) = authenticator {
        properties.push(Property::AuthenticationMethod(a.method().to_string()));
        if let Some(d) = a.initial_data() {
            properties.push(Property::AuthenticationData(d));
        }
    }
    let mut will = opts.will.clone();
    if let (Some(w), false) = (will.as_mut(), v5) {
        w.properties = Properties::new();
    }
    let connect = Packet::Connect(Connect {
        protocol: opts.version,
        client_id: opts.client_id.clone(),
        clean_session: opts.clean_session,
        keep_alive: opts.keep_alive_secs,
        username: opts.username.clone(),
        password: opts.password.as_ref().map(|p| p.0.clone()),
        will,
        properties,
    });
    let mut out = BytesMut::with_capacity(128);
    connect
        .encode(opts.version, &mut out)
        .map_err(|e| ClientError::Encode(e.to_string()))?;
    let exchange = async {
        let io_error = |doing: &str, e: std::io::Error| match opts.endpoint.explain(&e) {
            // A TLS alert (TLS 1.3 refuses a client certificate only after the handshake).
            Some(t) => ClientError::Transport(t.to_string()),
            None => ClientError::Lost(format!("{doing}: {e}")),
        };
        stream
            .write_all(&out)
            .await
            .map_err(|e| io_error("writing CONNECT", e))?;
        stream
            .flush()
            .await
            .map_err(|e| io_error("writing CONNECT", e))?;
        let mut buf = BytesMut::with_capacity(512);
        loop {
            match decode_packet(&mut buf, opts.version, opts.max_packet_size) {
                Ok(Some(Packet::ConnAck(ack))) => return Ok((buf, ack)),
                Ok(Some(Packet::Auth(auth))) => {
                    let Some(a) = authenticator else {
                        return Err(ClientError::Auth(
                            "broker sent AUTH but no authentication method is configured".into(),
                        ));
                    };
                    let reply = auth_reply(a.as_ref(), &auth)?;
                    let mut o = BytesMut::new();
                    Packet::Auth(reply)
                        .encode(opts.version, &mut o)
                        .map_err(|e| ClientError::Encode(e.to_string()))?;
                    stream
                        .write_all(&o)
                        .await
                        .map_err(|e| io_error("writing AUTH", e))?;
                    stream
                        .flush()
                        .await
                        .map_err(|e| io_error("writing AUTH", e))?;
                    continue;
                }
                Ok(Some(other)) => return Err(ClientError::UnexpectedPacket(other.kind())),
                Ok(None) => {}
                Err(e) => return Err(ClientError::Protocol(e.to_string())),
            }
            let n = stream
                .read_buf(&mut buf)
                .await
                .map_err(|e| io_error("reading CONNACK", e))?;
            if n == 0 {
                return Err(ClientError::Lost(
                    "broker closed the connection before CONNACK".into(),
                ));
            }
        }
    };
    let (leftover, ack) = tokio::time::timeout_at(deadline.into(), exchange)
        .await
        .map_err(|_| ClientError::ConnackTimeout(opts.connect_timeout.as_millis()))??;
    if ack.code != ConnectReturnCode::Accepted {
        if v5 {
            let reason = ack.reason.unwrap_or(ack.code.to_reason());
            return Err(ClientError::RefusedV5(with_reason_string(
                reason,
                &ack.properties,
            )));
        }
        return Err(ClientError::Refused(ack.code));
    }
    Ok((stream, leftover, ack))
}

/// "0x87 Not authorized", plus " (reason string)" when the broker gave one.
fn with_reason_string(reason: ReasonCode, properties: &Properties) -> String {
    match properties.reason_string() {
        Some(rs) if !rs.is_empty() => format!("{} ({rs})", reason.describe()),
        _ => reason.describe(),
    }
}

/// Our answer to an AUTH challenge (reason 0x18 Continue authentication).
fn auth_reply(a: &dyn super::Authenticator, auth: &Auth) -> Result<Auth, ClientError> {
    if auth.reason != ReasonCode::ContinueAuthentication {
        return Err(ClientError::Auth(format!(
            "broker sent AUTH {}",
            with_reason_string(auth.reason, &auth.properties)
        )));
    }
    if let Some(m) = auth.properties.authentication_method() {
        if m != a.method() {
            return Err(ClientError::Auth(format!(
                "broker challenged with method '{m}', we use '{}'",
                a.method()
            )));
        }
    }
    let data = auth.properties.authentication_data().unwrap_or(&[]);
    let response = a.on_challenge(data).map_err(ClientError::Auth)?;
    let mut properties = Properties::new();
    properties.push(Property::AuthenticationMethod(a.method().to_string()));
    properties.push(Property::AuthenticationData(response));
    Ok(Auth {
        reason: ReasonCode::ContinueAuthentication,
        properties,
    })
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
    opts: SessionOptions,
    shared: Arc<Shared>,
    rx: mpsc::UnboundedReceiver<Command>,
    out: BytesMut,
    /// Completions to fire once `out` is on the wire (QoS 0 publishes).
    on_flush: Vec<Done>,
    outgoing: HashMap<u16, Outgoing>,
    /// QoS 1/2 messages waiting for a free packet id or for the broker's Receive Maximum
    /// to allow one more in flight; sent in order as acknowledgements arrive.
    waiting_for_id: VecDeque<(Publish, Option<Done>, bool)>,
    next_order: u64,
    next_pkid: u16,
    pending_subs: HashMap<u16, oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>>,
    incoming_qos2: HashSet<u16>,
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
    incoming_aliases: HashMap<u16, String>,
    outgoing_aliases: HashMap<String, u16>,
}

/// Commands handled per wake-up before writing, so bursts go out in few syscalls.
const COMMAND_BATCH: usize = 512;

impl Task {
    fn new(
        opts: SessionOptions,
        shared: Arc<Shared>,
        rx: mpsc::UnboundedReceiver<Command>,
        ack: &ConnAck,
    ) -> Task {
        let mut task = Task {
            opts,
            shared,
            rx,
            // Grows on first use: an idle connection should cost as little memory as possible.
            out: BytesMut::new(),
            on_flush: Vec::new(),
            outgoing: HashMap::new(),
            waiting_for_id: VecDeque::new(),
            next_order: 0,
            next_pkid: 0,
            pending_subs: HashMap::new(),
            incoming_qos2: HashSet::new(),
            routes: Vec::new(),
            early: VecDeque::new(),
            subscriptions: Vec::new(),
            last_sent: Instant::now(),
            ping_sent: None,
            link: Link::default(),
        };
        task.apply_connack(ack);
        task
    }

    /// Takes the connection's limits from CONNACK; aliases start afresh on every connection.
    fn apply_connack(&mut self, ack: &ConnAck) {
        let p = &ack.properties;
        self.link = Link {
            keep_alive_secs: p.server_keep_alive().unwrap_or(self.opts.keep_alive_secs),
            send_max: p
                .receive_maximum()
                .map_or(usize::from(u16::MAX), usize::from),
            max_packet: p.maximum_packet_size(),
            topic_alias_max: p.topic_alias_maximum().unwrap_or(0),
            incoming_aliases: HashMap::new(),
            outgoing_aliases: HashMap::new(),
        };
        if let Some(id) = p.assigned_client_identifier() {
            self.opts.client_id = id.to_string();
        }
    }

    async fn run(mut self, stream: BrokerStream, leftover: BytesMut) {
        let mut stream = stream;
        let mut inbuf = leftover;
        let mut retries_done = 0u32;
        loop {
            let exit = self.connected_loop(stream, inbuf).await;
            self.shared.connected.store(false, Ordering::Release);
            match exit {
                Exit::Disconnected(done, _) => {
                    self.finish(ClientError::NotConnected);
                    let _ = done.send(());
                    return;
                }
                Exit::Dropped => {
                    self.finish(ClientError::NotConnected);
                    return;
                }
                Exit::Lost(reason) => {
                    tracing::debug!(client_id = %self.opts.client_id, %reason, "connection lost");
                    self.shared.set_error(reason.clone());
                    match self.reconnect(&mut retries_done).await {
                        Some((s, b, ack)) => {
                            stream = s;
                            inbuf = b;
                            self.shared.reconnects.fetch_add(1, Ordering::Relaxed);
                            self.shared.connected.store(true, Ordering::Release);
                            self.apply_connack(&ack);
                            self.resume(ack.session_present);
                        }
                        None => {
                            self.finish(ClientError::Lost(reason));
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Tries to connect again as the reconnect policy allows. The counter is not reset on
    /// success: the limit is on reconnects over the session's life, as XMeter users expect.
    async fn reconnect(
        &mut self,
        retries_done: &mut u32,
    ) -> Option<(BrokerStream, BytesMut, ConnAck)> {
        while self.opts.reconnect_attempts.allows(*retries_done) {
            if self.rx.is_closed() {
                return None;
            }
            tokio::time::sleep(backoff(*retries_done)).await;
            *retries_done += 1;
            // Boxed: the TLS and WebSocket handshakes are large futures, and inline they would
            // enlarge every idle connection's task by their size.
            match Box::pin(handshake(&self.opts)).await {
                Ok((s, b, ack)) => return Some((s, b, ack)),
                Err(e) => self.shared.set_error(format!("reconnect failed: {e}")),
            }
        }
        None
    }

    /// After a reconnect: resend what the broker has not acknowledged, in the original order,
    /// and subscribe again when the broker kept no session for us.
    fn resume(&mut self, session_present: bool) {
        self.out.clear();
        self.ping_sent = None;
        let mut ids: Vec<(u64, u16)> = self.outgoing.iter().map(|(id, o)| (o.order, *id)).collect();
        ids.sort_unstable();
        for (_, id) in ids {
            let Some(o) = self.outgoing.get_mut(&id) else {
                continue;
            };
            let packet = match o.stage {
                AwaitedAck::PubAck | AwaitedAck::PubRec => {
                    o.publish.dup = true;
                    Packet::Publish(o.publish.clone())
                }
                AwaitedAck::PubComp => Packet::PubRel(PubRel::new(id)),
            };
            let _ = packet.encode(self.opts.version, &mut self.out);
        }
        if !session_present && !self.subscriptions.is_empty() {
            // One SUBSCRIBE per subscription identifier (a SUBSCRIBE carries at most one).
            let mut ids: Vec<Option<u32>> = Vec::new();
            for e in &self.subscriptions {
                if !ids.contains(&e.id) {
                    ids.push(e.id);
                }
            }
            for id in ids {
                let Some(pkid) = self.alloc_pkid() else {
                    break;
                };
                let mut properties = Properties::new();
                if let Some(id) = id {
                    properties.push(Property::SubscriptionIdentifier(id));
                }
                let packet = Packet::Subscribe(Subscribe {
                    pkid,
                    filters: self
                        .subscriptions
                        .iter()
                        .filter(|e| e.id == id)
                        .map(|e| (e.filter.clone(), e.options))
                        .collect(),
                    properties,
                });
                let _ = packet.encode(self.opts.version, &mut self.out);
            }
        }
    }

    /// Ends the session for good: every waiter hears why.
    fn finish(&mut self, err: ClientError) {
        if let Ok(mut g) = self.shared.carried.lock() {
            *g = Some(Carried {
                routes: std::mem::take(&mut self.routes),
                subscriptions: std::mem::take(&mut self.subscriptions),
            });
        }
        self.shared.closed.store(true, Ordering::Release);
        self.shared.connected.store(false, Ordering::Release);
        for (_, o) in self.outgoing.drain() {
            if let Some(d) = o.done {
                let _ = d.send(Err(err.clone()));
            }
        }
        for (_, d, _) in self.waiting_for_id.drain(..) {
            if let Some(d) = d {
                let _ = d.send(Err(err.clone()));
            }
        }
        for d in self.on_flush.drain(..) {
            let _ = d.send(Err(err.clone()));
        }
        for (_, d) in self.pending_subs.drain() {
            let _ = d.send(Err(err.clone()));
        }
        // Commands still queued get the same answer rather than a dropped channel.
        self.rx.close();
        while let Ok(cmd) = self.rx.try_recv() {
            match cmd {
                Command::Publish(_, Some(d), _) => {
                    let _ = d.send(Err(err.clone()));
                }
                Command::Subscribe { done, .. } => {
                    let _ = done.send(Err(err.clone()));
                }
                Command::Disconnect(done, _) => {
                    let _ = done.send(());
                }
                _ => {}
            }
        }
    }

    async fn connected_loop(&mut self, stream: BrokerStream, mut inbuf: BytesMut) -> Exit {
        let (mut reader, mut writer): (ReadHalf<BrokerStream>, WriteHalf<BrokerStream>) =
            tokio::io::split(stream);
        let keep_alive = Duration::from_secs(u64::from(self.link.keep_alive_secs));
        let tick_every = if keep_alive.is_zero() {
            Duration::from_secs(3600)
        } else {
            (keep_alive / 4).clamp(Duration::from_millis(250), Duration::from_secs(5))
        };
        let mut tick = tokio::time::interval(tick_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.last_sent = Instant::now();
        // Packets that arrived together with CONNACK, and resends queued by resume().
        if let Err(reason) = self.handle_input(&mut inbuf) {
            return Exit::Lost(reason);
        }
        if let Err(reason) = self.flush(&mut writer).await {
            return Exit::Lost(reason);
        }
        loop {
            if inbuf.capacity() - inbuf.len() < 512 {
                inbuf.reserve(2 * 1024);
            }
            tokio::select! {
                read = reader.read_buf(&mut inbuf) => match read {
                    Ok(0) => return Exit::Lost("broker closed the connection".into()),
                    Ok(_) => {
                        if let Err(reason) = self.handle_input(&mut inbuf) {
                            return Exit::Lost(reason);
                        }
                    }
                    Err(e) => return Exit::Lost(format!("read error: {e}")),
                },
                cmd = self.rx.recv() => {
                    let Some(cmd) = cmd else { return Exit::Dropped };
                    if let Some(exit) = self.handle_command(cmd) {
                        return self.close(writer, exit).await;
                    }
                    for _ in 0..COMMAND_BATCH {
                        match self.rx.try_recv() {
                            Ok(cmd) => {
                                if let Some(exit) = self.handle_command(cmd) {
                                    return self.close(writer, exit).await;
                                }
                            }
                            Err(_) => break,
                        }
                    }
                },
                _ = tick.tick() => {
                    if let Err(reason) = self.keep_alive(keep_alive, tick_every) {
                        return Exit::Lost(reason);
                    }
                }
            }
            if let Err(reason) = self.flush(&mut writer).await {
                return Exit::Lost(reason);
            }
        }
    }

    async fn close(&mut self, mut writer: WriteHalf<BrokerStream>, exit: Exit) -> Exit {
        let packet = match &exit {
            Exit::Disconnected(_, d) => d.clone(),
            _ => Disconnect::default(),
        };
        // 3.1/3.1.1 know no reason code: the plain DISCONNECT then.
        if Packet::Disconnect(packet)
            .encode(self.opts.version, &mut self.out)
            .is_err()
        {
            let _ = Packet::Disconnect(Default::default()).encode(self.opts.version, &mut self.out);
        }
        let _ = self.flush(&mut writer).await;
        let _ = writer.shutdown().await;
        exit
    }

    async fn flush(&mut self, writer: &mut WriteHalf<BrokerStream>) -> Result<(), String> {
        if self.out.is_empty() {
            return Ok(());
        }
        writer
            .write_all(&self.out)
            .await
            .map_err(|e| format!("write error: {e}"))?;
        // TLS and WebSocket streams buffer: push the bytes out now.
        writer
            .flush()
            .await
            .map_err(|e| format!("write error: {e}"))?;
        self.out.clear();
        self.last_sent = Instant::now();
        for d in self.on_flush.drain(..) {
            let _ = d.send(Ok(()));
        }
        Ok(())
    }

    fn keep_alive(&mut self, keep_alive: Duration, tick: Duration) -> Result<(), String> {
        if keep_alive.is_zero() {
            return Ok(());
        }
        if let Some(sent) = self.ping_sent {
            if sent.elapsed() > keep_alive {
                return Err(format!(
                    "no PINGRESP within the keep-alive of {} s: broker unresponsive",
                    keep_alive.as_secs()
                ));
            }
        } else if self.last_sent.elapsed() + tick >= keep_alive {
            let _ = Packet::PingReq.encode(self.opts.version, &mut self.out);
            self.ping_sent = Some(Instant::now());
        }
        Ok(())
    }

    /// Returns Some when the command ends the connection.
    fn handle_command(&mut self, cmd: Command) -> Option<Exit> {
        match cmd {
            Command::Publish(p, done, alias) => self.start_publish(p, done, alias),
            Command::Subscribe {
                filters,
                properties,
                sink,
                done,
            } => {
                let Some(pkid) = self.alloc_pkid() else {
                    let _ = done.send(Err(ClientError::Encode(
                        "all 65535 packet identifiers are in use".into(),
                    )));
                    return None;
                };
                let id = properties.subscription_identifier();
                let packet = Packet::Subscribe(Subscribe {
                    pkid,
                    filters: filters.clone(),
                    properties,
                });
                match packet.encode(self.opts.version, &mut self.out) {
                    Ok(()) => {
                        for (f, options) in filters {
                            self.routes.push(Route {
                                matches: route_filter(&f).to_string(),
                                filter: f.clone(),
                                sink: sink.clone(),
                            });
                            self.subscriptions.push(SubscriptionEntry {
                                filter: f,
                                options,
                                id,
                            });
                        }
                        self.pending_subs.insert(pkid, done);
                        self.replay_early(&sink);
                    }
                    Err(e) => {
                        let _ = done.send(Err(ClientError::Encode(e.to_string())));
                    }
                }
            }
            Command::Unsubscribe { filters } => {
                self.routes.retain(|r| !filters.contains(&r.filter));
                self.subscriptions.retain(|e| !filters.contains(&e.filter));
                if let Some(pkid) = self.alloc_pkid() {
                    let _ = Packet::Unsubscribe(Unsubscribe {
                        pkid,
                        topics: filters,
                        properties: Default::default(),
                    })
                    .encode(self.opts.version, &mut self.out);
                }
            }
            Command::Detach(sink) => self.routes.retain(|r| !Arc::ptr_eq(&r.sink, &sink)),
            Command::Disconnect(done, packet) => return Some(Exit::Disconnected(done, packet)),
        }
        None
    }

    fn start_publish(&mut self, mut p: Publish, done: Option<Done>, alias: bool) {
        if p.qos == QoS::AtMostOnce {
            p.pkid = 0;
            match self.encode_publish(p, alias) {
                Ok(()) => {
                    if let Some(d) = done {
                        self.on_flush.push(d);
                    }
                }
                Err(e) => {
                    if let Some(d) = done {
                        let _ = d.send(Err(e));
                    }
                }
            }
            return;
        }
        if !self.waiting_for_id.is_empty() || !self.has_send_slot() {
            // The broker's Receive Maximum (or the id space) is used up: wait, in order.
            self.waiting_for_id.push_back((p, done, alias));
            return;
        }
        self.send_qos12(p, done, alias);
    }

    fn has_send_slot(&self) -> bool {
        self.outgoing.len() < self.link.send_max
    }

    /// Sends a QoS 1/2 message now; false when no packet id is free (it then waits first).
    fn send_qos12(&mut self, mut p: Publish, done: Option<Done>, alias: bool) -> bool {
        let Some(pkid) = self.alloc_pkid() else {
            // Every id is in flight: the message waits for an acknowledgement to free one.
            self.waiting_for_id.push_front((p, done, alias));
            return false;
        };
        p.pkid = pkid;
        let stage = if p.qos == QoS::AtLeastOnce {
            AwaitedAck::PubAck
        } else {
            AwaitedAck::PubRec
        };
        match self.encode_publish(p.clone(), alias) {
            Ok(()) => {
                self.next_order += 1;
                self.outgoing.insert(
                    pkid,
                    Outgoing {
                        publish: p,
                        done,
                        stage,
                        order: self.next_order,
                    },
                );
            }
            Err(e) => {
                if let Some(d) = done {
                    let _ = d.send(Err(e));
                }
            }
        }
        true
    }

    /// Sends what waits, as far as the in-flight window allows.
    fn pump_waiting(&mut self) {
        while self.has_send_slot() {
            let Some((p, done, alias)) = self.waiting_for_id.pop_front() else {
                break;
            };
            if !self.send_qos12(p, done, alias) {
                break;
            }
        }
    }

    /// Encodes a PUBLISH, with our topic alias when asked and allowed, never larger than the
    /// broker's Maximum Packet Size. Nothing is written on error.
    fn encode_publish(&mut self, mut p: Publish, alias: bool) -> Result<(), ClientError> {
        let mut new_alias = None;
        if alias
            && self.opts.version == ProtocolVersion::V5
            && self.link.topic_alias_max > 0
            && p.properties.topic_alias().is_none()
        {
            if let Some(&a) = self.link.outgoing_aliases.get(&p.topic) {
                p.topic.clear();
                p.properties.push(Property::TopicAlias(a));
            } else if self.link.outgoing_aliases.len() < usize::from(self.link.topic_alias_max) {
                let a = u16::try_from(self.link.outgoing_aliases.len() + 1).unwrap_or(u16::MAX);
                p.properties.push(Property::TopicAlias(a));
                new_alias = Some((p.topic.clone(), a));
            }
        }
        let packet = Packet::Publish(p);
        if let Some(max) = self.link.max_packet {
            let size = packet
                .encoded_len(self.opts.version)
                .map_err(|e| ClientError::Encode(e.to_string()))?;
            if size > max as usize {
                return Err(ClientError::TooLarge { size, max });
            }
        }
        packet
            .encode(self.opts.version, &mut self.out)
            .map_err(|e| ClientError::Encode(e.to_string()))?;
        if let Some((topic, a)) = new_alias {
            self.link.outgoing_aliases.insert(topic, a);
        }
        Ok(())
    }

    /// A PUBACK/PUBREC with a failure reason code: that message failed, its slot is free.
    fn reject(&mut self, pkid: u16, reason: ReasonCode, properties: &Properties) {
        let awaited = matches!(
            self.outgoing.get(&pkid).map(|o| &o.stage),
            Some(AwaitedAck::PubAck | AwaitedAck::PubRec)
        );
        if !awaited {
            return;
        }
        if let Some(o) = self.outgoing.remove(&pkid) {
            if let Some(d) = o.done {
                let _ = d.send(Err(ClientError::Rejected(with_reason_string(
                    reason, properties,
                ))));
            }
        }
        self.pump_waiting();
    }

    fn alloc_pkid(&mut self) -> Option<u16> {
        for _ in 0..u16::MAX {
            self.next_pkid = self.next_pkid.checked_add(1).unwrap_or(1);
            let id = self.next_pkid;
            if !self.outgoing.contains_key(&id) && !self.pending_subs.contains_key(&id) {
                return Some(id);
            }
        }
        None
    }

    fn handle_input(&mut self, inbuf: &mut BytesMut) -> Result<(), String> {
        loop {
            let packet = match decode_packet(inbuf, self.opts.version, self.opts.max_packet_size) {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(()),
                Err(e) => return Err(format!("malformed packet from broker: {e}")),
            };
            self.handle_packet(packet)?;
        }
    }

    fn handle_packet(&mut self, packet: Packet) -> Result<(), String> {
        match packet {
            Packet::Publish(p) => self.receive(p)?,
            Packet::PubAck(PubAck {
                pkid,
                reason,
                properties,
            }) => {
                if reason.is_error() {
                    self.reject(pkid, reason, &properties);
                } else {
                    self.complete(pkid, AwaitedAck::PubAck);
                }
            }
            Packet::PubRec(PubRec {
                pkid,
                reason,
                properties,
            }) if reason.is_error() => {
                // The exchange ends here: no PUBREL for a refused message.
                self.reject(pkid, reason, &properties);
            }
            Packet::PubRec(PubRec { pkid, .. }) => {
                if let Some(o) = self.outgoing.get_mut(&pkid) {
                    o.stage = AwaitedAck::PubComp;
                }
                // Answer even for an unknown id, or the broker would resend forever.
                let _ = Packet::PubRel(PubRel::new(pkid)).encode(self.opts.version, &mut self.out);
            }
            Packet::PubComp(PubComp { pkid, .. }) => self.complete(pkid, AwaitedAck::PubComp),
            Packet::PubRel(PubRel { pkid, .. }) => {
                self.incoming_qos2.remove(&pkid);
                let _ =
                    Packet::PubComp(PubComp::new(pkid)).encode(self.opts.version, &mut self.out);
            }
            Packet::SubAck(SubAck {
                pkid, return_codes, ..
            }) => {
                if let Some(done) = self.pending_subs.remove(&pkid) {
                    let _ = done.send(Ok(return_codes));
                }
            }
            Packet::UnsubAck(UnsubAck { .. }) => {}
            Packet::PingResp => self.ping_sent = None,
            Packet::Disconnect(d) => {
                return Err(format!(
                    "broker disconnected: {}",
                    with_reason_string(d.reason, &d.properties)
                ))
            }
            Packet::Auth(auth) => {
                // Re-authentication started by the broker.
                let Some(a) = self.opts.authenticator.clone() else {
                    return Err(
                        "broker sent AUTH but no authentication method is configured".into(),
                    );
                };
                if auth.reason == ReasonCode::Success {
                    return Ok(());
                }
                let reply = auth_reply(a.as_ref(), &auth).map_err(|e| e.to_string())?;
                let _ = Packet::Auth(reply).encode(self.opts.version, &mut self.out);
            }
            other => {
                return Err(format!(
                    "broker sent {} which a client never receives",
                    other.kind()
                ))
            }
        }
        Ok(())
    }

    fn complete(&mut self, pkid: u16, expected: AwaitedAck) {
        let matches = matches!(
            (self.outgoing.get(&pkid).map(|o| &o.stage), &expected),
            (Some(AwaitedAck::PubAck), AwaitedAck::PubAck)
                | (Some(AwaitedAck::PubComp), AwaitedAck::PubComp)
        );
        if !matches {
            return;
        }
        if let Some(o) = self.outgoing.remove(&pkid) {
            if let Some(d) = o.done {
                let _ = d.send(Ok(()));
            }
        }
        self.pump_waiting();
    }

    fn receive(&mut self, mut p: Publish) -> Result<(), String> {
        // MQTT 5.0 Topic Alias: deliveries always carry the real topic.
        if let Some(a) = p.properties.topic_alias() {
            if p.topic.is_empty() {
                match self.link.incoming_aliases.get(&a) {
                    Some(t) => p.topic = t.clone(),
                    None => return Err(format!("broker used topic alias {a} before defining it")),
                }
            } else {
                self.link.incoming_aliases.insert(a, p.topic.clone());
            }
        }
        let deliver = match p.qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                let _ =
                    Packet::PubAck(PubAck::new(p.pkid)).encode(self.opts.version, &mut self.out);
                true
            }
            // Delivered on first receipt; the id is remembered until PUBREL so a resent
            // copy is not counted twice.
            QoS::ExactlyOnce => {
                let _ =
                    Packet::PubRec(PubRec::new(p.pkid)).encode(self.opts.version, &mut self.out);
                self.incoming_qos2.insert(p.pkid)
            }
        };
        if !deliver {
            return Ok(());
        }
        let delivery = Delivery {
            publish: &p,
            received_at: SystemTime::now(),
        };
        // One copy per subscription: a sink whose two filters both match counts it once.
        let mut reached: Vec<&Arc<dyn MessageSink>> = Vec::new();
        for r in &self.routes {
            if topic_matches(&r.matches, &p.topic)
                && !reached.iter().any(|s| Arc::ptr_eq(s, &r.sink))
            {
                r.sink.on_message(&delivery);
                reached.push(&r.sink);
            }
        }
        if reached.is_empty() {
            self.shared.unrouted.fetch_add(1, Ordering::Relaxed);
            if self.early.len() < MAX_EARLY_MESSAGES {
                let received_at = delivery.received_at;
                self.early.push_back((p, received_at));
            }
        }
        Ok(())
    }

    /// Hands the held messages that `sink`'s filters match to it, with their arrival times.
    fn replay_early(&mut self, sink: &Arc<dyn MessageSink>) {
        if self.early.is_empty() {
            return;
        }
        let filters: Vec<&str> = self
            .routes
            .iter()
            .filter(|r| Arc::ptr_eq(&r.sink, sink))
            .map(|r| r.matches.as_str())
            .collect();
        let mut kept = VecDeque::with_capacity(self.early.len());
        for (p, received_at) in self.early.drain(..) {
            if filters.iter().any(|f| topic_matches(f, &p.topic)) {
                sink.on_message(&Delivery {
                    publish: &p,
                    received_at,
                });
                self.shared.unrouted.fetch_sub(1, Ordering::Relaxed);
            } else {
                kept.push_back((p, received_at));
            }
        }
        self.early = kept;
    }
}

/// Unclaimed messages held per connection; beyond this they are only counted (as unrouted).
const MAX_EARLY_MESSAGES: usize = 100_000;
