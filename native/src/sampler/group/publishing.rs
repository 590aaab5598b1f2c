//! What a group keeps for its Publish elements: whose turn it is when they spread messages
//! round-robin, and the streams whose end marker goes out when the group disconnects.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;

use crate::client::Session;
use crate::codec::{Publish, QoS};
use crate::sampler::payload::write_end;
use crate::sampler::streams::Stream;

#[derive(Default)]
pub(super) struct Publishing {
    round_robin: AtomicUsize,
    /// Streams whose end marker a Disconnect sends (Publish elements that ask for end markers).
    end_markers: Mutex<Vec<EndMarker>>,
}

/// Where and how a stream's end marker goes: on the connection that published it, at its QoS.
struct EndMarker {
    slot: usize,
    stream: Arc<Stream>,
    qos: QoS,
}

impl Publishing {
    #[inline]
    pub(super) fn next_round_robin(&self) -> usize {
        self.round_robin.fetch_add(1, Ordering::Relaxed)
    }

    /// Moves the turn past `slots` that could not take it (not connected).
    pub(super) fn skip_round_robin(&self, slots: usize) {
        self.round_robin.fetch_add(slots, Ordering::Relaxed);
    }

    pub(super) fn add_end_marker(&self, slot: usize, stream: Arc<Stream>, qos: QoS) {
        if let Ok(mut g) = self.end_markers.lock() {
            if !g.iter().any(|m| m.stream.id == stream.id) {
                g.push(EndMarker { slot, stream, qos });
            }
        }
    }

    /// Publishes each end marker on its live connection and waits (at most `timeout`) for the
    /// broker to take it; returns how many it took.
    pub(super) async fn send_end_markers(
        &self,
        sessions: &[(usize, Arc<Session>)],
        timeout: Duration,
    ) -> usize {
        let markers: Vec<(usize, Publish)> = match self.end_markers.lock() {
            Ok(g) => g
                .iter()
                .map(|m| {
                    let mut payload = BytesMut::with_capacity(64);
                    write_end(
                        &mut payload,
                        m.stream.id,
                        m.stream.sent(),
                        crate::clock::now(),
                    );
                    let p = Publish {
                        dup: false,
                        qos: m.qos,
                        retain: false,
                        topic: m.stream.topic.clone(),
                        pkid: 0,
                        payload: payload.freeze(),
                        properties: Default::default(),
                    };
                    (m.slot, p)
                })
                .collect(),
            Err(_) => return 0,
        };
        let mut acks = Vec::new();
        for (slot, p) in markers {
            let live = sessions.iter().find(|(s, x)| *s == slot && !x.is_closed());
            if let Some(ack) = live.and_then(|(_, x)| x.publish(p).ok()) {
                acks.push(ack);
            }
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut sent = 0;
        for ack in acks {
            if let Ok(Ok(Ok(()))) = tokio::time::timeout_at(deadline, ack).await {
                sent += 1;
            }
        }
        sent
    }
}
