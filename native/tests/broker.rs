//! End-to-end engine tests against a real Mosquitto (started here on a free loopback port),
//! plus scripted fake brokers where a fault has to be injected.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqttload::codec::{
    ConnAck, ConnectReturnCode, Packet, Properties, ProtocolVersion, PubAck, Publish, QoS,
    SubscribeReturnCode,
};
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, SampleOutcome, SubscribeConfig,
    Subscriber,
};
use mqttload_testkit::Mosquitto;
use support::{accept_connect, fake_broker, suback_for};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

fn connect_json(port: u16, extra: &str) -> String {
    format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"t_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
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

fn publisher(topic: &str, qos: u8, n: u32) -> Publisher {
    Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"hello","timestamp":"precise","messagesPerSample":{n}}}"#
        ))
        .unwrap(),
    )
}

fn subscriber(topic: &str, qos: u8, count: u64, timeout_ms: u64) -> Subscriber {
    Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":{qos},"condition":"count","conditionValue":{count},"timeoutMs":{timeout_ms},"addTimestamp":true}}"#
        ))
        .unwrap(),
    )
}

async fn round_trip(qos: u8) {
    let broker = Mosquitto::start().unwrap();
    let topic = format!("rt/{qos}");
    let sub_group = connected(broker.port, "").await;
    let pub_group = connected(broker.port, "").await;
    let sub = subscriber(&topic, qos, 1, 200);
    // First sample subscribes (and may time out with nothing received yet).
    let _ = sub.subscribe(&sub_group).await;
    let p = publisher(&topic, qos, 500);
    let mut published = 0;
    for _ in 0..4 {
        let o = p.publish(&pub_group).await;
        assert!(o.success, "{o:?}");
        assert_eq!(o.stats[figure::MESSAGES], 500);
        published += 500;
    }
    let mut received = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last: Option<SampleOutcome> = None;
    while received < published && Instant::now() < deadline {
        let o = sub.subscribe(&sub_group).await;
        received += o.stats[figure::MESSAGES];
        last = Some(o);
    }
    let last = last.unwrap();
    assert_eq!(received, published, "QoS {qos}: {last:?}");
    assert!(
        last.stats[figure::MEAN_US] > 0,
        "latency mean present: {last:?}"
    );
    assert_eq!(last.stats[figure::LOST], 0, "no loss: {last:?}");
    assert_eq!(last.stats[figure::DUPLICATES], 0, "no duplicates: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos0_round_trip() {
    round_trip(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_round_trip() {
    round_trip(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos2_round_trip() {
    round_trip(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_connections_in_one_group_publish_round_robin() {
    let broker = Mosquitto::start().unwrap();
    let json = connect_json(broker.port, "").replace(r#""connections":1"#, r#""connections":50"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    assert!(g.connect().await.success);
    assert!(g.is_connected());
    let sub_group = connected(broker.port, "").await;
    let sub = subscriber("rr/#", 1, 1, 100);
    let _ = sub.subscribe(&sub_group).await;
    let p = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"rr/x","qos":1,"message":"m","timestamp":"precise","messagesPerSample":100,"target":"round_robin"}"#,
        )
        .unwrap(),
    );
    assert!(p.publish(&g).await.success);
    let o = subscriber_collect(&sub, &sub_group, 100).await;
    assert_eq!(o, 100);
    let d = g.disconnect().await;
    assert!(d.success && d.message.contains("50"), "{d:?}");
    assert!(!g.is_connected());
}

/// One message per sample, round-robin: the samples take the connections in turn, each sample
/// from where the previous one stopped, so every connection gets its share.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_samples_take_the_connections_in_turn() {
    let broker = Mosquitto::start().unwrap();
    let json = connect_json(broker.port, "").replace(r#""connections":1"#, r#""connections":4"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    assert!(g.connect().await.success);
    let mut subs = Vec::new();
    for conn in 0..4 {
        let sub_group = connected(broker.port, "").await;
        let sub = subscriber(&format!("turn/{conn}"), 1, 3, 300);
        let _ = sub.subscribe(&sub_group).await;
        subs.push((sub, sub_group));
    }
    let p = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"turn/{{conn}}","qos":1,"message":"m","messagesPerSample":1,"target":"round_robin"}"#,
        )
        .unwrap(),
    );
    for _ in 0..12 {
        let o = p.publish(&g).await;
        assert!(o.success, "{o:?}");
    }
    for (conn, (sub, sub_group)) in subs.iter().enumerate() {
        assert_eq!(
            subscriber_collect(sub, sub_group, 3).await,
            3,
            "connection {conn}"
        );
    }
    assert!(g.disconnect().await.success);
}

async fn subscriber_collect(sub: &Subscriber, g: &ConnectionGroup, want: i64) -> i64 {
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    while got < want && Instant::now() < deadline {
        got += sub.subscribe(g).await.stats[figure::MESSAGES];
    }
    got
}

#[tokio::test]
async fn refused_port_is_a_501_naming_the_address() {
    let port = mqttload_testkit::free_port().unwrap();
    let g = group(port, "");
    let o = g.connect().await;
    assert!(!o.success);
    assert_eq!(o.code, "501");
    assert!(o.message.contains(&format!("127.0.0.1:{port}")), "{o:?}");
}

#[tokio::test]
async fn publish_without_connection_is_a_500() {
    let g = group(1, "");
    let o = publisher("t", 1, 1).publish(&g).await;
    assert_eq!(o.code, "500", "{o:?}");
}

/// A fake broker that answers CONNECT with the given CONNACK and then runs `script`.
async fn read_packet(s: &mut TcpStream, buf: &mut BytesMut) -> Option<Packet> {
    support::read_packet_as(ProtocolVersion::V311, s, buf).await
}

async fn send(s: &mut TcpStream, p: Packet) {
    support::send_as(ProtocolVersion::V311, s, p).await
}

#[tokio::test]
async fn connack_refusal_is_named() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: false,
                code: ConnectReturnCode::NotAuthorized,
                ..Default::default()
            }),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    })
    .await;
    let o = group(port, "").connect().await;
    assert_eq!(o.code, "501");
    assert!(o.message.contains("not authorized"), "{o:?}");
    assert!(o.message.contains("code 5"), "{o:?}");
}

