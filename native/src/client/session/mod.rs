//! One connection's session: the handle callers hold (`Session`) and the task that owns the
//! socket. The task's work is split by flow: `task` (connection life: run, reconnect, resume,
//! commands, keep-alive), `outbound` (our PUBLISHes and their in-flight window), `inbound`
//! (packets from the broker), `handshake` (CONNECT -> CONNACK). Handle and task meet in
//! `commands` (the queue of requests), `shared` (what the handle reads without asking) and
//! `subscriptions` (where messages go; carried over to the next session of the slot).

mod commands;
mod handshake;
mod inbound;
mod keepalive;
mod lane;
mod maps;
mod outbound;
mod shared;
mod subscriptions;
mod task;
mod writing;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::client::error::ClientError;
use crate::client::options::{backoff, PerConnection, SessionOptions};
use crate::client::progress::ConnectProgress;
use crate::codec::{
    Disconnect, Properties, Property, Publish, QoS, ReasonCode, SubscribeReturnCode,
    SubscriptionOptions,
};
use commands::{command_queue, Command, CommandSender, Queued};
use handshake::handshake;
use shared::Shared;
use task::Task;

pub use subscriptions::{Carried, Delivery, MessageSink};

/// What a PUBLISH counts against its connection's outbound limit: its size on the wire, near
/// enough (the fixed header and properties are a few bytes).
fn outbound_cost(p: &Publish) -> usize {
    p.payload.len() + p.topic.len() + 8
}

pub type PublishAck = oneshot::Receiver<Result<(), ClientError>>;
pub type SubAckWait = oneshot::Receiver<Result<Vec<SubscribeReturnCode>, ClientError>>;
/// UNSUBACK's reason codes, one per filter (MQTT 5.0; empty for 3.1/3.1.1, which has none).
pub type UnsubAckWait = oneshot::Receiver<Result<Vec<ReasonCode>, ClientError>>;

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
        Session::connect_shared(Arc::new(opts), client_id, Arc::default(), carried, progress).await
    }

    /// As [`Session::connect_observed`] with options shared by many connections (a group's):
    /// `client_id` and `own` (its source address, broker, credentials where they differ) are
    /// this connection's, and `opts.client_id` is not used. Sharing keeps an idle connection's
    /// memory to its own state.
    pub async fn connect_shared(
        opts: Arc<SessionOptions>,
        client_id: String,
        own: Arc<PerConnection>,
        carried: Option<Carried>,
        progress: &ConnectProgress,
    ) -> Result<Session, ClientError> {
        let mut retries = 0u32;
        let mut client_id = client_id;
        let (stream, leftover, ack) = loop {
            match handshake(&opts, &client_id, &own).await {
                Ok(ok) => break ok,
                Err(e) if opts.connect_attempts.allows(retries) => {
                    progress.record_failure(&e);
                    tracing::info!(
                        client_id = %client_id,
                        broker = %own.endpoint(&opts).label(),
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
        let shared = Arc::new(Shared::new(opts.outbound_limit));
        let (tx, rx) = command_queue();
        // MQTT 5.0: a broker-assigned identifier is ours from now on (reconnects use it too).
        if let Some(id) = ack.properties.assigned_client_identifier() {
            client_id = id.to_string();
        }
        let mut task = Task::new(opts, client_id.clone(), own, shared.clone(), rx, &ack);
        if let Some(c) = carried {
            task.routes = c.routes.into_iter().filter(|r| r.sink.is_open()).collect();
            task.subscriptions = c.subscriptions;
            if !ack.session_present {
                task.resume(false);
            }
        }
        tracing::debug!(
            client_id = %client_id,
            broker = %task.own.endpoint(&task.opts).label(),
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
        self.queue(publish, Some(done), use_topic_alias)?;
        Ok(rx)
    }

    /// Queues a PUBLISH within the outbound limit; `done` is told when it completes (none: a
    /// QoS 0 handed off).
    fn queue(
        &self,
        publish: Publish,
        done: Option<commands::Done>,
        alias: bool,
    ) -> Result<(), ClientError> {
        let cost = outbound_cost(&publish);
        if self.is_closed() {
            return Err(self.closed_error());
        }
        if !self.shared.outbound.take(cost) {
            return Err(ClientError::OutboundFull(self.shared.outbound.limit()));
        }
        let queued = Queued {
            publish,
            done,
            alias,
            cost,
        };
        self.send(Command::Publish(queued)).inspect_err(|_| {
            self.shared.outbound.release(cost);
        })
    }

    /// Queues a QoS 0 PUBLISH and returns: at-most-once needs no answer, so nobody waits for its
    /// write. One that is never written (the connection is lost or closed first, or the packet
    /// cannot be encoded for this broker) is counted: see [`Session::take_handed_lost`].
    pub fn hand_off(&self, mut publish: Publish, use_topic_alias: bool) -> Result<(), ClientError> {
        debug_assert_eq!(publish.qos, QoS::AtMostOnce);
        publish.pkid = 0;
        // Topic aliases are the task's to assign: such a message always goes through it.
        if use_topic_alias || self.is_closed() {
            return self.queue(publish, None, use_topic_alias);
        }
        let cost = outbound_cost(&publish);
        match self.tx.write(publish, cost, &self.shared.outbound)? {
            lane::Direct::Written => Ok(()),
            lane::Direct::Queue(publish) => self.queue(publish, None, false),
        }
    }

    /// Handed-off QoS 0 messages that were never written since the last call, and why the last
    /// of them was not.
    pub fn take_handed_lost(&self) -> Option<(u64, String)> {
        self.shared.take_handed_lost()
    }

    /// False while the connection holds as much for the broker as its outbound limit allows
    /// (a publish would fail with [`ClientError::OutboundFull`]).
    pub fn has_room(&self) -> bool {
        self.shared.outbound.has_room()
    }

    /// The connection's outbound limit in bytes.
    pub fn outbound_limit(&self) -> usize {
        self.shared.outbound.limit()
    }

    /// Returns once a publish can be queued again, or the session has ended.
    pub async fn wait_for_room(&self) {
        self.shared
            .outbound
            .wait_for_room(&self.shared.closed)
            .await
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
