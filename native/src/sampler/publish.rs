//! The Publish operation: M messages per sample on all connections of a group, or spread
//! round-robin; timed until every message is written (QoS 0) or acknowledged (QoS 1/2), or until
//! JMeter's Shutdown ends the wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;
use tokio::sync::oneshot::error::TryRecvError;

use crate::client::{ClientError, PublishAck, Session};
use crate::codec::Publish;

use super::config::{MessageType, PublishConfig, Target, TimestampFormat};
use super::group::ConnectionGroup;
use super::outcome::{self, SampleOutcome};
use super::payload::{random_text, write_precise, write_xmeter};
use super::shutdown::Shutdown;
use super::streams::{self, Stream};

/// What became of one message's acknowledgement.
enum Ack {
    Answered(Result<(), ClientError>),
    /// The connection went away without answering.
    Closed,
    TimedOut,
    /// Not answered when JMeter's Shutdown ended the wait.
    Pending,
}

/// The acknowledgement as it stands now, without waiting.
fn answered(ack: &mut PublishAck) -> Ack {
    match ack.try_recv() {
        Ok(r) => Ack::Answered(r),
        Err(TryRecvError::Closed) => Ack::Closed,
        Err(TryRecvError::Empty) => Ack::Pending,
    }
}

pub struct Publisher {
    config: PublishConfig,
    /// Base of the per-connection publisher ids in the precise header.
    id_base: u64,
    /// Per connection slot: each (publisher, slot) is one numbered stream, registered so that
    /// subscribers of this engine know how many messages it sent.
    streams: Mutex<HashMap<usize, Arc<Stream>>>,
    /// The body when it does not change between messages.
    fixed_body: Bytes,
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if let Ok(g) = self.streams.get_mut() {
            g.values().for_each(|s| streams::retire(s));
        }
    }
}

impl Publisher {
    pub fn new(config: PublishConfig) -> Publisher {
        let fixed_body = match config.message_type {
            MessageType::RandomFixedLength => random_text(config.fixed_length),
            MessageType::Text | MessageType::Hex => config.body.clone(),
        };
        Publisher {
            config,
            id_base: rand::rng().random(),
            streams: Mutex::new(HashMap::new()),
            fixed_body,
        }
    }

    fn body(&self) -> Bytes {
        if self.config.message_type == MessageType::RandomFixedLength && self.config.fresh_random {
            random_text(self.config.fixed_length)
        } else {
            self.fixed_body.clone()
        }
    }

    fn next_seq(&self, slot: usize, group: &ConnectionGroup) -> u64 {
        let Ok(mut g) = self.streams.lock() else {
            return 0;
        };
        g.entry(slot)
            .or_insert_with(|| {
                let stream = streams::register(
                    self.id_base.wrapping_add(slot as u64),
                    &self.config.topic,
                    group.id(),
                );
                if self.config.end_marker {
                    group.add_end_marker(slot, stream.clone(), self.config.qos);
                }
                stream
            })
            .take_seq()
    }

    fn payload(&self, slot: usize, group: &ConnectionGroup) -> Bytes {
        self.payload_at(slot, group, SystemTime::now())
    }

    /// The payload, its timestamp saying `now` (paced publishing: the intended send time).
    fn payload_at(&self, slot: usize, group: &ConnectionGroup, now: SystemTime) -> Bytes {
        let body = self.body();
        match self.config.timestamp {
            TimestampFormat::None => body,
            TimestampFormat::XMeter => {
                let mut b = BytesMut::with_capacity(body.len() + 32);
                write_xmeter(&mut b, now);
                b.put_slice(&body);
                b.freeze()
            }
            TimestampFormat::Precise => {
                let seq = self.next_seq(slot, group);
                let mut b = BytesMut::with_capacity(body.len() + 64);
                write_precise(&mut b, self.id_base.wrapping_add(slot as u64), seq, now);
                b.put_slice(&body);
                b.freeze()
            }
        }
    }

    fn message(&self, payload: Bytes) -> Publish {
        Publish {
            dup: false,
            qos: self.config.qos,
            retain: self.config.retain,
            topic: self.config.topic.clone(),
            pkid: 0,
            payload,
            properties: self.config.v5.properties.clone(),
        }
    }

    /// Paced publishing: hands `slot`'s message, stamped with its intended send time `at`, to its
    /// connection; the payload's length and the acknowledgement to await.
    pub(super) fn send_at(
        &self,
        slot: usize,
        session: &Session,
        group: &ConnectionGroup,
        at: SystemTime,
    ) -> Result<(u64, PublishAck), ClientError> {
        let payload = self.payload_at(slot, group, at);
        let len = payload.len() as u64;
        let ack = session.publish_with(self.message(payload), self.config.v5.topic_alias)?;
        Ok((len, ack))
    }

