//! One connection's requests and their replies. The sink runs on the connection's session task:
//! a reply with no processing delay is handed to the same connection at once (a command queued,
//! nothing awaited); with a delay, a timer task of the runtime sends it later. What happened is
//! counted in `Answering`, which the element's samples read.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use bytes::{BufMut, Bytes, BytesMut};

use crate::client::{Delivery, MessageSink, Session};
use crate::codec::{Properties, Property, Publish};
use crate::sampler::config::ResponderConfig;
use crate::sampler::envelope::{
    parse_request, reply_topic_problem, write_reply_header, HeaderError,
};
use crate::sampler::stats::Latencies;
use crate::sampler::template::{ExtraVars, Vars};

/// Why a request got no reply, as the sample names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unanswerable {
    NoResponseTopic,
    MalformedHeader,
    BadResponseTopic,
    NotSent,
}

impl Unanswerable {
    pub(super) const ALL: [Unanswerable; 4] = [
        Unanswerable::NoResponseTopic,
        Unanswerable::MalformedHeader,
        Unanswerable::BadResponseTopic,
        Unanswerable::NotSent,
    ];

    pub(super) fn describe(self) -> &'static str {
        match self {
            Unanswerable::NoResponseTopic => {
                "without a response topic (no MQTT 5.0 Response Topic, no mqrq header)"
            }
            Unanswerable::MalformedHeader => "with a malformed mqrq header",
            Unanswerable::BadResponseTopic => "with a response topic no reply can go to",
            Unanswerable::NotSent => "whose reply could not be sent",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Counts since the last sample.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) answered: u64,
    /// Per `Unanswerable`: how many, and the first one's request topic and detail.
    pub(super) unanswerable: [(u64, Option<String>); 4],
    /// Arrival to reply handed over, µs.
    pub(super) delays: Latencies,
}

impl Tally {
    pub(super) fn unanswered(&self) -> u64 {
        self.unanswerable.iter().map(|(n, _)| n).sum()
    }
}

/// What every connection's sink of one Responder shares.
pub(super) struct Answering {
    config: Arc<ResponderConfig>,
    tally: Mutex<Tally>,
    /// Requests waiting out the processing delay.
    waiting: AtomicU64,
    /// Cleared when the element is dropped: nothing more is answered.
    open: AtomicBool,
}

impl Answering {
    pub(super) fn new(config: Arc<ResponderConfig>) -> Answering {
        Answering {
            config,
            tally: Mutex::new(Tally::default()),
            waiting: AtomicU64::new(0),
            open: AtomicBool::new(true),
        }
    }

    pub(super) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }

    pub(super) fn waiting(&self) -> u64 {
        self.waiting.load(Ordering::Acquire)
    }

    pub(super) fn take(&self) -> Tally {
        self.tally
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default()
    }

    fn answered(&self, arrived: Instant) {
        let us = i128::try_from(arrived.elapsed().as_micros()).unwrap_or(i128::MAX);
        if let Ok(mut t) = self.tally.lock() {
            t.answered += 1;
            t.delays.record(us);
        }
    }

    fn unanswerable(&self, why: Unanswerable, topic: &str, detail: impl FnOnce() -> String) {
        if let Ok(mut t) = self.tally.lock() {
            let (n, first) = &mut t.unanswerable[why.index()];
            *n += 1;
            if first.is_none() {
                let d = detail();
                *first = Some(if d.is_empty() {
                    format!("first on '{topic}'")
                } else {
                    format!("first on '{topic}': {d}")
                });
            }
        }
    }
}

/// A request as far as its reply needs it.
struct Request {
    reply_topic: String,
    correlation: Bytes,
    /// The payload without any mqrq header.
    body: Bytes,
    /// It came with MQTT 5.0 properties: the reply carries its Correlation Data the same way.
    v5: bool,
}

