//! UNSUBSCRIBE waits for UNSUBACK and tells its reason codes; after it, the broker delivers nothing
//! more on those filters (a real Mosquitto).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mqttload::client::{Delivery, MessageSink, Session, SessionOptions};
use mqttload::codec::{ProtocolVersion, Publish, QoS, ReasonCode};
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    unsubscribe_until, ConnectConfig, ConnectionGroup, PublishConfig, Publisher, Shutdown,
    SubscribeConfig, Subscriber, UnsubscribeConfig,
};
use mqttload_testkit::Mosquitto;

#[derive(Default)]
struct Counter(AtomicU64);

impl MessageSink for Counter {
    fn on_message(&self, _: &Delivery<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn publish(topic: &str) -> Publish {
    Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: topic.into(),
        pkid: 0,
        payload: Bytes::from_static(b"m"),
        properties: Default::default(),
    }
}

async fn session(port: u16, id: &str, version: ProtocolVersion) -> Session {
    Session::connect(SessionOptions {
        version,
        ..SessionOptions::tcp("127.0.0.1", port, id)
    })
    .await
    .unwrap()
}

async fn unsubscribe_then_nothing_arrives(version: ProtocolVersion, expected: Vec<ReasonCode>) {
    let broker = Mosquitto::start().unwrap();
    let sub = session(broker.port, "unsub_sub", version).await;
    let publ = session(broker.port, "unsub_pub", version).await;
    let seen = Arc::new(Counter::default());
    let subscribed = sub
        .subscribe(
            vec![
                ("u/kept".into(), QoS::AtLeastOnce),
                ("u/gone".into(), QoS::AtLeastOnce),
            ],
            seen.clone(),
        )
        .unwrap();
    subscribed.await.unwrap().unwrap();
    for t in ["u/kept", "u/gone"] {
        publ.publish(publish(t)).unwrap().await.unwrap().unwrap();
    }
    let two = async {
        while seen.0.load(Ordering::SeqCst) < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), two)
        .await
        .unwrap();

    let acked = sub
        .unsubscribe_acked(vec!["u/gone".into(), "u/never".into()])
        .unwrap();
    let reasons = tokio::time::timeout(Duration::from_secs(5), acked)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(reasons, expected);

    for t in ["u/gone", "u/kept"] {
        publ.publish(publish(t)).unwrap().await.unwrap().unwrap();
    }
    let three = async {
        while seen.0.load(Ordering::SeqCst) < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), three)
        .await
        .unwrap();
    // the message on u/kept came after the one on u/gone: had u/gone been delivered, it would be here
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        seen.0.load(Ordering::SeqCst),
        3,
        "nothing more on the unsubscribed filter"
    );
    assert_eq!(
        sub.unrouted(),
        0,
        "the broker itself stopped sending u/gone"
    );
    sub.disconnect(Duration::from_secs(2)).await;
    publ.disconnect(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn v311_unsuback_has_no_reason_codes() {
    unsubscribe_then_nothing_arrives(ProtocolVersion::V311, vec![]).await;
}

#[tokio::test]
async fn v5_unsuback_names_a_filter_that_had_no_subscription() {
    unsubscribe_then_nothing_arrives(
        ProtocolVersion::V5,
        vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted],
    )
    .await;
}

fn group(port: u16, version: &str, connections: u32) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"{version}","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"us_","clientIdSuffix":true,"cleanSession":true,"connections":{connections}}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

fn publisher(topic: &str, n: u32) -> Publisher {
    Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":1,"message":"m","timestamp":"precise","messagesPerSample":{n}}}"#
        ))
        .unwrap(),
    )
}

fn unsubscribe(topics: &str) -> UnsubscribeConfig {
    UnsubscribeConfig::from_json(&format!(r#"{{"topics":"{topics}","timeoutMs":5000}}"#)).unwrap()
}

/// Collects until `n` messages arrived (or 5 s): (received, lost in total at the end).
async fn collect(sub: &Subscriber, g: &ConnectionGroup, n: i64) -> (i64, i64) {
    let mut received = 0;
    let mut lost_total = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while received < n && std::time::Instant::now() < deadline {
        let o = sub.subscribe(g).await;
        received += o.stats[figure::MESSAGES];
        lost_total = o.stats[figure::LOST_TOTAL];
    }
    (received, lost_total)
}

/// The Unsubscribe element on a group: its Subscribe element then neither receives nor expects
/// messages on the filter it removed, so nothing reads as lost; the other filter goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_unsubscribe_the_subscriber_neither_receives_nor_expects_that_filter() {
    let broker = Mosquitto::start().unwrap();
    let subs = group(broker.port, "3.1.1", 1);
    let pubs = group(broker.port, "3.1.1", 1);
    assert!(subs.connect().await.success);
    assert!(pubs.connect().await.success);
    let sub = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"us/kept, us/gone","qos":1,"condition":"time","conditionValue":100,"addTimestamp":true}"#,
        )
        .unwrap(),
    );
    let _ = sub.subscribe(&subs).await;
    let (kept, gone) = (publisher("us/kept", 10), publisher("us/gone", 10));
    assert!(kept.publish(&pubs).await.success);
    assert!(gone.publish(&pubs).await.success);
    assert_eq!(collect(&sub, &subs, 20).await, (20, 0));

    let o = unsubscribe_until(&subs, &unsubscribe("us/gone"), &Shutdown::never()).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.message, "Unsubscribed 1 connection(s) from 'us/gone'");

    assert!(kept.publish(&pubs).await.success);
    assert!(gone.publish(&pubs).await.success);
    let (received, lost_total) = collect(&sub, &subs, 10).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late = sub.subscribe(&subs).await;
    assert_eq!(
        received + late.stats[figure::MESSAGES],
        10,
        "only us/kept: {late:?}"
    );
    assert_eq!(
        (lost_total, late.stats[figure::LOST_TOTAL]),
        (0, 0),
        "us/gone is not expected: {late:?}"
    );
}

/// Every connection of the group unsubscribes; a 5.0 broker's "no subscription existed" is told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_unsubscribes_and_v5_reasons_are_told() {
    let broker = Mosquitto::start().unwrap();
    let subs = group(broker.port, "5.0", 3);
    assert!(subs.connect().await.success);
    let sub = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"us5/a","qos":1,"condition":"time","conditionValue":50}"#,
        )
        .unwrap(),
    );
    let _ = sub.subscribe(&subs).await;
    let o = unsubscribe_until(&subs, &unsubscribe("us5/a, us5/never"), &Shutdown::never()).await;
    assert!(o.success, "{o:?}");
    assert!(
        o.message
            .starts_with("Unsubscribed 3 connection(s) from 'us5/a', 'us5/never'")
            && o.message
                .contains("no such subscription on 3 connection(s)"),
        "{}",
        o.message
    );
    let pubs = group(broker.port, "5.0", 1);
    assert!(pubs.connect().await.success);
    assert!(publisher("us5/a", 5).publish(&pubs).await.success);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sub.subscribe(&subs).await.stats[figure::MESSAGES],
        0,
        "nothing after unsubscribe"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribe_without_connections_names_the_cause() {
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, "3.1.1", 2);
    let o = unsubscribe_until(&g, &unsubscribe("a"), &Shutdown::never()).await;
    assert!(!o.success);
    assert_eq!(o.code, "500", "{o:?}");
}