/// Brokers that do not take the version asked for (rumqttd, paho's test broker on 3.1) close the
/// connection without a CONNACK: the message says what that may mean.
#[tokio::test]
async fn a_close_before_connack_names_the_version_asked_for() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        drop(s);
    })
    .await;
    let o = group(port, "").connect().await;
    assert_eq!(o.code, "501");
    assert!(
        o.message
            .contains("broker closed the connection before CONNACK")
            && o.message
                .contains("does not accept MQTT 3.1.1, the version asked for"),
        "{o:?}"
    );
}

#[tokio::test]
async fn silent_broker_is_a_connack_timeout() {
    let port = fake_broker(|s, _| async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(s);
    })
    .await;
    let json = connect_json(port, "").replace(r#""connTimeoutSecs":5"#, r#""connTimeoutSecs":1"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let started = Instant::now();
    let o = g.connect().await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(o.message.contains("no CONNACK within 1000 ms"), "{o:?}");
}

#[tokio::test]
async fn garbage_from_broker_fails_the_next_sample_without_panic() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: false,
                code: ConnectReturnCode::Accepted,
                ..Default::default()
            }),
        )
        .await;
        // Reserved packet type 0 with a remaining length that never ends.
        let _ = s.write_all(&[0x00, 0xff, 0xff, 0xff, 0xff, 0x01]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let g = connected(port, "").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let o = publisher("t", 1, 1).publish(&g).await;
    assert!(!o.success);
    assert!(o.message.contains("malformed"), "{o:?}");
}

#[tokio::test]
async fn keep_alive_timeout_marks_the_group_disconnected() {
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: false,
                code: ConnectReturnCode::Accepted,
                ..Default::default()
            }),
        )
        .await;
        while read_packet(&mut s, &mut buf).await.is_some() {}
    })
    .await;
    let json = connect_json(port, "").replace(r#""keepAliveSecs":30"#, r#""keepAliveSecs":1"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    assert!(g.connect().await.success);
    let deadline = Instant::now() + Duration::from_secs(5);
    while g.is_connected() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!g.is_connected());
    assert!(
        g.not_connected_message().contains("PINGREQ unanswered"),
        "{}",
        g.not_connected_message()
    );
}

