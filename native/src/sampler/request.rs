//! The Request operation (commands timed as a round trip). Before its first request each
//! connection's reply topic is subscribed to; each sample then publishes its requests, each with
//! the reply topic and a correlation id of its own (MQTT 5.0 properties, or the 3.x `mqrq:`
//! header, see `envelope`), and waits until every one is answered or its timeout passes.
//! Replies are matched by `tracker` on the session tasks; the round-trip time is measured on
//! this engine's clock alone, so it needs no clock synchronisation with the responders.

mod tracker;

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;
use tokio::sync::oneshot::error::TryRecvError;

use crate::client::{ClientError, MessageSink, PublishAck, Session};
use crate::codec::{Properties, Property, ProtocolVersion, Publish, SubscriptionOptions};

use super::config::{refer, Id, Pace, PaceEvery, RequestConfig};
use super::envelope::{reply_topic_problem, write_request_header, Correlation};
use super::group::ConnectionGroup;
use super::live::{Kind, Live};
use super::outcome::{self, figure, SampleOutcome};
use super::paced::{self, Schedule};
use super::shutdown::Shutdown;
use super::subacks::await_subacks;
use super::template::{ExtraVars, Vars};
use tracker::{Tally, Tracker};

/// How often the wait for replies checks that its connections are still there.
const DROP_CHECK: Duration = Duration::from_millis(100);

/// The ids of this engine's Request elements: a reply with another live element's id on a topic
/// two elements share is that element's, not an unmatched one of ours.
static LIVE: Mutex<Vec<u64>> = Mutex::new(Vec::new());

fn is_live(element: u64) -> bool {
    LIVE.lock().is_ok_and(|l| l.contains(&element))
}

/// Where this element's reply subscriptions are: the group, and per slot the session its reply
/// topic was last seen on (weakly: the group owns the sessions) and that topic.
#[derive(Default)]
struct Bound {
    group: Option<u64>,
    sessions: Vec<Weak<Session>>,
    topics: Vec<Option<Arc<str>>>,
    /// Each distinct reply topic is subscribed on one connection only, or every connection
    /// sharing it would deliver each reply once more.
    subscribed: HashSet<Arc<str>>,
}

pub struct Requester {
    /// Its live metrics, once it has a name (`labelled`).
    live: Option<Live>,
    config: RequestConfig,
    /// This element's part of every correlation id.
    element: u64,
    tracker: Arc<Tracker>,
    bound: Mutex<Bound>,
    /// Requests sent so far, over all samples: {{target}} and the connection take turns by it.
    next_request: AtomicU64,
    /// Per slot: the next request's number on that connection.
    seqs: Mutex<Vec<u32>>,
}

impl Drop for Requester {
    fn drop(&mut self) {
        self.tracker.close();
        if let Ok(mut l) = LIVE.lock() {
            l.retain(|e| *e != self.element);
        }
        let sink: Arc<dyn MessageSink> = self.tracker.clone();
        if let Ok(b) = self.bound.get_mut() {
            for s in b.sessions.iter().filter_map(Weak::upgrade) {
                s.detach(sink.clone());
            }
        }
    }
}

/// What the sending of one sample came to.
#[derive(Default)]
struct Sent {
    requests: u64,
    failures: Vec<ClientError>,
    /// QoS 1/2: the broker's acknowledgements still to come, oldest first. They are read as they
    /// come (never awaited: the replies say enough), so that a refused request is named rather
    /// than only timed out, and a long paced sample holds only those in flight.
    acks: VecDeque<PublishAck>,
    /// Requests the broker refused (a 5.0 PUBACK or PUBREC reason code), and the first refusal.
    refused: u64,
    first_refusal: Option<ClientError>,
    /// When the last request was handed over.
    last: Option<Instant>,
    /// JMeter's Shutdown ended a paced schedule early.
    cut: bool,
}

impl Sent {
    /// Counts the acknowledgements answered at the front.
    fn read_acks(&mut self) {
        while let Some(ack) = self.acks.front_mut() {
            match ack.try_recv() {
                Err(TryRecvError::Empty) => return,
                Ok(Err(e)) => {
                    self.refused += 1;
                    self.first_refusal.get_or_insert(e);
                }
                Ok(Ok(())) | Err(TryRecvError::Closed) => {}
            }
            self.acks.pop_front();
        }
    }

    /// The sample is over: every acknowledgement answered by now, not only those at the front.
    fn last_acks(&mut self) {
        for mut ack in std::mem::take(&mut self.acks) {
            if let Ok(Err(e)) = ack.try_recv() {
                self.refused += 1;
                self.first_refusal.get_or_insert(e);
            }
        }
    }
}

