//! What only MQTT 5.0 has: properties, reason codes, subscription options beyond QoS and
//! AUTH, as byte-exact vectors built from the specification's layouts, with how 3.1.1
//! refuses each of them, and the property table they are checked against.

use bytes::{Bytes, BytesMut};

use super::tests_support::*;
use super::*;

const V5: ProtocolVersion = ProtocolVersion::V5;

#[test]
fn connect_with_properties_and_will_properties() {
    let connect = Connect {
        protocol: V5,
        client_id: "cid".into(),
        clean_session: true,
        keep_alive: 60,
        username: Some("u".into()),
        password: Some(Bytes::from_static(b"pw")),
        will: Some(LastWill {
            topic: "w".into(),
            payload: Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: props(vec![
                Property::WillDelayInterval(10),
                Property::ContentType("t".into()),
            ]),
        }),
        properties: props(vec![
            Property::SessionExpiryInterval(120),
            Property::ReceiveMaximum(20),
            Property::UserProperty("k".into(), "v".into()),
        ]),
    };
    #[rustfmt::skip]
    let bytes = [
        0x10, 54,
        0x00, 0x04, b'M', b'Q', b'T', b'T',
        0x05,                                   // level 5
        0b1100_1110,                            // user, password, will QoS 1, will, clean start
        0x00, 0x3C,                             // keep alive
        15,                                     // property length
        0x11, 0x00, 0x00, 0x00, 0x78,           // session expiry 120
        0x21, 0x00, 0x14,                       // receive maximum 20
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property k=v
        0x00, 0x03, b'c', b'i', b'd',           // client id
        9,                                      // will property length
        0x18, 0x00, 0x00, 0x00, 0x0A,           // will delay 10
        0x03, 0x00, 0x01, b't',                 // content type "t"
        0x00, 0x01, b'w',                       // will topic
        0x00, 0x01, b'x',                       // will payload
        0x00, 0x01, b'u',                       // user name
        0x00, 0x02, b'p', b'w',                 // password
    ];
    vector(V5, Packet::Connect(connect.clone()), &bytes);
    // CONNECT names its version: decoding with a 3.1.1 expectation still reads 5.0.
    let mut buf = BytesMut::from(&bytes[..]);
    assert_eq!(
        decode_packet(&mut buf, ProtocolVersion::V311, 1024),
        Ok(Some(Packet::Connect(connect.clone())))
    );
    let Packet::Connect(c) = dec(V5, &bytes).unwrap().unwrap() else {
        unreachable!()
    };
    assert_eq!(c.properties.session_expiry_interval(), Some(120));
    assert_eq!(c.properties.receive_maximum(), Some(20));
    assert_eq!(c.properties.user_properties(), vec![("k", "v")]);
    let will = c.will.unwrap();
    assert_eq!(will.properties.will_delay_interval(), Some(10));
    assert_eq!(will.properties.content_type(), Some("t"));
}

#[test]
fn connect_password_without_user_name_is_allowed_in_v5_only() {
    let connect = Connect {
        protocol: V5,
        client_id: String::new(),
        clean_session: true,
        keep_alive: 0,
        username: None,
        password: Some(Bytes::from_static(b"p")),
        will: None,
        properties: Properties::new(),
    };
    #[rustfmt::skip]
    let bytes = [
        0x10, 16,
        0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0b0100_0010, 0x00, 0x00,
        0x00,                 // no properties
        0x00, 0x00,           // empty client id
        0x00, 0x01, b'p',
    ];
    vector(V5, Packet::Connect(connect.clone()), &bytes);
    let v311 = Connect {
        protocol: ProtocolVersion::V311,
        ..connect
    };
    assert!(matches!(
        Packet::Connect(v311).encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::Invalid(_))
    ));
}