    /// Which connection sends each message of this sample.
    fn plan(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, std::sync::Arc<Session>)],
    ) -> Vec<usize> {
        let m = self.config.messages_per_sample as usize;
        match self.config.target {
            Target::All => (0..m).flat_map(|_| 0..live.len()).collect(),
            Target::RoundRobin => (0..m)
                .map(|_| group.next_round_robin() % live.len())
                .collect(),
        }
    }

    /// Paced publishing (`mqtt.pace_mode` other than burst).
    pub fn is_paced(&self) -> bool {
        self.config.pace.is_some()
    }

    pub async fn publish(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.publish_until(group, &Shutdown::never()).await
    }

    /// As [`Publisher::publish`]; JMeter's Shutdown ends the wait for acknowledgements, and the
    /// messages not acknowledged by then are counted as such.
    pub async fn publish_until(
        &self,
        group: &ConnectionGroup,
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
        if let Some(m) = group.v5_only(self.config.v5.first_feature) {
            return SampleOutcome::failed(outcome::FAILED, m, started.elapsed());
        }
        if let Some(pace) = &self.config.pace {
            return super::paced::publish(
                self,
                &self.config,
                pace,
                group,
                &live,
                shutdown,
                started,
            )
            .await;
        }
        let plan = self.plan(group, &live);
        let mut acks: Vec<(u64, PublishAck)> = Vec::with_capacity(plan.len());
        let mut failures: Vec<ClientError> = Vec::new();
        for i in plan {
            let (slot, session) = &live[i];
            let payload = self.payload(*slot, group);
            let len = payload.len() as u64;
            match session.publish_with(self.message(payload), self.config.v5.topic_alias) {
                Ok(ack) => acks.push((len, ack)),
                Err(e) => failures.push(e),
            }
        }
        let deadline = tokio::time::Instant::now() + self.config.ack_timeout;
        let mut sent = 0u64;
        let mut bytes = 0u64;
        let mut timed_out = 0u64;
        let mut cut_short = 0u64;
        // One wait for the whole sample, not one per message. Never polled again once complete:
        // from then on `is_requested()` holds.
        let ended = shutdown.requested();
        tokio::pin!(ended);
        for (len, mut ack) in acks {
            let state = if shutdown.is_requested() {
                answered(&mut ack)
            } else {
                tokio::select! {
                    acked = tokio::time::timeout_at(deadline, &mut ack) => match acked {
                        Ok(Ok(r)) => Ack::Answered(r),
                        Ok(Err(_)) => Ack::Closed,
                        Err(_) => Ack::TimedOut,
                    },
                    _ = &mut ended => answered(&mut ack),
                }
            };
            match state {
                Ack::Answered(Ok(())) => {
                    sent += 1;
                    bytes += len;
                }
                Ack::Answered(Err(e)) => failures.push(e),
                Ack::Closed => failures.push(ClientError::NotConnected),
                Ack::TimedOut => timed_out += 1,
                Ack::Pending => cut_short += 1,
            }
        }
        let elapsed = started.elapsed();
        let total = sent + timed_out + cut_short + failures.len() as u64;
        let mut o = if failures.is_empty() && timed_out == 0 && cut_short == 0 {
            SampleOutcome::ok(format!("Published {sent} message(s)"), elapsed)
        } else {
            let mut parts = Vec::new();
            if timed_out > 0 {
                parts.push(format!(
                    "{timed_out} not acknowledged within {} ms",
                    self.config.ack_timeout.as_millis()
                ));
            }
            if cut_short > 0 {
                parts.push(format!(
                    "{cut_short} not acknowledged when JMeter shutdown ended the wait"
                ));
            }
            if let Some(first) = failures.first() {
                parts.push(format!("{} failed: {first}", failures.len()));
            }
            let all_lost = sent == 0
                && failures
                    .iter()
                    .all(|e| matches!(e, ClientError::NotConnected | ClientError::Lost(_)))
                && timed_out == 0
                && cut_short == 0;
            let code = if cut_short > 0 {
                // The user ended the run (Stop's code); the message still names other failures.
                outcome::EXCEPTION
            } else if all_lost {
                outcome::NO_CONNECTION
            } else {
                outcome::FAILED
            };
            let mut o = SampleOutcome::failed(
                code,
                format!(
                    "Published {sent} of {total} message(s); {}",
                    parts.join("; ")
                ),
                elapsed,
            );
            o.error_count = (total - sent).max(1);
            o
        };
        // A failed sample still accounts for every message it tried, so error rates add up.
        let messages = if o.success { sent } else { total };
        o = o.with_messages(messages).with_publish(
            sent,
            total,
            sent as f64 / elapsed.as_secs_f64().max(1e-9),
            None,
        );
        o.bytes = bytes;
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }
}
