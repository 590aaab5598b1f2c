//! Writes the committed seed corpora, corpus/<target>/seed-*, from packets like the
//! specification vectors of native/src/codec/ (each packet module's tests and
//! tests_v5_only.rs), encoded by the codec itself, so every seed is a valid frame the
//! fuzzer then mutates. The template and $SYS seeds are the texts and broker publications of
//! the docs and the unit tests, with the values at the edges (u64::MAX, 1e308, "NaN").
//!
//! cargo +nightly run --manifest-path native/fuzz/Cargo.toml --example seeds

use std::path::Path;

use bytes::{Bytes, BytesMut};
use mqttload::codec::{
    Auth, ConnAck, Connect, ConnectReturnCode, Disconnect, LastWill, Packet, Properties, Property,
    ProtocolVersion, PubAck, PubComp, PubRec, PubRel, Publish, QoS, ReasonCode, RetainHandling,
    SubAck, Subscribe, SubscribeReturnCode, SubscriptionOptions, UnsubAck, Unsubscribe,
};
use mqttload_fuzz::session_input as input;
use mqttload_fuzz::sys_input as sys;
use mqttload_fuzz::template_input as tpl;

fn props(list: Vec<Property>) -> Properties {
    Properties(list)
}

fn publish(qos: QoS, pkid: u16, topic: &str, payload: &'static [u8], p: Properties) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos,
        retain: false,
        topic: topic.into(),
        pkid,
        payload: Bytes::from_static(payload),
        properties: p,
    })
}

fn connect(version: ProtocolVersion, properties: Properties, will_props: Properties) -> Packet {
    Packet::Connect(Connect {
        protocol: version,
        client_id: "client-1".into(),
        clean_session: true,
        keep_alive: 60,
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"pass")),
        will: Some(LastWill {
            topic: "will/t".into(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: will_props,
        }),
        properties,
    })
}

fn connack(version: ProtocolVersion, properties: Properties) -> Packet {
    Packet::ConnAck(ConnAck {
        session_present: false,
        code: ConnectReturnCode::Accepted,
        reason: (version == ProtocolVersion::V5).then_some(ReasonCode::Success),
        properties,
    })
}

fn subscribe(version: ProtocolVersion) -> Packet {
    let mut second = SubscriptionOptions::from(QoS::ExactlyOnce);
    if version == ProtocolVersion::V5 {
        second.no_local = true;
        second.retain_as_published = true;
        second.retain_handling = RetainHandling::SendAtSubscribeIfNew;
    }
    Packet::Subscribe(Subscribe {
        pkid: 10,
        filters: vec![
            ("a/+".into(), QoS::AtLeastOnce.into()),
            ("sport/#".into(), second),
        ],
        properties: if version == ProtocolVersion::V5 {
            props(vec![Property::SubscriptionIdentifier(300)])
        } else {
            Properties::new()
        },
    })
}

fn suback(pkid: u16, properties: Properties) -> Packet {
    Packet::SubAck(SubAck {
        pkid,
        return_codes: vec![
            SubscribeReturnCode::Success(QoS::ExactlyOnce),
            SubscribeReturnCode::Success(QoS::AtLeastOnce),
            SubscribeReturnCode::Failure,
        ],
        properties,
    })
}

