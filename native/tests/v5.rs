//! MQTT 5.0 end to end: against a real Mosquitto 2.0 (testkit) where it can show the feature,
//! against scripted fake brokers where it cannot (limits, reason codes, aliases).

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqttload::codec::{
    ConnAck, ConnectReturnCode, Disconnect, Packet, Properties, Property, ProtocolVersion, PubAck,
    Publish, QoS, ReasonCode, SubAck, SubscribeReturnCode,
};
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, DisconnectSettings, PublishConfig, Publisher, SampleOutcome,
    SubscribeConfig, Subscriber,
};
use mqttload_testkit::Mosquitto;
use support::fake_broker;
use tokio::net::TcpStream;

const V5: ProtocolVersion = ProtocolVersion::V5;

fn connect_json(port: u16, extra: &str) -> String {
    format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"5.0","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"v5_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
        "connAttemptMax":0,"reconnAttemptMax":0,"connections":1,"will":null{extra}}}"#
    )
}

fn group(port: u16, extra: &str) -> ConnectionGroup {
    ConnectionGroup::new(ConnectConfig::from_json(&connect_json(port, extra)).unwrap()).unwrap()
}

async fn connected(port: u16, extra: &str) -> ConnectionGroup {
    let g = group(port, extra);
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    g
}

fn publisher(json: &str) -> Publisher {
    Publisher::new(PublishConfig::from_json(json).unwrap())
}

fn subscriber(json: &str) -> Subscriber {
    Subscriber::new(SubscribeConfig::from_json(json).unwrap())
}