#[test]
fn connack_with_properties() {
    let ack = ConnAck {
        session_present: true,
        code: ConnectReturnCode::Accepted,
        reason: Some(ReasonCode::Success),
        properties: props(vec![
            Property::ReceiveMaximum(10),
            Property::TopicAliasMaximum(5),
            Property::AssignedClientIdentifier("id".into()),
            Property::MaximumQoS(1),
        ]),
    };
    #[rustfmt::skip]
    let bytes = [
        0x20, 16,
        0x01, 0x00, 13,
        0x21, 0x00, 0x0A,
        0x22, 0x00, 0x05,
        0x12, 0x00, 0x02, b'i', b'd',
        0x24, 0x01,
    ];
    vector(V5, Packet::ConnAck(ack), &bytes);
    // Refused: the exact reason is kept, the 3.1.1 code is its nearest equivalent.
    let Ok(Some(Packet::ConnAck(refused))) = dec(V5, &[0x20, 0x03, 0x00, 0x97, 0x00]) else {
        panic!()
    };
    assert_eq!(refused.reason, Some(ReasonCode::QuotaExceeded));
    assert_eq!(refused.code, ConnectReturnCode::ServerUnavailable);
    assert_eq!(refused.reason.unwrap().describe(), "0x97 Quota exceeded");
    let Ok(Some(Packet::ConnAck(refused))) = dec(V5, &[0x20, 0x03, 0x00, 0x87, 0x00]) else {
        panic!()
    };
    assert_eq!(refused.code, ConnectReturnCode::NotAuthorized);
    // `reason: None` encodes the code's 5.0 equivalent.
    let plain = ConnAck {
        code: ConnectReturnCode::BadUserNameOrPassword,
        ..ConnAck::default()
    };
    assert_eq!(
        enc(V5, &Packet::ConnAck(plain)),
        [0x20, 0x03, 0x00, 0x86, 0x00]
    );
    // Reason codes CONNACK must not carry; no short form; session present on refusal.
    assert_eq!(
        dec(V5, &[0x20, 0x03, 0x00, 0x10, 0x00]),
        Err(DecodeError::InvalidReasonCode {
            kind: "CONNACK",
            code: 0x10
        })
    );
    assert!(matches!(
        dec(V5, &[0x20, 0x02, 0x00, 0x00]),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        dec(V5, &[0x20, 0x03, 0x01, 0x87, 0x00]),
        Err(DecodeError::Malformed(_))
    ));
}

#[test]
fn publish_with_topic_alias_and_user_properties() {
    let publish = Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: String::new(),
        pkid: 5,
        payload: Bytes::from_static(b"hi"),
        properties: props(vec![
            Property::TopicAlias(3),
            Property::UserProperty("a".into(), "b".into()),
            Property::UserProperty("a".into(), "c".into()),
        ]),
    };
    #[rustfmt::skip]
    let bytes = [
        0x32, 24,
        0x00, 0x00,                 // empty topic: the alias stands for it
        0x00, 0x05,
        17,
        0x23, 0x00, 0x03,
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'b',
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'c',
        b'h', b'i',
    ];
    vector(V5, Packet::Publish(publish.clone()), &bytes);
    assert_eq!(publish.properties.topic_alias(), Some(3));
    assert_eq!(
        publish.properties.user_properties(),
        vec![("a", "b"), ("a", "c")]
    );
    // Without the alias an empty topic is invalid both ways.
    let no_alias = Publish {
        properties: Properties::new(),
        ..publish.clone()
    };
    assert!(matches!(
        encode_err(V5, Packet::Publish(no_alias)),
        EncodeError::InvalidTopicName { .. }
    ));
    assert!(matches!(
        dec(V5, &[0x32, 0x05, 0x00, 0x00, 0x00, 0x05, 0x00]),
        Err(DecodeError::InvalidTopicName { .. })
    ));
    // Several Subscription Identifiers are allowed in PUBLISH.
    let Ok(Some(Packet::Publish(p))) = dec(
        V5,
        &[0x30, 0x08, 0x00, 0x01, b't', 0x04, 0x0B, 0x01, 0x0B, 0x02],
    ) else {
        panic!()
    };
    assert_eq!(p.properties.subscription_identifiers(), vec![1, 2]);
    // 3.1.1 cannot carry properties.
    let mut out = BytesMut::new();
    assert_eq!(
        Packet::Publish(Publish {
            topic: "t".into(),
            ..publish
        })
        .encode(ProtocolVersion::V311, &mut out),
        Err(EncodeError::V5Only {
            kind: "PUBLISH",
            field: "properties"
        })
    );
    assert!(out.is_empty());
}

