//! The Publish operation: M messages per sample on all connections of a group, or spread
//! round-robin; timed until every message is written (QoS 0) or acknowledged (QoS 1/2), or until
//! JMeter's Shutdown ends the wait.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;

use crate::client::{ClientError, PublishAck, Session};
use crate::codec::{Publish, QoS};

use super::acks::{await_acks, room, Tally};
use super::config::{MessageType, PublishConfig, Target, TimestampFormat};
use super::group::ConnectionGroup;
use super::live::{Kind, Live, Progress};
use super::outcome::{self, figure, SampleOutcome};
use super::payload::{random_text, write_precise, write_xmeter};
use super::shutdown::Shutdown;
use super::streams::{self, Stream};
use super::template::Vars;

pub struct Publisher {
    /// Its live metrics, once it has a name (`labelled`).
    live: Option<Live>,
    config: PublishConfig,
    /// Base of the per-connection publisher ids in the precise header.
    id_base: u64,
    /// Per connection slot: each (publisher, slot) is one numbered stream, registered so that
    /// subscribers of this engine know how many messages it sent.
    streams: Mutex<HashMap<usize, Arc<Stream>>>,
    /// The body when it does not change between messages.
    fixed_body: Bytes,
    /// Per connection slot, for templates: the expanded topic and the message numbers.
    slots: Mutex<Vec<SlotState>>,
    /// The topic or the payload holds placeholders.
    templated: bool,
    /// {{seq}} appears in the topic or the payload.
    uses_seq: bool,
    /// Folder: the next file to send.
    next_file: AtomicUsize,
}

/// The state of `slot` (a group's slots are few and dense: indexed, not hashed).
fn slot_state(states: &mut Vec<SlotState>, slot: usize) -> &mut SlotState {
    if states.len() <= slot {
        states.resize_with(slot + 1, SlotState::default);
    }
    &mut states[slot]
}