/// One packet of each kind, in `version`'s layout.
fn every_kind(version: ProtocolVersion) -> Vec<(&'static str, Packet)> {
    let v5 = version == ProtocolVersion::V5;
    let none = Properties::new;
    let p5 = |list: Vec<Property>| if v5 { props(list) } else { Properties::new() };
    let mut list = vec![
        (
            "connect",
            connect(
                version,
                p5(vec![
                    Property::SessionExpiryInterval(120),
                    Property::ReceiveMaximum(20),
                    Property::UserProperty("k".into(), "v".into()),
                ]),
                p5(vec![
                    Property::WillDelayInterval(5),
                    Property::ContentType("text/plain".into()),
                ]),
            ),
        ),
        (
            "connack",
            connack(
                version,
                p5(vec![
                    Property::AssignedClientIdentifier("auto-1".into()),
                    Property::TopicAliasMaximum(10),
                    Property::ServerKeepAlive(30),
                ]),
            ),
        ),
        (
            "publish-qos0",
            publish(QoS::AtMostOnce, 0, "a/b", b"hello", none()),
        ),
        (
            "publish-qos1",
            publish(
                QoS::AtLeastOnce,
                1,
                "sensors/t1",
                b"{\"t\":21.5}",
                p5(vec![
                    Property::PayloadFormatIndicator(1),
                    Property::MessageExpiryInterval(60),
                    Property::TopicAlias(3),
                    Property::ResponseTopic("reply/t".into()),
                    Property::CorrelationData(Bytes::from_static(b"\x01\x02")),
                    Property::UserProperty("a".into(), "b".into()),
                ]),
            ),
        ),
        (
            "publish-qos2",
            publish(QoS::ExactlyOnce, 65535, "x", b"", none()),
        ),
        ("puback", Packet::PubAck(PubAck::new(1))),
        ("pubrec", Packet::PubRec(PubRec::new(2))),
        ("pubrel", Packet::PubRel(PubRel::new(2))),
        ("pubcomp", Packet::PubComp(PubComp::new(2))),
        ("subscribe", subscribe(version)),
        (
            "suback",
            suback(10, p5(vec![Property::ReasonString("partly".into())])),
        ),
        (
            "unsubscribe",
            Packet::Unsubscribe(Unsubscribe {
                pkid: 11,
                topics: vec!["a/+".into(), "sport/#".into()],
                properties: none(),
            }),
        ),
        (
            "unsuback",
            Packet::UnsubAck(UnsubAck {
                pkid: 11,
                reasons: if v5 {
                    vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted]
                } else {
                    Vec::new()
                },
                properties: none(),
            }),
        ),
        ("pingreq", Packet::PingReq),
        ("pingresp", Packet::PingResp),
        ("disconnect", Packet::Disconnect(Disconnect::default())),
    ];
    if v5 {
        list.extend([
            (
                "puback-reason",
                Packet::PubAck(PubAck {
                    pkid: 7,
                    reason: ReasonCode::NoMatchingSubscribers,
                    properties: props(vec![Property::ReasonString("nobody".into())]),
                }),
            ),
            (
                "disconnect-reason",
                Packet::Disconnect(Disconnect {
                    reason: ReasonCode::DisconnectWithWillMessage,
                    properties: props(vec![
                        Property::SessionExpiryInterval(0),
                        Property::ReasonString("bye".into()),
                    ]),
                }),
            ),
            (
                "auth",
                Packet::Auth(Auth {
                    reason: ReasonCode::ContinueAuthentication,
                    properties: props(vec![
                        Property::AuthenticationMethod("SCRAM-SHA-1".into()),
                        Property::AuthenticationData(Bytes::from_static(b"challenge")),
                    ]),
                }),
            ),
        ]);
    }
    list
}

