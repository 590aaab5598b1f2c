//! Clock offsets between engines through a real Mosquitto: peers with clocks of their own in one
//! process (a known skew between them) elect a reference and find the skew within the uncertainty
//! they measure; a load subscription to `#` counts none of their messages; the engine's own peer,
//! started by a Connect sample, reports its offset on Subscribe samples and corrects the latency of
//! another engine's messages.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqttload::client::{Session, SessionOptions};
use mqttload::clock;
use mqttload::codec::{Publish, QoS};
use mqttload::metrics;
use mqttload::sampler::clock_sync::{self, Peer, PeerConfig, Reading};
use mqttload::sampler::config::ClockRole;
use mqttload::sampler::outcome::figure;
use mqttload::sampler::payload::write_precise;
use mqttload::sampler::{ConnectConfig, ConnectionGroup, SubscribeConfig, Subscriber};
use mqttload_testkit::Mosquitto;

const MS: i64 = 1_000_000;

async fn session(port: u16, client_id: &str) -> Arc<Session> {
    Arc::new(
        Session::connect(SessionOptions::tcp("127.0.0.1", port, client_id))
            .await
            .expect("connected"),
    )
}

async fn peer(port: u16, run: &str, role: ClockRole, tag: u32, shift_ns: i64) -> Peer {
    let config = PeerConfig {
        run: run.into(),
        role,
        period: Duration::from_secs(1),
        tag,
        shift_ns,
    };
    Peer::start(
        session(port, &format!("clk-{tag:06x}")).await,
        config,
        Duration::from_secs(5),
    )
    .await
    .expect("peer started")
}

/// Until `f` gives something, at most 15 s.
async fn until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "no {what} within 15 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn group(port: u16, prefix: &str, clock: &str) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","clientIdPrefix":"{prefix}",
        "clientIdSuffix":true{clock}}}"#
    );
    let g =
        ConnectionGroup::new(ConnectConfig::from_json(&json).expect("settings")).expect("group");
    let o = mqttload::sampler::connect(&g).await;
    assert!(o.success, "{o:?}");
    g
}

fn subscriber(topics: &str, window_ms: u64) -> Subscriber {
    Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topics}","qos":1,"condition":"time","conditionValue":{window_ms},"addTimestamp":true}}"#
        ))
        .expect("settings"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_find_their_skew_within_the_uncertainty_and_no_load_subscriber_counts_a_probe()
{
    let broker = Mosquitto::start().expect("mosquitto");
    // a load subscriber of everything, as a plan's `#` would be
    let load = group(broker.port, "load_", "").await;
    let everything = subscriber("#", 100);
    assert!(everything.subscribe(&load).await.success);
    // engine b's clock is 250 ms ahead; both are "on": the lower tag is elected
    let (a, b) = (0x0a_0001, 0x0b_0002);
    let pa = peer(broker.port, "it-skew", ClockRole::On, a, 0).await;
    let pb = peer(broker.port, "it-skew", ClockRole::On, b, 250 * MS).await;
    let measured: Reading = until("estimate of b", || pb.offsets().own(Instant::now())).await;
    assert_eq!(pb.offsets().reference(), Some(a));
    assert_eq!(pa.offsets().reference(), Some(a));
    assert_eq!(
        pa.offsets().own(Instant::now()),
        Some(Reading {
            offset_ns: 0,
            uncertainty_ns: 0
        }),
        "the reference reads 0"
    );
    let error = (measured.offset_ns - 250 * MS).abs();
    eprintln!(
        "skew 250 ms: measured {:+.3} ms within {:.3} ms (off by {:.3} ms)",
        measured.offset_ns as f64 / 1e6,
        measured.uncertainty_ns as f64 / 1e6,
        error as f64 / 1e6
    );
    assert!(error <= measured.uncertainty_ns, "{measured:?}");
    assert!(measured.uncertainty_ns < 50 * MS, "{measured:?}");
    // a announces nothing (it is the reference), b's estimate reaches a
    let heard = until("b's estimate at a", || pa.offsets().of(b, Instant::now())).await;
    assert!(
        (heard.offset_ns - 250 * MS).abs() <= heard.uncertainty_ns,
        "{heard:?}"
    );
    // a message of a's, stamped by a's clock, read by b: b adds a's offset less its own
    let c = pb
        .offsets()
        .correction_ns(clock::publisher_tag(clock::tagged(a, 0)))
        .expect("a correction");
    assert!((c + 250 * MS).abs() <= measured.uncertainty_ns, "{c}");
    // a burst each second went by, and the load subscriber saw none of it
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let o = everything.subscribe(&load).await;
    assert_eq!(o.stats[figure::MESSAGES], 0, "{o:?}");
    pa.stop(Duration::from_secs(1)).await;
    pb.stop(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_set_to_reference_wins_over_an_elected_one() {
    let broker = Mosquitto::start().expect("mosquitto");
    // the low tag starts first and elects itself; then the named one comes
    let low = peer(broker.port, "it-named", ClockRole::On, 0x00_0001, 0).await;
    until("self-election", || low.offsets().reference()).await;
    let named = peer(
        broker.port,
        "it-named",
        ClockRole::Reference,
        0xff_fff0,
        -40 * MS,
    )
    .await;
    let third = peer(broker.port, "it-named", ClockRole::On, 0x00_0002, 0).await;
    for p in [&low, &named, &third] {
        until("the named reference", || {
            (p.offsets().reference() == Some(0xff_fff0)).then_some(())
        })
        .await;
    }
    let r = until("low's estimate", || low.offsets().own(Instant::now())).await;
    assert!((r.offset_ns - 40 * MS).abs() <= r.uncertainty_ns, "{r:?}");
    // another run on the same broker does not mix with this one
    let other = peer(broker.port, "it-other", ClockRole::On, 0x00_0003, 0).await;
    let mine = until("an elected reference of its own", || {
        other.offsets().reference()
    })
    .await;
    assert_eq!(mine, 0x00_0003);
    for p in [low, named, third, other] {
        p.stop(Duration::from_secs(1)).await;
    }
}

/// The engine's own peer: started by a Connect sample asking for clock offsets, it reports this
/// engine's offset on Subscribe samples, and corrects the latency of a message another engine
/// (the reference here, its clock 250 ms behind ours) stamped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_reports_its_offset_and_corrects_latency_across_engines() {
    let broker = Mosquitto::start().expect("mosquitto");
    clock_sync::new_test_run(0);
    let remote_tag = 0x00_0007;
    let remote = peer(
        broker.port,
        "it-engine",
        ClockRole::Reference,
        remote_tag,
        -250 * MS,
    )
    .await;
    let g = group(
        broker.port,
        "eng_",
        r#","clock":{"sync":"on","run":"it-engine","periodSecs":1,"correctLatency":true}"#,
    )
    .await;
    let sub = subscriber("t/remote", 300);
    assert!(sub.subscribe(&g).await.success);
    let ours = until("the engine's estimate", clock_sync::current).await;
    assert!(
        (ours.offset_us - 250_000).abs() <= ours.uncertainty_us + 1,
        "{ours:?}"
    );
    // the live metrics' gauges, as a scrape reads them
    let text = metrics::render(&metrics::METRICS, "e1");
    let gauge = |name: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name}{{engine=\"e1\"}} ")))
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        line.rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    let (offset, uncertainty) = (
        gauge("mqttload_clock_offset_us"),
        gauge("mqttload_clock_uncertainty_us"),
    );
    assert!(
        (offset - 250_000.0).abs() <= uncertainty + 1.0,
        "{offset} {uncertainty}"
    );
    // the remote engine publishes a message stamped by its clock
    let publisher = session(broker.port, "remote_pub").await;
    let mut payload = BytesMut::new();
    let stamped = clock::shifted(clock::now(), -250 * MS);
    write_precise(&mut payload, clock::tagged(remote_tag, 42), 0, stamped);
    publisher
        .publish(Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: "t/remote".into(),
            pkid: 0,
            payload: payload.freeze(),
            properties: Default::default(),
        })
        .expect("queued")
        .await
        .expect("sent")
        .expect("acknowledged");
    let o = sub.subscribe(&g).await;
    assert_eq!(o.stats[figure::MESSAGES], 1, "{o:?}");
    assert_eq!(o.stats[figure::CLOCK_CORRECTED], 1, "{o:?}");
    // uncorrected it would read 250 ms
    let latency_us = o.stats[figure::MAX_US];
    assert!(
        latency_us <= 50_000 + ours.uncertainty_us,
        "corrected latency {latency_us} µs"
    );
    let offset = o.stats[figure::CLOCK_OFFSET_US];
    assert!(
        (offset - 250_000).abs() <= o.stats[figure::CLOCK_UNCERTAINTY_US] + 1,
        "{o:?}"
    );
    // the test's end stops the probes; what they measured stays for the last samples
    clock_sync::stop();
    assert!(clock_sync::current().is_some());
    remote.stop(Duration::from_secs(1)).await;
    clock_sync::new_test_run(0);
    assert!(clock_sync::current().is_none());
}

