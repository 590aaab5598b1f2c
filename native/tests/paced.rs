//! Paced publishing against a real Mosquitto: the schedule's counts, its acknowledgements, its
//! timestamps (the intended send times) and its ends (duration, Shutdown, unanswered messages).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mqttload::codec::ProtocolVersion;
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, Shutdown, SubscribeConfig, Subscriber,
};
use mqttload_testkit::Mosquitto;
use support::{accept_connect, fake_broker, read_packet_as};

fn group(port: u16, connections: u32, prefix: &str) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":60,
        "clientIdPrefix":"{prefix}","clientIdSuffix":true,"cleanSession":true,"connections":{connections}}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

fn paced(topic: &str, qos: u8, pace: &str, ack_timeout_ms: u64) -> Publisher {
    Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"x","timestamp":"precise","ackTimeoutMs":{ack_timeout_ms},"pace":{pace}}}"#
        ))
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_connections_every_100_ms_for_2_s_all_acknowledged() {
    let broker = Mosquitto::start().unwrap();
    let subs = group(broker.port, 1, "psub_");
    assert!(subs.connect().await.success);
    let sub = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"paced/1","qos":1,"condition":"time","conditionValue":200,"addTimestamp":true}"#,
        )
        .unwrap(),
    );
    let _ = sub.subscribe(&subs).await;
    let pubs = group(broker.port, 200, "ppub_");
    let o = pubs.connect().await;
    assert!(o.success, "{o:?}");

    let p = paced(
        "paced/1",
        1,
        r#"{"mode":"interval","intervalMs":100,"durationMs":2000}"#,
        10_000,
    );
    let started = Instant::now();
    let o = p.publish(&pubs).await;
    let took = started.elapsed();
    assert!(o.success, "{o:?}");
    assert_eq!(o.stats[figure::PUB_INTENDED], 4000, "{o:?}");
    assert_eq!(o.stats[figure::PUB_SENT], 4000, "{o:?}");
    assert_eq!(o.stats[figure::MESSAGES], 4000);
    assert_eq!(o.sample_count, 4000);
    assert!(
        o.message
            .starts_with("Paced 4,000 of 4,000 message(s) over 2.0 s at "),
        "{o:?}"
    );
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let rate = o.stats[figure::PUB_RATE_MILLI] as f64 / 1000.0;
    assert!((1800.0..=2100.0).contains(&rate), "{rate} msg/s: {o:?}");
    let (p50, p99) = (
        o.stats[figure::PUB_LAG_P50_US],
        o.stats[figure::PUB_LAG_P99_US],
    );
    assert!(p50 >= 0 && p99 >= p50, "{o:?}");
    // A debug build on a shared machine: only a loose bound here (the bench measures it).
    assert!(p99 < 100_000, "lag p99 {p99} µs: {o:?}");

    // Every message arrives; its timestamp is the intended time, so latency is measured from it.
    let mut received = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    while received < 4000 && Instant::now() < deadline {
        let s = sub.subscribe(&subs).await;
        received += s.stats[figure::MESSAGES].max(0);
        assert_eq!(s.stats[figure::LOST].max(0), 0, "nothing lost: {s:?}");
    }
    assert_eq!(received, 4000);
    pubs.disconnect().await;
    subs.disconnect().await;
}

