use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, ReadHalf};
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::client::error::ClientError;
use crate::client::options::{
    backoff, jittered, PerConnection, SessionOptions, DEFAULT_INFLIGHT_V3,
};
use crate::client::topic::route_filter;
use crate::codec::{
    ConnAck, Disconnect, Packet, Properties, Property, ProtocolVersion, PubRel, Publish, Subscribe,
    SubscribeReturnCode, Unsubscribe,
};
use crate::transport::BrokerStream;

use super::commands::{Command, CommandReceiver, Done, Queued, UnsubDone};
use super::handshake::handshake;
use super::maps::{Map, Set};
use super::shared::Shared;
use super::subscriptions::{Carried, Route, SubscriptionEntry};

/// A packet in `out`, or the last of several: what to tell when its last byte is written.
pub(super) struct Unwritten {
    /// Its end in the connection's byte stream (`Task::written` counts what is written).
    pub(super) end: u64,
    /// Its share of the outbound limit.
    pub(super) cost: usize,
    pub(super) on_written: OnWritten,
}

/// Who learns that a packet's bytes were written, or never will be.
pub(super) enum OnWritten {
    /// Nobody: a QoS 1/2 publish completes on its acknowledgement, other packets are ours.
    Nobody,
    /// A QoS 0 publish whose sender waits for the write.
    Waiter(Done),
    /// A QoS 0 publish handed off: nobody waits, but its loss is counted.
    HandedOff,
}

impl OnWritten {
    /// A QoS 0 publish's: its waiter, or handed off when it has none.
    pub(super) fn qos0(done: Option<Done>) -> OnWritten {
        done.map_or(OnWritten::HandedOff, OnWritten::Waiter)
    }
}

pub(super) struct Task {
    /// Shared by the group's connections.
    pub(super) opts: Arc<SessionOptions>,
    /// This connection's (a 5.0 broker may assign one).
    pub(super) client_id: String,
    /// This connection's own source address, broker and credentials, kept for reconnects
    /// (shared with the group's other connections that have the same).
    pub(super) own: Arc<PerConnection>,
    pub(super) shared: Arc<Shared>,
    pub(super) rx: CommandReceiver,
    /// Encoded packets the socket has not taken yet.
    pub(super) out: BytesMut,
    /// Bytes of the connection's stream written so far (`out` continues from there).
    pub(super) written: u64,
    /// What waits for parts of `out` to be written (QoS 0 completions, outbound room).
    pub(super) unwritten: VecDeque<Unwritten>,
    /// Bytes were written since the transport was last flushed.
    pub(super) unflushed: bool,
    pub(super) outgoing: Map<u16, Outgoing>,
    /// QoS 1/2 messages waiting for a free packet id or for the broker's Receive Maximum
    /// to allow one more in flight; sent in order as acknowledgements arrive.
    pub(super) waiting_for_id: VecDeque<Queued>,
    pub(super) next_order: u64,
    pub(super) next_pkid: u16,
    pub(super) pending_subs:
        Map<u16, oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>>,
    /// UNSUBSCRIBEs awaiting UNSUBACK: their filters (to send again after a reconnect) and waiter.
    pub(super) pending_unsubs: Map<u16, (Vec<String>, Option<UnsubDone>)>,
    pub(super) incoming_qos2: Set<u16>,
    /// QoS 1 PUBLISHes received whose PUBACK is not on the wire yet: with the QoS 2 ones awaiting
    /// PUBREL, what the broker has in flight to us for sure.
    pub(super) qos1_unacked: usize,
    pub(super) routes: Vec<Route>,
    /// Messages that matched no subscription yet, kept for the first one that matches them:
    /// a resumed session's queued messages arrive right after CONNACK, before our SUBSCRIBE.
    pub(super) early: VecDeque<(Publish, SystemTime)>,
    pub(super) subscriptions: Vec<SubscriptionEntry>,
    /// When the socket last took bytes.
    pub(super) last_sent: Instant,
    /// The broker's last sign of life: bytes from it, or bytes the socket took while more
    /// waited (a slow reader is alive).
    pub(super) last_heard: Instant,
    pub(super) ping_sent: Option<Instant>,
    /// Per connection, from CONNACK (MQTT 5.0; 3.x keeps the defaults).
    pub(super) link: Link,
}