/// A broker whose ACL keeps the clock topics from this client: it refuses the subscription (the
/// peer does not start, and names the topic), or grants it and then drops what is published there,
/// or, as Mosquitto 2.0 does, closes the connection that publishes there: the peer finds no
/// reference, says so in the log, and the load's connections go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_keeps_the_clock_topics_away_stops_nothing() {
    let acl = std::env::temp_dir().join(format!("mqttload-clock-acl-{}", std::process::id()));
    std::fs::write(&acl, "topic readwrite load/#\n").expect("acl file");
    let broker =
        Mosquitto::start_with(&format!("acl_file {}\n", acl.display())).expect("mosquitto");
    let load = group(broker.port, "acl_load_", "").await;
    let everything = subscriber("load/#", 300);
    assert!(everything.subscribe(&load).await.success);
    let config = PeerConfig {
        run: "it-acl".into(),
        role: ClockRole::On,
        period: Duration::from_secs(1),
        tag: 0x00_0009,
        shift_ns: 0,
    };
    let started = Peer::start(
        session(broker.port, "clk-acl").await,
        config,
        Duration::from_secs(5),
    )
    .await;
    match started {
        Err(e) => assert!(e.to_string().contains("mqttload/clock/it-acl/"), "{e}"),
        Ok(peer) => {
            tokio::time::sleep(Duration::from_millis(2_500)).await;
            assert_eq!(peer.offsets().reference(), None);
            assert!(peer.offsets().own(Instant::now()).is_none());
            let stopping = Instant::now();
            peer.stop(Duration::from_secs(1)).await;
            assert!(stopping.elapsed() < Duration::from_millis(500));
        }
    }
    // the load's own connections were never touched
    let publisher = session(broker.port, "acl_pub").await;
    let ack = publisher
        .publish(Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: "load/x".into(),
            pkid: 0,
            payload: bytes::Bytes::from_static(b"hello"),
            properties: Default::default(),
        })
        .expect("queued");
    assert!(matches!(ack.await, Ok(Ok(()))));
    let o = everything.subscribe(&load).await;
    assert_eq!(o.stats[figure::MESSAGES], 1, "{o:?}");
    let _ = std::fs::remove_file(&acl);
}
