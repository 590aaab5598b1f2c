//! One engine's part in the clock probes, on a connection of its own: it finds the reference
//! (`election`), and unless it is the reference itself sends it a burst of probes every period,
//! keeps the best sample (`clock::Estimator`) and tells the other engines its offset. The
//! reference answers probes (`sink`) and tells newcomers it is there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::client::{ClientError, Session};
use crate::clock::{self, epoch_nanos, Estimator, Sample};
use crate::codec::{Publish, QoS};
use crate::sampler::config::ClockRole;

use super::election::{Claim, Election};
use super::offsets::{Offsets, Reading};
use super::sink::{ControlSink, Received};
use super::wire::{Message, Topics};

/// Probes per burst: of eight, one usually crosses an idle moment of the broker.
const BURST_PROBES: u32 = 8;
/// Between the probes of a burst, so they do not queue behind each other.
const PROBE_GAP: Duration = Duration::from_millis(20);
/// How long answers are awaited after a burst's last probe.
const ANSWER_WAIT: Duration = Duration::from_secs(2);
/// How long a newcomer waits to hear of a reference before it claims to be one.
const HELLO_WAIT: Duration = Duration::from_secs(2);
/// Bursts whose best sample is kept: with a 10 s period, the last minute.
const KEPT_BURSTS: usize = 6;
/// Messages the task may be behind by before the sink drops them.
const EVENTS: usize = 256;

#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// Names the topics: every engine of the run gives the same.
    pub run: String,
    /// `On` or `Reference` (`Off` counts as `On`: a peer that runs takes part).
    pub role: ClockRole,
    pub period: Duration,
    /// This engine's name among the others.
    pub tag: u32,
    /// Moves this peer's clock from the engine's: 0 for the engine's own peer; tests give two
    /// peers of one process clocks of their own.
    pub shift_ns: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("the connection closed before SUBACK")]
    Closed,
    #[error("no SUBACK within {0} ms")]
    NoSubAck(u128),
    #[error("the broker refused the subscription to '{0}'")]
    Refused(String),
}

