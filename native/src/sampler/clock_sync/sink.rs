//! Where a clock connection's messages go, on its session task. The reference answers a probe
//! right there, so the time it came (`t2`) and the time it went back (`t3`) are as close to the
//! wire as the engine gets; everything else is handed to the peer's task.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use crate::client::{Delivery, MessageSink, Session};
use crate::clock::{self, epoch_nanos};
use crate::codec::{Publish, QoS};

use super::wire::{Message, Topics};

/// A message for the peer's task, with when it came (epoch ns on the peer's clock).
#[derive(Debug, Clone, Copy)]
pub(super) struct Received {
    pub(super) message: Message,
    pub(super) at: i64,
}

pub(super) struct ControlSink {
    me: u32,
    shift_ns: i64,
    topics: Topics,
    /// We are the reference: probes are answered.
    answering: Arc<AtomicBool>,
    session: Weak<Session>,
    events: mpsc::Sender<Received>,
    open: AtomicBool,
}

impl ControlSink {
    pub(super) fn new(
        me: u32,
        shift_ns: i64,
        topics: Topics,
        answering: Arc<AtomicBool>,
        session: &Arc<Session>,
        events: mpsc::Sender<Received>,
    ) -> ControlSink {
        ControlSink {
            me,
            shift_ns,
            topics,
            answering,
            session: Arc::downgrade(session),
            events,
            open: AtomicBool::new(true),
        }
    }

    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    fn answer(&self, from: u32, burst: u32, n: u32, t1: i64, t2: i64) {
        let Some(session) = self.session.upgrade() else {
            return;
        };
        let t3 = epoch_nanos(clock::shifted(clock::now(), self.shift_ns));
        let answer = Message::Answer {
            from: self.me,
            burst,
            n,
            t1,
            t2,
            t3,
        };
        // QoS 0: a lost answer is one sample fewer; a resent one would measure the resend.
        let _ = session.publish(Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: self.topics.answer(from),
            pkid: 0,
            payload: answer.encode(),
            properties: Default::default(),
        });
    }
}

impl MessageSink for ControlSink {
    fn on_message(&self, d: &Delivery<'_>) {
        if !self.is_open() {
            return;
        }
        let Some(message) = Message::parse(&d.publish.payload) else {
            return;
        };
        let at = epoch_nanos(clock::shifted(d.received_at, self.shift_ns));
        if let Message::Ask { from, burst, n, t1 } = message {
            if self.answering.load(Ordering::Acquire) {
                self.answer(from, burst, n, t1, at);
            }
            return;
        }
        // Full only when the task is far behind: a lost probe or announcement is one of many.
        let _ = self.events.try_send(Received { message, at });
    }

    fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    fn takes_control(&self) -> bool {
        true
    }
}
