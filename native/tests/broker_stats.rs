//! The Broker Statistics operation against a real Mosquitto publishing its `$SYS` tree every
//! second, and against one that publishes none.

use std::time::{Duration, Instant};

use mqttload::sampler::{
    BrokerStats, BrokerStatsConfig, ConnectConfig, ConnectionGroup, PublishConfig, Publisher,
    Shutdown,
};
use mqttload_testkit::Mosquitto;

fn group(port: u16, prefix: &str) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"{prefix}","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
        "connAttemptMax":0,"reconnAttemptMax":0,"connections":1,"will":null}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

fn stats(timeout_ms: u64) -> BrokerStats {
    BrokerStats::new(
        BrokerStatsConfig::from_json(&format!(r#"{{"firstTimeoutMs":{timeout_ms}}}"#)).unwrap(),
    )
}

fn figure(s: &BrokerStats, name: &str) -> Option<f64> {
    s.figures()
        .into_iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, v)| v)
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_clients_and_rates_from_mosquitto() {
    let broker = Mosquitto::start_with("sys_interval 1").unwrap();
    // Three load connections beside the statistics' own.
    let load = group(broker.port, "load_");
    assert!(load.connect().await.success);
    let more: Vec<ConnectionGroup> = (0..2).map(|_| group(broker.port, "more_")).collect();
    for g in &more {
        assert!(g.connect().await.success);
    }
    let own = group(broker.port, "stats_");
    let s = stats(10_000);
    let first = s.sample(&own).await;
    assert!(first.success, "{first:?}");
    let data = String::from_utf8(first.response_data.clone().unwrap()).unwrap();
    assert!(
        data.contains("$SYS/broker/version = mosquitto version"),
        "{data}"
    );
    let lines: Vec<&str> = data.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "sorted by topic");
    assert!(first.message.starts_with("clients "), "{}", first.message);
    // Publish for a while: the broker's totals grow, and so must our rate.
    let p = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"stats/load","qos":1,"message":"hello","messagesPerSample":50,"ackTimeoutMs":10000}"#,
        )
        .unwrap(),
    );
    let mut rate = None;
    let deadline = Instant::now() + Duration::from_secs(12);
    while Instant::now() < deadline {
        for _ in 0..10 {
            assert!(p.publish(&load).await.success);
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        let o = s.sample(&own).await;
        assert!(o.success, "{o:?}");
        rate = figure(&s, "MQTT_BROKER_MSGS_RECEIVED_PER_S").filter(|r| *r > 0.0);
        let clients = figure(&s, "MQTT_BROKER_CLIENTS").unwrap_or(0.0);
        if rate.is_some() && clients >= 4.0 {
            assert!(o.message.contains("msgs in "), "{}", o.message);
            break;
        }
    }
    let rate = rate.expect("a message rate from consecutive totals");
    // 500 messages a second at most, less with the sampling: not more than published.
    assert!(rate < 5_000.0, "{rate}");
    assert!(figure(&s, "MQTT_BROKER_CLIENTS").unwrap() >= 4.0);
    assert!(figure(&s, "MQTT_BROKER_SUBSCRIPTIONS").unwrap() >= 1.0);
    assert!(figure(&s, "MQTT_BROKER_HEAP_BYTES").unwrap() > 0.0);
    assert!(figure(&s, "MQTT_BROKER_BYTES_RECEIVED_PER_S").is_some());
    assert!(figure(&s, "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sys_tree_fails_the_sample_at_its_timeout() {
    let broker = Mosquitto::start_with("sys_interval 0").unwrap();
    let own = group(broker.port, "stats_");
    let s = stats(800);
    let started = Instant::now();
    let o = s.sample(&own).await;
    let took = started.elapsed();
    assert!(!o.success);
    assert_eq!(o.code, "501");
    assert!(
        o.message.contains("no $SYS messages within 800 ms"),
        "{}",
        o.message
    );
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(s.figures().iter().all(|(_, v)| v.is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_and_stop_end_the_first_wait() {
    let broker = Mosquitto::start_with("sys_interval 0").unwrap();
    let own = group(broker.port, "stats_");
    let s = stats(600_000);
    let (trigger, shutdown) = Shutdown::channel();
    let raise = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.raise();
    });
    let started = Instant::now();
    let o = s.sample_until(&own, &shutdown).await;
    raise.await.unwrap();
    assert!(!o.success && o.message.contains("shutdown"), "{o:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Stop: the group's cancel ends the wait with "Interrupted".
    let own = std::sync::Arc::new(own);
    let canceller = own.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    let o = own.cancellable(started, s.sample(&own)).await;
    assert_eq!(o.message, "Interrupted");
    assert!(started.elapsed() < Duration::from_secs(2));
}