/// What the broker's CONNACK set for the current connection.
#[derive(Default)]
pub(super) struct Link {
    /// Ours, or the broker's Server Keep Alive.
    pub(super) keep_alive_secs: u16,
    /// The broker's Receive Maximum: our QoS 1/2 in-flight window.
    pub(super) send_max: usize,
    pub(super) max_packet: Option<u32>,
    pub(super) topic_alias_max: u16,
    /// The broker's Shared Subscription Available (5.0; absent = yes).
    pub(super) shared_available: bool,
    /// What we advertised in CONNECT (5.0): a broker that goes beyond is out of spec.
    pub(super) our_alias_max: u16,
    pub(super) our_receive_max: u16,
    pub(super) incoming_aliases: Map<u16, String>,
    pub(super) outgoing_aliases: Map<String, u16>,
}

pub(super) struct Outgoing {
    pub(super) publish: Publish,
    pub(super) done: Option<Done>,
    pub(super) stage: AwaitedAck,
    /// Send order, so a resumed session resends in the original order.
    pub(super) order: u64,
}

/// The acknowledgement an outgoing QoS 1/2 message waits for.
#[allow(clippy::enum_variant_names)] // named after the packets awaited
pub(super) enum AwaitedAck {
    PubAck,
    PubRec,
    PubComp,
}

/// Why the connected loop ended.
pub(super) enum Exit {
    Disconnected(oneshot::Sender<()>, Disconnect),
    Dropped,
    Lost(String),
}

/// Commands handled per wake-up before writing, so bursts go out in few syscalls.
const COMMAND_BATCH: usize = 512;

impl Task {
    pub(super) fn new(
        opts: Arc<SessionOptions>,
        client_id: String,
        own: Arc<PerConnection>,
        shared: Arc<Shared>,
        rx: CommandReceiver,
        ack: &ConnAck,
    ) -> Task {
        let mut task = Task {
            opts,
            client_id,
            own,
            shared,
            rx,
            // Grows on first use: an idle connection should cost as little memory as possible.
            out: BytesMut::new(),
            written: 0,
            unwritten: VecDeque::new(),
            unflushed: false,
            outgoing: Map::default(),
            waiting_for_id: VecDeque::new(),
            next_order: 0,
            next_pkid: 0,
            pending_subs: Map::default(),
            pending_unsubs: Map::default(),
            incoming_qos2: Set::default(),
            qos1_unacked: 0,
            routes: Vec::new(),
            early: VecDeque::new(),
            subscriptions: Vec::new(),
            last_sent: Instant::now(),
            last_heard: Instant::now(),
            ping_sent: None,
            link: Link::default(),
        };
        task.apply_connack(ack);
        task
    }

    /// Takes the connection's limits from CONNACK; aliases start afresh on every connection.
    pub(super) fn apply_connack(&mut self, ack: &ConnAck) {
        let p = &ack.properties;
        self.link = Link {
            keep_alive_secs: p.server_keep_alive().unwrap_or(self.opts.keep_alive_secs),
            send_max: usize::from(
                p.receive_maximum()
                    .unwrap_or(u16::MAX)
                    .min(self.opts.max_inflight)
                    .max(1),
            ),
            max_packet: p.maximum_packet_size(),
            topic_alias_max: p.topic_alias_maximum().unwrap_or(0),
            shared_available: p.shared_subscription_available() != Some(0),
            our_alias_max: self
                .opts
                .connect_properties
                .topic_alias_maximum()
                .unwrap_or(0),
            our_receive_max: self
                .opts
                .connect_properties
                .receive_maximum()
                .unwrap_or(u16::MAX),
            incoming_aliases: Map::default(),
            outgoing_aliases: Map::default(),
        };
        if let Some(id) = p.assigned_client_identifier() {
            self.client_id = id.to_string();
        }
    }