#[test]
fn puback_short_and_long_forms() {
    vector(
        V5,
        Packet::PubAck(PubAck::new(7)),
        &[0x40, 0x02, 0x00, 0x07],
    );
    vector(
        V5,
        Packet::PubAck(PubAck {
            pkid: 7,
            reason: ReasonCode::NoMatchingSubscribers,
            properties: Properties::new(),
        }),
        &[0x40, 0x03, 0x00, 0x07, 0x10],
    );
    vector(
        V5,
        Packet::PubAck(PubAck {
            pkid: 7,
            reason: ReasonCode::NotAuthorized,
            properties: props(vec![Property::ReasonString("no".into())]),
        }),
        &[
            0x40, 0x09, 0x00, 0x07, 0x87, 0x05, 0x1F, 0x00, 0x02, b'n', b'o',
        ],
    );
    // The long form of success, with an empty property list, is accepted too.
    assert_eq!(
        dec(V5, &[0x40, 0x04, 0x00, 0x07, 0x00, 0x00]),
        Ok(Some(Packet::PubAck(PubAck::new(7))))
    );
    vector(
        V5,
        Packet::PubRel(PubRel {
            pkid: 1,
            reason: ReasonCode::PacketIdentifierNotFound,
            properties: Properties::new(),
        }),
        &[0x62, 0x03, 0x00, 0x01, 0x92],
    );
    vector(
        V5,
        Packet::PubRec(PubRec {
            pkid: 2,
            reason: ReasonCode::QuotaExceeded,
            properties: Properties::new(),
        }),
        &[0x50, 0x03, 0x00, 0x02, 0x97],
    );
    vector(
        V5,
        Packet::PubComp(PubComp::new(3)),
        &[0x70, 0x02, 0x00, 0x03],
    );
    // PUBREL/PUBCOMP know only 0x00 and 0x92.
    assert_eq!(
        dec(V5, &[0x62, 0x03, 0x00, 0x01, 0x10]),
        Err(DecodeError::InvalidReasonCode {
            kind: "PUBREL",
            code: 0x10
        })
    );
    assert_eq!(
        encode_err(
            V5,
            Packet::PubComp(PubComp {
                pkid: 1,
                reason: ReasonCode::NotAuthorized,
                properties: Properties::new(),
            })
        ),
        EncodeError::InvalidReasonCode {
            kind: "PUBCOMP",
            code: 0x87
        }
    );
    // 3.1.1 refuses the 5.0 fields, naming them.
    assert_eq!(
        Packet::PubAck(PubAck {
            pkid: 1,
            reason: ReasonCode::NotAuthorized,
            properties: Properties::new(),
        })
        .encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only {
            kind: "PUBACK",
            field: "reason code"
        })
    );
}

#[test]
fn subscribe_with_options() {
    let sub = Subscribe {
        pkid: 1,
        filters: vec![
            (
                "a/b".into(),
                SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            ),
            (
                "$share/g/c".into(),
                SubscriptionOptions {
                    qos: QoS::ExactlyOnce,
                    retain_handling: RetainHandling::SendAtSubscribeIfNew,
                    ..SubscriptionOptions::default()
                },
            ),
        ],
        properties: props(vec![Property::SubscriptionIdentifier(300)]),
    };
    #[rustfmt::skip]
    let bytes = [
        0x82, 25,
        0x00, 0x01,
        0x03, 0x0B, 0xAC, 0x02,                 // subscription identifier 300
        0x00, 0x03, b'a', b'/', b'b', 0b0010_1101,
        0x00, 0x0A, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'c', 0b0001_0010,
    ];
    vector(V5, Packet::Subscribe(sub.clone()), &bytes);
    // No Local on a shared subscription is a protocol error.
    let mut bad = bytes;
    bad[26] |= 0b0100;
    assert!(matches!(dec(V5, &bad), Err(DecodeError::ProtocolError(_))));
    let mut shared_no_local = sub.clone();
    shared_no_local.filters[1].1.no_local = true;
    assert!(matches!(
        encode_err(V5, Packet::Subscribe(shared_no_local)),
        EncodeError::InvalidTopicFilter { .. }
    ));
    // Retain Handling 3 and the reserved bits.
    let mut rh3 = bytes;
    rh3[13] = 0b0011_0001;
    assert!(matches!(dec(V5, &rh3), Err(DecodeError::ProtocolError(_))));
    let mut reserved = bytes;
    reserved[13] = 0b0100_0001;
    assert!(matches!(dec(V5, &reserved), Err(DecodeError::Malformed(_))));
    // A share name without a filter.
    assert!(matches!(
        dec(
            V5,
            &[
                0x82, 0x0E, 0x00, 0x01, 0x00, 0x00, 0x08, b'$', b's', b'h', b'a', b'r', b'e', b'/',
                b'g', 0x00
            ]
        ),
        Err(DecodeError::ProtocolError(_))
    ));
    // 3.1.1 has no options beyond QoS.
    assert_eq!(
        Packet::Subscribe(Subscribe {
            properties: Properties::new(),
            ..sub
        })
        .encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only {
            kind: "SUBSCRIBE",
            field: "subscription option No Local"
        })
    );
}