fn read_request(p: &Publish) -> Result<Request, (Unanswerable, String)> {
    if let Some(topic) = p.properties.response_topic() {
        if let Some(why) = reply_topic_problem(topic) {
            return Err((
                Unanswerable::BadResponseTopic,
                format!("Response Topic {why}"),
            ));
        }
        return Ok(Request {
            reply_topic: topic.to_string(),
            correlation: p
                .properties
                .correlation_data()
                .map(Bytes::copy_from_slice)
                .unwrap_or_default(),
            body: p.payload.clone(),
            v5: true,
        });
    }
    match parse_request(&p.payload) {
        Ok(h) => Ok(Request {
            reply_topic: h.reply_topic.to_string(),
            correlation: Bytes::from(h.correlation),
            body: p.payload.slice_ref(h.body),
            v5: false,
        }),
        Err(HeaderError::Missing) => Err((Unanswerable::NoResponseTopic, String::new())),
        Err(e @ HeaderError::ReplyTopic(_)) => Err((Unanswerable::BadResponseTopic, e.to_string())),
        Err(e) => Err((Unanswerable::MalformedHeader, e.to_string())),
    }
}

/// One connection of the group: the sink of its request subscription.
pub(super) struct ConnectionSink {
    /// Itself, for the timer task of a delayed reply.
    me: Weak<ConnectionSink>,
    shared: Arc<Answering>,
    /// The connection's session, followed when a Connect replaces it.
    session: Mutex<Weak<Session>>,
    conn: u64,
    conn_test: u64,
    client_id: String,
    /// The next reply's number on this connection ({{seq}}).
    seq: AtomicU64,
}

impl MessageSink for ConnectionSink {
    fn is_open(&self) -> bool {
        self.shared.open.load(Ordering::Acquire)
    }

    fn on_message(&self, d: &Delivery<'_>) {
        if !self.is_open() {
            return;
        }
        let arrived = Instant::now();
        let request = match read_request(d.publish) {
            Ok(r) => r,
            Err((why, detail)) => {
                return self.shared.unanswerable(why, &d.publish.topic, || detail)
            }
        };
        let delay = self.shared.config.delay;
        if delay.is_zero() {
            return self.answer(&request, arrived);
        }
        // On the session task, so a runtime is there; a sink called elsewhere answers at once.
        let (Ok(runtime), Some(me)) = (tokio::runtime::Handle::try_current(), self.me.upgrade())
        else {
            return self.answer(&request, arrived);
        };
        self.shared.waiting.fetch_add(1, Ordering::AcqRel);
        runtime.spawn(async move {
            tokio::time::sleep(delay).await;
            me.shared.waiting.fetch_sub(1, Ordering::AcqRel);
            if me.is_open() {
                me.answer(&request, arrived);
            }
        });
    }
}

impl ConnectionSink {
    pub(super) fn new(shared: Arc<Answering>, vars: &Vars<'_>) -> Arc<ConnectionSink> {
        Arc::new_cyclic(|me| ConnectionSink {
            me: me.clone(),
            shared,
            session: Mutex::new(Weak::new()),
            conn: vars.conn,
            conn_test: vars.conn_test,
            client_id: vars.client_id.to_string(),
            seq: AtomicU64::new(0),
        })
    }

    pub(super) fn follow(&self, session: &Arc<Session>) {
        if let Ok(mut s) = self.session.lock() {
            *s = Arc::downgrade(session);
        }
    }

    /// The reply's PUBLISH: the payload template filled in for this connection and request, the
    /// correlation id as the request carried it.
    fn reply(&self, request: &Request) -> Publish {
        let config = &self.shared.config;
        let vars = Vars {
            conn: self.conn,
            conn_test: self.conn_test,
            client_id: &self.client_id,
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
        };
        let mut payload = BytesMut::with_capacity(config.payload.len() + request.body.len() + 40);
        let mut properties = Properties::new();
        if request.v5 {
            if !request.correlation.is_empty() {
                properties.push(Property::CorrelationData(request.correlation.clone()));
            }
        } else {
            write_reply_header(&mut payload, &request.correlation);
        }
        match &config.payload_template {
            Some(t) => t.expand_with(
                &mut payload,
                &vars,
                &ExtraVars {
                    target: 0,
                    request: &request.body,
                },
            ),
            None => payload.put_slice(&config.payload),
        }
        Publish {
            dup: false,
            qos: config.qos,
            retain: false,
            topic: request.reply_topic.clone(),
            pkid: 0,
            payload: payload.freeze(),
            properties,
        }
    }