/// A broker that takes the CONNECT and then never reads again (hung, or a link with no
/// bandwidth): the publisher holds at most its outbound limit, the burst ends at its ack timeout
/// saying how many were not sent, and the close neither hangs on the stalled socket nor forgets
/// the messages it could not write.
#[tokio::test]
async fn a_broker_that_stops_reading_bounds_what_a_publisher_holds() {
    let port = fake_broker(|mut s, mut buf| async move {
        accept_connect(ProtocolVersion::V311, &mut s, &mut buf).await;
        tokio::time::sleep(Duration::from_secs(15)).await;
        drop(s);
    })
    .await;
    let g = connected(port, r#","outboundLimitKib":64"#).await;
    let publ = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"t","qos":0,"messageType":"Random string with fixed length","fixedLength":1024,
                "timestamp":"none","messagesPerSample":20000,"ackTimeoutMs":1000}"#,
        )
        .unwrap(),
    );
    let started = Instant::now();
    let o = publ.publish(&g).await;
    let elapsed = started.elapsed();
    assert!(!o.success, "{o:?}");
    assert!(
        o.message
            .contains("not sent: the connection's outbound limit (64 KiB) stayed full"),
        "{o:?}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // What was not sent is what the socket's buffers and the 64 KiB could not take.
    let sent = o.stats[figure::PUB_SENT];
    assert!(sent > 0 && sent < 20_000, "{o:?}");
    // The messages queued within the limit were handed off (the sample counted them sent): the
    // close that cannot write them says so.
    let started = Instant::now();
    let d = g.disconnect().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !d.success
            && d.message.contains(
                "QoS 0 message(s) handed to the connections were never written (subscribers count them lost)"
            ),
        "{d:?}"
    );
}