#[test]
fn suback_failures() {
    let ack = SubAck {
        pkid: 2,
        return_codes: vec![
            SubscribeReturnCode::Success(QoS::AtLeastOnce),
            SubscribeReturnCode::Failure,
            SubscribeReturnCode::Error(ReasonCode::NotAuthorized),
            SubscribeReturnCode::Error(ReasonCode::QuotaExceeded),
        ],
        properties: props(vec![Property::ReasonString("x".into())]),
    };
    #[rustfmt::skip]
    let bytes = [
        0x90, 11,
        0x00, 0x02,
        0x04, 0x1F, 0x00, 0x01, b'x',
        0x01, 0x80, 0x87, 0x97,
    ];
    vector(V5, Packet::SubAck(ack.clone()), &bytes);
    assert!(ack.return_codes.iter().skip(1).all(|c| c.is_failure()));
    assert_eq!(
        ack.return_codes[2].reason().describe(),
        "0x87 Not authorized"
    );
    for bad in [0x03u8, 0x10, 0x11, 0x81, 0x92] {
        assert_eq!(
            dec(V5, &[0x90, 0x04, 0x00, 0x01, 0x00, bad]),
            Err(DecodeError::InvalidReasonCode {
                kind: "SUBACK",
                code: bad
            })
        );
    }
    // 3.1.1 knows only 0x80 as a failure.
    assert!(matches!(
        Packet::SubAck(SubAck {
            properties: Properties::new(),
            ..ack
        })
        .encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only { kind: "SUBACK", .. })
    ));
}

#[test]
fn unsubscribe_and_unsuback() {
    vector(
        V5,
        Packet::Unsubscribe(Unsubscribe {
            pkid: 4,
            topics: vec!["a".into()],
            properties: props(vec![Property::UserProperty("k".into(), "".into())]),
        }),
        &[
            0xA2, 0x0C, 0x00, 0x04, 0x06, 0x26, 0x00, 0x01, b'k', 0x00, 0x00, 0x00, 0x01, b'a',
        ],
    );
    vector(
        V5,
        Packet::UnsubAck(UnsubAck {
            pkid: 3,
            reasons: vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted],
            properties: Properties::new(),
        }),
        &[0xB0, 0x05, 0x00, 0x03, 0x00, 0x00, 0x11],
    );
    assert!(matches!(
        dec(V5, &[0xB0, 0x03, 0x00, 0x03, 0x00]),
        Err(DecodeError::Malformed(_))
    ));
    assert_eq!(
        dec(V5, &[0xB0, 0x04, 0x00, 0x03, 0x00, 0x97]),
        Err(DecodeError::InvalidReasonCode {
            kind: "UNSUBACK",
            code: 0x97
        })
    );
    assert_eq!(
        Packet::UnsubAck(UnsubAck {
            pkid: 1,
            reasons: vec![ReasonCode::Success],
            properties: Properties::new(),
        })
        .encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only {
            kind: "UNSUBACK",
            field: "reason codes"
        })
    );
}