fn frame(version: ProtocolVersion, packets: &[Packet]) -> Vec<u8> {
    let mut out = BytesMut::new();
    for p in packets {
        p.encode(version, &mut out)
            .unwrap_or_else(|e| panic!("seed {p:?} does not encode: {e}"));
    }
    out.to_vec()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("create corpus folder");
    std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("write seed");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");

    // decode_*: [limit byte][frames]. 0x00 = no limit; bit 6 selects 3.1 in decode_v311.
    let v311 = root.join("decode_v311");
    for (name, p) in every_kind(ProtocolVersion::V311) {
        let mut b = vec![0x00];
        b.extend(frame(ProtocolVersion::V311, &[p]));
        write(&v311, name, &b);
    }
    let mut b = vec![0x40];
    b.extend(frame(
        ProtocolVersion::V31,
        &[connect(
            ProtocolVersion::V31,
            Properties::new(),
            Properties::new(),
        )],
    ));
    write(&v311, "connect-v31", &b);
    let mut b = vec![0x80 | 8]; // limit 32 bytes: the second frame is refused from its header
    b.extend(frame(
        ProtocolVersion::V311,
        &[
            publish(QoS::AtMostOnce, 0, "t", b"x", Properties::new()),
            publish(QoS::AtMostOnce, 0, "t", &[0xA5; 40], Properties::new()),
        ],
    ));
    write(&v311, "over-limit", &b);

    let v5 = root.join("decode_v5");
    for (name, p) in every_kind(ProtocolVersion::V5) {
        let mut b = vec![0x00];
        b.extend(frame(ProtocolVersion::V5, &[p]));
        write(&v5, name, &b);
    }

    // session_inbound: [flags][chunk][what the broker writes after CONNACK].
    let s = root.join("session_inbound");
    let v3 = ProtocolVersion::V311;
    let ops = input::SUBSCRIBE | input::PUBLISH_QOS1 | input::PUBLISH_QOS2;
    let mut b = vec![input::VERSION_V311 | ops, input::WHOLE];
    b.extend(frame(
        v3,
        &[
            suback(1, Properties::new()),
            Packet::PubAck(PubAck::new(2)),
            Packet::PubRec(PubRec::new(3)),
            Packet::PubComp(PubComp::new(3)),
            publish(QoS::AtMostOnce, 0, "a/x", b"zero", Properties::new()),
            publish(QoS::AtLeastOnce, 5, "a/y", b"one", Properties::new()),
            publish(QoS::ExactlyOnce, 6, "b", b"two", Properties::new()),
            Packet::PubRel(PubRel::new(6)),
            Packet::PingResp,
        ],
    ));
    write(&s, "v311-flows", &b);
    b[1] = 3; // the same bytes in 3-byte pieces
    write(&s, "v311-flows-pieces", &b);

    let mut b = vec![input::VERSION_V31 | input::SUBSCRIBE, input::WHOLE];
    b.extend(frame(
        ProtocolVersion::V31,
        &[
            suback(1, Properties::new()),
            publish(QoS::AtLeastOnce, 9, "a/b", b"m", Properties::new()),
        ],
    ));
    write(&s, "v31-subscribe", &b);

    let v5v = ProtocolVersion::V5;
    let mut b = vec![input::VERSION_V5 | ops | input::LIMITS, input::WHOLE];
    b.extend(frame(
        v5v,
        &[
            suback(1, props(vec![Property::ReasonString("ok".into())])),
            Packet::PubAck(PubAck {
                pkid: 2,
                reason: ReasonCode::NoMatchingSubscribers,
                properties: Properties::new(),
            }),
            Packet::PubRec(PubRec::new(3)),
            Packet::PubComp(PubComp::new(3)),
            publish(
                QoS::AtLeastOnce,
                5,
                "a/alias",
                b"first",
                props(vec![Property::TopicAlias(1)]),
            ),
            publish(
                QoS::AtMostOnce,
                0,
                "",
                b"by alias",
                props(vec![Property::TopicAlias(1)]),
            ),
            publish(
                QoS::ExactlyOnce,
                6,
                "a/p",
                b"props",
                props(vec![
                    Property::SubscriptionIdentifier(1),
                    Property::UserProperty("k".into(), "v".into()),
                    Property::ContentType("text/plain".into()),
                ]),
            ),
            Packet::PubRel(PubRel::new(6)),
            Packet::Disconnect(Disconnect {
                reason: ReasonCode::ServerShuttingDown,
                properties: props(vec![Property::ReasonString("maintenance".into())]),
            }),
        ],
    ));
    write(&s, "v5-flows", &b);
    b[1] = 5;
    write(&s, "v5-flows-pieces", &b);

    // The input brings its own CONNACK, with packets right behind it in the same write.
    let mut b = vec![input::VERSION_V5 | input::RAW, input::WHOLE];
    b.extend(frame(
        v5v,
        &[
            connack(
                v5v,
                props(vec![
                    Property::AssignedClientIdentifier("auto-7".into()),
                    Property::ServerKeepAlive(1),
                    Property::ReceiveMaximum(1),
                ]),
            ),
            publish(QoS::AtLeastOnce, 1, "queued", b"early", Properties::new()),
        ],
    ));
    write(&s, "v5-raw-connack", &b);
    let mut b = vec![input::VERSION_V311 | input::RAW, input::WHOLE];
    b.extend(frame(
        v3,
        &[
            Packet::ConnAck(ConnAck {
                session_present: true,
                code: ConnectReturnCode::Accepted,
                reason: None,
                properties: Properties::new(),
            }),
            publish(QoS::ExactlyOnce, 1, "queued", b"early", Properties::new()),
            Packet::PubRel(PubRel::new(1)),
        ],
    ));
    write(&s, "v311-raw-connack", &b);
    template_seeds(&root.join("template"));
    sys_seeds(&root.join("sys_figures"));
    println!("seeds written under {}", root.display());
}

