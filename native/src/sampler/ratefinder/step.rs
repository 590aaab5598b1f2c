//! One step: the publishing connections offer the step's rate on the paced schedule for the
//! step's duration, each message stamped with its intended send time and numbered per publisher;
//! then the step waits (at most the drain) for the deliveries and acknowledgements still on
//! their way, and closes its inbox step.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::oneshot::error::TryRecvError;
use tokio::time::Instant;

use crate::client::{ClientError, PublishAck, Session};
use crate::codec::{Properties, Publish, QoS};
use crate::sampler::config::{Pace, PaceEvery, RateFinderConfig};
use crate::sampler::paced::{self, Schedule};
use crate::sampler::payload::write_precise;
use crate::sampler::shutdown::Shutdown;
use crate::sampler::stats::Latencies;

use super::cpu;
use super::inbox::{id, Inbox, Received};
use super::sys::{growth, SysDrops};

/// How often the drain looks at the acknowledgements (deliveries wake it themselves).
const ACK_POLL: Duration = Duration::from_millis(10);

/// What one step is to do.
pub(super) struct Plan<'a> {
    pub(super) config: &'a RateFinderConfig,
    /// Publisher ids of this finder start here.
    pub(super) base: u64,
    /// The step's serial over the finder's life (its publisher ids).
    pub(super) serial: u32,
    pub(super) rate: f64,
    pub(super) publishers: &'a [(usize, Arc<Session>)],
    pub(super) subscribers: usize,
    /// Bytes after each message's header.
    pub(super) padding: &'a Bytes,
    /// Messages a publishing connection may have in flight; None when not ours to know.
    pub(super) window: Option<usize>,
}

/// What a step did.
pub(super) struct StepRun {
    pub(super) rate: f64,
    pub(super) intended: u64,
    /// Messages handed to their connections.
    pub(super) handed: u64,
    /// Messages a connection would not take, and the first reason.
    pub(super) not_sent: u64,
    pub(super) first_failure: Option<ClientError>,
    /// Messages held back because their connection already held its outbound limit (queued
    /// behind a full in-flight window, or a broker not reading): the load generator's limit,
    /// judged as such rather than as a failure.
    pub(super) held_back: u64,
    /// Written (QoS 0) or acknowledged (QoS 1/2) by the schedule's end; the bytes of all those
    /// by the drain's.
    pub(super) acked_in_schedule: u64,
    pub(super) acked_bytes: u64,
    /// Acknowledgements that failed (a 5.0 refusal, a connection lost) or never came.
    pub(super) refused: u64,
    pub(super) first_refusal: Option<ClientError>,
    pub(super) unacked: u64,
    /// Distinct deliveries by the schedule's end.
    pub(super) received_in_schedule: u64,
    pub(super) span: Duration,
    pub(super) lag: Latencies,
    pub(super) received: Received,
    pub(super) drops: Option<u64>,
    pub(super) window_waits: Option<u64>,
    /// The busiest engine I/O thread's share of the schedule's time.
    pub(super) engine_busy: Option<f64>,
    /// JMeter's Shutdown ended the schedule (or the drain) early.
    pub(super) cut: bool,
}

impl StepRun {
    pub(super) fn send_rate(&self) -> f64 {
        self.acked_in_schedule as f64 / self.span.as_secs_f64().max(1e-9)
    }

    pub(super) fn receive_rate(&self) -> f64 {
        self.received_in_schedule as f64 / self.span.as_secs_f64().max(1e-9)
    }
}

/// One publishing connection's messages of the step.
#[derive(Default)]
struct Outbox {
    seq: u64,
    pending: VecDeque<(u64, PublishAck)>,
}

#[derive(Default)]
struct Acks {
    acked: u64,
    bytes: u64,
    refused: u64,
    first_refusal: Option<ClientError>,
}

impl Acks {
    /// Counts the answered acknowledgements at the front of `pending`.
    fn settle(&mut self, pending: &mut VecDeque<(u64, PublishAck)>) {
        while let Some((len, ack)) = pending.front_mut() {
            let answer = match ack.try_recv() {
                Err(TryRecvError::Empty) => return,
                Ok(a) => a,
                Err(TryRecvError::Closed) => Err(ClientError::NotConnected),
            };
            match answer {
                Ok(()) => {
                    self.acked += 1;
                    self.bytes += *len;
                }
                Err(e) => {
                    self.refused += 1;
                    self.first_refusal.get_or_insert(e);
                }
            }
            pending.pop_front();
        }
    }
}

fn message(plan: &Plan<'_>, publisher: usize, seq: u64, at: SystemTime) -> Publish {
    let mut b = BytesMut::with_capacity(64 + plan.padding.len());
    write_precise(&mut b, id(plan.base, plan.serial, publisher), seq, at);
    b.put_slice(plan.padding);
    Publish {
        dup: false,
        qos: plan.config.qos,
        retain: false,
        topic: plan.config.topic.clone(),
        pkid: 0,
        payload: b.freeze(),
        properties: Properties::new(),
    }
}