/// A templated publisher's per-connection state.
#[derive(Default)]
struct SlotState {
    /// The expanded topic, when it holds per-connection placeholders only.
    topic: Option<String>,
    /// Next {{seq}} without precise timestamps (with them, the stream numbers the messages).
    next_seq: u64,
    /// The number of the message being built, for its topic.
    current_seq: u64,
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
            // one text as long as the longest message; shorter ones are slices of it
            MessageType::RandomFixedLength => {
                random_text(config.max_length.unwrap_or(config.fixed_length))
            }
            MessageType::Text | MessageType::Hex | MessageType::File | MessageType::Folder => {
                config.body.clone()
            }
        };
        let templated = config.topic_template.is_some() || config.body_template.is_some();
        let uses_seq = [&config.topic_template, &config.body_template]
            .into_iter()
            .flatten()
            .any(|t| t.uses_seq());
        Publisher {
            live: None,
            config,
            id_base: streams::new_publisher_base(),
            streams: Mutex::new(HashMap::new()),
            fixed_body,
            slots: Mutex::new(Vec::new()),
            templated,
            uses_seq,
            next_file: AtomicUsize::new(0),
        }
    }

    fn body(&self) -> Bytes {
        if self.config.message_type == MessageType::RandomFixedLength {
            let len = match self.config.max_length {
                Some(max) => rand::rng().random_range(self.config.fixed_length..=max),
                None => self.config.fixed_length,
            };
            if self.config.fresh_random {
                random_text(len)
            } else {
                self.fixed_body.slice(..len)
            }
        } else if self.config.message_type == MessageType::Folder && !self.config.files.is_empty() {
            let i = self.next_file.fetch_add(1, Ordering::Relaxed) % self.config.files.len();
            self.config.files[i].clone()
        } else {
            self.fixed_body.clone()
        }
    }

    /// The topic of `slot`'s messages as far as it is known per connection: the topic itself,
    /// or its expansion (per-message placeholders as for the message being built).
    fn slot_topic(&self, slot: usize, group: &ConnectionGroup) -> String {
        let Some(t) = &self.config.topic_template else {
            return self.config.topic.clone();
        };
        let Ok(mut g) = self.slots.lock() else {
            return self.config.topic.clone();
        };
        let state = slot_state(&mut g, slot);
        if !t.per_message() {
            if let Some(topic) = &state.topic {
                return topic.clone();
            }
        }
        let vars = Vars {
            seq: state.current_seq,
            ..group.template_vars(slot)
        };
        let topic = t.expand_string(&vars);
        if !t.per_message() {
            state.topic = Some(topic.clone());
        }
        topic
    }

    /// Numbers the next message of `slot` once for both its topic and its payload: the
    /// precise stream's sequence when there is one, else the slot's own count.
    fn take_template_seq(&self, slot: usize, group: &ConnectionGroup) -> u64 {
        let precise = self.config.timestamp == TimestampFormat::Precise;
        if !precise && !self.uses_seq {
            return 0;
        }
        let stream_seq = precise.then(|| self.next_seq(slot, group));
        let Ok(mut g) = self.slots.lock() else {
            return stream_seq.unwrap_or(0);
        };
        let state = slot_state(&mut g, slot);
        let seq = stream_seq.unwrap_or_else(|| {
            let s = state.next_seq;
            state.next_seq += 1;
            s
        });
        state.current_seq = seq;
        seq
    }

    /// A payload with placeholders in its topic or body, its timestamp saying `now`.
    fn templated_payload(&self, slot: usize, group: &ConnectionGroup, now: SystemTime) -> Bytes {
        let seq = self.take_template_seq(slot, group);
        let template = self.config.body_template.as_ref();
        let plain = if template.is_none() {
            self.body()
        } else {
            Bytes::new()
        };
        let mut b = BytesMut::with_capacity(template.map_or(plain.len(), |t| t.size_hint()) + 64);
        match self.config.timestamp {
            TimestampFormat::None => {}
            TimestampFormat::XMeter => write_xmeter(&mut b, now),
            TimestampFormat::Precise => {
                write_precise(&mut b, self.id_base.wrapping_add(slot as u64), seq, now)
            }
        }
        match template {
            Some(t) => t.expand(
                &mut b,
                &Vars {
                    seq,
                    ..group.template_vars(slot)
                },
            ),
            None => b.put_slice(&plain),
        }
        b.freeze()
    }

    fn next_seq(&self, slot: usize, group: &ConnectionGroup) -> u64 {
        let Ok(mut g) = self.streams.lock() else {
            return 0;
        };
        g.entry(slot)
            .or_insert_with(|| {
                // A templated topic: the slot's own (subscribers match their filters to it).
                let topic = self.slot_topic(slot, group);
                let stream =
                    streams::register(self.id_base.wrapping_add(slot as u64), &topic, group.id());
                if self.config.end_marker {
                    group.add_end_marker(slot, stream.clone(), self.config.qos);
                }
                stream
            })
            .take_seq()
    }

    fn payload(&self, slot: usize, group: &ConnectionGroup) -> Bytes {
        self.payload_at(slot, group, crate::clock::now())
    }

    /// The payload, its timestamp saying `now` (paced publishing: the intended send time).
    fn payload_at(&self, slot: usize, group: &ConnectionGroup, now: SystemTime) -> Bytes {
        if self.templated {
            return self.templated_payload(slot, group, now);
        }
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

    /// The PUBLISH of `payload` on `slot` (its topic may be the slot's own: a template).
    fn message(&self, slot: usize, group: &ConnectionGroup, payload: Bytes) -> Publish {
        Publish {
            dup: false,
            qos: self.config.qos,
            retain: self.config.retain,
            topic: self.slot_topic(slot, group),
            pkid: 0,
            payload,
            properties: self.config.v5.properties.clone(),
        }
    }

    /// The next PUBLISH of `slot`, built as a sample builds it (benchmarks of message building).
    #[doc(hidden)]
    pub fn build_message(&self, slot: usize, group: &ConnectionGroup) -> Publish {
        let payload = self.payload(slot, group);
        self.message(slot, group, payload)
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
        let ack = session.publish_with(
            self.message(slot, group, payload),
            self.config.v5.topic_alias,
        )?;
        Ok((len, ack))
    }

    /// Which connection sends each message of this (burst) sample.
    fn plan(&self, live: &[(usize, std::sync::Arc<Session>)]) -> Vec<usize> {
        let m = self.config.messages_per_sample as usize;
        match self.config.target {
            Target::All => (0..m).flat_map(|_| 0..live.len()).collect(),
            // `live` is already the sample's turns (`ConnectionGroup::round_robin`)
            Target::RoundRobin => (0..live.len()).collect(),
        }
    }

    /// Paced publishing (a pace other than burst).
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
        let progress = self
            .live
            .as_ref()
            .filter(|_| self.is_paced())
            .map(|l| l.progress(&[figure::PUB_SENT, figure::PUB_INTENDED]));
        let o = self
            .publish_sample(group, shutdown, progress.as_ref())
            .await;
        if let Some(live) = &self.live {
            live.record_after(&o, progress.as_ref());
        }
        o
    }

    /// Its name, under which its samples add to the live metrics.
    pub fn labelled(mut self, label: &str) -> Publisher {
        let more = vec![("qos", (self.config.qos as u8).to_string())];
        self.live = Some(Live::new(Kind::Publish, label, more));
        self
    }

    async fn publish_sample(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
        progress: Option<&Progress<'_>>,
    ) -> SampleOutcome {
        let started = Instant::now();
        let live = match self.config.target {
            Target::RoundRobin if self.config.pace.is_none() => {
                group.round_robin(self.config.messages_per_sample as usize)
            }
            _ => group.connected(),
        };
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
            let send = |slot, session: &Session, at| self.send_at(slot, session, group, at);
            let (config, live) = (&self.config, &live);
            let sampling = super::paced::Sampling {
                shutdown,
                started,
                progress,
            };
            return super::paced::publish(send, config, pace, group, live, sampling).await;
        }
        let mut tally = Tally::new(self.config.qos);
        // Every wait of the sample (for room to send, for acknowledgements) ends by then.
        let deadline = tokio::time::Instant::from_std(started) + self.config.ack_timeout;
        let acks = self
            .send_burst(group, &live, &mut tally, deadline, shutdown)
            .await;
        await_acks(&mut tally, acks, deadline, shutdown).await;
        tally.collect_handed_lost(&live);
        let mut o = self.burst_outcome(&tally, started.elapsed());
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }

    /// Hands this sample's messages to their connections, each when its connection has room
    /// (until `deadline`: then the rest count as not sent, never numbered or built); the
    /// acknowledgements to await, each with its payload's length.
    async fn send_burst(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
        tally: &mut Tally,
        deadline: tokio::time::Instant,
        shutdown: &Shutdown,
    ) -> Vec<(u64, PublishAck)> {
        let plan = self.plan(live);
        let mut acks: Vec<(u64, PublishAck)> = Vec::with_capacity(plan.len());
        for i in plan {
            let (slot, session) = &live[i];
            if !room(session, deadline, shutdown).await {
                if shutdown.is_requested() {
                    tally.cut_short += 1;
                } else {
                    tally.not_sent(session.outbound_limit());
                }
                continue;
            }
            let payload = self.payload(*slot, group);
            let len = payload.len() as u64;
            let message = self.message(*slot, group, payload);
            if self.config.qos == QoS::AtMostOnce {
                // At most once needs no answer: the sample ends once its messages are queued
                // (within the outbound limit), and a loss is still counted (`take_handed_lost`).
                tally.handed_off(len, session.hand_off(message, self.config.v5.topic_alias));
                continue;
            }
            let sent = session.publish_with(message, self.config.v5.topic_alias);
            acks.extend(tally.handed(len, sent));
        }
        acks
    }

    /// The sample of a burst: every message acknowledged, or how many were not and why.
    fn burst_outcome(&self, tally: &Tally, elapsed: Duration) -> SampleOutcome {
        let Tally {
            sent,
            bytes,
            cut_short,
            ..
        } = *tally;
        let total = tally.attempted();
        let mut o = if tally.clean() {
            SampleOutcome::ok(format!("Published {sent} message(s)"), elapsed)
        } else {
            let mut parts = Vec::new();
            tally.shortfalls(self.config.ack_timeout, &mut parts);
            let code = if cut_short > 0 {
                // The user ended the run (Stop's code); the message still names other failures.
                outcome::EXCEPTION
            } else if tally.all_lost() {
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
        o
    }
}

/// Aborts the task when the future awaiting it is dropped (JMeter's Stop cancels that future).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Publisher {
    /// As [`Publisher::publish_until`], run as a task of the runtime instead of in the caller's
    /// thread (a JMeter thread blocked in the JNI call): a paced schedule's timer then wakes its
    /// loop on the worker thread that fired it, not via a second thread, which halves the wake-ups
    /// a late schedule waits for on a busy machine. Dropping the returned future ends the task.
    pub async fn publish_on_runtime(
        self: Arc<Self>,
        group: Arc<ConnectionGroup>,
        shutdown: Shutdown,
    ) -> SampleOutcome {
        let started = std::time::Instant::now();
        let task = tokio::spawn(async move { self.publish_until(&group, &shutdown).await });
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::config::ConnectConfig;

    fn group(connections: u32) -> ConnectionGroup {
        let json = format!(
            r#"{{"server":"127.0.0.1","port":1883,"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
            "clientIdPrefix":"u_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
            "connAttemptMax":0,"reconnAttemptMax":0,"connections":{connections},"will":null}}"#
        );
        ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
    }

    fn publisher(json: &str) -> Publisher {
        Publisher::new(PublishConfig::from_json(json).unwrap())
    }

    #[test]
    fn templated_topic_and_payload_per_slot_and_message() {
        let g = group(3);
        let p = publisher(
            r#"{"topic":"t/{{conn}}/{{conn.test}}","message":"{{client_id}}#{{seq}}","timestamp":"precise"}"#,
        );
        let base = g.template_vars(0).conn_test;
        for round in 0..2u64 {
            for slot in 0..3usize {
                let payload = p.payload(slot, &g);
                let m = p.message(slot, &g, payload);
                assert_eq!(m.topic, format!("t/{slot}/{}", base + slot as u64));
                let Some(super::super::payload::Stamp::Precise { seq, .. }) =
                    super::super::payload::parse_stamp(&m.payload)
                else {
                    panic!(
                        "the precise header stays first and parseable: {:?}",
                        m.payload
                    );
                };
                assert_eq!(seq, round);
                let body = &m.payload[m.payload.iter().position(|b| *b == b';').unwrap() + 1..];
                assert_eq!(body, format!("{}#{round}", g.client_ids()[slot]).as_bytes());
            }
        }
        // Each slot's stream is registered under its own expanded topic (loss accounting).
        let s = streams::find(p.id_base.wrapping_add(1)).unwrap();
        assert_eq!(s.topic, format!("t/1/{}", base + 1));
    }

    #[test]
    fn random_payloads_vary_in_length_within_their_range() {
        let random = r#""topic":"t","messageType":"Random string with fixed length","fixedLength":"4","maxLength":"9""#;
        for fresh in [false, true] {
            let p = publisher(&format!("{{{random},\"freshRandom\":{fresh}}}"));
            let lengths: std::collections::BTreeSet<usize> =
                (0..400).map(|_| p.body().len()).collect();
            assert_eq!(lengths, (4..=9).collect(), "fresh {fresh}");
        }
        let fixed = publisher(
            r#"{"topic":"t","messageType":"Random string with fixed length","fixedLength":"6"}"#,
        );
        assert!((0..50).all(|_| fixed.body().len() == 6));
    }

    #[test]
    fn per_message_topic_and_seq_without_timestamp() {
        let g = group(2);
        let p = publisher(r#"{"topic":"t/{{seq}}","message":"x"}"#);
        let topics: Vec<String> = [0usize, 0, 1]
            .iter()
            .map(|&slot| {
                let payload = p.payload(slot, &g);
                assert_eq!(&payload[..], b"x");
                p.message(slot, &g, payload).topic
            })
            .collect();
        assert_eq!(topics, ["t/0", "t/1", "t/0"]);
    }

    #[test]
    fn plain_topic_and_payload_are_unchanged() {
        let g = group(1);
        let p = publisher(r#"{"topic":"t/${x}","message":"a{b}c"}"#);
        assert!(!p.templated);
        let m = p.message(0, &g, p.payload(0, &g));
        assert_eq!(
            (m.topic.as_str(), &m.payload[..]),
            ("t/${x}", &b"a{b}c"[..])
        );
    }

    #[test]
    fn folder_files_are_taken_in_turn() {
        let mut c = PublishConfig::from_json(r#"{"topic":"t"}"#).unwrap();
        c.message_type = MessageType::Folder;
        c.files = vec![Bytes::from_static(b"a"), Bytes::from_static(b"\0\xff")];
        let p = Publisher::new(c);
        let g = group(1);
        let got: Vec<Bytes> = (0..3).map(|_| p.payload(0, &g)).collect();
        assert_eq!(got, [&b"a"[..], b"\0\xff", b"a"]);
    }
}
