//! Scripted fake brokers for the engine's integration tests: used only where a real broker
//! cannot show a fault or a packet we need to inspect.

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use bytes::BytesMut;
use mqttload::codec::{
    decode_packet, ConnAck, Packet, Properties, ProtocolVersion, SubAck, Subscribe,
    SubscribeReturnCode,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Accepts one connection on a free loopback port and runs `script` on it; returns the port.
pub async fn fake_broker<F, Fut>(script: F) -> u16
where
    F: FnOnce(TcpStream, BytesMut) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        if let Ok((s, _)) = l.accept().await {
            script(s, BytesMut::new()).await;
        }
    });
    port
}

/// The next whole packet from the client, or None once it closed the connection.
pub async fn read_packet_as(
    version: ProtocolVersion,
    s: &mut TcpStream,
    buf: &mut BytesMut,
) -> Option<Packet> {
    loop {
        if let Ok(Some(p)) = decode_packet(buf, version, 1 << 20) {
            return Some(p);
        }
        if s.read_buf(buf).await.ok()? == 0 {
            return None;
        }
    }
}

pub async fn send_as(version: ProtocolVersion, s: &mut TcpStream, p: Packet) {
    let mut out = BytesMut::new();
    p.encode(version, &mut out).unwrap();
    s.write_all(&out).await.unwrap();
}

/// Reads the client's CONNECT and accepts it (no session present, no properties).
pub async fn accept_connect(version: ProtocolVersion, s: &mut TcpStream, buf: &mut BytesMut) {
    let _ = read_packet_as(version, s, buf).await;
    send_as(version, s, Packet::ConnAck(ConnAck::default())).await;
}

/// The SUBACK for `sub`: `code` for every filter.
pub fn suback_for(sub: &Subscribe, code: SubscribeReturnCode) -> Packet {
    Packet::SubAck(SubAck {
        pkid: sub.pkid,
        return_codes: vec![code; sub.filters.len()],
        properties: Properties::new(),
    })
}
