//! The acknowledgements of a Publish sample's messages, burst or paced: counted as they come in,
//! awaited up to the ack timeout after the last send, and what is missing worded for the sample.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot::error::TryRecvError;
use tokio::time::Instant;

use crate::client::{ClientError, PublishAck, Session};

use super::shutdown::Shutdown;

/// The acknowledgements of the messages sent, counted as they come in.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) sent: u64,
    pub(super) bytes: u64,
    pub(super) failures: Vec<ClientError>,
    pub(super) timed_out: u64,
    pub(super) cut_short: u64,
    /// Never handed to a connection: its outbound limit (bytes) stayed full until the deadline.
    pub(super) not_sent: u64,
    pub(super) outbound_limit: usize,
    /// QoS 0: a message is done when written, so a missing "acknowledgement" is a write.
    pub(super) at_most_once: bool,
    /// QoS 0 messages handed off by earlier samples that their connections never wrote.
    pub(super) handed_lost: NeverWritten,
}

/// QoS 0 messages handed to connections (a Publish sample ended once they were queued) that
/// the connections never wrote, added up over sessions, and why the last was not: told by the
/// group's next Publish or Disconnect sample, so that no such loss goes unreported.
#[derive(Default, Debug)]
pub(super) struct NeverWritten(Option<(u64, String)>);

impl NeverWritten {
    /// Adds what one session says it lost (see [`Session::take_handed_lost`]).
    pub(super) fn add(&mut self, lost: Option<(u64, String)>) {
        if let Some((n, why)) = lost {
            let before = self.0.as_ref().map_or(0, |(m, _)| *m);
            self.0 = Some((before + n, why));
        }
    }

    pub(super) fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The sentence for the sample's message, `before` saying when they were handed off.
    pub(super) fn describe(&self, before: &str) -> Option<String> {
        self.0.as_ref().map(|(n, why)| {
            format!(
                "{n} QoS 0 message(s) handed to the connections{before} were never written \
                 (subscribers count them lost): {why}"
            )
        })
    }
}

impl Tally {
    pub(super) fn new(qos: crate::codec::QoS) -> Tally {
        Tally {
            at_most_once: qos == crate::codec::QoS::AtMostOnce,
            ..Tally::default()
        }
    }

    #[inline]
    fn settle(&mut self, len: u64, answer: Result<Result<(), ClientError>, ()>) {
        match answer {
            Ok(Ok(())) => {
                self.sent += 1;
                self.bytes += len;
            }
            Ok(Err(e)) => self.failures.push(e),
            Err(()) => self.failures.push(ClientError::NotConnected),
        }
    }

    /// Counts the answered acknowledgements at the front, so a long schedule holds only the
    /// ones in flight.
    #[inline]
    pub(super) fn drain(&mut self, pending: &mut VecDeque<(u64, PublishAck)>) {
        while let Some((len, ack)) = pending.front_mut() {
            let answer = match ack.try_recv() {
                Ok(r) => Ok(r),
                Err(TryRecvError::Closed) => Err(()),
                Err(TryRecvError::Empty) => return,
            };
            let len = *len;
            pending.pop_front();
            self.settle(len, answer);
        }
    }

    /// A QoS 0 message handed to its connection: sent, as far as at-most-once goes.
    pub(super) fn handed_off(&mut self, len: u64, handed: Result<(), ClientError>) {
        match handed {
            Ok(()) => {
                self.sent += 1;
                self.bytes += len;
            }
            Err(ClientError::OutboundFull(limit)) => self.not_sent(limit),
            Err(e) => self.failures.push(e),
        }
    }

    /// Takes what the connections of `live` lost of the messages handed off to them.
    pub(super) fn collect_handed_lost(&mut self, live: &[(usize, Arc<Session>)]) {
        for (_, session) in live {
            self.handed_lost.add(session.take_handed_lost());
        }
    }

    pub(super) fn attempted(&self) -> u64 {
        self.sent + self.failures.len() as u64 + self.timed_out + self.cut_short + self.not_sent
    }

    /// Every message went out and was acknowledged.
    pub(super) fn clean(&self) -> bool {
        self.failures.is_empty()
            && self.timed_out == 0
            && self.cut_short == 0
            && self.not_sent == 0
            && self.handed_lost.is_none()
    }

    /// What handing a message to its connection came to: the acknowledgement to await, or
    /// the failure counted.
    pub(super) fn handed(
        &mut self,
        len: u64,
        sent: Result<PublishAck, ClientError>,
    ) -> Option<(u64, PublishAck)> {
        match sent {
            Ok(ack) => Some((len, ack)),
            Err(ClientError::OutboundFull(limit)) => {
                self.not_sent(limit);
                None
            }
            Err(e) => {
                self.failures.push(e);
                None
            }
        }
    }

