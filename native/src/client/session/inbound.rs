use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::BytesMut;

use crate::client::topic::{is_control, topic_matches};
use crate::codec::{
    decode_packet, Packet, ProtocolVersion, PubAck, PubComp, PubRec, PubRel, Publish, QoS,
    ReasonCode, SubAck, UnsubAck,
};

use super::handshake::{auth_reply, with_reason_string};
use super::subscriptions::{Delivery, MessageSink};
use super::task::{AwaitedAck, Task};

/// Unclaimed messages held per connection; beyond this they are only counted (as unrouted).
const MAX_EARLY_MESSAGES: usize = 100_000;

impl Task {
    pub(super) fn handle_input(&mut self, inbuf: &mut BytesMut) -> Result<(), String> {
        loop {
            let packet = match decode_packet(inbuf, self.opts.version, self.opts.max_packet_size) {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(()),
                Err(e) => return Err(format!("malformed packet from broker: {e}")),
            };
            self.handle_packet(packet)?;
        }
    }

    pub(super) fn handle_packet(&mut self, packet: Packet) -> Result<(), String> {
        match packet {
            Packet::Publish(p) => self.receive(p)?,
            Packet::PubAck(PubAck {
                pkid,
                reason,
                properties,
            }) => {
                if reason.is_error() {
                    self.reject(pkid, reason, &properties);
                } else {
                    self.complete(pkid, AwaitedAck::PubAck);
                }
            }
            Packet::PubRec(PubRec {
                pkid,
                reason,
                properties,
            }) if reason.is_error() => {
                // The exchange ends here: no PUBREL for a refused message.
                self.reject(pkid, reason, &properties);
            }
            Packet::PubRec(PubRec { pkid, .. }) => {
                if let Some(o) = self.outgoing.get_mut(&pkid) {
                    o.stage = AwaitedAck::PubComp;
                }
                // Answer even for an unknown id, or the broker would resend forever.
                let _ = Packet::PubRel(PubRel::new(pkid)).encode(self.opts.version, &mut self.out);
            }
            Packet::PubComp(PubComp { pkid, .. }) => self.complete(pkid, AwaitedAck::PubComp),
            Packet::PubRel(PubRel { pkid, .. }) => {
                self.incoming_qos2.remove(&pkid);
                let _ =
                    Packet::PubComp(PubComp::new(pkid)).encode(self.opts.version, &mut self.out);
            }
            Packet::SubAck(SubAck {
                pkid, return_codes, ..
            }) => {
                if let Some(done) = self.pending_subs.remove(&pkid) {
                    let _ = done.send(Ok(return_codes));
                }
            }
            Packet::UnsubAck(UnsubAck { pkid, reasons, .. }) => {
                if let Some((_, Some(done))) = self.pending_unsubs.remove(&pkid) {
                    let _ = done.send(Ok(reasons));
                }
            }
            Packet::PingResp => self.ping_sent = None,
            Packet::Disconnect(d) => {
                let why = with_reason_string(d.reason, &d.properties);
                tracing::info!(client_id = %self.client_id, reason = %why, "broker sent DISCONNECT");
                return Err(format!("broker disconnected: {why}"));
            }
            Packet::Auth(auth) => {
                // Re-authentication started by the broker.
                let Some(a) = self.opts.authenticator.clone() else {
                    return Err(
                        "broker sent AUTH but no authentication method is configured".into(),
                    );
                };
                if auth.reason == ReasonCode::Success {
                    return Ok(());
                }
                let reply = auth_reply(a.as_ref(), &auth).map_err(|e| e.to_string())?;
                let _ = Packet::Auth(reply).encode(self.opts.version, &mut self.out);
            }
            other => {
                return Err(format!(
                    "broker sent {} which a client never receives",
                    other.kind()
                ))
            }
        }
        Ok(())
    }

    pub(super) fn complete(&mut self, pkid: u16, expected: AwaitedAck) {
        let matches = matches!(
            (self.outgoing.get(&pkid).map(|o| &o.stage), &expected),
            (Some(AwaitedAck::PubAck), AwaitedAck::PubAck)
                | (Some(AwaitedAck::PubComp), AwaitedAck::PubComp)
        );
        if !matches {
            return;
        }
        if let Some(o) = self.outgoing.remove(&pkid) {
            if let Some(d) = o.done {
                let _ = d.send(Ok(()));
            }
        }
        self.pump_waiting();
    }