/// `[flags][n][client id][m][request][text]`.
fn template_seed(flags: u8, client_id: &[u8], request: &[u8], text: &str) -> Vec<u8> {
    let mut b = vec![flags, client_id.len() as u8];
    b.extend(client_id);
    b.push(request.len() as u8);
    b.extend(request);
    b.extend(text.as_bytes());
    b
}

fn template_seeds(dir: &Path) {
    let both = tpl::TARGET | tpl::REQUEST;
    let seeds: [(&str, u8, &[u8], &[u8], &str); 12] = [
        (
            "topic",
            0,
            b"dev_ab12",
            b"",
            "devices/{{client_id}}/{{conn}}/t",
        ),
        (
            "padded",
            tpl::HUGE_NUMBERS,
            b"c",
            b"",
            "dev-{{conn.test:20}}-{{ conn : 3 }}",
        ),
        (
            "json",
            0,
            b"dev_ab12",
            b"",
            r#"{"id":"{{client_id}}","n":{{seq}},"t":{{time_ms}}}"#,
        ),
        ("time", 0, b"", b"", "{{time_ns}} {{time_ms}}"),
        (
            "random",
            0,
            b"",
            b"",
            "{{random:-9223372036854775808:9223372036854775807}}/{{random:1:100}}",
        ),
        ("escapes", 0, b"", b"", "a{{{{b}}{{{conn}}}x}}{{{{{{{{"),
        (
            "target",
            both | tpl::HUGE_NUMBERS,
            b"",
            b"",
            "devices/dev-{{target:6}}/req/{{target}}",
        ),
        (
            "request",
            both,
            b"client",
            b"\0\xff{{x}}",
            "ok:{{request}}:{{client_id}}",
        ),
        ("unknown", 0, b"", b"", "t/{{con}}/{{target}}"),
        ("unclosed", 0, b"", b"", "t/{{conn"),
        (
            "bad-width",
            tpl::TARGET,
            b"",
            b"",
            "{{conn:0}}{{target:21}}",
        ),
        ("jmeter", 0, b"", b"", "${__threadNum}/${x}"),
    ];
    for (name, flags, client_id, request, text) in seeds {
        write(dir, name, &template_seed(flags, client_id, request, text));
    }
}

/// One record: `[op][topic][payload length][payload]` with the topic given relative to the
/// root (under it) or as a whole.
fn sys_record(b: &mut Vec<u8>, op: u8, topic: &str, under_root: bool, payload: &str) {
    b.push(op);
    let flag = if under_root { sys::UNDER_ROOT } else { 0 };
    b.push(flag | topic.len() as u8);
    b.extend(topic.as_bytes());
    b.push(payload.len() as u8);
    b.extend(payload.as_bytes());
}

/// A record whose topic is `sys::KNOWN[known]` with `*` as `sys::NODES[node]`.
fn sys_known(b: &mut Vec<u8>, op: u8, known: usize, node: u8, payload: &str) {
    b.push(op);
    b.push(sys::KNOWN_TOPIC | (node << 5) | known as u8);
    b.push(payload.len() as u8);
    b.extend(payload.as_bytes());
}