    pub(super) fn not_sent(&mut self, outbound_limit: usize) {
        self.not_sent += 1;
        self.outbound_limit = outbound_limit;
    }

    /// Nothing went through, and only because the connections were gone.
    pub(super) fn all_lost(&self) -> bool {
        self.sent == 0
            && !self.failures.is_empty()
            && self
                .failures
                .iter()
                .all(|e| matches!(e, ClientError::NotConnected | ClientError::Lost(_)))
            && self.timed_out == 0
            && self.cut_short == 0
            && self.not_sent == 0
    }

    /// What was not acknowledged, and why, for the sample's message.
    pub(super) fn shortfalls(&self, ack_timeout: Duration, parts: &mut Vec<String>) {
        let Tally {
            ref failures,
            timed_out,
            cut_short,
            not_sent,
            outbound_limit,
            at_most_once,
            ..
        } = *self;
        if not_sent > 0 {
            parts.push(format!(
                "{not_sent} not sent: the connection's outbound limit ({} KiB) stayed full until \
                 the ack timeout of {} ms, the broker or the network not taking the bytes (stalled \
                 or slow)",
                outbound_limit / 1024,
                ack_timeout.as_millis()
            ));
        }
        let done = if at_most_once {
            "written (queued behind bytes the socket did not take)"
        } else {
            "acknowledged"
        };
        if timed_out > 0 {
            parts.push(format!(
                "{timed_out} not {done} within {} ms",
                ack_timeout.as_millis()
            ));
        }
        if cut_short > 0 {
            parts.push(format!(
                "{cut_short} not {done} when JMeter shutdown ended the wait"
            ));
        }
        if let Some(first) = failures.first() {
            parts.push(format!("{} failed: {first}", failures.len()));
        }
        parts.extend(self.handed_lost.describe(" before"));
    }
}

/// Waits until `session` can take another message: true at once when it can, false when
/// `deadline` or JMeter's Shutdown comes first. A broker that does not read makes a publisher
/// wait here, bounded, instead of queueing without end.
pub(super) async fn room(session: &Session, deadline: Instant, shutdown: &Shutdown) -> bool {
    if session.has_room() {
        return true;
    }
    if shutdown.is_requested() || Instant::now() >= deadline {
        return false;
    }
    tokio::select! {
        biased;
        _ = shutdown.requested() => false,
        r = tokio::time::timeout_at(deadline, session.wait_for_room()) => r.is_ok() && session.has_room(),
    }
}

/// Awaits the acknowledgements still in flight, up to `deadline`; JMeter's Shutdown ends the
/// wait with what has been answered by then.
pub(super) async fn await_acks(
    tally: &mut Tally,
    pending: impl IntoIterator<Item = (u64, PublishAck)>,
    deadline: Instant,
    shutdown: &Shutdown,
) {
    let ended = shutdown.requested();
    tokio::pin!(ended);
    for (len, mut ack) in pending {
        if shutdown.is_requested() {
            match ack.try_recv() {
                Ok(r) => tally.settle(len, Ok(r)),
                Err(TryRecvError::Closed) => tally.settle(len, Err(())),
                Err(TryRecvError::Empty) => tally.cut_short += 1,
            }
            continue;
        }
        tokio::select! {
            acked = tokio::time::timeout_at(deadline, &mut ack) => match acked {
                Ok(Ok(r)) => tally.settle(len, Ok(r)),
                Ok(Err(_)) => tally.settle(len, Err(())),
                Err(_) => tally.timed_out += 1,
            },
            _ = &mut ended => match ack.try_recv() {
                Ok(r) => tally.settle(len, Ok(r)),
                Err(TryRecvError::Closed) => tally.settle(len, Err(())),
                Err(TryRecvError::Empty) => tally.cut_short += 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NeverWritten;

    #[test]
    fn never_written_adds_up_sessions_and_keeps_the_last_reason() {
        let mut lost = NeverWritten::default();
        assert_eq!(lost.describe(" before"), None);
        lost.add(Some((3, "connection reset".into())));
        lost.add(None);
        lost.add(Some((4, "closed by the broker".into())));
        assert_eq!(
            lost.describe(" before").as_deref(),
            Some(
                "7 QoS 0 message(s) handed to the connections before were never written \
                 (subscribers count them lost): closed by the broker"
            )
        );
    }
}
