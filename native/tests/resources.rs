//! Nothing outlives its connections: after 200 connections (TCP and WebSocket, 3.1.1 and 5.0)
//! subscribe, publish and close, the process's open files, the runtime's tasks and the native
//! objects the JNI handles point to (groups, their sessions, publishers, subscribers) are back
//! to where they started. The short form of `make soak`, against a real Mosquitto.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use mqttload::client::Session;
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, SubscribeConfig, Subscriber,
};
use mqttload_testkit::{free_port, Mosquitto};
use tokio::runtime::Runtime;

const TCP_CONNECTIONS: u32 = 150;
const WS_CONNECTIONS: u32 = 50;
/// Longest the closing may take to show in the counts: sockets of dropped sessions are closed
/// by their own tasks, a moment after the drop.
const SETTLE: Duration = Duration::from_secs(10);

fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn group(port: u16, version: &str, connections: u32, extra: &str) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"{version}","connTimeoutSecs":10,
        "keepAliveSecs":30,"clientIdPrefix":"res_","connections":{connections}{extra}}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

fn subscriber(topic: &str, count: u64) -> Subscriber {
    Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":1,"condition":"count","conditionValue":{count},"timeoutMs":10000,"addTimestamp":true}}"#
        ))
        .unwrap(),
    )
}

fn publisher(topic: &str, qos: u8, n: u32) -> Publisher {
    Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"resources","timestamp":"precise","messagesPerSample":{n},"target":"round_robin"}}"#
        ))
        .unwrap(),
    )
}

/// Opens, uses and closes every connection; returns weak references to what must be freed.
fn use_connections(rt: &Runtime, tcp_port: u16, ws_port: u16) -> Vec<Weak<Session>> {
    let tcp = Arc::new(group(tcp_port, "3.1.1", TCP_CONNECTIONS, ""));
    let ws = Arc::new(group(
        ws_port,
        "5.0",
        WS_CONNECTIONS,
        r#","protocol":"WS","wsPath":"/mqtt""#,
    ));
    let groups = [Arc::downgrade(&tcp), Arc::downgrade(&ws)];
    let sessions = rt.block_on(async {
        for g in [&tcp, &ws] {
            let o = g.connect().await;
            assert!(o.success, "{o:?}");
        }
        let sessions: Vec<Weak<Session>> = [&tcp, &ws]
            .iter()
            .flat_map(|g| g.connected())
            .map(|(_, s)| Arc::downgrade(&s))
            .collect();
        assert_eq!(sessions.len(), (TCP_CONNECTIONS + WS_CONNECTIONS) as usize);
        let during = open_files();
        assert!(
            during >= (TCP_CONNECTIONS + WS_CONNECTIONS) as usize,
            "200 connections open but only {during} open files: not measuring what we think"
        );

        // Every TCP connection subscribes; 20 messages from the WebSocket group (QoS 1 and 2)
        // reach each of them.
        let sub = subscriber("res/t", 20 * u64::from(TCP_CONNECTIONS));
        let receiving = sub.subscribe(&tcp);
        let sending = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for qos in [1, 2] {
                let o = publisher("res/t", qos, 10).publish(&ws).await;
                assert!(o.success, "{o:?}");
            }
        };
        let (got, ()) = tokio::join!(receiving, sending);
        assert!(got.success, "{got:?}");
        assert_eq!(got.stats[figure::MESSAGES], 20 * i64::from(TCP_CONNECTIONS));
        drop(sub);

        // Both ways of ending: DISCONNECT, and dropped at once (a thread's end after a failure).
        let o = tcp.disconnect().await;
        assert!(o.success, "{o:?}");
        ws.close_now();
        sessions
    });
    drop(tcp);
    drop(ws);
    for g in groups {
        assert!(
            g.upgrade().is_none(),
            "a connection group is still referenced"
        );
    }
    sessions
}

#[test]
fn open_files_tasks_and_sessions_return_to_their_start() {
    let ws_port = free_port().unwrap();
    let broker = Mosquitto::start_with(&format!(
        "listener {ws_port} 127.0.0.1\nprotocol websockets\n"
    ))
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // One round first, so what is set up once per process (runtime threads and their
    // epoll, lazily built statics) is in the baseline, not counted as a leak.
    drop(use_connections(&rt, broker.port, ws_port));
    // The warm-up round's sessions end on their own tasks: wait for them before the baseline.
    let deadline = Instant::now() + SETTLE;
    while rt.metrics().num_alive_tasks() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let start = (open_files(), rt.metrics().num_alive_tasks());

    let sessions = use_connections(&rt, broker.port, ws_port);

    let deadline = Instant::now() + SETTLE;
    let mut now = (open_files(), rt.metrics().num_alive_tasks());
    while now != start && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        now = (open_files(), rt.metrics().num_alive_tasks());
    }
    assert_eq!(
        now.1, start.1,
        "runtime tasks still alive after every connection closed"
    );
    assert_eq!(
        now.0, start.0,
        "open files did not return to their start after every connection closed"
    );
    let alive = sessions.iter().filter(|s| s.upgrade().is_some()).count();
    assert_eq!(alive, 0, "{alive} sessions still in memory");
}
