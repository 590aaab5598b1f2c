//! A group's connections get their connect tasks only as handshake permits free up: a connect
//! future is large (~11 KB, every transport's handshake), and a 15,000-connection group that
//! spawned them all at once kept 165 MB the allocator held on to after the connect (its own test
//! binary: the handshake bound is process-wide and set once).

use std::time::Duration;

use mqttload::sampler::{set_connect_concurrency, ConnectConfig, ConnectionGroup};

const BOUND: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_tasks_exist_only_for_the_handshakes_in_flight() {
    set_connect_concurrency(BOUND);
    // A broker that accepts and never answers: every handshake waits for its timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept() {
            held.push(s);
        }
    });
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":30,
        "clientIdPrefix":"spawn_","connections":400}}"#
    );
    let group = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let connecting = tokio::spawn(async move { group.connect().await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let alive = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    connecting.abort();
    // the handshakes in flight, the group's own task, and nothing for the 392 still waiting
    assert!(
        alive <= BOUND + 2,
        "{alive} tasks alive for {BOUND} handshakes"
    );
    assert!(
        alive > BOUND,
        "{alive} tasks: the handshakes should be under way"
    );
}
