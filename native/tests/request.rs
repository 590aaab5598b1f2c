//! Request/response against a real Mosquitto: the Request element's round trip with the Responder
//! on MQTT 3.1.1 (the mqrq/mqrs envelope) and 5.0 (Response Topic, Correlation Data), and against
//! misbehaving responders scripted with plain engine sessions: one that never answers, one that
//! answers twice, one with the wrong correlation id, one that answers late; reply checks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use mqttload::client::{Delivery, MessageSink, Session};
use mqttload::codec::{Properties, Property, Publish, QoS};
use mqttload::sampler::envelope::{parse_request, write_reply_header};
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, RequestConfig, Requester, Responder, ResponderConfig,
    SampleOutcome, Shutdown, SubscribeConfig, Subscriber,
};
use mqttload::settings::{render, Element};
use mqttload_testkit::Mosquitto;

async fn connected(port: u16, version: &str, prefix: &str, connections: u32) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"{version}","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"{prefix}","clientIdSuffix":true,"connections":{connections}}}"#
    );
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    g
}

fn requester(json: &str) -> Requester {
    Requester::new(RequestConfig::from_json(json).unwrap())
}

fn responder(json: &str) -> Responder {
    Responder::new(ResponderConfig::from_json(json).unwrap())
}

fn fig(o: &SampleOutcome, i: usize) -> i64 {
    o.stats[i]
}

/// sent, matched, timeouts, check failed, unmatched, duplicates, late
fn counts(o: &SampleOutcome) -> [i64; 7] {
    [
        fig(o, figure::REQ_SENT),
        fig(o, figure::REQ_MATCHED),
        fig(o, figure::REQ_TIMEOUTS),
        fig(o, figure::REQ_CHECK_FAILED),
        fig(o, figure::REQ_UNMATCHED),
        fig(o, figure::REQ_DUPLICATES),
        fig(o, figure::REQ_LATE),
    ]
}

/// A watcher of every request and reply, payloads in its response data.
async fn watcher(port: u16, version: &str) -> (ConnectionGroup, Subscriber) {
    let g = connected(port, version, "watch_", 1).await;
    let s = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"requests/#,replies/#","qos":1,"condition":"time","conditionValue":300,"debugResponse":true}"#,
        )
        .unwrap(),
    );
    let o = s.subscribe(&g).await;
    assert!(o.success, "{o:?}");
    (g, s)
}

