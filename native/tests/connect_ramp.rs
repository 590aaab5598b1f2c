//! A connect rate ramps a group up: connection i starts i / rate seconds in, and the sample tells the
//! rate achieved and the slowest CONNACK (a real Mosquitto).

use std::time::{Duration, Instant};

use mqttload::sampler::{ConnectConfig, ConnectionGroup};
use mqttload_testkit::Mosquitto;

fn group(port: u16, connections: u32, rate: Option<f64>) -> ConnectionGroup {
    let rate = rate
        .map(|r| format!(r#","connectRate":{r}"#))
        .unwrap_or_default();
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","clientIdPrefix":"ramp_","clientIdSuffix":true,
        "connections":{connections}{rate}}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

/// "... : 39.2 connects/s, slowest CONNACK 1.3 ms" -> 39.2
fn rate_in(message: &str) -> f64 {
    let (head, _) = message.split_once(" connects/s").expect(message);
    head.rsplit(' ').next().unwrap().parse().expect(message)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ramp_spreads_the_connects_over_n_over_rate_seconds() {
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 20, Some(40.0));
    let started = Instant::now();
    let o = g.connect().await;
    let took = started.elapsed();
    assert!(o.success, "{o:?}");
    assert!(
        o.message.starts_with("Connected 20 connection(s): "),
        "{}",
        o.message
    );
    assert!(o.message.contains("slowest CONNACK"), "{}", o.message);
    // the 20th starts 19 / 40 s in
    assert!(took >= Duration::from_millis(475), "{took:?}");
    let rate = rate_in(&o.message);
    assert!((30.0..=42.2).contains(&rate), "{}", o.message);
    assert!(g.is_connected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_rate_all_connect_at_once_and_one_connection_keeps_its_message() {
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 20, None);
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    assert!(rate_in(&o.message) > 40.0, "{}", o.message);
    let one = group(broker.port, 1, Some(5.0));
    let o = one.connect().await;
    assert_eq!(o.message, "Connected 1 connection(s)");
}