/// A running peer; `stop` ends it (dropping it leaves the task running until its session closes).
pub struct Peer {
    offsets: Arc<Offsets>,
    sink: Arc<ControlSink>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Peer {
    /// Subscribes the run's topics on `session` (SUBACK within `timeout`) and starts.
    pub async fn start(
        session: Arc<Session>,
        config: PeerConfig,
        timeout: Duration,
    ) -> Result<Peer, ClockError> {
        let topics = Topics::new(&config.run);
        let offsets = Arc::new(Offsets::new(config.tag));
        let answering = Arc::new(AtomicBool::new(false));
        let (events_tx, events) = mpsc::channel(EVENTS);
        let sink = Arc::new(ControlSink::new(
            config.tag,
            config.shift_ns,
            topics.clone(),
            answering.clone(),
            &session,
            events_tx,
        ));
        let filters = topics.filters(config.tag);
        let wait = session.subscribe(
            filters
                .iter()
                .map(|f| (f.clone(), QoS::AtMostOnce))
                .collect(),
            sink.clone(),
        )?;
        let codes = match tokio::time::timeout(timeout, wait).await {
            Err(_) => return Err(ClockError::NoSubAck(timeout.as_millis())),
            Ok(Err(_)) => return Err(ClockError::Closed),
            Ok(Ok(acked)) => acked?,
        };
        if let Some((f, _)) = filters
            .iter()
            .zip(
                codes
                    .iter()
                    .map(|c| c.is_failure())
                    .chain(std::iter::repeat(true)),
            )
            .find(|(_, refused)| *refused)
        {
            sink.close();
            return Err(ClockError::Refused(f.clone()));
        }
        let (stop, stopped) = watch::channel(false);
        let task = Task {
            config,
            topics,
            session,
            offsets: offsets.clone(),
            answering,
            election: Election::default(),
            estimator: Estimator::new(KEPT_BURSTS),
            burst: None,
            bursts: 0,
            next_burst: None,
            claim_at: None,
            next_beacon: None,
            echo_by: None,
            delivered: false,
            warned_two_named: false,
            told_first: false,
        };
        let task = tokio::spawn(task.run(events, stopped));
        Ok(Peer {
            offsets,
            sink,
            stop,
            task,
        })
    }

    /// What this peer knows of the clocks.
    pub fn offsets(&self) -> &Arc<Offsets> {
        &self.offsets
    }

    /// False once it has ended (stopped, or its connection gone for good).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// Ends the probing, waiting at most `timeout` for the task (the session is the caller's).
    pub async fn stop(self, timeout: Duration) {
        self.sink.close();
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(timeout, self.task).await;
    }
}

/// The probes of one burst: `t1` of each sent, the samples of those answered.
struct Burst {
    number: u32,
    sent: Vec<i64>,
    samples: Vec<Sample>,
    /// The next probe is due then; None once all are sent.
    next_probe: Option<Instant>,
    /// The burst ends then at the latest (set when its last probe goes).
    until: Option<Instant>,
}

struct Task {
    config: PeerConfig,
    topics: Topics,
    session: Arc<Session>,
    offsets: Arc<Offsets>,
    answering: Arc<AtomicBool>,
    election: Election,
    estimator: Estimator,
    burst: Option<Burst>,
    bursts: u32,
    next_burst: Option<Instant>,
    /// When this engine claims to be the reference if it has heard of none (`On` only).
    claim_at: Option<Instant>,
    /// When the reference tells everyone again that it is (in case a newcomer missed it).
    next_beacon: Option<Instant>,
    /// Something came back on the run's topics (our own claim, at least).
    delivered: bool,
    /// Our claim has gone out and should come back by then: a broker that grants the subscription
    /// but delivers nothing (an MQTT 3.x ACL) is told apart from a quiet run.
    echo_by: Option<Instant>,
    warned_two_named: bool,
    told_first: bool,
}

impl Task {
    async fn run(mut self, mut events: mpsc::Receiver<Received>, mut stop: watch::Receiver<bool>) {
        if self.config.role == ClockRole::Reference {
            self.claim();
        } else {
            self.send(&self.topics.reference(), Message::Hello { from: self.me() });
            self.claim_at = Some(Instant::now() + HELLO_WAIT);
        }
        loop {
            let wake = self.next_wake();
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
                received = events.recv() => match received {
                    Some(r) => self.on_message(r),
                    // the session dropped our sink: it has ended for good
                    None => {
                        self.gone();
                        break;
                    }
                },
                _ = sleep_until(wake) => {
                    if self.session.is_closed() {
                        self.gone();
                        break;
                    }
                    if self.session.reconnects() > 0 && !self.delivered {
                        // Dropped before anything came back: it would only happen again.
                        self.gone();
                        break;
                    }
                    self.on_time(Instant::now());
                }
            }
        }
        self.answering.store(false, Ordering::Release);
    }

    fn gone(&self) {
        let why = self.session.last_error().unwrap_or_else(|| "closed".into());
        if self.delivered {
            tracing::warn!(
                "clock offsets: the clock connection is gone ({why}); offsets are no longer measured"
            );
        } else {
            tracing::warn!(
                "clock offsets ({}): the broker closed the clock connection ({why}) before anything came back on mqttload/clock/{}/...: does it deny the clock connection's user those topics? (Mosquitto 2.0 closes a connection that publishes where its ACL denies it.) Offsets are not measured",
                crate::sampler::config::refer(crate::sampler::config::Id::ClockSync),
                self.config.run
            );
        }
    }

    fn me(&self) -> u32 {
        self.config.tag
    }

    fn is_reference(&self) -> bool {
        self.election
            .reference()
            .is_some_and(|c| c.tag == self.me())
    }

    /// This peer's clock now, epoch ns.
    fn wall(&self) -> i64 {
        epoch_nanos(clock::shifted(clock::now(), self.config.shift_ns))
    }