/// Samples until `want` messages arrived or 5 s passed; returns the count and debug lines.
async fn collect(sub: &Subscriber, g: &ConnectionGroup, want: i64) -> (i64, Vec<String>) {
    let mut got = 0;
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while got < want && Instant::now() < deadline {
        let o = sub.subscribe(g).await;
        got += o.stats[figure::MESSAGES].max(0);
        if let Some(d) = o.response_data {
            lines.extend(
                String::from_utf8_lossy(&d)
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string),
            );
        }
    }
    (got, lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_round_trip_qos_0_1_2() {
    let broker = Mosquitto::start().unwrap();
    let subs = connected(broker.port, "").await;
    let pubs = connected(broker.port, "").await;
    for qos in 0..=2 {
        let topic = format!("v5rt/{qos}");
        let sub = subscriber(&format!(
            r#"{{"topics":"{topic}","qos":{qos},"condition":"count","conditionValue":1,"timeoutMs":200,"addTimestamp":true}}"#
        ));
        let _ = sub.subscribe(&subs).await;
        let p = publisher(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"hi","timestamp":"precise","messagesPerSample":200}}"#
        ));
        let o = p.publish(&pubs).await;
        assert!(o.success, "QoS {qos}: {o:?}");
        let (got, _) = collect(&sub, &subs, 200).await;
        assert_eq!(got, 200, "QoS {qos}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_properties_round_trip_byte_exact() {
    let broker = Mosquitto::start().unwrap();
    let subs = connected(broker.port, "").await;
    let pubs = connected(broker.port, "").await;
    let sub = subscriber(
        r#"{"topics":"up/t","qos":1,"condition":"count","conditionValue":1,"timeoutMs":200,"debugResponse":true,
            "v5":{"subscriptionIdentifier":7}}"#,
    );
    let _ = sub.subscribe(&subs).await;
    let p = publisher(
        r#"{"topic":"up/t","qos":1,"message":"body","v5":{"contentType":"text/plain","payloadFormatUtf8":true,
            "responseTopic":"up/reply","correlationData":"AB",
            "userProperties":[["k","v"],["k","v2"],["ünï","x y=z, ok"]]}}"#,
    );
    assert!(p.publish(&pubs).await.success);
    let (got, lines) = collect(&sub, &subs, 1).await;
    assert_eq!(got, 1);
    assert_eq!(
        lines,
        vec![
            "# properties: content-type=text/plain, user-property k=v, user-property k=v2, \
             user-property ünï=x y=z, ok, response-topic=up/reply, correlation-data=4142, \
             payload-format=utf8, subscription-id=7"
                .to_string(),
            "body".to_string()
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_options_on_a_311_group_fail_the_sample() {
    let broker = Mosquitto::start().unwrap();
    let g = ConnectionGroup::new(
        ConnectConfig::from_json(&connect_json(broker.port, "").replace("\"5.0\"", "\"3.1.1\""))
            .unwrap(),
    )
    .unwrap();
    assert!(g.connect().await.success);
    let o = publisher(r#"{"topic":"a","v5":{"messageExpiry":5}}"#)
        .publish(&g)
        .await;
    assert_eq!(o.code, "501");
    assert!(o.message.contains("message expiry needs MQTT 5.0"), "{o:?}");
    let o = subscriber(r#"{"topics":"a","v5":{"noLocal":true}}"#)
        .subscribe(&g)
        .await;
    assert!(o.message.contains("no local needs MQTT 5.0"), "{o:?}");
    let o = g
        .disconnect_with(DisconnectSettings::from_json(r#"{"reasonCode":4}"#).unwrap())
        .await;
    assert!(o.message.contains("needs MQTT 5.0"), "{o:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_subscription_spreads_messages_across_subscribers() {
    let broker = Mosquitto::start().unwrap();
    let pubs = connected(broker.port, "").await;
    let mut groups = Vec::new();
    for _ in 0..3 {
        let g = connected(broker.port, "").await;
        let s = subscriber(
            r#"{"topics":"$share/grp/sh/t","qos":1,"condition":"time","conditionValue":50,"debugResponse":true}"#,
        );
        let o = s.subscribe(&g).await;
        assert!(o.success, "{o:?}");
        groups.push((g, s));
    }
    let n = 60;
    for i in 0..n {
        let o = publisher(&format!(r#"{{"topic":"sh/t","qos":1,"message":"m{i}"}}"#))
            .publish(&pubs)
            .await;
        assert!(o.success, "{o:?}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut all = Vec::new();
    let mut per = Vec::new();
    for (g, s) in &groups {
        let (got, lines) = collect(s, g, 1).await;
        per.push(got);
        all.extend(lines);
    }
    assert!(per.iter().all(|c| *c > 0), "each gets some: {per:?}");
    assert_eq!(all.len(), n, "sum equals published: {per:?}");
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), n, "none twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_local_suppresses_own_messages() {
    let broker = Mosquitto::start().unwrap();
    let me = connected(broker.port, "").await;
    let other = connected(broker.port, "").await;
    let sub = subscriber(
        r#"{"topics":"nl/t","qos":1,"condition":"time","conditionValue":50,"v5":{"noLocal":true}}"#,
    );
    assert!(sub.subscribe(&me).await.success);
    let p = publisher(r#"{"topic":"nl/t","qos":1,"message":"x","messagesPerSample":5}"#);
    assert!(p.publish(&me).await.success);
    assert!(p.publish(&other).await.success);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let o = sub.subscribe(&me).await;
    assert_eq!(
        o.stats[figure::MESSAGES],
        5,
        "only the other connection's messages: {o:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retain_handling_2_gets_no_retained_message() {
    let broker = Mosquitto::start().unwrap();
    let pubs = connected(broker.port, "").await;
    let p = publisher(r#"{"topic":"rh/t","qos":1,"retain":true,"message":"kept"}"#);
    assert!(p.publish(&pubs).await.success);
    let g2 = connected(broker.port, "").await;
    let never = subscriber(
        r#"{"topics":"rh/t","qos":1,"condition":"time","conditionValue":300,"v5":{"retainHandling":2}}"#,
    );
    let o = never.subscribe(&g2).await;
    assert_eq!(o.stats[figure::MESSAGES], 0, "{o:?}");
    let g0 = connected(broker.port, "").await;
    let always = subscriber(r#"{"topics":"rh/t","qos":1,"condition":"time","conditionValue":300}"#);
    let o = always.subscribe(&g0).await;
    assert_eq!(o.stats[figure::MESSAGES], 1, "{o:?}");
}

/// A persistent v5 session with a fixed client id.
fn persistent(port: u16, id: &str) -> ConnectionGroup {
    let json = connect_json(port, r#","v5":{"sessionExpiry":60}"#)
        .replace(r#""cleanSession":true"#, r#""cleanSession":false"#)
        .replace(
            r#""clientIdPrefix":"v5_""#,
            &format!(r#""clientIdPrefix":"{id}""#),
        )
        .replace(r#""clientIdSuffix":true"#, r#""clientIdSuffix":false"#);
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expiry_resumes_a_session_and_message_expiry_drops_queued_ones() {
    let broker = Mosquitto::start().unwrap();
    let g = persistent(broker.port, "v5_persist");
    assert!(g.connect().await.success);
    let sub = subscriber(
        r#"{"topics":"se/t","qos":1,"condition":"time","conditionValue":50,"debugResponse":true}"#,
    );
    assert!(sub.subscribe(&g).await.success);
    assert!(g.disconnect().await.success);
    let pubs = connected(broker.port, "").await;
    let expiring =
        publisher(r#"{"topic":"se/t","qos":1,"message":"gone","v5":{"messageExpiry":1}}"#);
    let lasting = publisher(r#"{"topic":"se/t","qos":1,"message":"kept"}"#);
    assert!(expiring.publish(&pubs).await.success);
    assert!(lasting.publish(&pubs).await.success);
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (got, lines) = collect(&sub, &g, 1).await;
    assert_eq!(got, 1, "{lines:?}");
    assert_eq!(lines, vec!["kept".to_string()]);
}

// ---- fake brokers ----

async fn read_packet(s: &mut TcpStream, buf: &mut BytesMut) -> Option<Packet> {
    support::read_packet_as(V5, s, buf).await
}

async fn send(s: &mut TcpStream, p: Packet) {
    support::send_as(V5, s, p).await
}

fn connack(props: Vec<Property>) -> Packet {
    Packet::ConnAck(ConnAck {
        session_present: false,
        code: ConnectReturnCode::Accepted,
        reason: Some(ReasonCode::Success),
        properties: Properties(props),
    })
}

#[tokio::test]
async fn connack_0x87_is_named_with_its_reason_string() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: false,
                code: ConnectReturnCode::NotAuthorized,
                reason: Some(ReasonCode::NotAuthorized),
                properties: Properties(vec![Property::ReasonString("no entry".into())]),
            }),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    })
    .await;
    let o = group(port, "").connect().await;
    assert_eq!(o.code, "501");
    assert!(
        o.message
            .contains("broker refused the connection: 0x87 Not authorized (no entry)"),
        "{o:?}"
    );
}

#[tokio::test]
async fn connack_properties_are_adopted() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let connect = read_packet(&mut s, &mut buf).await;
        let _ = tx.send(connect);
        send(
            &mut s,
            connack(vec![Property::AssignedClientIdentifier(
                "assigned-42".into(),
            )]),
        )
        .await;
        while read_packet(&mut s, &mut buf).await.is_some() {}
    })
    .await;
    let json = connect_json(
        port,
        r#","v5":{"sessionExpiry":30,"receiveMaximum":10,"maximumPacketSize":4096,"topicAliasMaximum":5,
            "requestResponseInformation":true,"userProperties":[["a","b"]]}"#,
    )
    .replace(r#""clientIdPrefix":"v5_""#, r#""clientIdPrefix":"""#)
    .replace(r#""clientIdSuffix":true"#, r#""clientIdSuffix":false"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.response_data.as_deref(), Some(&b"assigned-42"[..]));
    let Some(Packet::Connect(c)) = rx.await.unwrap() else {
        panic!("no CONNECT")
    };
    assert_eq!(c.protocol, V5);
    assert_eq!(
        c.properties,
        Properties(vec![
            Property::SessionExpiryInterval(30),
            Property::ReceiveMaximum(10),
            Property::MaximumPacketSize(4096),
            Property::TopicAliasMaximum(5),
            Property::RequestResponseInformation(1),
            Property::UserProperty("a".into(), "b".into()),
        ])
    );
}

#[tokio::test]
async fn broker_receive_maximum_caps_messages_in_flight() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![Property::ReceiveMaximum(3)])).await;
        let mut unacked: std::collections::VecDeque<u16> = Default::default();
        let (mut max, mut acked) = (0usize, 0);
        while acked < 10 {
            match tokio::time::timeout(Duration::from_millis(50), read_packet(&mut s, &mut buf))
                .await
            {
                Ok(Some(Packet::Publish(p))) => {
                    unacked.push_back(p.pkid);
                    max = max.max(unacked.len());
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => {
                    // Slow acknowledgements: one per quiet period.
                    if let Some(id) = unacked.pop_front() {
                        send(&mut s, Packet::PubAck(PubAck::new(id))).await;
                        acked += 1;
                    }
                }
            }
        }
        let _ = tx.send(max);
        while read_packet(&mut s, &mut buf).await.is_some() {}
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    let o = publisher(r#"{"topic":"rm/t","qos":1,"message":"x","messagesPerSample":10}"#)
        .publish(&g)
        .await;
    assert!(o.success, "{o:?}");
    assert_eq!(rx.await.unwrap(), 3, "never more than 3 in flight");
}

#[tokio::test]
async fn broker_maximum_packet_size_fails_the_message_unsent() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![Property::MaximumPacketSize(100)])).await;
        let mut publishes = 0;
        while let Ok(Some(p)) =
            tokio::time::timeout(Duration::from_millis(500), read_packet(&mut s, &mut buf)).await
        {
            if let Packet::Publish(p) = p {
                publishes += 1;
                send(&mut s, Packet::PubAck(PubAck::new(p.pkid))).await;
            }
        }
        let _ = tx.send(publishes);
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    let big = format!(
        r#"{{"topic":"mp/t","qos":1,"message":"{}"}}"#,
        "x".repeat(200)
    );
    let o = publisher(&big).publish(&g).await;
    assert_eq!(o.code, "501");
    assert!(
        o.message
            .contains("exceeds the broker's maximum packet size 100"),
        "{o:?}"
    );
    let o = publisher(r#"{"topic":"mp/t","qos":1,"message":"small"}"#)
        .publish(&g)
        .await;
    assert!(o.success, "{o:?}");
    assert_eq!(rx.await.unwrap(), 1, "only the small one was sent");
}

#[tokio::test]
async fn puback_failure_reason_fails_the_message() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![])).await;
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Publish(p) = p {
                let mut ack = PubAck::new(p.pkid);
                ack.reason = ReasonCode::QuotaExceeded;
                send(&mut s, Packet::PubAck(ack)).await;
            }
        }
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    let o = publisher(r#"{"topic":"q/t","qos":1,"message":"x"}"#)
        .publish(&g)
        .await;
    assert_eq!(o.code, "501");
    assert!(o.message.contains("0x97 Quota exceeded"), "{o:?}");
}

#[tokio::test]
async fn suback_v5_failure_is_named() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![])).await;
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Subscribe(sub) = p {
                send(
                    &mut s,
                    Packet::SubAck(SubAck {
                        pkid: sub.pkid,
                        return_codes: vec![SubscribeReturnCode::Error(ReasonCode::NotAuthorized)],
                        properties: Properties::new(),
                    }),
                )
                .await;
            }
        }
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    let o = subscriber(r#"{"topics":"secret/t","condition":"time","conditionValue":10}"#)
        .subscribe(&g)
        .await;
    assert_eq!(o.code, "501");
    assert!(
        o.message
            .contains("'secret/t' (SUBACK 0x87 Not authorized)"),
        "{o:?}"
    );
}

#[tokio::test]
async fn broker_disconnect_is_surfaced_in_the_next_result() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![])).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        send(
            &mut s,
            Packet::Disconnect(Disconnect {
                reason: ReasonCode::SessionTakenOver,
                properties: Properties(vec![Property::ReasonString("another client".into())]),
            }),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let o: SampleOutcome = publisher(r#"{"topic":"d/t","message":"x"}"#)
        .publish(&g)
        .await;
    assert_eq!(o.code, "500");
    assert!(
        o.message
            .contains("broker disconnected: 0x8E Session taken over (another client)"),
        "{o:?}"
    );
}

#[tokio::test]
async fn incoming_topic_alias_is_resolved() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![])).await;
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Subscribe(sub) = p {
                send(
                    &mut s,
                    Packet::SubAck(SubAck {
                        pkid: sub.pkid,
                        return_codes: vec![SubscribeReturnCode::Success(QoS::AtMostOnce)],
                        properties: Properties::new(),
                    }),
                )
                .await;
                for (topic, payload) in [("al/t", "first"), ("", "second")] {
                    send(
                        &mut s,
                        Packet::Publish(Publish {
                            dup: false,
                            qos: QoS::AtMostOnce,
                            retain: false,
                            topic: topic.into(),
                            pkid: 0,
                            payload: payload.as_bytes().to_vec().into(),
                            properties: Properties(vec![Property::TopicAlias(1)]),
                        }),
                    )
                    .await;
                }
            }
        }
    })
    .await;
    let g = group(port, r#","v5":{"topicAliasMaximum":4}"#);
    assert!(g.connect().await.success);
    let sub = subscriber(
        r#"{"topics":"al/t","condition":"count","conditionValue":2,"timeoutMs":2000,"debugResponse":true}"#,
    );
    let o = sub.subscribe(&g).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.response_data.as_deref(), Some(&b"first\nsecond\n"[..]));
}