    /// Boxed self: an async fn stores its arguments twice (rust-lang/rust#62958), which for an
    /// inline Task doubled every connection's largest allocation.
    pub(super) async fn run(mut self: Box<Self>, stream: BrokerStream, leftover: BytesMut) {
        let mut stream = stream;
        let mut inbuf = leftover;
        let mut retries_done = 0u32;
        loop {
            // Boxed: held apart from `self`, an idle connection's task is not padded out to the
            // sum of every state it can be in (measured: 2.7 KB inline, 1.8 KB boxed).
            let exit = Box::pin(self.connected_loop(stream, inbuf)).await;
            let _ = self.detach_lane();
            self.shared.connected.store(false, Ordering::Release);
            match exit {
                Exit::Disconnected(done, _) => {
                    tracing::debug!(client_id = %self.client_id, "disconnected");
                    self.finish(ClientError::NotConnected);
                    let _ = done.send(());
                    return;
                }
                Exit::Dropped => {
                    self.finish(ClientError::NotConnected);
                    return;
                }
                Exit::Lost(reason) => {
                    let reason = self.explain_loss(reason);
                    let will_retry = self.opts.reconnect_attempts.allows(retries_done);
                    tracing::warn!(
                        client_id = %self.client_id,
                        broker = %self.own.endpoint(&self.opts).label(),
                        %reason,
                        reconnect = if will_retry { "yes" } else { "no (reconnect attempts used up)" },
                        "connection lost"
                    );
                    self.shared.set_error(reason.clone());
                    self.drop_unwritten(&ClientError::Lost(format!(
                        "{reason} (before the message was written)"
                    )));
                    // Boxed: the reconnect path's timer and handshake would otherwise enlarge every idle
                    // connection's spawned future (320 -> 160 bytes).
                    match Box::pin(self.reconnect(&mut retries_done)).await {
                        Some((s, b, ack)) => {
                            tracing::info!(
                                client_id = %self.client_id,
                                broker = %self.own.endpoint(&self.opts).label(),
                                attempts = retries_done,
                                session_present = ack.session_present,
                                "reconnected"
                            );
                            stream = s;
                            inbuf = b;
                            self.shared.reconnects.fetch_add(1, Ordering::Relaxed);
                            self.shared.connected.store(true, Ordering::Release);
                            self.apply_connack(&ack);
                            self.resume(ack.session_present);
                        }
                        None => {
                            if will_retry && !self.rx.is_closed() {
                                tracing::warn!(
                                    client_id = %self.client_id,
                                    broker = %self.own.endpoint(&self.opts).label(),
                                    attempts = retries_done,
                                    "reconnect attempts exhausted, connection closed"
                                );
                            }
                            self.finish(ClientError::Lost(reason));
                            return;
                        }
                    }
                }
            }
        }
    }

    /// A broker that limits messages in flight per client and has no way to say so (3.x) often
    /// just resets the connection when a burst goes beyond the limit: name that likely cause.
    fn explain_loss(&self, reason: String) -> String {
        let in_flight = self.outgoing.len();
        if self.opts.version == ProtocolVersion::V5 || in_flight <= usize::from(DEFAULT_INFLIGHT_V3)
        {
            return reason;
        }
        format!(
            "{reason} ({in_flight} QoS 1/2 messages were in flight: the broker may allow fewer per \
             client (Mosquitto's max_inflight_messages is 20 by default) and drop a connection \
             that exceeds it; allow fewer QoS 1/2 messages in flight per connection)"
        )
    }