fn known(topic: &str) -> usize {
    sys::KNOWN
        .iter()
        .position(|k| *k == topic)
        .unwrap_or_else(|| panic!("{topic} is not in sys::KNOWN"))
}

/// `op` with the clock moved by `sys::ADVANCE[step]` before the record.
fn after(step: u8, op: u8) -> u8 {
    op | (step << sys::ADVANCE_SHIFT)
}

fn sys_seeds(dir: &Path) {
    // Mosquitto: the retained tree at SUBACK, then two live bursts 10 s apart.
    let mut b = vec![0];
    for (topic, value) in [
        ("version", "mosquitto version 2.0.18"),
        ("uptime", "120 seconds"),
        ("clients/connected", "3"),
        ("retained messages/count", "52"),
        ("heap/current", "58032"),
    ] {
        sys_record(&mut b, sys::RETAIN, topic, true, value);
    }
    sys_record(
        &mut b,
        sys::SAMPLE,
        "publish/messages/received",
        true,
        "100",
    );
    sys_record(&mut b, 0, "bytes/received", true, "2000");
    sys_record(
        &mut b,
        after(6, sys::SAMPLE),
        "publish/messages/received",
        true,
        "1100",
    );
    sys_known(&mut b, 0, known("load/publish/received/1min"), 0, "120.00");
    sys_known(
        &mut b,
        sys::SAMPLE,
        known("publish/messages/dropped"),
        0,
        "12",
    );
    write(dir, "mosquitto", &b);

    // EMQX: one tree per node under $SYS/brokers, added up.
    let mut b = vec![1];
    for node in [0, 1] {
        sys_known(&mut b, 0, known("*/stats/connections/count"), node, "10");
        sys_known(&mut b, 0, known("*/metrics/messages/received"), node, "100");
        sys_known(&mut b, 0, known("*/metrics/messages/dropped"), node, "3");
    }
    sys_known(
        &mut b,
        after(5, sys::SAMPLE),
        known("*/metrics/messages/received"),
        0,
        "600",
    );
    sys_known(&mut b, 0, known("*/clients/c1/connected"), 0, "{}");
    write(dir, "emqx", &b);

    // Values at the edges of f64, on two nodes (their sum), and counters that go down.
    let mut b = vec![1];
    for node in [0, 1] {
        sys_known(
            &mut b,
            0,
            known("*/metrics/messages/dropped"),
            node,
            "1e308",
        );
        sys_known(
            &mut b,
            0,
            known("*/metrics/messages/received"),
            node,
            "1.7976931348623157e308",
        );
        sys_known(
            &mut b,
            0,
            known("*/stats/connections/count"),
            node,
            "-1e308",
        );
    }
    sys_known(
        &mut b,
        after(1, sys::SAMPLE),
        known("*/metrics/messages/received"),
        0,
        "0",
    );
    sys_known(
        &mut b,
        after(1, sys::SAMPLE),
        known("*/metrics/messages/received"),
        0,
        "1e300",
    );
    write(dir, "edges", &b);

    let mut b = vec![0];
    for value in [
        "NaN", "inf", "-0", "0x10", "1_000", "  7 \n", "\u{ff}", "1e-320",
    ] {
        sys_known(&mut b, 0, known("clients/connected"), 0, value);
        sys_known(
            &mut b,
            sys::SAMPLE,
            known("publish/messages/dropped"),
            0,
            value,
        );
    }
    write(dir, "odd-numbers", &b);

    // A small topic limit, passed; topics outside the root and odd levels.
    let mut b = vec![2 | sys::SMALL];
    for topic in ["a", "b", "c", "d", "e", "a"] {
        sys_record(&mut b, 0, topic, true, "1");
    }
    sys_record(&mut b, 0, "other/tree", false, "5");
    sys_record(&mut b, 0, "$SYS//publish/messages/dropped", false, "5");
    sys_record(&mut b, sys::SAMPLE, "+/#", true, "");
    write(dir, "limit", &b);
}