#[tokio::test]
async fn outgoing_topic_aliases_replace_the_topic() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![Property::TopicAliasMaximum(2)])).await;
        let mut seen = Vec::new();
        while seen.len() < 3 {
            match read_packet(&mut s, &mut buf).await {
                Some(Packet::Publish(p)) => {
                    seen.push((p.topic.clone(), p.properties.topic_alias()));
                    send(&mut s, Packet::PubAck(PubAck::new(p.pkid))).await;
                }
                Some(_) => {}
                None => break,
            }
        }
        let _ = tx.send(seen);
        while read_packet(&mut s, &mut buf).await.is_some() {}
    })
    .await;
    let g = group(port, "");
    assert!(g.connect().await.success);
    let o = publisher(
        r#"{"topic":"ta/t","qos":1,"message":"x","messagesPerSample":3,"v5":{"topicAlias":true}}"#,
    )
    .publish(&g)
    .await;
    assert!(o.success, "{o:?}");
    assert_eq!(
        rx.await.unwrap(),
        vec![
            ("ta/t".to_string(), Some(1)),
            (String::new(), Some(1)),
            (String::new(), Some(1))
        ]
    );
}

#[tokio::test]
async fn disconnect_with_reason_and_session_expiry() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(&mut s, connack(vec![])).await;
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Disconnect(d) = p {
                let _ = tx.send(d);
                break;
            }
        }
    })
    .await;
    let g = group(port, r#","v5":{"sessionExpiry":10}"#);
    assert!(g.connect().await.success);
    let settings = DisconnectSettings::from_json(r#"{"reasonCode":4,"sessionExpiry":0}"#).unwrap();
    assert!(g.disconnect_with(settings).await.success);
    let d = tokio::time::timeout(Duration::from_secs(2), rx)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.reason, ReasonCode::DisconnectWithWillMessage);
    assert_eq!(d.properties.session_expiry_interval(), Some(0));
}