    /// Tries to connect again as the reconnect policy allows. The counter is not reset on
    /// success: the limit is on reconnects over the session's life, as XMeter users expect.
    pub(super) async fn reconnect(
        &mut self,
        retries_done: &mut u32,
    ) -> Option<(BrokerStream, BytesMut, ConnAck)> {
        while self.opts.reconnect_attempts.allows(*retries_done) {
            if self.rx.is_closed() {
                return None;
            }
            let delay = jittered(backoff(*retries_done));
            tokio::time::sleep(delay).await;
            // The group's connect rate and the process's handshake bound apply to reconnects
            // too: a broker back from a restart meets a ramp, not the whole fleet at once.
            let limits = self.opts.reconnect_limits.clone();
            if let Some(ramp) = limits.as_ref().and_then(|l| l.ramp.clone()) {
                tokio::time::sleep_until(ramp.turn()).await;
            }
            let _permit = match &limits {
                Some(l) => l.handshakes.clone().acquire_owned().await.ok(),
                None => None,
            };
            *retries_done += 1;
            tracing::info!(
                client_id = %self.client_id,
                broker = %self.own.endpoint(&self.opts).label(),
                attempt = *retries_done,
                after_ms = delay.as_millis(),
                "reconnecting"
            );
            // Boxed: the TLS and WebSocket handshakes are large futures, and inline they would
            // enlarge every idle connection's task by their size.
            match Box::pin(handshake(&self.opts, &self.client_id, &self.own)).await {
                Ok((s, b, ack)) => return Some((s, b, ack)),
                Err(e) => {
                    let e = e.to_string();
                    tracing::warn!(
                        client_id = %self.client_id,
                        broker = %self.own.endpoint(&self.opts).label(),
                        attempt = *retries_done,
                        error = %e,
                        "reconnect attempt failed"
                    );
                    self.shared.set_attempt_error(e);
                }
            }
        }
        None
    }