impl Requester {
    pub fn new(config: RequestConfig) -> Requester {
        let element = loop {
            let e: u64 = rand::rng().random();
            if let Ok(mut l) = LIVE.lock() {
                if !l.contains(&e) {
                    l.push(e);
                    break e;
                }
            } else {
                break e;
            }
        };
        Requester {
            live: None,
            tracker: Arc::new(Tracker::new(element, config.timeout, config.check.clone())),
            config,
            element,
            bound: Mutex::new(Bound::default()),
            next_request: AtomicU64::new(0),
            seqs: Mutex::new(Vec::new()),
        }
    }

    pub async fn request(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.request_until(group, &Shutdown::never()).await
    }

    /// As [`Requester::request`]; JMeter's Shutdown ends the schedule and the wait for replies,
    /// and the requests still unanswered count as timeouts.
    pub async fn request_until(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> SampleOutcome {
        let o = self.request_sample(group, shutdown).await;
        if let Some(live) = &self.live {
            live.record(&o);
        }
        o
    }

    /// Its name, under which its samples add to the live metrics.
    pub fn labelled(mut self, label: &str) -> Requester {
        let more = Vec::new();
        self.live = Some(Live::new(Kind::Request, label, more));
        self
    }

    async fn request_sample(&self, group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
        let started = Instant::now();
        let live = group.connected();
        if live.is_empty() {
            return SampleOutcome::failed(
                outcome::NO_CONNECTION,
                group.not_connected_message(),
                started.elapsed(),
            );
        }
        let topics = match self.ensure_replies(group, &live, shutdown, started).await {
            Ok(t) => t,
            Err(o) => return o,
        };
        self.tracker.begin_sample();
        let mut sent = self.send(group, &live, &topics, shutdown).await;
        let waited = self.await_replies(group, &sent, shutdown).await;
        let tally = self.tracker.end_sample();
        sent.last_acks();
        let mut o = self.outcome(&sent, waited, tally, started.elapsed());
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }

    /// The reply topic of every live connection, subscribed to (each distinct one once) before
    /// the first request that names it. Indexed by slot.
    async fn ensure_replies(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
        shutdown: &Shutdown,
        started: Instant,
    ) -> Result<Vec<Option<Arc<str>>>, SampleOutcome> {
        let sink: Arc<dyn MessageSink> = self.tracker.clone();
        let options = SubscriptionOptions::from(self.config.qos);
        let mut waits = Vec::new();
        let topics = {
            let Ok(mut b) = self.bound.lock() else {
                return Err(internal(started));
            };
            let slots = group.client_ids().len();
            if b.group != Some(group.id()) {
                for s in b.sessions.iter().filter_map(Weak::upgrade) {
                    s.detach(sink.clone());
                }
                *b = Bound {
                    group: Some(group.id()),
                    sessions: (0..slots).map(|_| Weak::new()).collect(),
                    topics: vec![None; slots],
                    subscribed: HashSet::new(),
                };
            }
            for (slot, session) in live {
                let slot = *slot;
                if slot >= slots || std::ptr::eq(b.sessions[slot].as_ptr(), Arc::as_ptr(session)) {
                    continue;
                }
                let topic = match b.topics[slot].clone() {
                    Some(t) => t,
                    None => {
                        let t = self.reply_topic(group, slot).map_err(|m| {
                            SampleOutcome::failed(outcome::EXCEPTION, m, started.elapsed())
                        })?;
                        b.topics[slot] = Some(t.clone());
                        t
                    }
                };
                b.sessions[slot] = Arc::downgrade(session);
                if b.subscribed.insert(topic.clone()) {
                    match session.subscribe_with(
                        vec![(topic.to_string(), options)],
                        Properties::new(),
                        sink.clone(),
                    ) {
                        Ok(w) => waits.push((w, vec![topic.to_string()])),
                        Err(e) => {
                            // the next sample starts over
                            *b = Bound::default();
                            return Err(SampleOutcome::failed(
                                outcome::NO_CONNECTION,
                                format!("Subscribe failed: {e}"),
                                started.elapsed(),
                            ));
                        }
                    }
                }
            }
            b.topics.clone()
        };
        if let Err(o) = await_subacks(waits, self.config.timeout, shutdown, started).await {
            if let Ok(mut b) = self.bound.lock() {
                *b = Bound::default();
            }
            return Err(o);
        }
        Ok(topics)
    }

    /// `slot`'s reply topic, or why it cannot be one (its placeholders expanded to something a
    /// reply cannot be published to).
    fn reply_topic(&self, group: &ConnectionGroup, slot: usize) -> Result<Arc<str>, String> {
        let topic = match &self.config.reply_template {
            Some(t) => t.expand_string(&group.template_vars(slot)),
            None => self.config.reply_topic.clone(),
        };
        let why = reply_topic_problem(&topic).or_else(|| {
            topic
                .contains(';')
                .then(|| format!("'{topic}' holds ';', which ends the mqrq header"))
        });
        match why {
            Some(why) => Err(format!("{}: {why}", refer(Id::ReqReplyTopic))),
            None => Ok(Arc::from(topic)),
        }
    }

    /// The next request's number on `slot`'s connection.
    fn take_seq(&self, slot: usize) -> u32 {
        let Ok(mut seqs) = self.seqs.lock() else {
            return 0;
        };
        if seqs.len() <= slot {
            seqs.resize(slot + 1, 0);
        }
        let seq = seqs[slot];
        seqs[slot] = seq.wrapping_add(1);
        seq
    }

    /// The request `n` (over all samples) on `slot`: its PUBLISH and correlation id.
    fn build(
        &self,
        group: &ConnectionGroup,
        slot: usize,
        n: u64,
        reply_topic: &str,
    ) -> (Publish, Correlation) {
        let seq = self.take_seq(slot);
        let c = Correlation::new(self.element, slot as u32, seq);
        let vars = Vars {
            seq: u64::from(seq),
            ..group.template_vars(slot)
        };
        let extra = ExtraVars {
            target: n % self.config.targets.max(1),
            request: &[],
        };
        let topic = match &self.config.topic_template {
            Some(t) => t.expand_string_with(&vars, &extra),
            None => self.config.topic.clone(),
        };
        let v5 = group.version() == ProtocolVersion::V5;
        let mut payload = BytesMut::with_capacity(self.config.payload.len() + 64);
        let mut properties = Properties::new();
        if v5 {
            properties.push(Property::ResponseTopic(reply_topic.to_string()));
            properties.push(Property::CorrelationData(Bytes::copy_from_slice(
                &c.bytes(),
            )));
        } else {
            write_request_header(&mut payload, &c.bytes(), reply_topic);
        }
        match &self.config.payload_template {
            Some(t) => t.expand_with(&mut payload, &vars, &extra),
            None => payload.put_slice(&self.config.payload),
        }
        let publish = Publish {
            dup: false,
            qos: self.config.qos,
            retain: false,
            topic,
            pkid: 0,
            payload: payload.freeze(),
            properties,
        };
        (publish, c)
    }

    /// Hands request `n` to `slot`'s connection, awaited by the tracker from now on.
    fn send_one(
        &self,
        group: &ConnectionGroup,
        (slot, session): &(usize, Arc<Session>),
        topics: &[Option<Arc<str>>],
        sent: &mut Sent,
    ) {
        let n = self.next_request.fetch_add(1, Ordering::Relaxed);
        let Some(Some(reply_topic)) = topics.get(*slot) else {
            return;
        };
        let (publish, c) = self.build(group, *slot, n, reply_topic);
        let now = Instant::now();
        self.tracker.register(c, now);
        match session.publish(publish) {
            Ok(ack) => {
                sent.requests += 1;
                sent.last = Some(now);
                if self.config.qos != crate::codec::QoS::AtMostOnce {
                    sent.acks.push_back(ack);
                    sent.read_acks();
                }
            }
            Err(e) => {
                self.tracker.forget(c);
                sent.failures.push(e);
            }
        }
    }

    /// This sample's requests: at once, or on the paced schedule at the configured rate.
    async fn send(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
        topics: &[Option<Arc<str>>],
        shutdown: &Shutdown,
    ) -> Sent {
        let mut sent = Sent::default();
        let count = u64::from(self.config.per_sample);
        let Some(rate) = self.config.rate else {
            for _ in 0..count {
                let i = (self.next_request.load(Ordering::Relaxed) % live.len() as u64) as usize;
                self.send_one(group, &live[i], topics, &mut sent);
            }
            return sent;
        };
        let pace = Pace {
            every: PaceEvery::RatePerGroup(rate),
            duration: Duration::ZERO,
            messages: count,
        };
        let schedule = Schedule::new(&pace, live.len());
        let ran = paced::run(&schedule, shutdown, None, paced::no_wait, |i, _| {
            self.send_one(group, &live[i], topics, &mut sent)
        })
        .await;
        sent.cut = ran.stopped;
        sent
    }

    /// Until every request is answered, the last one's timeout passes, JMeter's Shutdown comes,
    /// or every connection is gone for good. True when Shutdown ended it.
    async fn await_replies(
        &self,
        group: &ConnectionGroup,
        sent: &Sent,
        shutdown: &Shutdown,
    ) -> bool {
        let Some(last) = sent.last else {
            return false;
        };
        let deadline = tokio::time::Instant::from_std(last + self.config.timeout);
        loop {
            let notified = self.tracker.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.tracker.outstanding() == 0 {
                return false;
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => return false,
                _ = shutdown.requested() => return true,
                _ = tokio::time::sleep(DROP_CHECK) => {
                    if !group.has_connected() {
                        return false;
                    }
                }
            }
        }
    }

    fn outcome(&self, sent: &Sent, shut_down: bool, t: Tally, elapsed: Duration) -> SampleOutcome {
        let good = t.matched - t.check_failed;
        let mut parts = vec![format!(
            "Requests: {} sent, {} replied",
            sent.requests, t.matched
        )];
        if t.timeouts > 0 {
            parts.push(if shut_down {
                format!(
                    "{} unanswered when JMeter shutdown ended the wait",
                    t.timeouts
                )
            } else {
                format!(
                    "{} timed out (no reply within {} ms)",
                    t.timeouts,
                    self.config.timeout.as_millis()
                )
            });
        }
        if let Some(first) = &sent.first_refusal {
            parts.push(format!("{} refused by the broker: {first}", sent.refused));
        }
        if let Some(first) = sent.failures.first() {
            parts.push(format!("{} not sent: {first}", sent.failures.len()));
        }
        if sent.cut {
            parts.push("JMeter shutdown ended the schedule".into());
        }
        if t.check_failed > 0 {
            parts.push(format!(
                "{}: {} of {} replies failed, first {}",
                refer(Id::ReqCheck),
                t.check_failed,
                t.matched,
                t.first_failure.as_deref().unwrap_or("")
            ));
        }
        let mut message = parts.join("; ");
        if let Some(l) = t.rtt.summary() {
            message.push_str(&format!(
                "; round trip p50 {:.2} ms, p99 {:.2} ms",
                l.p50 as f64 / 1e3,
                l.p99 as f64 / 1e3
            ));
        }
        let others: Vec<String> = [
            (t.late, "late"),
            (t.duplicates, "duplicate"),
            (t.unmatched, "unmatched"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if !others.is_empty() {
            message.push_str(&format!(
                " (replies since the previous sample: {})",
                others.join(", ")
            ));
        }
        let total = sent.requests + sent.failures.len() as u64;
        let clean = good == sent.requests && sent.failures.is_empty() && !sent.cut;
        let mut o = if clean && sent.requests > 0 {
            SampleOutcome::ok(message, elapsed)
        } else {
            let code = if shut_down || sent.cut {
                outcome::EXCEPTION
            } else if sent.requests == 0 && !sent.failures.is_empty() {
                outcome::NO_CONNECTION
            } else {
                outcome::FAILED
            };
            let mut o = SampleOutcome::failed(code, message, elapsed);
            o.error_count = (total - good).max(1);
            o
        };
        o.sample_count = total.max(1);
        o.bytes = t.bytes;
        o.response_data = t.first_reply.map(|b| b.to_vec());
        for (i, v) in [
            (figure::REQ_SENT, sent.requests),
            (figure::REQ_MATCHED, t.matched),
            (figure::REQ_TIMEOUTS, t.timeouts),
            (figure::REQ_CHECK_FAILED, t.check_failed),
            (figure::REQ_UNMATCHED, t.unmatched),
            (figure::REQ_DUPLICATES, t.duplicates),
            (figure::REQ_LATE, t.late),
        ] {
            o.set_figure(i, v);
        }
        o.distribution = t.rtt.distribution();
        if let Some(l) = t.rtt.summary() {
            for (i, v) in [
                (figure::REQ_RTT_MEAN_US, l.mean),
                (figure::REQ_RTT_P50_US, l.p50),
                (figure::REQ_RTT_P90_US, l.p90),
                (figure::REQ_RTT_P99_US, l.p99),
                (figure::REQ_RTT_MAX_US, l.max),
            ] {
                o.set_figure(i, v);
            }
        }
        o
    }
}

fn internal(started: Instant) -> SampleOutcome {
    SampleOutcome::failed(
        outcome::EXCEPTION,
        "mqttload internal error (please report): a lock was poisoned",
        started.elapsed(),
    )
}