/// A toy challenge-response method: answers each challenge with it reversed.
#[derive(Debug)]
struct Reverse;

impl mqttload::client::Authenticator for Reverse {
    fn method(&self) -> &str {
        "X-REVERSE"
    }
    fn initial_data(&self) -> Option<bytes::Bytes> {
        Some(bytes::Bytes::from_static(b"hello"))
    }
    fn on_challenge(&self, data: &[u8]) -> Result<bytes::Bytes, String> {
        Ok(data.iter().rev().copied().collect::<Vec<u8>>().into())
    }
}

#[tokio::test]
async fn enhanced_authentication_answers_the_challenge() {
    use mqttload::client::{Session, SessionOptions};
    use mqttload::codec::Auth;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        let Some(Packet::Connect(c)) = read_packet(&mut s, &mut buf).await else {
            return;
        };
        let initial = (
            c.properties.authentication_method().map(str::to_string),
            c.properties.authentication_data().map(<[u8]>::to_vec),
        );
        let challenge = Properties(vec![
            Property::AuthenticationMethod("X-REVERSE".into()),
            Property::AuthenticationData(bytes::Bytes::from_static(b"abc")),
        ]);
        send(
            &mut s,
            Packet::Auth(Auth {
                reason: ReasonCode::ContinueAuthentication,
                properties: challenge,
            }),
        )
        .await;
        let answer = match read_packet(&mut s, &mut buf).await {
            Some(Packet::Auth(a)) => a.properties.authentication_data().map(<[u8]>::to_vec),
            _ => None,
        };
        send(&mut s, connack(vec![])).await;
        let _ = tx.send((initial, answer));
        while read_packet(&mut s, &mut buf).await.is_some() {}
    })
    .await;
    let opts = SessionOptions {
        version: V5,
        connect_timeout: Duration::from_secs(2),
        authenticator: Some(std::sync::Arc::new(Reverse)),
        ..SessionOptions::tcp("127.0.0.1", port, "auth")
    };
    let session = Session::connect(opts).await.unwrap();
    assert!(session.is_connected());
    let (initial, answer) = rx.await.unwrap();
    assert_eq!(
        initial,
        (Some("X-REVERSE".to_string()), Some(b"hello".to_vec()))
    );
    assert_eq!(answer, Some(b"cba".to_vec()));
}