async fn round_trip(version: &str) {
    let broker = Mosquitto::start().unwrap();
    let (wg, watch) = watcher(broker.port, version).await;
    let devices = connected(broker.port, version, "dev_", 3).await;
    let commander = connected(broker.port, version, "cmd_", 2).await;
    let r = responder(r#"{"rsp":{"windowMs":0,"payload":"ok {{client_id}} {{request}}"}}"#);
    let o = r.respond(&devices).await;
    assert!(o.success, "{o:?}");
    let q = requester(
        r#"{"req":{"targets":3,"perSample":30,"payload":"n={{seq}} to {{target}}","check":"regex","checkValue":"^ok dev_\\S+ n=\\d+ to [0-2]$"}}"#,
    );
    for _ in 0..2 {
        let o = q.request(&commander).await;
        assert!(o.success, "{o:?}");
        assert_eq!(counts(&o), [30, 30, 0, 0, 0, 0, 0], "{o:?}");
        assert_eq!(o.sample_count, 30);
        let (p50, max) = (
            fig(&o, figure::REQ_RTT_P50_US),
            fig(&o, figure::REQ_RTT_MAX_US),
        );
        assert!(p50 > 0 && max >= p50 && max < 5_000_000, "{o:?}");
        assert!(
            o.message
                .starts_with("Requests: 30 sent, 30 replied; round trip p50"),
            "{o:?}"
        );
        assert!(o
            .response_data
            .as_ref()
            .is_some_and(|d| d.starts_with(b"ok dev_")));
    }
    let o = r.respond(&devices).await;
    assert!(o.success, "{o:?}");
    assert_eq!(fig(&o, figure::RSP_ANSWERED), 60, "{o:?}");
    assert_eq!(fig(&o, figure::RSP_UNANSWERABLE), 0);
    assert!(fig(&o, figure::RSP_DELAY_MAX_US) >= 0, "{o:?}");
    // What went over the wire: 3.1.1 in the envelope, 5.0 with properties (a plain payload).
    let seen = String::from_utf8(watch.subscribe(&wg).await.response_data.unwrap()).unwrap();
    let requests: Vec<&str> = seen.lines().filter(|l| l.contains("n=")).collect();
    if version == "5.0" {
        assert!(
            seen.contains("# properties: response-topic=replies/cmd_"),
            "{seen}"
        );
        assert!(seen.lines().any(|l| l.starts_with("n=0 to 0")), "{seen}");
        assert!(!seen.contains("mqrq:") && !seen.contains("mqrs:"), "{seen}");
    } else {
        let header = requests
            .iter()
            .find(|l| l.starts_with("mqrq:"))
            .expect(&seen);
        let (id, rest) = header["mqrq:".len()..].split_once(':').unwrap();
        assert_eq!(id.len(), 32, "{header}");
        assert!(
            rest.starts_with("replies/cmd_") && rest.contains(";n="),
            "{header}"
        );
        let reply = format!("mqrs:{id};ok dev_");
        assert!(
            seen.lines().any(|l| l.starts_with(&reply)),
            "{reply} in {seen}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_311() {
    round_trip("3.1.1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_v5() {
    round_trip("5.0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_that_never_answers_gives_timeouts() {
    let broker = Mosquitto::start().unwrap();
    let commander = connected(broker.port, "3.1.1", "cmd_", 1).await;
    let q = requester(r#"{"req":{"perSample":5,"timeoutMs":300}}"#);
    let started = Instant::now();
    let o = q.request(&commander).await;
    assert!(!o.success);
    assert_eq!(o.code, "501");
    assert_eq!(counts(&o), [5, 0, 5, 0, 0, 0, 0], "{o:?}");
    assert_eq!((o.sample_count, o.error_count), (5, 5));
    assert!(
        o.message
            .starts_with("Requests: 5 sent, 0 replied; 5 timed out (no reply within 300 ms)"),
        "{o:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(fig(&o, figure::REQ_RTT_P50_US), -1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_the_wait_and_counts_what_is_unanswered() {
    let broker = Mosquitto::start().unwrap();
    let commander = connected(broker.port, "3.1.1", "cmd_", 1).await;
    let q = requester(r#"{"req":{"perSample":3,"timeoutMs":60000}}"#);
    let (trigger, shutdown) = Shutdown::channel();
    let started = Instant::now();
    let (o, _) = tokio::join!(q.request_until(&commander, &shutdown), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.raise();
    });
    assert!(started.elapsed() < Duration::from_secs(5), "{o:?}");
    assert_eq!(o.code, "502");
    assert_eq!(counts(&o), [3, 0, 3, 0, 0, 0, 0], "{o:?}");
    assert!(
        o.message
            .contains("3 unanswered when JMeter shutdown ended the wait"),
        "{o:?}"
    );
}

/// How the scripted responder misbehaves.
#[derive(Clone, Copy)]
enum Fault {
    Twice,
    WrongId,
}

/// A responder of our own making: a plain session's subscription whose sink answers requests the
/// way `fault` says (while `faulty`; afterwards properly).
struct Scripted {
    session: OnceLock<Arc<Session>>,
    fault: Fault,
    faulty: AtomicBool,
}

impl MessageSink for Scripted {
    fn on_message(&self, d: &Delivery<'_>) {
        let p = d.publish;
        let (topic, mut id, body, v5) = match p.properties.response_topic() {
            Some(t) => (
                t.to_string(),
                p.properties.correlation_data().unwrap_or_default().to_vec(),
                p.payload.clone(),
                true,
            ),
            None => {
                let h = parse_request(&p.payload).expect("a request header");
                (
                    h.reply_topic.to_string(),
                    h.correlation.clone(),
                    p.payload.slice_ref(h.body),
                    false,
                )
            }
        };
        let faulty = self.faulty.load(Ordering::Acquire);
        if faulty && matches!(self.fault, Fault::WrongId) {
            if let Some(last) = id.last_mut() {
                *last ^= 0x55;
            }
        }
        let mut payload = BytesMut::new();
        let mut properties = Properties::new();
        if v5 {
            properties.push(Property::CorrelationData(Bytes::from(id)));
        } else {
            write_reply_header(&mut payload, &id);
        }
        payload.put_slice(&body);
        let reply = Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic,
            pkid: 0,
            payload: payload.freeze(),
            properties,
        };
        let copies = if faulty && matches!(self.fault, Fault::Twice) {
            2
        } else {
            1
        };
        if let Some(s) = self.session.get() {
            for _ in 0..copies {
                let _ = s.publish(reply.clone());
            }
        }
    }
}

async fn scripted(port: u16, version: &str, fault: Fault) -> (ConnectionGroup, Arc<Scripted>) {
    let g = connected(port, version, "bad_", 1).await;
    let session = g.connected()[0].1.clone();
    let sink = Arc::new(Scripted {
        session: OnceLock::new(),
        fault,
        faulty: AtomicBool::new(true),
    });
    let _ = sink.session.set(session.clone());
    let w = session
        .subscribe(vec![("requests/#".into(), QoS::AtLeastOnce)], sink.clone())
        .unwrap();
    let codes = tokio::time::timeout(Duration::from_secs(5), w).await;
    assert!(matches!(codes, Ok(Ok(Ok(_)))), "SUBACK");
    (g, sink)
}

async fn duplicates_are_counted(version: &str) {
    let broker = Mosquitto::start().unwrap();
    let (_bad, sink) = scripted(broker.port, version, Fault::Twice).await;
    let commander = connected(broker.port, version, "cmd_", 2).await;
    let q = requester(r#"{"req":{"perSample":10}}"#);
    let first = q.request(&commander).await;
    assert!(first.success, "{first:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    sink.faulty.store(false, Ordering::Release);
    let second = q.request(&commander).await;
    assert!(second.success, "{second:?}");
    assert_eq!(fig(&first, figure::REQ_MATCHED), 10);
    assert_eq!(fig(&second, figure::REQ_MATCHED), 10);
    let dups = fig(&first, figure::REQ_DUPLICATES) + fig(&second, figure::REQ_DUPLICATES);
    assert_eq!(dups, 10, "{first:?}\n{second:?}");
    // each sample names the duplicates it counted (where they land depends on timing)
    for o in [&first, &second] {
        let n = fig(o, figure::REQ_DUPLICATES);
        assert_eq!(
            n > 0,
            o.message.contains(&format!("{n} duplicate")),
            "{o:?}"
        );
    }
    for o in [&first, &second] {
        assert_eq!(
            fig(o, figure::REQ_UNMATCHED) + fig(o, figure::REQ_LATE),
            0,
            "{o:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_that_answers_twice_gives_duplicates_311() {
    duplicates_are_counted("3.1.1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_that_answers_twice_gives_duplicates_v5() {
    duplicates_are_counted("5.0").await;
}

async fn wrong_ids_are_unmatched(version: &str) {
    let broker = Mosquitto::start().unwrap();
    let (_bad, sink) = scripted(broker.port, version, Fault::WrongId).await;
    let commander = connected(broker.port, version, "cmd_", 1).await;
    let q = requester(r#"{"req":{"perSample":8,"timeoutMs":500}}"#);
    let o = q.request(&commander).await;
    assert!(!o.success);
    assert_eq!(counts(&o)[..3], [8, 0, 8], "{o:?}");
    assert_eq!(fig(&o, figure::REQ_UNMATCHED), 8, "{o:?}");
    assert!(o.message.contains("8 unmatched"), "{o:?}");
    sink.faulty.store(false, Ordering::Release);
    let o = q.request(&commander).await;
    assert!(o.success, "{o:?}");
    assert_eq!(counts(&o), [8, 8, 0, 0, 0, 0, 0], "{o:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_with_the_wrong_correlation_gives_unmatched_311() {
    wrong_ids_are_unmatched("3.1.1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_with_the_wrong_correlation_gives_unmatched_v5() {
    wrong_ids_are_unmatched("5.0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_after_the_timeout_are_late_in_the_next_sample() {
    let broker = Mosquitto::start().unwrap();
    let devices = connected(broker.port, "3.1.1", "dev_", 1).await;
    let commander = connected(broker.port, "3.1.1", "cmd_", 1).await;
    let r = responder(r#"{"rsp":{"windowMs":0,"delayMs":400}}"#);
    assert!(r.respond(&devices).await.success);
    let q = requester(r#"{"req":{"perSample":4,"timeoutMs":100}}"#);
    let first = q.request(&commander).await;
    assert_eq!(counts(&first), [4, 0, 4, 0, 0, 0, 0], "{first:?}");
    // while its requests wait out the delay, the responder says so
    let waiting = r.respond(&devices).await;
    assert_eq!(fig(&waiting, figure::RSP_WAITING), 4, "{waiting:?}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let second = q.request(&commander).await;
    assert_eq!(fig(&second, figure::REQ_LATE), 4, "{second:?}");
    assert!(second.message.contains("4 late"), "{second:?}");
    let answered = r.respond(&devices).await;
    assert_eq!(fig(&answered, figure::RSP_ANSWERED), 4, "{answered:?}");
    let p50 = fig(&answered, figure::RSP_DELAY_P50_US);
    assert!((400_000..1_500_000).contains(&p50), "{answered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_checks_pass_and_fail() {
    let broker = Mosquitto::start().unwrap();
    let devices = connected(broker.port, "5.0", "dev_", 1).await;
    let commander = connected(broker.port, "5.0", "cmd_", 1).await;
    let r =
        responder(r#"{"rsp":{"windowMs":0,"payload":"{\"status\":\"ok\",\"echo\":{{request}}}"}}"#);
    assert!(r.respond(&devices).await.success);
    for (check, value) in [
        ("contains", r#"\"status\":\"ok\""#),
        (
            "equals",
            r#"{\"status\":\"ok\",\"echo\":{\"command\":\"ping\",\"seq\":0}}"#,
        ),
        ("regex", r#"^\\{\"status\":\"(ok|done)\""#),
    ] {
        let q = requester(&format!(
            r#"{{"req":{{"perSample":1,"check":"{check}","checkValue":"{value}"}}}}"#
        ));
        let o = q.request(&commander).await;
        assert!(o.success, "{check}: {o:?}");
        assert_eq!(counts(&o), [1, 1, 0, 0, 0, 0, 0], "{check}: {o:?}");
    }
    let q = requester(r#"{"req":{"perSample":3,"check":"contains","checkValue":"error"}}"#);
    let o = q.request(&commander).await;
    assert!(!o.success);
    assert_eq!((o.code.as_str(), o.error_count), ("501", 3));
    assert_eq!(counts(&o), [3, 3, 0, 3, 0, 0, 0], "{o:?}");
    let shown = render(Element::Request, &o.message);
    assert!(
        shown.contains(
            "Check the reply (mqtt.reply_check): 3 of 3 replies failed, first '{\"status\":\"ok\""
        ) && shown.contains("does not contain 'error'"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_responder_cannot_answer_are_counted_and_named() {
    let broker = Mosquitto::start().unwrap();
    let devices = connected(broker.port, "3.1.1", "dev_", 2).await;
    let r = responder(r#"{"rsp":{"windowMs":0,"topics":"devices/{{conn}}/req"}}"#);
    assert!(r.respond(&devices).await.success);
    let sender = connected(broker.port, "3.1.1", "raw_", 1).await;
    let session = sender.connected()[0].1.clone();
    for (topic, payload) in [
        ("devices/0/req", &b"no header"[..]),
        ("devices/1/req", b"mqrq:xyz:replies/x;"),
        ("devices/1/req", b"mqrq:00ff:replies/x"),
        ("devices/0/req", b"mqrq:00ff:replies/+;"),
    ] {
        let ack = session
            .publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: topic.into(),
                pkid: 0,
                payload: Bytes::copy_from_slice(payload),
                properties: Properties::new(),
            })
            .unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(5), ack).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let o = r.respond(&devices).await;
    assert!(!o.success);
    assert_eq!(o.code, "501");
    assert_eq!(fig(&o, figure::RSP_UNANSWERABLE), 4, "{o:?}");
    assert_eq!(fig(&o, figure::RSP_ANSWERED), 0, "{o:?}");
    for words in [
        "4 could not be answered",
        "1 without a response topic (no MQTT 5.0 Response Topic, no mqrq header) (first on 'devices/0/req')",
        "2 with a malformed mqrq header (first on 'devices/1/req': mqrq header's correlation id",
        "1 with a response topic no reply can go to (first on 'devices/0/req': mqrq header's reply topic 'replies/+' holds a wildcard",
    ] {
        assert!(o.message.contains(words), "{words} in {}", o.message);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_targets_are_reached_in_turn() {
    let broker = Mosquitto::start().unwrap();
    let devices = connected(broker.port, "3.1.1", "dev_", 5).await;
    let r = responder(
        r#"{"rsp":{"windowMs":0,"topics":"devices/dev-{{conn:3}}/req","payload":"{{client_id}}"}}"#,
    );
    assert!(r.respond(&devices).await.success);
    let commander = connected(broker.port, "3.1.1", "cmd_", 1).await;
    let q = requester(
        r#"{"req":{"topic":"devices/dev-{{target:3}}/req","targets":5,"perSample":10,"rate":200}}"#,
    );
    let started = Instant::now();
    let o = q.request(&commander).await;
    assert!(o.success, "{o:?}");
    assert_eq!(counts(&o), [10, 10, 0, 0, 0, 0, 0], "{o:?}");
    // paced: 10 requests at 200/s take about 45 ms to send
    assert!(started.elapsed() >= Duration::from_millis(40), "{o:?}");
    let answered = r.respond(&devices).await;
    assert_eq!(fig(&answered, figure::RSP_ANSWERED), 10, "{answered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_broker_refuses_are_named() {
    let acl = std::env::temp_dir().join(format!("mqttload-request-acl-{}", std::process::id()));
    std::fs::write(
        &acl,
        "topic readwrite replies/#\ntopic readwrite requests/#\n",
    )
    .unwrap();
    let broker = Mosquitto::start_with(&format!("acl_file {}\n", acl.display())).unwrap();
    let commander = connected(broker.port, "5.0", "cmd_", 1).await;
    // One request: Mosquitto 2.0.11 closes a 5.0 connection right after the PUBACK that refuses a
    // QoS 1 message ("Bad socket read/write"), so a second one races the close.
    let q = requester(r#"{"req":{"topic":"forbidden/{{target}}","perSample":1,"timeoutMs":300}}"#);
    let o = q.request(&commander).await;
    let _ = std::fs::remove_file(&acl);
    assert!(!o.success);
    assert_eq!(counts(&o)[..3], [1, 0, 1], "{o:?}");
    assert!(
        o.message.contains("1 refused by the broker: ") && o.message.contains("0x87"),
        "{o:?}"
    );
}
