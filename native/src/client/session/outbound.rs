use crate::client::error::ClientError;
use crate::codec::{Packet, Properties, Property, ProtocolVersion, Publish, QoS, ReasonCode};

use super::commands::Queued;
use super::handshake::with_reason_string;
use super::task::{AwaitedAck, OnWritten, Outgoing, Task};

impl Task {
    pub(super) fn start_publish(&mut self, mut q: Queued) {
        if q.publish.qos == QoS::AtMostOnce {
            q.publish.pkid = 0;
            match self.encode_publish(q.publish, q.alias) {
                Ok(()) => self.encoded(q.cost, OnWritten::qos0(q.done)),
                Err(e) => {
                    self.shared.outbound.release(q.cost);
                    match q.done {
                        Some(d) => {
                            let _ = d.send(Err(e));
                        }
                        None => self.shared.lost_handed(1, &e.to_string()),
                    }
                }
            }
            return;
        }
        if !self.waiting_for_id.is_empty() || !self.has_send_slot() {
            // The broker's Receive Maximum (or the id space) is used up: wait, in order.
            self.waiting_for_id.push_back(q);
            return;
        }
        self.send_qos12(q);
    }

    pub(super) fn has_send_slot(&self) -> bool {
        self.outgoing.len() < self.link.send_max
    }

    /// Sends a QoS 1/2 message now; false when no packet id is free (it then waits first).
    pub(super) fn send_qos12(&mut self, q: Queued) -> bool {
        let Some(pkid) = self.alloc_pkid() else {
            // Every id is in flight: the message waits for an acknowledgement to free one.
            self.waiting_for_id.push_front(q);
            return false;
        };
        let Queued {
            publish: mut p,
            done,
            alias,
            cost,
        } = q;
        p.pkid = pkid;
        let stage = if p.qos == QoS::AtLeastOnce {
            AwaitedAck::PubAck
        } else {
            AwaitedAck::PubRec
        };
        match self.encode_publish(p.clone(), alias) {
            Ok(()) => {
                self.encoded(cost, OnWritten::Nobody);
                self.next_order += 1;
                self.outgoing.insert(
                    pkid,
                    Outgoing {
                        publish: p,
                        done,
                        stage,
                        order: self.next_order,
                    },
                );
            }
            Err(e) => {
                self.shared.outbound.release(cost);
                if let Some(d) = done {
                    let _ = d.send(Err(e));
                }
            }
        }
        true
    }

    /// Sends what waits, as far as the in-flight window allows.
    pub(super) fn pump_waiting(&mut self) {
        while self.has_send_slot() {
            let Some(q) = self.waiting_for_id.pop_front() else {
                break;
            };
            if !self.send_qos12(q) {
                break;
            }
        }
    }

    /// Encodes a PUBLISH, with our topic alias when asked and allowed, never larger than the
    /// broker's Maximum Packet Size. Nothing is written on error.
    pub(super) fn encode_publish(
        &mut self,
        mut p: Publish,
        alias: bool,
    ) -> Result<(), ClientError> {
        let mut new_alias = None;
        if alias
            && self.opts.version == ProtocolVersion::V5
            && self.link.topic_alias_max > 0
            && p.properties.topic_alias().is_none()
        {
            if let Some(&a) = self.link.outgoing_aliases.get(&p.topic) {
                p.topic.clear();
                p.properties.push(Property::TopicAlias(a));
            } else if self.link.outgoing_aliases.len() < usize::from(self.link.topic_alias_max) {
                let a = u16::try_from(self.link.outgoing_aliases.len() + 1).unwrap_or(u16::MAX);
                p.properties.push(Property::TopicAlias(a));
                new_alias = Some((p.topic.clone(), a));
            }
        }
        let packet = Packet::Publish(p);
        if let Some(max) = self.link.max_packet {
            let size = packet
                .encoded_len(self.opts.version)
                .map_err(|e| ClientError::Encode(e.to_string()))?;
            if size > max as usize {
                return Err(ClientError::TooLarge { size, max });
            }
        }
        packet
            .encode(self.opts.version, &mut self.out)
            .map_err(|e| ClientError::Encode(e.to_string()))?;
        if let Some((topic, a)) = new_alias {
            self.link.outgoing_aliases.insert(topic, a);
        }
        Ok(())
    }

    /// A PUBACK/PUBREC with a failure reason code: that message failed, its slot is free.
    pub(super) fn reject(&mut self, pkid: u16, reason: ReasonCode, properties: &Properties) {
        let awaited = matches!(
            self.outgoing.get(&pkid).map(|o| &o.stage),
            Some(AwaitedAck::PubAck | AwaitedAck::PubRec)
        );
        if !awaited {
            return;
        }
        if let Some(o) = self.outgoing.remove(&pkid) {
            if let Some(d) = o.done {
                let _ = d.send(Err(ClientError::Rejected(with_reason_string(
                    reason, properties,
                ))));
            }
        }
        self.pump_waiting();
    }

    pub(super) fn alloc_pkid(&mut self) -> Option<u16> {
        for _ in 0..u16::MAX {
            self.next_pkid = self.next_pkid.checked_add(1).unwrap_or(1);
            let id = self.next_pkid;
            if !self.outgoing.contains_key(&id)
                && !self.pending_subs.contains_key(&id)
                && !self.pending_unsubs.contains_key(&id)
            {
                return Some(id);
            }
        }
        None
    }
}
