use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, oneshot};

use crate::codec::{
    decode_packet, ConnAck, Connect, ConnectReturnCode, Packet, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, SubAck, Subscribe, SubscribeReturnCode, UnsubAck, Unsubscribe,
};
use crate::transport::BrokerStream;

use super::options::backoff;
use super::topic::topic_matches;
use super::{ClientError, SessionOptions};

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
}

pub type PublishAck = oneshot::Receiver<Result<(), ClientError>>;
pub type SubAckWait = oneshot::Receiver<Result<Vec<SubscribeReturnCode>, ClientError>>;

type Done = oneshot::Sender<Result<(), ClientError>>;

enum Command {
    Publish(Publish, Option<Done>),
    Subscribe {
        filters: Vec<(String, QoS)>,
        sink: Arc<dyn MessageSink>,
        done: oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>,
    },
    Unsubscribe {
        filters: Vec<String>,
    },
    /// Stop handing messages to this sink (its subscriber is gone); the subscription itself stays.
    Detach(Arc<dyn MessageSink>),
    Disconnect(oneshot::Sender<()>),
}

/// State the session task shares with its callers without a round trip.
struct Shared {
    connected: AtomicBool,
    closed: AtomicBool,
    last_error: Mutex<Option<String>>,
    /// Messages that matched no subscription of ours (counted, never silently dropped).
    unrouted: AtomicU64,
    reconnects: AtomicU64,
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
        let mut retries = 0u32;
        let (stream, leftover, _ack) = loop {
            match handshake(&opts).await {
                Ok(ok) => break ok,
                Err(e) if opts.connect_attempts.allows(retries) => {
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
        });
        let (tx, rx) = mpsc::unbounded_channel();
        let client_id = opts.client_id.clone();
        let task = Task::new(opts, shared.clone(), rx);
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

    pub fn unrouted(&self) -> u64 {
        self.shared.unrouted.load(Ordering::Relaxed)
    }

    pub fn reconnects(&self) -> u64 {
        self.shared.reconnects.load(Ordering::Relaxed)
    }

    /// Queues a PUBLISH. The receiver completes when the packet is written (QoS 0) or
    /// acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2).
    pub fn publish(&self, publish: Publish) -> Result<PublishAck, ClientError> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Publish(publish, Some(done)))?;
        Ok(rx)
    }

    pub fn subscribe(
        &self,
        filters: Vec<(String, QoS)>,
        sink: Arc<dyn MessageSink>,
    ) -> Result<SubAckWait, ClientError> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Subscribe {
            filters,
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
        let (done, rx) = oneshot::channel();
        if self.send(Command::Disconnect(done)).is_ok() {
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
    let connect = Packet::Connect(Connect {
        protocol: opts.version,
        client_id: opts.client_id.clone(),
        clean_session: opts.clean_session,
        keep_alive: opts.keep_alive_secs,
        username: opts.username.clone(),
        password: opts.password.as_ref().map(|p| p.0.clone()),
        will: opts.will.clone(),
        properties: Default::default(),
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
        return Err(ClientError::Refused(ack.code));
    }
    Ok((stream, leftover, ack))
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
    filter: String,
    sink: Arc<dyn MessageSink>,
}

/// Why the connected loop ended.
enum Exit {
    Disconnected(oneshot::Sender<()>),
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
    waiting_for_id: VecDeque<(Publish, Option<Done>)>,
    next_order: u64,
    next_pkid: u16,
    pending_subs: HashMap<u16, oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>>,
    incoming_qos2: HashSet<u16>,
    routes: Vec<Route>,
    subscriptions: Vec<(String, QoS)>,
    last_sent: Instant,
    ping_sent: Option<Instant>,
}

/// Commands handled per wake-up before writing, so bursts go out in few syscalls.
const COMMAND_BATCH: usize = 512;

impl Task {
    fn new(
        opts: SessionOptions,
        shared: Arc<Shared>,
        rx: mpsc::UnboundedReceiver<Command>,
    ) -> Task {
        Task {
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
            subscriptions: Vec::new(),
            last_sent: Instant::now(),
            ping_sent: None,
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
                Exit::Disconnected(done) => {
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
                        Some((s, b, session_present)) => {
                            stream = s;
                            inbuf = b;
                            self.shared.reconnects.fetch_add(1, Ordering::Relaxed);
                            self.shared.connected.store(true, Ordering::Release);
                            self.resume(session_present);
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
    ) -> Option<(BrokerStream, BytesMut, bool)> {
        while self.opts.reconnect_attempts.allows(*retries_done) {
            if self.rx.is_closed() {
                return None;
            }
            tokio::time::sleep(backoff(*retries_done)).await;
            *retries_done += 1;
            // Boxed: the TLS and WebSocket handshakes are large futures, and inline they would
            // enlarge every idle connection's task by their size.
            match Box::pin(handshake(&self.opts)).await {
                Ok((s, b, ack)) => return Some((s, b, ack.session_present)),
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
            if let Some(pkid) = self.alloc_pkid() {
                let packet = Packet::Subscribe(Subscribe {
                    pkid,
                    filters: self
                        .subscriptions
                        .iter()
                        .map(|(f, q)| (f.clone(), (*q).into()))
                        .collect(),
                    properties: Default::default(),
                });
                let _ = packet.encode(self.opts.version, &mut self.out);
            }
        }
    }

    /// Ends the session for good: every waiter hears why.
    fn finish(&mut self, err: ClientError) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.connected.store(false, Ordering::Release);
        for (_, o) in self.outgoing.drain() {
            if let Some(d) = o.done {
                let _ = d.send(Err(err.clone()));
            }
        }
        for (_, d) in self.waiting_for_id.drain(..) {
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
                Command::Publish(_, Some(d)) => {
                    let _ = d.send(Err(err.clone()));
                }
                Command::Subscribe { done, .. } => {
                    let _ = done.send(Err(err.clone()));
                }
                Command::Disconnect(done) => {
                    let _ = done.send(());
                }
                _ => {}
            }
        }
    }

    async fn connected_loop(&mut self, stream: BrokerStream, mut inbuf: BytesMut) -> Exit {
        let (mut reader, mut writer): (ReadHalf<BrokerStream>, WriteHalf<BrokerStream>) =
            tokio::io::split(stream);
        let keep_alive = Duration::from_secs(u64::from(self.opts.keep_alive_secs));
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
        let _ = Packet::Disconnect(Default::default()).encode(self.opts.version, &mut self.out);
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
            Command::Publish(p, done) => self.start_publish(p, done),
            Command::Subscribe {
                filters,
                sink,
                done,
            } => {
                let Some(pkid) = self.alloc_pkid() else {
                    let _ = done.send(Err(ClientError::Encode(
                        "all 65535 packet identifiers are in use".into(),
                    )));
                    return None;
                };
                for (f, _) in &filters {
                    self.routes.push(Route {
                        filter: f.clone(),
                        sink: sink.clone(),
                    });
                }
                let packet = Packet::Subscribe(Subscribe {
                    pkid,
                    filters: filters
                        .iter()
                        .map(|(f, q)| (f.clone(), (*q).into()))
                        .collect(),
                    properties: Default::default(),
                });
                match packet.encode(self.opts.version, &mut self.out) {
                    Ok(()) => {
                        self.subscriptions.extend(filters);
                        self.pending_subs.insert(pkid, done);
                    }
                    Err(e) => {
                        let _ = done.send(Err(ClientError::Encode(e.to_string())));
                    }
                }
            }
            Command::Unsubscribe { filters } => {
                self.routes.retain(|r| !filters.contains(&r.filter));
                self.subscriptions.retain(|(f, _)| !filters.contains(f));
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
            Command::Disconnect(done) => return Some(Exit::Disconnected(done)),
        }
        None
    }

    fn start_publish(&mut self, mut p: Publish, done: Option<Done>) {
        if p.qos == QoS::AtMostOnce {
            p.pkid = 0;
            match Packet::Publish(p).encode(self.opts.version, &mut self.out) {
                Ok(()) => {
                    if let Some(d) = done {
                        self.on_flush.push(d);
                    }
                }
                Err(e) => {
                    if let Some(d) = done {
                        let _ = d.send(Err(ClientError::Encode(e.to_string())));
                    }
                }
            }
            return;
        }
        let Some(pkid) = self.alloc_pkid() else {
            // Every id is in flight: the message waits for an acknowledgement to free one.
            self.waiting_for_id.push_back((p, done));
            return;
        };
        p.pkid = pkid;
        let stage = if p.qos == QoS::AtLeastOnce {
            AwaitedAck::PubAck
        } else {
            AwaitedAck::PubRec
        };
        match Packet::Publish(p.clone()).encode(self.opts.version, &mut self.out) {
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
                    let _ = d.send(Err(ClientError::Encode(e.to_string())));
                }
            }
        }
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
            Packet::Publish(p) => self.receive(p),
            Packet::PubAck(PubAck { pkid, .. }) => self.complete(pkid, AwaitedAck::PubAck),
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
        if let Some((p, done)) = self.waiting_for_id.pop_front() {
            self.start_publish(p, done);
        }
    }

    fn receive(&mut self, p: Publish) {
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
            return;
        }
        let delivery = Delivery {
            publish: &p,
            received_at: SystemTime::now(),
        };
        // One copy per subscription: a sink whose two filters both match counts it once.
        let mut reached: Vec<&Arc<dyn MessageSink>> = Vec::new();
        for r in &self.routes {
            if topic_matches(&r.filter, &p.topic)
                && !reached.iter().any(|s| Arc::ptr_eq(s, &r.sink))
            {
                r.sink.on_message(&delivery);
                reached.push(&r.sink);
            }
        }
        if reached.is_empty() {
            self.shared.unrouted.fetch_add(1, Ordering::Relaxed);
        }
    }
}
