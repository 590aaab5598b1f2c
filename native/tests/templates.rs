//! Templates against a real Mosquitto: each connection publishes on its own topic with its own
//! identity and message number in the payload, and subscribes to its own filter.

use std::time::{Duration, Instant};

use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, SubscribeConfig, Subscriber,
};
use mqttload_testkit::Mosquitto;

async fn connected(port: u16, connections: u32) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"tpl_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
        "connAttemptMax":0,"reconnAttemptMax":0,"connections":{connections},"will":null}}"#
    );
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    g
}

fn subscriber(topics: &str, count: u64, timeout_ms: u64) -> Subscriber {
    Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topics}","qos":1,"condition":"count","conditionValue":{count},"timeoutMs":{timeout_ms},"addTimestamp":true,"debugResponse":true}}"#
        ))
        .unwrap(),
    )
}

/// Samples until `want` messages arrived (or 10 s); the debug payloads, one per line.
async fn collect(sub: &Subscriber, g: &ConnectionGroup, want: i64) -> (i64, Vec<String>, i64) {
    let mut got = 0;
    let mut lines = Vec::new();
    let mut lost_total = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    while got < want && Instant::now() < deadline {
        let o = sub.subscribe(g).await;
        got += o.stats[figure::MESSAGES];
        lost_total = o.stats[figure::LOST_TOTAL];
        let data = String::from_utf8(o.response_data.unwrap_or_default()).unwrap();
        lines.extend(data.lines().map(str::to_string));
    }
    (got, lines, lost_total)
}

/// (client id, n) from `mqlt:...;{"id":"<client id>","n":<n>}`.
fn parse(line: &str) -> (String, u64) {
    let (_, body) = line.split_once(';').expect("a precise header");
    let v: serde_json::Value = serde_json::from_str(body).expect(body);
    (
        v["id"].as_str().unwrap().to_string(),
        v["n"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_connection_publishes_on_its_own_topic_with_its_own_payload() {
    let broker = Mosquitto::start().unwrap();
    let publishers = connected(broker.port, 3).await;
    let watcher = connected(broker.port, 1).await;
    let one = connected(broker.port, 1).await;
    let all = subscriber("t/#", 1, 200);
    let only_1 = subscriber("t/1", 1, 200);
    let _ = all.subscribe(&watcher).await;
    let _ = only_1.subscribe(&one).await;

    let p = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"t/{{conn}}","qos":1,"message":"{\"id\":\"{{client_id}}\",\"n\":{{seq}}}","timestamp":"precise","messagesPerSample":2}"#,
        )
        .unwrap(),
    );
    let o = p.publish(&publishers).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.stats[figure::MESSAGES], 6);

    let (got, lines, lost) = collect(&all, &watcher, 6).await;
    assert_eq!(got, 6, "{lines:?}");
    assert_eq!(
        lost, 0,
        "the expanded topics' streams are accounted: {lines:?}"
    );
    let mut seen: Vec<(String, u64)> = lines.iter().map(|l| parse(l)).collect();
    seen.sort();
    let mut want: Vec<(String, u64)> = publishers
        .client_ids()
        .iter()
        .flat_map(|id| [(id.clone(), 0), (id.clone(), 1)])
        .collect();
    want.sort();
    assert_eq!(seen, want);

    // t/1 is the second connection's topic, and carries its id only.
    let (got, lines, lost) = collect(&only_1, &one, 2).await;
    assert_eq!(got, 2, "{lines:?}");
    assert_eq!(lost, 0, "{lines:?}");
    let id1 = &publishers.client_ids()[1];
    let mut seen: Vec<(String, u64)> = lines.iter().map(|l| parse(l)).collect();
    seen.sort();
    assert_eq!(seen, vec![(id1.clone(), 0), (id1.clone(), 1)]);

    // The next sample goes on numbering.
    assert!(p.publish(&publishers).await.success);
    let (got, lines, _) = collect(&only_1, &one, 2).await;
    assert_eq!(got, 2);
    let ns: Vec<u64> = lines.iter().map(|l| parse(l).1).collect();
    assert!(ns.contains(&2) && ns.contains(&3), "{ns:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_connection_subscribes_to_its_own_filter() {
    let broker = Mosquitto::start().unwrap();
    let subscribers = connected(broker.port, 3).await;
    let sender = connected(broker.port, 1).await;
    let sub = subscriber("cmd/{{conn}}", 1, 300);
    let _ = sub.subscribe(&subscribers).await;

    let to = |topic: &str| {
        Publisher::new(
            PublishConfig::from_json(&format!(
                r#"{{"topic":"{topic}","qos":1,"message":"for {topic}"}}"#
            ))
            .unwrap(),
        )
    };
    assert!(to("cmd/1").publish(&sender).await.success);
    assert!(to("cmd/7").publish(&sender).await.success);
    let (got, lines, _) = collect(&sub, &subscribers, 1).await;
    assert_eq!(got, 1, "one connection subscribed to cmd/1: {lines:?}");
    assert_eq!(lines, vec!["for cmd/1".to_string()]);
    // Nothing more: cmd/7 is nobody's, and cmd/1 went to one connection only.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let o = sub.subscribe(&subscribers).await;
    assert_eq!(o.stats[figure::MESSAGES], 0, "{o:?}");
}