/// Runs the step `plan` describes; its inbox step is opened here and closed before returning.
pub(super) async fn run(
    plan: &Plan<'_>,
    inbox: &Inbox,
    sys: Option<&SysDrops>,
    shutdown: &Shutdown,
) -> StepRun {
    let n = plan.publishers.len();
    inbox.open_step(plan.serial, n, plan.subscribers);
    let drops_before = sys.and_then(SysDrops::total);
    let pace = Pace {
        every: PaceEvery::RatePerGroup(plan.rate),
        duration: plan.config.step_duration,
        messages: 0,
    };
    let schedule = Schedule::new(&pace, n);
    let mut outboxes: Vec<Outbox> = (0..n).map(|_| Outbox::default()).collect();
    let mut acks = Acks::default();
    let mut not_sent = 0u64;
    let mut held_back = 0u64;
    let mut first_failure = None;
    let mut waits = 0u64;
    let cpu_before = cpu::snapshot();
    let ran = paced::run(&schedule, shutdown, None, paced::no_wait, |i, at| {
        let out = &mut outboxes[i];
        acks.settle(&mut out.pending);
        if plan.window.is_some_and(|w| out.pending.len() >= w) {
            waits += 1;
        }
        let m = message(plan, i, out.seq, at);
        let len = m.payload.len() as u64;
        match plan.publishers[i].1.publish(m) {
            Ok(ack) => {
                out.seq += 1;
                out.pending.push_back((len, ack));
            }
            Err(ClientError::OutboundFull(_)) => {
                held_back += 1;
                waits += 1;
            }
            Err(e) => {
                not_sent += 1;
                first_failure.get_or_insert(e);
            }
        }
    })
    .await;
    let engine_busy = cpu_before
        .zip(cpu::snapshot())
        .and_then(|(b, a)| cpu::busiest(&b, &a));
    for out in &mut outboxes {
        acks.settle(&mut out.pending);
    }
    let acked_in_schedule = acks.acked;
    let received_in_schedule = inbox.distinct();
    let handed: u64 = outboxes.iter().map(|o| o.seq).sum();
    let expected = handed.saturating_mul(plan.subscribers as u64);
    let drained = drain(plan, inbox, &mut outboxes, &mut acks, expected, shutdown).await;
    let sent: Vec<u64> = outboxes.iter().map(|o| o.seq).collect();
    let received = inbox.close_step(&sent);
    StepRun {
        rate: plan.rate,
        intended: schedule.intended(),
        handed,
        not_sent,
        first_failure,
        held_back,
        acked_in_schedule,
        acked_bytes: acks.bytes,
        refused: acks.refused,
        first_refusal: acks.first_refusal,
        unacked: outboxes.iter().map(|o| o.pending.len() as u64).sum(),
        received_in_schedule,
        span: ran.span,
        lag: ran.lag,
        received,
        drops: growth(drops_before, sys.and_then(SysDrops::total)),
        window_waits: plan.window.map(|_| waits),
        engine_busy,
        cut: ran.stopped || !drained,
    }
}

/// Waits until every expected delivery arrived and every acknowledgement came, at most the
/// drain; false when JMeter's Shutdown ended the wait.
async fn drain(
    plan: &Plan<'_>,
    inbox: &Inbox,
    outboxes: &mut [Outbox],
    acks: &mut Acks,
    expected: u64,
    shutdown: &Shutdown,
) -> bool {
    let deadline = Instant::now() + plan.config.drain;
    let mut finished = true;
    loop {
        for out in outboxes.iter_mut() {
            acks.settle(&mut out.pending);
        }
        let notified = inbox.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        inbox.wake_at(expected);
        let acks_due = outboxes.iter().any(|o| !o.pending.is_empty());
        if inbox.distinct() >= expected && !acks_due {
            break;
        }
        if shutdown.is_requested() {
            finished = false;
            break;
        }
        tokio::select! {
            _ = notified => {}
            _ = tokio::time::sleep(ACK_POLL), if acks_due => {}
            _ = tokio::time::sleep_until(deadline) => break,
            _ = shutdown.requested() => {
                finished = false;
                break;
            }
        }
    }
    inbox.wake_at(u64::MAX);
    for out in outboxes.iter_mut() {
        acks.settle(&mut out.pending);
    }
    finished
}

/// The window a publishing connection of this group has for `qos`: our own cap on 3.x; on 5.0
/// the broker's Receive Maximum decides, which the sampler does not see, so none.
pub(super) fn window(qos: QoS, inflight_window: u16) -> Option<usize> {
    (qos != QoS::AtMostOnce && inflight_window != u16::MAX).then_some(usize::from(inflight_window))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_known_for_qos_1_and_2_under_our_own_cap() {
        assert_eq!(window(QoS::AtLeastOnce, 20), Some(20));
        assert_eq!(window(QoS::ExactlyOnce, 1), Some(1));
        assert_eq!(window(QoS::AtMostOnce, 20), None);
        assert_eq!(window(QoS::AtLeastOnce, u16::MAX), None);
    }
}
