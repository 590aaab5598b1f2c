//! Every node of a cluster: one group spread over three real Mosquitto instances. The spread is
//! exact, a node that is down fails only its own connections (named), and a connection that
//! loses its node reconnects to that same node.

use std::time::{Duration, Instant};

use mqttload::sampler::{ConnectConfig, ConnectionGroup};
use mqttload_testkit::Mosquitto;

/// Each broker logs its connects, with the client's address.
const LOG_CONNECTS: &str = "log_type notice\nconnection_messages true";

fn nodes() -> Vec<Mosquitto> {
    (0..3)
        .map(|_| Mosquitto::start_with(LOG_CONNECTS).unwrap())
        .collect()
}

fn server(nodes: &[Mosquitto]) -> String {
    nodes
        .iter()
        .map(|n| format!("127.0.0.1:{}", n.port))
        .collect::<Vec<_>>()
        .join(", ")
}

fn group(nodes: &[Mosquitto], connections: u32, extra: &str) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"{}","version":"3.1.1","connTimeoutSecs":5,"connections":{connections},
            "clientIdPrefix":"node_","connAttemptMax":0{extra}}}"#,
        server(nodes)
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

/// Waits (up to 20 s) until `check` holds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_spread_exactly_over_the_nodes_and_their_source_addresses() {
    let nodes = nodes();
    let g = group(&nodes, 300, r#","bindAddress":"127.0.0.2, 127.0.0.3""#);
    let o = g.connect().await;
    assert!(o.success, "{}", o.message);
    let want: Vec<String> = nodes
        .iter()
        .map(|n| format!("127.0.0.1:{} 100", n.port))
        .collect();
    assert!(
        o.message
            .ends_with(&format!("; per broker: {}", want.join(", "))),
        "{}",
        o.message
    );
    for n in &nodes {
        eventually("each node logged its 100 connects", || {
            n.connects_logged() == 100
        })
        .await;
        let log = n.log();
        // round robin over addresses and over nodes: every node sees both source addresses
        for source in ["127.0.0.2", "127.0.0.3"] {
            let from = format!("New client connected from {source}:");
            assert_eq!(log.matches(&from).count(), 50, "{source} on :{}", n.port);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_is_down_fails_only_its_connections() {
    let mut nodes = nodes();
    nodes[2].stop();
    let g = group(&nodes, 30, "");
    let o = g.connect().await;
    assert!(!o.success);
    let down = format!("127.0.0.1:{}", nodes[2].port);
    assert!(
        o.message
            .starts_with("10 of 30 connection(s) failed; first error (client id node_"),
        "{}",
        o.message
    );
    assert!(
        o.message.contains(&format!("TCP connect to {down} failed")),
        "{}",
        o.message
    );
    assert!(
        o.message
            .ends_with(&format!("; failed per broker: {down} 10")),
        "{}",
        o.message
    );
    for n in &nodes[..2] {
        eventually("the live nodes have their connections", || {
            n.connects_logged() == 10
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_loses_its_node_comes_back_to_it() {
    let mut nodes = nodes();
    let g = group(&nodes, 30, r#","reconnAttemptMax":-1"#);
    assert!(g.connect().await.success);
    for n in &nodes {
        eventually("10 connects each", || n.connects_logged() == 10).await;
    }
    nodes[1].restart().unwrap();
    // its log goes on across the restart: 10 connects before, 10 after
    eventually("node 1's connections came back to node 1", || {
        nodes[1].connects_logged() == 20
    })
    .await;
    // nobody moved: the other nodes saw no second connect
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(nodes[0].connects_logged(), 10);
    assert_eq!(nodes[2].connects_logged(), 10);
    assert!(g.connect().await.success, "every connection is up again");
}

/// A Server template gives each connection its node: one Mosquitto listening on three loopback
/// addresses stands for three nodes named by the template, each connection on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_template_puts_each_connection_on_the_node_it_names() {
    let port = mqttload_testkit::free_port().unwrap();
    let node = Mosquitto::start_with(&format!(
        "{LOG_CONNECTS}\nlistener {port} 127.0.0.10\nlistener {port} 127.0.0.11\nlistener {port} 127.0.0.12"
    ))
    .unwrap();
    eventually("the three addresses listen", || {
        (10..13).all(|n| std::net::TcpStream::connect((format!("127.0.0.{n}"), port)).is_ok())
    })
    .await;
    let json = format!(
        r#"{{"server":"127.0.0.1{{{{conn:1}}}}","port":{port},"version":"3.1.1","connTimeoutSecs":5,
            "connections":3,"clientIdPrefix":"node_","connAttemptMax":0}}"#
    );
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = g.connect().await;
    assert!(o.success, "{}", o.message);
    assert!(
        o.message.ends_with(&format!(
            "; per broker: 127.0.0.10:{port} 1, 127.0.0.11:{port} 1, 127.0.0.12:{port} 1"
        )),
        "{}",
        o.message
    );
    // the readiness probes connected too, without an MQTT CONNECT: three clients came after them
    eventually("three MQTT clients", || node.connects_logged() == 3).await;
}
