//! The bound on handshakes in flight is one for the whole process, not one per group (its own
//! test binary: the bound is process-wide and set once).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use mqttload::codec::{ConnAck, Packet, ProtocolVersion};
use mqttload::sampler::{set_connect_concurrency, ConnectConfig, ConnectionGroup};
use support::{read_packet_as, send_as};
use tokio::net::TcpListener;

const BOUND: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_together_never_exceed_the_process_wide_handshake_bound() {
    set_connect_concurrency(BOUND);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let pending = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (p, m) = (pending.clone(), most.clone());
    // A slow broker: each CONNECT waits 30 ms for its CONNACK, so handshakes overlap.
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let (p, m) = (p.clone(), m.clone());
            tokio::spawn(async move {
                let v = ProtocolVersion::V311;
                let mut buf = BytesMut::new();
                if read_packet_as(v, &mut s, &mut buf).await.is_none() {
                    return;
                }
                let now = p.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                p.fetch_sub(1, Ordering::SeqCst);
                send_as(v, &mut s, Packet::ConnAck(ConnAck::default())).await;
                while read_packet_as(v, &mut s, &mut buf).await.is_some() {}
            });
        }
    });
    let group = |prefix: &str| {
        let json = format!(
            r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":10,
            "keepAliveSecs":30,"clientIdPrefix":"{prefix}","connections":12}}"#
        );
        ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
    };
    let groups = [group("a_"), group("b_"), group("c_")];
    let outcomes = futures_util::future::join_all(groups.iter().map(|g| g.connect())).await;
    for o in &outcomes {
        assert!(o.success, "{}", o.message);
    }
    let most = most.load(Ordering::SeqCst);
    assert!(most <= BOUND, "{most} handshakes at once, bound {BOUND}");
    assert!(most >= 2, "handshakes still overlap ({most})");
    for g in &groups {
        g.disconnect().await;
    }
}
