//! UNSUBSCRIBE waits for UNSUBACK and tells its reason codes; after it, the broker delivers nothing
//! more on those filters (a real Mosquitto).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mqttload::client::{Delivery, MessageSink, Session, SessionOptions};
use mqttload::codec::{ProtocolVersion, Publish, QoS, ReasonCode};
use mqttload::testkit::Mosquitto;

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
