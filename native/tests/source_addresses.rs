//! Several local source addresses: the group's connections take them in turn.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use mqttload::codec::ProtocolVersion;
use mqttload::sampler::config::Id;
use mqttload::sampler::{ConnectConfig, ConnectionGroup};
use support::{accept_connect, read_packet_as};
use tokio::net::TcpListener;

#[tokio::test]
async fn connections_take_the_listed_source_addresses_in_turn() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peers = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    let seen = peers.clone();
    tokio::spawn(async move {
        while let Ok((mut s, peer)) = listener.accept().await {
            *seen
                .lock()
                .unwrap()
                .entry(peer.ip().to_string())
                .or_default() += 1;
            tokio::spawn(async move {
                let v = ProtocolVersion::V311;
                let mut buf = BytesMut::new();
                accept_connect(v, &mut s, &mut buf).await;
                while read_packet_as(v, &mut s, &mut buf).await.is_some() {}
            });
        }
    });
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":30,
        "clientIdPrefix":"src_","connections":6,"bindAddress":"127.0.0.2-127.0.0.3, 127.0.0.7"}}"#
    );
    let group = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = group.connect().await;
    assert!(o.success, "{}", o.message);
    let peers = peers.lock().unwrap().clone();
    let expected: BTreeMap<String, usize> = [("127.0.0.2", 2), ("127.0.0.3", 2), ("127.0.0.7", 2)]
        .into_iter()
        .map(|(a, n)| (a.to_string(), n))
        .collect();
    assert_eq!(peers, expected);
    group.disconnect().await;
}

#[test]
fn a_bad_address_list_names_the_property() {
    let e = ConnectConfig::from_json(
        r#"{"server":"h","port":1883,"version":"3.1.1","bindAddress":"127.0.0.9-127.0.0.1"}"#,
    )
    .expect_err("a backwards range accepted");
    assert_eq!(e.setting, Some(Id::BindAddress));
    assert!(e.message.contains("ends before it starts"), "{e}");
}