#[tokio::test]
async fn resumed_session_resends_unacknowledged_messages_in_order() {
    let (tx, rx) = tokio::sync::oneshot::channel::<Vec<(u16, bool)>>();
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        // First connection: take three QoS 1 messages, acknowledge none, drop the line.
        let (mut s, _) = l.accept().await.unwrap();
        let mut buf = BytesMut::new();
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: false,
                code: ConnectReturnCode::Accepted,
                ..Default::default()
            }),
        )
        .await;
        for _ in 0..3 {
            let _ = read_packet(&mut s, &mut buf).await;
        }
        drop(s);
        // Second connection: session present; record what is resent, then acknowledge it.
        let (mut s, _) = l.accept().await.unwrap();
        let mut buf = BytesMut::new();
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: true,
                code: ConnectReturnCode::Accepted,
                ..Default::default()
            }),
        )
        .await;
        let mut seen = Vec::new();
        for _ in 0..3 {
            if let Some(Packet::Publish(p)) = read_packet(&mut s, &mut buf).await {
                seen.push((p.pkid, p.dup));
                send(&mut s, Packet::PubAck(PubAck::new(p.pkid))).await;
            }
        }
        let _ = tx.send(seen);
        while read_packet(&mut s, &mut buf).await.is_some() {}
    });
    let json = connect_json(port, "")
        .replace(r#""cleanSession":true"#, r#""cleanSession":false"#)
        .replace(r#""reconnAttemptMax":0"#, r#""reconnAttemptMax":3"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    assert!(g.connect().await.success);
    let o = publisher("t", 1, 3).publish(&g).await;
    assert!(o.success, "acknowledged after the resend: {o:?}");
    let seen = tokio::time::timeout(Duration::from_secs(5), rx)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen, vec![(1, true), (2, true), (3, true)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_ends_a_blocked_subscribe_at_once() {
    let broker = Mosquitto::start().unwrap();
    let g = Arc::new(connected(broker.port, "").await);
    let sub = subscriber("nobody/publishes", 0, 10, 60_000);
    let g2 = g.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        g2.cancel();
    });
    let started = Instant::now();
    let o = g.cancellable(started, sub.subscribe(&g)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(o.message, "Interrupted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_broker_restarts() {
    let mut broker = Mosquitto::start().unwrap();
    let json = connect_json(broker.port, "")
        .replace(r#""reconnAttemptMax":0"#, r#""reconnAttemptMax":-1"#);
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    assert!(g.connect().await.success);
    broker.restart().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let p = publisher("after/restart", 1, 1);
    let mut messages = Vec::new();
    loop {
        let o = p.publish(&g).await;
        messages.push(o.message.clone());
        if o.success {
            break;
        }
        assert!(Instant::now() < deadline, "never reconnected: {o:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The drop is told once, by the first sample after it, even though reconnecting worked.
    let told: Vec<_> = messages
        .iter()
        .filter(|m| m.contains("reconnected 1 time(s) since the previous sample; last drop:"))
        .collect();
    assert_eq!(told.len(), 1, "{messages:?}");
    let again = p.publish(&g).await;
    assert!(
        again.success && !again.message.contains("reconnected"),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_sample_takes_exactly_its_count_and_keeps_the_rest() {
    let broker = Mosquitto::start().unwrap();
    let sub_group = connected(broker.port, "").await;
    let pub_group = connected(broker.port, "").await;
    let sub = subscriber("exact", 1, 100, 1_000);
    // The first sample subscribes; nothing is published yet, so it times out empty.
    let warm = sub.subscribe(&sub_group).await;
    assert_eq!(warm.stats[figure::MESSAGES], 0, "{warm:?}");
    assert!(publisher("exact", 1, 250).publish(&pub_group).await.success);
    let a = sub.subscribe(&sub_group).await;
    let b = sub.subscribe(&sub_group).await;
    let c = sub.subscribe(&sub_group).await;
    assert_eq!(
        (a.stats[figure::MESSAGES], b.stats[figure::MESSAGES]),
        (100, 100),
        "{a:?} {b:?}"
    );
    assert!(a.success && b.success);
    // Only 50 left: the third sample times out with them, counted.
    assert_eq!(c.stats[figure::MESSAGES], 50, "{c:?}");
    assert!(!c.success && c.message.contains("Timed out"), "{c:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_subscriber_stops_collecting() {
    let broker = Mosquitto::start().unwrap();
    let sub_group = connected(broker.port, "").await;
    let pub_group = connected(broker.port, "").await;
    let sub = subscriber("gone", 1, 1, 200);
    let _ = sub.subscribe(&sub_group).await;
    drop(sub);
    assert!(publisher("gone", 1, 5).publish(&pub_group).await.success);
    let session = sub_group.connected().remove(0).1;
    let deadline = Instant::now() + Duration::from_secs(5);
    while session.unrouted() < 5 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Still counted (never silently dropped), but no longer queued for a subscriber nobody reads.
    assert_eq!(session.unrouted(), 5);
}

#[tokio::test]
async fn messages_before_subscribe_go_to_the_first_matching_subscriber() {
    // A resumed session: the broker delivers queued messages right after CONNACK,
    // before this process has sent any SUBSCRIBE.
    let port = fake_broker(|mut s, mut buf| async move {
        let _ = read_packet(&mut s, &mut buf).await;
        send(
            &mut s,
            Packet::ConnAck(ConnAck {
                session_present: true,
                code: ConnectReturnCode::Accepted,
                ..Default::default()
            }),
        )
        .await;
        for i in 0..3u8 {
            send(
                &mut s,
                Packet::Publish(mqttload::codec::Publish {
                    dup: false,
                    qos: mqttload::codec::QoS::AtMostOnce,
                    retain: false,
                    topic: "queued/t".into(),
                    pkid: 0,
                    payload: bytes::Bytes::from(vec![b'0' + i]),
                    properties: Default::default(),
                }),
            )
            .await;
        }
        // Answer the SUBSCRIBE that comes later.
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Subscribe(sub) = p {
                send(
                    &mut s,
                    Packet::SubAck(mqttload::codec::SubAck {
                        pkid: sub.pkid,
                        return_codes: vec![mqttload::codec::SubscribeReturnCode::Success(
                            mqttload::codec::QoS::AtMostOnce,
                        )],
                        properties: Default::default(),
                    }),
                )
                .await;
            }
        }
    })
    .await;
    let g = connected(port, "").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sub = subscriber("queued/#", 0, 3, 2_000);
    let o = sub.subscribe(&g).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.stats[figure::MESSAGES], 3, "{o:?}");
}

/// A QoS 2 PUBLISH with DUP=0 on an id still awaiting PUBREL is a new message from a broker that
/// reused the id (Mosquitto past 65,535 in flight): delivered and reported. A DUP=1 copy is a resend.
#[tokio::test]
async fn reused_qos2_ids_deliver_new_messages_and_skip_resends() {
    let port = fake_broker(|mut s, mut buf| async move {
        accept_connect(ProtocolVersion::V311, &mut s, &mut buf).await;
        while let Some(p) = read_packet(&mut s, &mut buf).await {
            if let Packet::Subscribe(sub) = p {
                let granted = SubscribeReturnCode::Success(QoS::ExactlyOnce);
                send(&mut s, suback_for(&sub, granted)).await;
                // id 7 three times before any PUBREL: new, resend (DUP=1), new again (DUP=0)
                for (dup, body) in [(false, "first"), (true, "first"), (false, "second")] {
                    send(
                        &mut s,
                        Packet::Publish(Publish {
                            dup,
                            qos: QoS::ExactlyOnce,
                            retain: false,
                            topic: "reuse/t".into(),
                            pkid: 7,
                            payload: body.as_bytes().to_vec().into(),
                            properties: Properties::new(),
                        }),
                    )
                    .await;
                }
            }
        }
    })
    .await;
    let g = connected(port, "").await;
    let sub = Subscriber::new(
        SubscribeConfig::from_json(
            r#"{"topics":"reuse/t","qos":2,"condition":"count","conditionValue":2,"timeoutMs":3000,"debugResponse":true}"#,
        )
        .unwrap(),
    );
    let o = sub.subscribe(&g).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.response_data.as_deref(), Some(&b"first\nsecond\n"[..]));
    assert!(
        o.message.contains(
            "BROKER FAULT: 1 QoS 2 message(s) arrived on a packet id still awaiting PUBREL"
        ),
        "{o:?}"
    );
}

/// 3.x has no Receive Maximum: our own window (auto 20, Mosquitto's default) keeps a burst from
/// putting more QoS 1 messages in flight than a stock broker takes.
#[tokio::test]
async fn v3_bursts_keep_at_most_20_in_flight_by_default() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        accept_connect(ProtocolVersion::V311, &mut s, &mut buf).await;
        let (mut most, mut acked) = (0usize, 0usize);
        let mut waiting: Vec<u16> = Vec::new();
        while acked < 100 {
            match tokio::time::timeout(Duration::from_millis(100), read_packet(&mut s, &mut buf))
                .await
            {
                Ok(Some(Packet::Publish(p))) => waiting.push(p.pkid),
                Ok(Some(_)) => {}
                Ok(None) => break,
                // Quiet: the client waits for acknowledgements. Answer them all.
                Err(_) => {
                    most = most.max(waiting.len());
                    for id in waiting.drain(..) {
                        send(&mut s, Packet::PubAck(PubAck::new(id))).await;
                        acked += 1;
                    }
                }
            }
        }
        let _ = tx.send(most);
    })
    .await;
    let g = connected(port, "").await;
    let o = publisher("window/t", 1, 100).publish(&g).await;
    assert!(o.success, "{o:?}");
    assert_eq!(rx.await.unwrap(), 20);
}

/// QoS 0 messages go out from the publishing thread while the connection has nothing queued,
/// and through the session task when the socket is full or other packets wait (QoS 1 here): a
/// broker that reads slowly sees every packet whole, each publisher's messages in order, and
/// none twice or missing.
#[tokio::test]
async fn qos0_written_by_the_caller_or_the_task_keeps_its_order() {
    const ROUNDS: u64 = 6;
    const BURST: u64 = 2_000;
    const ACKED: u64 = 10;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let port = fake_broker(|mut s, mut buf| async move {
        accept_connect(ProtocolVersion::V311, &mut s, &mut buf).await;
        let (mut next_a, mut next_b, mut bytes) = (0u64, 0u64, 0usize);
        let mut out_of_order = Vec::new();
        while next_a < ROUNDS * BURST || next_b < ROUNDS * ACKED {
            let Some(p) = read_packet(&mut s, &mut buf).await else {
                break;
            };
            let Packet::Publish(p) = p else { continue };
            let text = String::from_utf8_lossy(&p.payload).to_string();
            let (stream, n) = text.split_once(':').unwrap_or(("?", "0"));
            let n: u64 = n
                .split('.')
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(u64::MAX);
            let next = if stream == "a" {
                &mut next_a
            } else {
                &mut next_b
            };
            if n != *next {
                out_of_order.push(format!("{stream}:{n} where {next} was due"));
            }
            *next = n + 1;
            if p.qos == QoS::AtLeastOnce {
                send(&mut s, Packet::PubAck(PubAck::new(p.pkid))).await;
            }
            // A slow reader: the client's socket fills, and its rest waits for the task.
            bytes += p.payload.len();
            if bytes > 256 * 1024 {
                bytes = 0;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        let _ = tx.send((next_a, next_b, out_of_order));
    })
    .await;
    let g = connected(port, r#","outboundLimitKib":256"#).await;
    let padding = ".".repeat(900);
    let make = |stream: &str, qos: u8, n: u64| {
        Publisher::new(
            PublishConfig::from_json(&format!(
                r#"{{"topic":"order","qos":{qos},"message":"{stream}:{{{{seq}}}}{padding}","timestamp":"none",
                    "messagesPerSample":{n},"ackTimeoutMs":20000}}"#
            ))
            .unwrap(),
        )
    };
    let (a, b) = (make("a", 0, BURST), make("b", 1, ACKED));
    for _ in 0..ROUNDS {
        let o = a.publish(&g).await;
        assert!(o.success, "{o:?}");
        let o = b.publish(&g).await;
        assert!(o.success, "{o:?}");
    }
    let (got_a, got_b, out_of_order) = tokio::time::timeout(Duration::from_secs(30), rx)
        .await
        .expect("the broker saw every message")
        .unwrap();
    assert_eq!((got_a, got_b), (ROUNDS * BURST, ROUNDS * ACKED));
    assert!(out_of_order.is_empty(), "{out_of_order:?}");
    let d = g.disconnect().await;
    assert!(d.success, "{d:?}");
}