#[tokio::test]
async fn group_rate_and_message_cap() {
    let broker = Mosquitto::start().unwrap();
    let pubs = group(broker.port, 10, "pcap_");
    assert!(pubs.connect().await.success);
    // 100 msg/s for the group (each connection every 100 ms), capped at 25: ends after 250 ms.
    let p = paced(
        "paced/cap",
        0,
        r#"{"mode":"rate_per_group","rate":100,"durationMs":60000,"messages":25}"#,
        5_000,
    );
    // as the plugin runs it: a task of the runtime
    let pubs = Arc::new(pubs);
    let started = Instant::now();
    let o = Arc::new(p)
        .publish_on_runtime(pubs.clone(), Shutdown::never())
        .await;
    assert!(o.success, "{o:?}");
    assert_eq!(
        (o.stats[figure::PUB_SENT], o.stats[figure::PUB_INTENDED]),
        (25, 25),
        "{o:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2), "{o:?}");
    pubs.disconnect().await;
}

#[tokio::test]
async fn shutdown_ends_a_paced_sample_with_what_it_sent() {
    let broker = Mosquitto::start().unwrap();
    let pubs = group(broker.port, 5, "pstop_");
    assert!(pubs.connect().await.success);
    let p = paced(
        "paced/stop",
        1,
        r#"{"mode":"rate_per_connection","rate":10,"durationMs":60000}"#,
        10_000,
    );
    let (trigger, shutdown) = Shutdown::channel();
    let started = Instant::now();
    let (o, _) = tokio::join!(p.publish_until(&pubs, &shutdown), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        trigger.raise();
    });
    assert!(started.elapsed() < Duration::from_secs(2), "{o:?}");
    assert!(!o.success);
    assert_eq!(o.code, "502", "{o:?}");
    assert!(
        o.message.contains("JMeter shutdown ended the schedule"),
        "{o:?}"
    );
    assert_eq!(o.stats[figure::PUB_INTENDED], 3000, "{o:?}");
    let sent = o.stats[figure::PUB_SENT];
    assert!((20..=35).contains(&sent), "{o:?}");
    pubs.disconnect().await;
}

#[tokio::test]
async fn unacknowledged_paced_messages_are_counted() {
    // Accepts the connection, reads its PUBLISHes, never answers them.
    let port = fake_broker(|mut s, mut buf| async move {
        accept_connect(ProtocolVersion::V311, &mut s, &mut buf).await;
        while read_packet_as(ProtocolVersion::V311, &mut s, &mut buf)
            .await
            .is_some()
        {}
    })
    .await;
    let pubs = group(port, 1, "pnoack_");
    assert!(pubs.connect().await.success);
    let p = paced(
        "paced/noack",
        1,
        r#"{"mode":"interval","intervalMs":50,"durationMs":200}"#,
        300,
    );
    let started = Instant::now();
    let o = p.publish(&pubs).await;
    assert!(started.elapsed() < Duration::from_secs(2), "{o:?}");
    assert_eq!(o.code, "501", "{o:?}");
    assert!(
        o.message.contains("4 not acknowledged within 300 ms"),
        "{o:?}"
    );
    assert_eq!(
        (o.stats[figure::PUB_SENT], o.stats[figure::PUB_INTENDED]),
        (0, 4)
    );
    assert_eq!((o.sample_count, o.error_count), (4, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_a_schedule_running_on_the_runtime() {
    let broker = Mosquitto::start().unwrap();
    let subs = group(broker.port, 1, "pabort_sub_");
    assert!(subs.connect().await.success);
    let sub = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"paced/abort","qos":0,"condition":"time","conditionValue":300}"#,
        )
        .unwrap(),
    );
    let _ = sub.subscribe(&subs).await;
    let pubs = Arc::new(group(broker.port, 4, "pabort_"));
    assert!(pubs.connect().await.success);
    let p = Arc::new(paced(
        "paced/abort",
        0,
        r#"{"mode":"rate_per_connection","rate":50,"durationMs":60000}"#,
        1_000,
    ));
    // JMeter's Stop drops the sample's future (the group's cancel): the task goes with it.
    let cut = tokio::time::timeout(
        Duration::from_millis(300),
        p.clone()
            .publish_on_runtime(pubs.clone(), Shutdown::never()),
    )
    .await;
    assert!(cut.is_err());
    let during = sub.subscribe(&subs).await.stats[figure::MESSAGES];
    assert!(during > 0, "it was publishing");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = sub.subscribe(&subs).await;
    assert_eq!(
        after.stats[figure::MESSAGES].max(0),
        0,
        "still publishing: {after:?}"
    );
}
