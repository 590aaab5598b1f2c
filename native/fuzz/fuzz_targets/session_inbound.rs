//! The session's handling of whatever a broker sends: a real `Session::connect` to a scripted
//! broker on loopback that answers CONNACK (unless the input brings its own), waits for the
//! client's SUBSCRIBE/PUBLISH chosen by the flags, writes the input (in pieces when asked),
//! then closes. The session must not panic (libFuzzer's hook aborts on a panic in any task)
//! and must end within a bounded time once the broker is gone: a hang is reported as a crash.
//!
//! Input layout: see `mqttload_fuzz::session_input`.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use mqttload::client::{Delivery, MessageSink, Session, SessionOptions};
use mqttload::codec::{
    decode_packet, ConnAck, ConnectReturnCode, Packet, Properties, Property, ProtocolVersion,
    Publish, QoS, ReasonCode, SubscriptionOptions,
};
use mqttload_fuzz::session_input as input;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// Longest the whole exchange may take: far above the few milliseconds a run needs, far
/// below libFuzzer's own timeout, so a stuck session is reported with this file's message.
const BOUND: Duration = Duration::from_secs(5);

struct Harness {
    rt: Runtime,
    listener: TcpListener,
    port: u16,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        // One thread: runs are deterministic enough to reproduce, and one core is the budget.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        Harness { rt, listener, port }
    })
}

#[derive(Default)]
struct CountingSink {
    messages: AtomicU64,
    bytes: AtomicU64,
}

impl MessageSink for CountingSink {
    fn on_message(&self, d: &Delivery<'_>) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(d.publish.payload.len() as u64, Ordering::Relaxed);
    }
}

struct Plan {
    version: ProtocolVersion,
    raw: bool,
    subscribe: bool,
    qos1: bool,
    qos2: bool,
    limits: bool,
    chunk: usize,
}

impl Plan {
    fn new(flags: u8, chunk: u8) -> Plan {
        let version = match flags & input::VERSION_MASK {
            input::VERSION_V5 => ProtocolVersion::V5,
            input::VERSION_V31 => ProtocolVersion::V31,
            _ => ProtocolVersion::V311,
        };
        let raw = flags & input::RAW != 0;
        Plan {
            version,
            raw,
            // With a raw CONNACK the session may not get as far as operations.
            subscribe: !raw && flags & input::SUBSCRIBE != 0,
            qos1: !raw && flags & input::PUBLISH_QOS1 != 0,
            qos2: !raw && flags & input::PUBLISH_QOS2 != 0,
            limits: version == ProtocolVersion::V5 && flags & input::LIMITS != 0,
            chunk: usize::from(chunk),
        }
    }

    /// Packets the client sends after CONNECT and before the input is written.
    fn expected_from_client(&self) -> usize {
        usize::from(self.subscribe) + usize::from(self.qos1) + usize::from(self.qos2)
    }

    fn connack(&self) -> Packet {
        let mut properties = Properties::new();
        if self.limits {
            properties.push(Property::ReceiveMaximum(2));
            properties.push(Property::TopicAliasMaximum(4));
            properties.push(Property::MaximumPacketSize(4096));
        }
        Packet::ConnAck(ConnAck {
            session_present: false,
            code: ConnectReturnCode::Accepted,
            reason: (self.version == ProtocolVersion::V5).then_some(ReasonCode::Success),
            properties,
        })
    }
}

/// Reads whole packets from the client until `n` arrived (true) or it closed (false).
async fn read_packets(
    s: &mut TcpStream,
    buf: &mut BytesMut,
    version: ProtocolVersion,
    n: usize,
) -> bool {
    let mut seen = 0;
    while seen < n {
        match decode_packet(buf, version, 1 << 20) {
            Ok(Some(_)) => seen += 1,
            Ok(None) => match s.read_buf(buf).await {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            },
            Err(e) => panic!("the session sent a malformed packet: {e}"),
        }
    }
    true
}