#[test]
fn disconnect_with_reason_and_reason_string() {
    let d = Disconnect {
        reason: ReasonCode::ServerShuttingDown,
        properties: props(vec![Property::ReasonString("bye".into())]),
    };
    vector(
        V5,
        Packet::Disconnect(d.clone()),
        &[0xE0, 0x08, 0x8B, 0x06, 0x1F, 0x00, 0x03, b'b', b'y', b'e'],
    );
    assert_eq!(d.properties.reason_string(), Some("bye"));
    vector(V5, Packet::Disconnect(Disconnect::default()), &[0xE0, 0x00]);
    vector(
        V5,
        Packet::Disconnect(Disconnect {
            reason: ReasonCode::DisconnectWithWillMessage,
            properties: Properties::new(),
        }),
        &[0xE0, 0x01, 0x04],
    );
    assert_eq!(
        ReasonCode::Success.name_in(PacketKind::Disconnect),
        "Normal disconnection"
    );
    assert_eq!(
        Packet::Disconnect(d).encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only {
            kind: "DISCONNECT",
            field: "reason code"
        })
    );
    // A 3.1.1 DISCONNECT still has no body.
    let mut buf = BytesMut::from(&[0xE0, 0x01, 0x00][..]);
    assert!(matches!(
        decode_packet(&mut buf, ProtocolVersion::V311, 16),
        Err(DecodeError::TrailingBytes { .. })
    ));
}

#[test]
fn auth() {
    let auth = Auth {
        reason: ReasonCode::ContinueAuthentication,
        properties: props(vec![
            Property::AuthenticationMethod("SCRAM".into()),
            Property::AuthenticationData(Bytes::from_static(b"abc")),
        ]),
    };
    #[rustfmt::skip]
    let bytes = [
        0xF0, 16,
        0x18, 14,
        0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M',
        0x16, 0x00, 0x03, b'a', b'b', b'c',
    ];
    vector(V5, Packet::Auth(auth.clone()), &bytes);
    assert_eq!(auth.properties.authentication_method(), Some("SCRAM"));
    assert_eq!(auth.properties.authentication_data(), Some(&b"abc"[..]));
    vector(V5, Packet::Auth(Auth::default()), &[0xF0, 0x00]);
    assert_eq!(
        dec(V5, &[0xF0, 0x01, 0x80]),
        Err(DecodeError::InvalidReasonCode {
            kind: "AUTH",
            code: 0x80
        })
    );
    assert!(matches!(
        dec(V5, &[0xF1, 0x00]),
        Err(DecodeError::InvalidFlags { kind: "AUTH", .. })
    ));
    // Type 15 is reserved before 5.0, both ways.
    let mut buf = BytesMut::from(&[0xF0, 0x00][..]);
    assert_eq!(
        decode_packet(&mut buf, ProtocolVersion::V311, 16),
        Err(DecodeError::InvalidPacketType(15))
    );
    assert!(matches!(
        Packet::Auth(auth).encode(ProtocolVersion::V311, &mut BytesMut::new()),
        Err(EncodeError::V5Only { kind: "AUTH", .. })
    ));
}

#[test]
fn property_table() {
    assert_eq!(PROPERTY_SPECS.len(), 27);
    for spec in PROPERTY_SPECS {
        assert_eq!(property_spec(spec.id), Some(spec));
        assert!(
            PacketKind::ALL.iter().any(|k| spec.allowed_in(*k)),
            "{}",
            spec.name
        );
    }
    let user = property_spec(0x26).unwrap();
    assert_eq!(user.wire, PropertyType::Utf8StringPair);
    assert!(PacketKind::ALL.iter().all(|k| user.allowed_in(*k)));
    let sub_id = property_spec(0x0B).unwrap();
    assert_eq!(sub_id.wire, PropertyType::VariableByteInteger);
    assert!(sub_id.repeatable_in(PacketKind::Publish));
    assert!(!sub_id.repeatable_in(PacketKind::Subscribe));
    assert!(property_spec(0x04).is_none());
    // Will properties: exactly the five PUBLISH message properties plus Will Delay and
    // User Property.
    let will: Vec<u8> = PROPERTY_SPECS
        .iter()
        .filter(|s| s.allowed_in(PacketKind::Will))
        .map(|s| s.id)
        .collect();
    assert_eq!(will, [0x01, 0x02, 0x03, 0x08, 0x09, 0x18, 0x26]);
    assert_eq!(Property::MaximumQoS(1).name(), "Maximum QoS");
}