    fn answer(&self, request: &Request, arrived: Instant) {
        let session = self.session.lock().ok().and_then(|s| s.upgrade());
        let Some(session) = session else {
            return self
                .shared
                .unanswerable(Unanswerable::NotSent, &request.reply_topic, || {
                    "the connection is gone".into()
                });
        };
        match session.publish(self.reply(request)) {
            Ok(_) => self.shared.answered(arrived),
            Err(e) => self
                .shared
                .unanswerable(Unanswerable::NotSent, &request.reply_topic, || {
                    e.to_string()
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use crate::sampler::config::ResponderConfig;

    fn publish(payload: &'static [u8], properties: Properties) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "requests/0".into(),
            pkid: 0,
            payload: Bytes::from_static(payload),
            properties,
        }
    }

    fn sink(payload: &str) -> Arc<ConnectionSink> {
        let config = ResponderConfig::from_json(&format!(
            r#"{{"rsp":{{"payload":{}}}}}"#,
            serde_json::to_string(payload).unwrap()
        ))
        .unwrap();
        let vars = Vars {
            conn: 2,
            conn_test: 5,
            client_id: "dev-2",
            seq: 0,
        };
        ConnectionSink::new(Arc::new(Answering::new(Arc::new(config))), &vars)
    }

    #[test]
    fn a_311_request_gets_the_header_and_its_payload_echoed() {
        let s = sink("ok {{client_id}} #{{seq}}: {{request}}");
        let r = read_request(&publish(b"mqrq:0a0b:replies/c1;do it", Properties::new())).unwrap();
        assert!(!r.v5);
        let reply = s.reply(&r);
        assert_eq!(reply.topic, "replies/c1");
        assert_eq!(&reply.payload[..], b"mqrs:0a0b;ok dev-2 #0: do it");
        assert!(reply.properties.is_empty());
        assert_eq!(&s.reply(&r).payload[..], b"mqrs:0a0b;ok dev-2 #1: do it");
    }

    #[test]
    fn a_v5_request_gets_its_correlation_data_back() {
        let s = sink("{{request}}");
        let mut props = Properties::new();
        props.push(Property::ResponseTopic("replies/c5".into()));
        props.push(Property::CorrelationData(Bytes::from_static(b"\x00\x01")));
        let r = read_request(&publish(b"mqrq:looks like a header;", props)).unwrap();
        let reply = s.reply(&r);
        assert_eq!(reply.topic, "replies/c5");
        assert_eq!(&reply.payload[..], b"mqrq:looks like a header;");
        assert_eq!(reply.properties.correlation_data(), Some(&b"\x00\x01"[..]));
    }

    #[test]
    fn unanswerable_requests_are_named() {
        let why = |p: Publish| read_request(&p).err();
        assert_eq!(
            why(publish(b"plain", Properties::new())),
            Some((Unanswerable::NoResponseTopic, String::new()))
        );
        assert_eq!(
            why(publish(b"mqrq:zz:r;", Properties::new())).map(|(w, _)| w),
            Some(Unanswerable::MalformedHeader)
        );
        assert_eq!(
            why(publish(b"mqrq:00:r/#;", Properties::new())).map(|(w, _)| w),
            Some(Unanswerable::BadResponseTopic)
        );
        let mut props = Properties::new();
        props.push(Property::ResponseTopic("r/+".into()));
        assert_eq!(
            why(publish(b"", props)).map(|(w, _)| w),
            Some(Unanswerable::BadResponseTopic)
        );
        // counted with the first one's topic and detail
        let s = sink("x");
        s.on_message(&Delivery {
            publish: &publish(b"mqrq:zz:r;", Properties::new()),
            received_at: std::time::SystemTime::now(),
        });
        s.on_message(&Delivery {
            publish: &publish(b"plain", Properties::new()),
            received_at: std::time::SystemTime::now(),
        });
        // no session: not sent
        s.on_message(&Delivery {
            publish: &publish(b"mqrq:00:r;", Properties::new()),
            received_at: std::time::SystemTime::now(),
        });
        let t = s.shared.take();
        assert_eq!(t.unanswered(), 3);
        assert_eq!(
            t.unanswerable[Unanswerable::MalformedHeader.index()],
            (
                1,
                Some(
                    "first on 'requests/0': mqrq header's correlation id is not hex digits".into()
                )
            )
        );
        assert_eq!(t.unanswerable[Unanswerable::NotSent.index()].0, 1);
        assert_eq!(s.shared.take().unanswered(), 0);
    }
}