    pub(super) fn receive(&mut self, mut p: Publish) -> Result<(), String> {
        // MQTT 5.0 Topic Alias: deliveries always carry the real topic.
        if let Some(a) = p.properties.topic_alias() {
            if a == 0 || a > self.link.our_alias_max {
                return Err(format!(
                    "broker used topic alias {a}, beyond the Topic Alias Maximum of {} we allow \
                     (0x94 Topic Alias invalid)",
                    self.link.our_alias_max
                ));
            }
            if p.topic.is_empty() {
                match self.link.incoming_aliases.get(&a) {
                    Some(t) => p.topic = t.clone(),
                    None => return Err(format!("broker used topic alias {a} before defining it")),
                }
            } else {
                self.link.incoming_aliases.insert(a, p.topic.clone());
            }
        }
        if self.opts.version == ProtocolVersion::V5 && p.qos != QoS::AtMostOnce {
            let in_flight = self.incoming_qos2.len()
                + self.qos1_unacked
                + usize::from(!(p.qos == QoS::ExactlyOnce && self.incoming_qos2.contains(&p.pkid)));
            if in_flight > usize::from(self.link.our_receive_max) {
                return Err(format!(
                    "broker had {in_flight} QoS 1/2 messages in flight to us, beyond the Receive \
                     Maximum of {} we allow (0x93 Receive Maximum exceeded)",
                    self.link.our_receive_max
                ));
            }
        }
        let deliver = match p.qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                let _ =
                    Packet::PubAck(PubAck::new(p.pkid)).encode(self.opts.version, &mut self.out);
                self.qos1_unacked += 1;
                true
            }
            // Delivered on first receipt; the id is remembered until PUBREL so a resent
            // copy (DUP=1) is not counted twice.
            QoS::ExactlyOnce => {
                let _ =
                    Packet::PubRec(PubRec::new(p.pkid)).encode(self.opts.version, &mut self.out);
                if self.incoming_qos2.insert(p.pkid) {
                    true
                } else if p.dup {
                    false
                } else {
                    // A first send (DUP=0) on an id still awaiting PUBREL is a new message: the
                    // broker reused an id in flight. Dropping it as a resend loses it unseen
                    // (Mosquitto with unlimited in-flight wraps ids past 65,535), so deliver it
                    // and count the fault for the sample to report.
                    self.shared.reused_ids.fetch_add(1, Ordering::Relaxed);
                    true
                }
            }
        };
        if !deliver {
            return Ok(());
        }
        let delivery = Delivery {
            publish: &p,
            received_at: crate::clock::now(),
        };
        // Control traffic is not load: a `#` subscription of the load's must not count it.
        let control = is_control(&p.topic);
        // One copy per subscription: a sink whose two filters both match counts it once. A sink
        // closed before its detach reached this task (a freed subscriber) takes nothing: what
        // it would have dropped is counted unrouted instead.
        let mut reached: Vec<&Arc<dyn MessageSink>> = Vec::new();
        for r in &self.routes {
            if topic_matches(&r.matches, &p.topic)
                && (!control || r.sink.takes_control())
                && r.sink.is_open()
                && !reached.iter().any(|s| Arc::ptr_eq(s, &r.sink))
            {
                r.sink.on_message(&delivery);
                reached.push(&r.sink);
            }
        }
        if reached.is_empty() && !control {
            self.shared.unrouted.fetch_add(1, Ordering::Relaxed);
            if self.early.len() < MAX_EARLY_MESSAGES {
                let received_at = delivery.received_at;
                self.early.push_back((p, received_at));
            }
        }
        Ok(())
    }

    /// Hands the held messages that `sink`'s filters match to it, with their arrival times.
    pub(super) fn replay_early(&mut self, sink: &Arc<dyn MessageSink>) {
        if self.early.is_empty() {
            return;
        }
        let filters: Vec<&str> = self
            .routes
            .iter()
            .filter(|r| Arc::ptr_eq(&r.sink, sink))
            .map(|r| r.matches.as_str())
            .collect();
        let mut kept = VecDeque::with_capacity(self.early.len());
        for (p, received_at) in self.early.drain(..) {
            if filters.iter().any(|f| topic_matches(f, &p.topic)) {
                sink.on_message(&Delivery {
                    publish: &p,
                    received_at,
                });
                self.shared.unrouted.fetch_sub(1, Ordering::Relaxed);
            } else {
                kept.push_back((p, received_at));
            }
        }
        self.early = kept;
    }
}