async fn broker(mut s: TcpStream, plan: &Plan, bytes: &[u8]) {
    let mut buf = BytesMut::new();
    if !read_packets(&mut s, &mut buf, plan.version, 1).await {
        panic!("the session closed before sending CONNECT");
    }
    if !plan.raw {
        let mut out = BytesMut::new();
        plan.connack()
            .encode(plan.version, &mut out)
            .expect("CONNACK encodes");
        if s.write_all(&out).await.is_err() {
            return;
        }
        if !read_packets(&mut s, &mut buf, plan.version, plan.expected_from_client()).await {
            panic!("the session closed before sending its SUBSCRIBE/PUBLISH");
        }
    }
    let pieces: Vec<&[u8]> = if plan.chunk == 0 {
        vec![bytes]
    } else {
        bytes.chunks(plan.chunk).collect()
    };
    for piece in pieces {
        // The session may already have closed on a protocol error: not a finding.
        if s.write_all(piece).await.is_err() {
            break;
        }
        // Let the session read this piece on its own before the next arrives.
        tokio::task::yield_now().await;
    }
    let _ = s.shutdown().await;
    // The session must notice the end and close its side; drain whatever it still writes.
    let mut sink = [0u8; 4096];
    loop {
        match s.read(&mut sink).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // Nothing left to say on either side. When the session hung up first (a protocol error),
    // closing with a reset spares its port a TIME_WAIT, so hours of fuzzing at thousands of
    // connections a second do not pile them up. A zero linger never blocks on drop, which is
    // what the deprecation warns about.
    #[allow(deprecated)]
    let _ = s.set_linger(Some(Duration::ZERO));
}

async fn run(plan: Plan, bytes: &[u8]) {
    let h = harness();
    let opts = SessionOptions {
        version: plan.version,
        keep_alive_secs: 0,
        connect_timeout: Duration::from_secs(2),
        max_packet_size: 1 << 16,
        ..SessionOptions::tcp("127.0.0.1", h.port, "fuzz")
    };
    let accept = async {
        let (s, _) = h.listener.accept().await.expect("accept");
        s.set_nodelay(true).expect("nodelay");
        broker(s, &plan, bytes).await;
    };
    let client = async {
        let session = match Session::connect(opts).await {
            Ok(s) => s,
            // A raw input need not hold a valid CONNACK: the handshake refusing it is fine.
            Err(_) => return None,
        };
        let sink = Arc::new(CountingSink::default());
        let mut waits = Vec::new();
        if plan.subscribe {
            let filters = vec![
                (
                    "a/+".to_owned(),
                    SubscriptionOptions::from(QoS::ExactlyOnce),
                ),
                ("#".to_owned(), SubscriptionOptions::from(QoS::AtLeastOnce)),
            ];
            // A closed session refuses commands: also not a finding.
            let _ = session.subscribe_with(filters, Properties::new(), sink.clone());
        }
        let alias = plan.limits;
        for (wanted, qos, topic) in [
            (plan.qos1, QoS::AtLeastOnce, "a/b"),
            (plan.qos2, QoS::ExactlyOnce, "a/c"),
        ] {
            if wanted {
                let p = Publish {
                    dup: false,
                    qos,
                    retain: false,
                    topic: topic.into(),
                    pkid: 0,
                    payload: Bytes::from_static(b"fuzz"),
                    properties: Properties::new(),
                };
                if let Ok(w) = session.publish_with(p, alias) {
                    waits.push(w);
                }
            }
        }
        Some((session, waits))
    };
    let (_, connected) = tokio::join!(accept, client);
    let Some((session, waits)) = connected else {
        return;
    };
    // The broker has hung up: the session must close by itself and answer every waiter.
    while !session.is_closed() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for w in waits {
        let _ = w.await;
    }
    drop(session);
}

fuzz_target!(|data: &[u8]| {
    let [flags, chunk, bytes @ ..] = data else {
        return;
    };
    let plan = Plan::new(*flags, *chunk);
    let h = harness();
    h.rt.block_on(async {
        if tokio::time::timeout(BOUND, run(plan, bytes)).await.is_err() {
            panic!("session did not end within {BOUND:?} of the broker closing");
        }
    });
});