    /// After a reconnect: resend what the broker has not acknowledged, in the original order,
    /// and subscribe again when the broker kept no session for us.
    pub(super) fn resume(&mut self, session_present: bool) {
        self.drop_unwritten(&ClientError::NotConnected);
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
        // An UNSUBSCRIBE the broker did not answer is sent again (it is idempotent).
        let mut unsubs: Vec<(u16, Vec<String>)> = self
            .pending_unsubs
            .iter()
            .map(|(id, (f, _))| (*id, f.clone()))
            .collect();
        unsubs.sort_unstable();
        for (id, filters) in unsubs {
            self.encode_unsubscribe(id, &filters);
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

    pub(super) fn encode_unsubscribe(&mut self, pkid: u16, filters: &[String]) {
        let _ = Packet::Unsubscribe(Unsubscribe {
            pkid,
            topics: filters.to_vec(),
            properties: Default::default(),
        })
        .encode(self.opts.version, &mut self.out);
    }

    /// Ends the session for good: every waiter hears why.
    pub(super) fn finish(&mut self, err: ClientError) {
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
        for q in self.waiting_for_id.drain(..) {
            if let Some(d) = q.done {
                let _ = d.send(Err(err.clone()));
            }
        }
        self.drop_unwritten(&err);
        for (_, d) in self.pending_subs.drain() {
            let _ = d.send(Err(err.clone()));
        }
        for (_, (_, d)) in self.pending_unsubs.drain() {
            if let Some(d) = d {
                let _ = d.send(Err(err.clone()));
            }
        }
        // Commands still queued get the same answer rather than a dropped channel.
        self.rx.close();
        let mut handed = 0;
        while let Some(cmd) = self.rx.try_recv() {
            match cmd {
                Command::Publish(Queued { done: Some(d), .. }) => {
                    let _ = d.send(Err(err.clone()));
                }
                Command::Publish(Queued { done: None, .. }) => handed += 1,
                Command::Subscribe { done, .. } => {
                    let _ = done.send(Err(err.clone()));
                }
                Command::Unsubscribe { done: Some(d), .. } => {
                    let _ = d.send(Err(err.clone()));
                }
                Command::Disconnect(done, _) => {
                    let _ = done.send(());
                }
                _ => {}
            }
        }
        self.shared.lost_handed(handed, &err.to_string());
        self.shared.outbound.clear();
    }

    pub(super) async fn connected_loop(
        &mut self,
        stream: BrokerStream,
        mut inbuf: BytesMut,
    ) -> Exit {
        let (mut reader, writer) = tokio::io::split(stream);
        // Callers that write (the lane) make the transport wake this task, never themselves.
        let waker = std::future::poll_fn(|cx| std::task::Poll::Ready(cx.waker().clone())).await;
        let (version, max_packet) = (self.opts.version, self.link.max_packet);
        self.rx
            .with_lane(|lane, _| lane.attach(writer, waker, version, max_packet));
        let keep_alive = Duration::from_secs(u64::from(self.link.keep_alive_secs));
        let now = Instant::now();
        (self.last_sent, self.last_heard) = (now, now);
        // Looked at when due; earlier activity only moves the next look later, so the timer
        // is not reset per packet.
        let mut timer = Box::pin(tokio::time::sleep_until(now + keep_alive));
        // Packets that arrived together with CONNACK, and resends queued by resume().
        if let Err(reason) = self.handle_input(&mut inbuf) {
            return Exit::Lost(reason);
        }
        // An idle connection holds no read buffer: after a quiet spell the first bytes land in
        // `small`, part of the task itself, and a heap buffer exists only while bytes keep coming.
        let mut small = [0u8; SMALL_READ];
        if inbuf.is_empty() {
            inbuf = BytesMut::new();
        }
        loop {
            let pushing = !self.out.is_empty() || self.unflushed;
            if !pushing {
                self.rx
                    .with_lane(|lane, waiting| lane.open_if(true, waiting));
            }
            tokio::select! {
                read = read_some(&mut reader, &mut inbuf, &mut small) => match read {
                    Ok(0) => return Exit::Lost("broker closed the connection".into()),
                    Ok(n) => {
                        self.claim_lane();
                        self.last_heard = Instant::now();
                        if let Err(reason) = self.handle_input(&mut inbuf) {
                            return Exit::Lost(reason);
                        }
                        if inbuf.is_empty() && n < SMALL_READ {
                            inbuf = BytesMut::new();
                        }
                    }
                    Err(e) => return Exit::Lost(format!("read error: {e}")),
                },
                pushed = Self::write_some(&self.rx, &self.out), if pushing => {
                    if let Some(reason) = self.pushed(pushed) {
                        return Exit::Lost(reason);
                    }
                },
                cmd = self.rx.recv() => {
                    let Some(cmd) = cmd else { return Exit::Dropped };
                    self.claim_lane();
                    if let Some(exit) = self.handle_command(cmd) {
                        return Box::pin(self.close(exit)).await;
                    }
                    for _ in 0..COMMAND_BATCH {
                        match self.rx.try_recv() {
                            Some(cmd) => {
                                if let Some(exit) = self.handle_command(cmd) {
                                    return Box::pin(self.close(exit)).await;
                                }
                            }
                            None => break,
                        }
                    }
                },
                () = &mut timer => {
                    self.claim_lane();
                    match self.keep_alive(keep_alive, Instant::now()) {
                        Ok(next) => timer.as_mut().reset(next),
                        Err(reason) => return Exit::Lost(reason),
                    }
                },
            }
        }
    }

    /// Returns Some when the command ends the connection.
    pub(super) fn handle_command(&mut self, cmd: Command) -> Option<Exit> {
        match cmd {
            Command::Publish(q) => self.start_publish(q),
            Command::Subscribe {
                filters,
                properties,
                sink,
                done,
            } => {
                if !self.link.shared_available {
                    if let Some((f, _)) = filters.iter().find(|(f, _)| f.starts_with("$share/")) {
                        let _ = done.send(Err(ClientError::Refused5Feature(format!(
                            "'{f}': the broker does not allow shared subscriptions (CONNACK Shared Subscription Available = 0)"
                        ))));
                        return None;
                    }
                }
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
            Command::Unsubscribe { filters, done } => {
                self.routes.retain(|r| !filters.contains(&r.filter));
                self.subscriptions.retain(|e| !filters.contains(&e.filter));
                match self.alloc_pkid() {
                    Some(pkid) => {
                        self.encode_unsubscribe(pkid, &filters);
                        self.pending_unsubs.insert(pkid, (filters, done));
                    }
                    None => {
                        if let Some(d) = done {
                            let _ = d.send(Err(ClientError::Encode(
                                "no free packet id for UNSUBSCRIBE".into(),
                            )));
                        }
                    }
                }
            }
            Command::Detach(sink) => self.routes.retain(|r| !Arc::ptr_eq(&r.sink, &sink)),
            Command::Disconnect(done, packet) => return Some(Exit::Disconnected(done, packet)),
            Command::Wake => {}
        }
        None
    }
}

/// Bytes read at once into the task's own small buffer when no read buffer is held.
const SMALL_READ: usize = 32;
/// Heap read buffer size while bytes keep arriving.
const READ_CHUNK: usize = 2 * 1024;

/// Reads into `inbuf`, through `small` when `inbuf` holds no buffer (the connection was idle).
/// Cancel-safe, as `select!` needs: nothing is consumed unless the read completes.
async fn read_some(
    reader: &mut ReadHalf<BrokerStream>,
    inbuf: &mut BytesMut,
    small: &mut [u8; SMALL_READ],
) -> std::io::Result<usize> {
    if inbuf.capacity() == 0 {
        let n = reader.read(small).await?;
        if n == SMALL_READ {
            // More is probably waiting: room for it, read next time round.
            inbuf.reserve(READ_CHUNK);
        }
        inbuf.extend_from_slice(&small[..n]);
        return Ok(n);
    }
    if inbuf.capacity() - inbuf.len() < 512 {
        inbuf.reserve(READ_CHUNK);
    }
    reader.read_buf(inbuf).await
}

/// A task on no connection, for tests of its parts.
#[cfg(test)]
pub(super) fn test_task() -> Task {
    idle_cost::task()
}

#[cfg(test)]
mod idle_cost {
    //! An idle connection's memory is mostly these few allocations: keep them from growing back
    //! unnoticed (make bench-connections measures the whole, per protocol).
    use super::*;
    use crate::client::session::commands::command_queue;
    use crate::codec::ConnectReturnCode;

    fn size_of_future<F: std::future::Future>(_: &F) -> usize {
        std::mem::size_of::<F>()
    }

    fn options() -> SessionOptions {
        SessionOptions {
            max_inflight: 20,
            ..SessionOptions::tcp("127.0.0.1", 1, "")
        }
    }

    pub(super) fn task() -> Task {
        let shared = Arc::new(Shared::new(1 << 20));
        let (_tx, rx) = command_queue();
        let ack = ConnAck {
            session_present: false,
            code: ConnectReturnCode::Accepted,
            reason: None,
            properties: Properties::new(),
        };
        Task::new(
            Arc::new(options()),
            "c".into(),
            Arc::default(),
            shared,
            rx,
            &ack,
        )
    }

    fn stream() -> BrokerStream {
        Box::new(tokio::io::duplex(64).0)
    }

    #[tokio::test]
    async fn an_idle_connections_task_stays_small() {
        let mut t = task();
        // the options are shared by the group, not copied into every task (544: the writes
        // that run beside reads and the keep-alive's clock, December 2026)
        assert!(
            std::mem::size_of::<Task>() <= 544,
            "Task {}",
            std::mem::size_of::<Task>()
        );
        let connected = size_of_future(&t.connected_loop(stream(), BytesMut::new()));
        // (672: the write beside the read in the loop's select, December 2026)
        assert!(connected <= 672, "connected loop {connected}");
        // the spawned future holds the boxed task and the boxed connected loop, not their sum
        let run = size_of_future(&Box::new(task()).run(stream(), BytesMut::new()));
        assert!(run <= 192, "run {run}");
    }
}