    /// The earliest thing due; None when only messages can move things on.
    fn next_wake(&self) -> Option<Instant> {
        let burst = self.burst.as_ref().and_then(|b| b.next_probe.or(b.until));
        [
            self.claim_at,
            self.next_beacon,
            self.next_burst,
            self.echo_by,
            burst,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// QoS 0 throughout: a resent probe would measure the resend, and a lost claim, beacon or
    /// estimate goes again next period. (QoS 1 would also meet a denying broker's PUBACK with a 5.0
    /// reason code, which Mosquitto 2.0 sends 3.1.1 clients and which ends the connection.)
    fn send(&self, topic: &str, message: Message) {
        let _ = self.session.publish(Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: topic.to_string(),
            pkid: 0,
            payload: message.encode(),
            properties: Default::default(),
        });
    }

    fn claim(&mut self) {
        self.claim_at = None;
        if self.election.reference().is_none() {
            self.echo_by = Some(Instant::now() + HELLO_WAIT);
        }
        let named = self.config.role == ClockRole::Reference;
        self.send(
            &self.topics.reference(),
            Message::Claim {
                from: self.me(),
                named,
            },
        );
    }

    fn on_time(&mut self, now: Instant) {
        if self.echo_by.is_some_and(|t| t <= now) {
            self.echo_by = None;
            tracing::warn!(
                "clock offsets ({}): nothing comes back on the run's topics mqttload/clock/{}/..., not even this engine's own claim: the broker does not deliver them to the clock connection (an ACL?); offsets are not measured",
                crate::sampler::config::refer(crate::sampler::config::Id::ClockSync),
                self.config.run
            );
        }
        if self.claim_at.is_some_and(|t| t <= now) {
            tracing::debug!("clock offsets: no reference heard of; claiming it");
            self.claim();
        }
        if self.next_beacon.is_some_and(|t| t <= now) {
            self.next_beacon = Some(now + self.config.period);
            self.claim();
        }
        if self.next_burst.is_some_and(|t| t <= now) && self.burst.is_none() {
            self.next_burst = None;
            self.bursts = self.bursts.wrapping_add(1);
            self.burst = Some(Burst {
                number: self.bursts,
                sent: Vec::with_capacity(BURST_PROBES as usize),
                samples: Vec::with_capacity(BURST_PROBES as usize),
                next_probe: Some(now),
                until: None,
            });
        }
        self.probe(now);
    }

    /// Sends the burst's probes as they fall due, and ends it when its wait is over.
    fn probe(&mut self, now: Instant) {
        let (Some(reference), Some(burst)) = (self.election.reference(), self.burst.as_ref())
        else {
            return;
        };
        if burst.next_probe.is_some_and(|t| t <= now) {
            let n = burst.sent.len() as u32;
            let number = burst.number;
            let t1 = self.wall();
            self.send(
                &self.topics.ask(reference.tag),
                Message::Ask {
                    from: self.me(),
                    burst: number,
                    n,
                    t1,
                },
            );
            if let Some(b) = self.burst.as_mut() {
                b.sent.push(t1);
                if n + 1 < BURST_PROBES {
                    b.next_probe = Some(now + PROBE_GAP);
                } else {
                    b.next_probe = None;
                    b.until = Some(now + ANSWER_WAIT);
                }
            }
        } else if burst.until.is_some_and(|t| t <= now) {
            self.end_burst();
        }
    }

    fn end_burst(&mut self) {
        let Some(burst) = self.burst.take() else {
            return;
        };
        self.next_burst = Some(Instant::now() + self.config.period);
        let Some(reference) = self.election.reference() else {
            return;
        };
        let now = std::time::Instant::now();
        if !self.estimator.add_burst(&burst.samples, now) {
            tracing::debug!(
                "clock offsets: no answer to {} probe(s) from the reference engine {:06x}",
                burst.sent.len(),
                reference.tag
            );
            return;
        }
        let Some(e) = self.estimator.estimate(now) else {
            return;
        };
        self.offsets.set_own(e);
        let uncertainty_ns = e.uncertainty_ns(now);
        self.send(
            &self.topics.estimates(),
            Message::Estimate {
                from: self.me(),
                reference: reference.tag,
                offset_ns: e.offset_ns,
                uncertainty_ns,
            },
        );
        let text = format!(
            "clock offsets: this engine's clock ({:06x}) is {:+.3} ms from the reference engine's ({:06x}), within {:.3} ms ({} of {} probes answered, best round trip {:.3} ms)",
            self.me(),
            e.offset_ns as f64 / 1e6,
            reference.tag,
            uncertainty_ns as f64 / 1e6,
            burst.samples.len(),
            burst.sent.len(),
            e.round_trip_ns as f64 / 1e6
        );
        if self.told_first {
            tracing::debug!("{text}");
        } else {
            self.told_first = true;
            tracing::info!("{text}");
        }
    }

    fn on_message(&mut self, r: Received) {
        self.delivered = true;
        match r.message {
            Message::Hello { .. } => {
                if self.is_reference() {
                    self.claim();
                }
            }
            Message::Claim { from, named } => self.on_claim(Claim { tag: from, named }),
            Message::Answer {
                from,
                burst,
                n,
                t1,
                t2,
                t3,
            } => self.on_answer(
                from,
                burst,
                n,
                Sample {
                    t1,
                    t2,
                    t3,
                    t4: r.at,
                },
            ),
            Message::Estimate {
                from,
                reference,
                offset_ns,
                uncertainty_ns,
            } => self.offsets.heard(
                from,
                reference,
                Reading {
                    offset_ns,
                    uncertainty_ns,
                },
                std::time::Instant::now(),
            ),
            // answered by the sink
            Message::Ask { .. } => {}
        }
    }

    fn on_claim(&mut self, claim: Claim) {
        self.claim_at = None;
        self.echo_by = None;
        if claim.named
            && claim.tag != self.me()
            && self.config.role == ClockRole::Reference
            && !self.warned_two_named
        {
            self.warned_two_named = true;
            tracing::warn!(
                "clock offsets: engines {:06x} (this one) and {:06x} are both set to reference in {}; the one of lower tag is",
                self.me(),
                claim.tag,
                crate::sampler::config::refer(crate::sampler::config::Id::ClockSync)
            );
        }
        if !self.election.heard(claim) {
            // A weaker claim: the claimer has not heard of us yet.
            if self.is_reference() && claim.tag != self.me() {
                self.claim();
            }
            return;
        }
        let reference = claim.tag;
        self.offsets.set_reference(reference);
        self.estimator.clear();
        self.burst = None;
        let is_reference = reference == self.me();
        self.answering.store(is_reference, Ordering::Release);
        let now = Instant::now();
        if is_reference {
            self.next_burst = None;
            self.next_beacon = Some(now + self.config.period);
            tracing::info!(
                "clock offsets: this engine ({:06x}) is the reference of run '{}'",
                self.me(),
                self.config.run
            );
        } else {
            self.next_beacon = None;
            self.next_burst = Some(now);
            tracing::info!(
                "clock offsets: engine {reference:06x} is the reference of run '{}'; this engine is {:06x}",
                self.config.run,
                self.me()
            );
        }
    }

    fn on_answer(&mut self, from: u32, number: u32, n: u32, sample: Sample) {
        if self.election.reference().map(|c| c.tag) != Some(from) {
            return;
        }
        let Some(burst) = self.burst.as_mut().filter(|b| b.number == number) else {
            return;
        };
        // Only an answer to a probe of ours, as sent: anything else is not a measurement.
        if burst.sent.get(n as usize) != Some(&sample.t1) {
            return;
        }
        burst.samples.push(sample);
        if burst.samples.len() == BURST_PROBES as usize {
            self.end_burst();
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
