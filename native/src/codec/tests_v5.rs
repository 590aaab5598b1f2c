//! MQTT 5.0: byte-exact vectors built from the specification's layouts, one test per
//! strict-validation rule, and the 3.1.1 property tests extended to 5.0 packets with
//! arbitrary properties valid for them.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::*;

const V5: ProtocolVersion = ProtocolVersion::V5;

fn enc(packet: &Packet) -> Vec<u8> {
    let mut out = BytesMut::new();
    packet.encode(V5, &mut out).unwrap();
    assert_eq!(packet.encoded_len(V5), Ok(out.len()));
    out.to_vec()
}

fn dec(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
    let mut buf = BytesMut::from(bytes);
    let res = decode_packet(&mut buf, V5, MAX_FRAME_SIZE);
    if let Ok(Some(_)) = res {
        assert!(buf.is_empty(), "frame not consumed");
    }
    res
}

/// Encodes to exactly `bytes` and decodes back to `packet`.
fn vector(packet: Packet, bytes: &[u8]) {
    assert_eq!(enc(&packet), bytes, "{}", packet.kind());
    assert_eq!(dec(bytes), Ok(Some(packet)));
}

fn props(list: Vec<Property>) -> Properties {
    Properties(list)
}

fn encode_err(packet: Packet) -> EncodeError {
    let mut out = BytesMut::new();
    let err = packet.encode(V5, &mut out).unwrap_err();
    assert!(out.is_empty());
    err
}

// ---------------------------------------------------------------- vectors

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
    vector(Packet::Connect(connect.clone()), &bytes);
    // CONNECT names its version: decoding with a 3.1.1 expectation still reads 5.0.
    let mut buf = BytesMut::from(&bytes[..]);
    assert_eq!(
        decode_packet(&mut buf, ProtocolVersion::V311, 1024),
        Ok(Some(Packet::Connect(connect.clone())))
    );
    let Packet::Connect(c) = dec(&bytes).unwrap().unwrap() else {
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
    vector(Packet::Connect(connect.clone()), &bytes);
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
    vector(Packet::ConnAck(ack), &bytes);
    // Refused: the exact reason is kept, the 3.1.1 code is its nearest equivalent.
    let Ok(Some(Packet::ConnAck(refused))) = dec(&[0x20, 0x03, 0x00, 0x97, 0x00]) else {
        panic!()
    };
    assert_eq!(refused.reason, Some(ReasonCode::QuotaExceeded));
    assert_eq!(refused.code, ConnectReturnCode::ServerUnavailable);
    assert_eq!(refused.reason.unwrap().describe(), "0x97 Quota exceeded");
    let Ok(Some(Packet::ConnAck(refused))) = dec(&[0x20, 0x03, 0x00, 0x87, 0x00]) else {
        panic!()
    };
    assert_eq!(refused.code, ConnectReturnCode::NotAuthorized);
    // `reason: None` encodes the code's 5.0 equivalent.
    let plain = ConnAck {
        code: ConnectReturnCode::BadUserNameOrPassword,
        ..ConnAck::default()
    };
    assert_eq!(enc(&Packet::ConnAck(plain)), [0x20, 0x03, 0x00, 0x86, 0x00]);
    // Reason codes CONNACK must not carry; no short form; session present on refusal.
    assert_eq!(
        dec(&[0x20, 0x03, 0x00, 0x10, 0x00]),
        Err(DecodeError::InvalidReasonCode {
            kind: "CONNACK",
            code: 0x10
        })
    );
    assert!(matches!(
        dec(&[0x20, 0x02, 0x00, 0x00]),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        dec(&[0x20, 0x03, 0x01, 0x87, 0x00]),
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
    vector(Packet::Publish(publish.clone()), &bytes);
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
        encode_err(Packet::Publish(no_alias)),
        EncodeError::InvalidTopicName { .. }
    ));
    assert!(matches!(
        dec(&[0x32, 0x05, 0x00, 0x00, 0x00, 0x05, 0x00]),
        Err(DecodeError::InvalidTopicName { .. })
    ));
    // Several Subscription Identifiers are allowed in PUBLISH.
    let Ok(Some(Packet::Publish(p))) =
        dec(&[0x30, 0x08, 0x00, 0x01, b't', 0x04, 0x0B, 0x01, 0x0B, 0x02])
    else {
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
    vector(Packet::PubAck(PubAck::new(7)), &[0x40, 0x02, 0x00, 0x07]);
    vector(
        Packet::PubAck(PubAck {
            pkid: 7,
            reason: ReasonCode::NoMatchingSubscribers,
            properties: Properties::new(),
        }),
        &[0x40, 0x03, 0x00, 0x07, 0x10],
    );
    vector(
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
        dec(&[0x40, 0x04, 0x00, 0x07, 0x00, 0x00]),
        Ok(Some(Packet::PubAck(PubAck::new(7))))
    );
    vector(
        Packet::PubRel(PubRel {
            pkid: 1,
            reason: ReasonCode::PacketIdentifierNotFound,
            properties: Properties::new(),
        }),
        &[0x62, 0x03, 0x00, 0x01, 0x92],
    );
    vector(
        Packet::PubRec(PubRec {
            pkid: 2,
            reason: ReasonCode::QuotaExceeded,
            properties: Properties::new(),
        }),
        &[0x50, 0x03, 0x00, 0x02, 0x97],
    );
    vector(Packet::PubComp(PubComp::new(3)), &[0x70, 0x02, 0x00, 0x03]);
    // PUBREL/PUBCOMP know only 0x00 and 0x92.
    assert_eq!(
        dec(&[0x62, 0x03, 0x00, 0x01, 0x10]),
        Err(DecodeError::InvalidReasonCode {
            kind: "PUBREL",
            code: 0x10
        })
    );
    assert_eq!(
        encode_err(Packet::PubComp(PubComp {
            pkid: 1,
            reason: ReasonCode::NotAuthorized,
            properties: Properties::new(),
        })),
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
    vector(Packet::Subscribe(sub.clone()), &bytes);
    // No Local on a shared subscription is a protocol error.
    let mut bad = bytes;
    bad[26] |= 0b0100;
    assert!(matches!(dec(&bad), Err(DecodeError::ProtocolError(_))));
    let mut shared_no_local = sub.clone();
    shared_no_local.filters[1].1.no_local = true;
    assert!(matches!(
        encode_err(Packet::Subscribe(shared_no_local)),
        EncodeError::InvalidTopicFilter { .. }
    ));
    // Retain Handling 3 and the reserved bits.
    let mut rh3 = bytes;
    rh3[13] = 0b0011_0001;
    assert!(matches!(dec(&rh3), Err(DecodeError::ProtocolError(_))));
    let mut reserved = bytes;
    reserved[13] = 0b0100_0001;
    assert!(matches!(dec(&reserved), Err(DecodeError::Malformed(_))));
    // A share name without a filter.
    assert!(matches!(
        dec(&[
            0x82, 0x0E, 0x00, 0x01, 0x00, 0x00, 0x08, b'$', b's', b'h', b'a', b'r', b'e', b'/',
            b'g', 0x00
        ]),
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
    vector(Packet::SubAck(ack.clone()), &bytes);
    assert!(ack.return_codes.iter().skip(1).all(|c| c.is_failure()));
    assert_eq!(
        ack.return_codes[2].reason().describe(),
        "0x87 Not authorized"
    );
    for bad in [0x03u8, 0x10, 0x11, 0x81, 0x92] {
        assert_eq!(
            dec(&[0x90, 0x04, 0x00, 0x01, 0x00, bad]),
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
        Packet::UnsubAck(UnsubAck {
            pkid: 3,
            reasons: vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted],
            properties: Properties::new(),
        }),
        &[0xB0, 0x05, 0x00, 0x03, 0x00, 0x00, 0x11],
    );
    assert!(matches!(
        dec(&[0xB0, 0x03, 0x00, 0x03, 0x00]),
        Err(DecodeError::Malformed(_))
    ));
    assert_eq!(
        dec(&[0xB0, 0x04, 0x00, 0x03, 0x00, 0x97]),
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
        Packet::Disconnect(d.clone()),
        &[0xE0, 0x08, 0x8B, 0x06, 0x1F, 0x00, 0x03, b'b', b'y', b'e'],
    );
    assert_eq!(d.properties.reason_string(), Some("bye"));
    vector(Packet::Disconnect(Disconnect::default()), &[0xE0, 0x00]);
    vector(
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
    vector(Packet::Auth(auth.clone()), &bytes);
    assert_eq!(auth.properties.authentication_method(), Some("SCRAM"));
    assert_eq!(auth.properties.authentication_data(), Some(&b"abc"[..]));
    vector(Packet::Auth(Auth::default()), &[0xF0, 0x00]);
    assert_eq!(Packet::Auth(Auth::default()).kind(), "AUTH");
    assert_eq!(
        dec(&[0xF0, 0x01, 0x80]),
        Err(DecodeError::InvalidReasonCode {
            kind: "AUTH",
            code: 0x80
        })
    );
    assert!(matches!(
        dec(&[0xF1, 0x00]),
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

// ---------------------------------------------------------------- strict validation

/// A CONNACK (success) whose property block is `block`.
fn connack_with(block: &[u8]) -> Vec<u8> {
    let mut v = vec![0x20, (3 + block.len()) as u8, 0x00, 0x00, block.len() as u8];
    v.extend_from_slice(block);
    v
}

/// A QoS 0 PUBLISH to "t" whose property block is `block`.
fn publish_with(block: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x30,
        (4 + block.len()) as u8,
        0x00,
        0x01,
        b't',
        block.len() as u8,
    ];
    v.extend_from_slice(block);
    v
}

#[test]
fn duplicate_property_is_refused() {
    assert_eq!(
        dec(&connack_with(&[0x21, 0x00, 0x0A, 0x21, 0x00, 0x0B])),
        Err(DecodeError::DuplicateProperty {
            kind: "CONNACK",
            property: "Receive Maximum"
        })
    );
    // Subscription Identifier repeats in PUBLISH only.
    assert_eq!(
        dec(&[0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, b't', 0x00]),
        Err(DecodeError::DuplicateProperty {
            kind: "SUBSCRIBE",
            property: "Subscription Identifier"
        })
    );
    assert_eq!(
        encode_err(Packet::Disconnect(Disconnect {
            reason: ReasonCode::Success,
            properties: props(vec![
                Property::ReasonString("a".into()),
                Property::ReasonString("b".into()),
            ]),
        })),
        EncodeError::DuplicateProperty {
            kind: "DISCONNECT",
            property: "Reason String"
        }
    );
}

#[test]
fn property_on_wrong_packet_is_refused() {
    assert_eq!(
        dec(&[0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01]),
        Err(DecodeError::PropertyNotAllowed {
            kind: "PUBACK",
            property: "Topic Alias"
        })
    );
    assert_eq!(
        dec(&publish_with(&[0x11, 0x00, 0x00, 0x00, 0x01])),
        Err(DecodeError::PropertyNotAllowed {
            kind: "PUBLISH",
            property: "Session Expiry Interval"
        })
    );
    assert_eq!(
        encode_err(Packet::Connect(Connect {
            protocol: V5,
            client_id: "c".into(),
            clean_session: true,
            keep_alive: 0,
            username: None,
            password: None,
            will: None,
            properties: props(vec![Property::WillDelayInterval(1)]),
        })),
        EncodeError::PropertyNotAllowed {
            kind: "CONNECT",
            property: "Will Delay Interval"
        }
    );
    assert_eq!(
        dec(&connack_with(&[0x7F, 0x00])),
        Err(DecodeError::UnknownProperty {
            kind: "CONNACK",
            id: 0x7F
        })
    );
}

#[test]
fn five_byte_variable_integers_are_malformed() {
    // As the property length.
    assert_eq!(
        dec(&[0xE0, 0x06, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        Err(DecodeError::MalformedVarInt {
            field: "property length"
        })
    );
    // As a Subscription Identifier.
    assert_eq!(
        dec(&publish_with(&[0x0B, 0x80, 0x80, 0x80, 0x80, 0x01])),
        Err(DecodeError::MalformedVarInt {
            field: "Subscription Identifier"
        })
    );
    // Subscription Identifier 0 and beyond the varint range.
    assert_eq!(
        dec(&publish_with(&[0x0B, 0x00])),
        Err(DecodeError::InvalidPropertyValue {
            property: "Subscription Identifier",
            value: 0
        })
    );
    assert!(matches!(
        encode_err(Packet::Subscribe(Subscribe {
            pkid: 1,
            filters: vec![("t".into(), QoS::AtMostOnce.into())],
            properties: props(vec![Property::SubscriptionIdentifier(
                MAX_SUBSCRIPTION_IDENTIFIER + 1
            )]),
        })),
        EncodeError::InvalidPropertyValue { .. }
    ));
}

#[test]
fn over_long_property_length_is_refused() {
    assert_eq!(
        dec(&[0xE0, 0x03, 0x00, 0x05, 0x1F]),
        Err(DecodeError::Truncated {
            kind: "DISCONNECT",
            field: "properties"
        })
    );
    // A property running past its block, though the packet has bytes left.
    assert!(matches!(
        dec(&publish_with(&[0x03, 0x00, 0x05, b'a'])),
        Err(DecodeError::Truncated { .. })
    ));
}

#[test]
fn invalid_property_values_are_refused() {
    let connack_cases: [(&[u8], &str, u32); 7] = [
        (&[0x21, 0x00, 0x00], "Receive Maximum", 0),
        (&[0x27, 0x00, 0x00, 0x00, 0x00], "Maximum Packet Size", 0),
        (&[0x24, 0x02], "Maximum QoS", 2),
        (&[0x25, 0x02], "Retain Available", 2),
        (&[0x28, 0x05], "Wildcard Subscription Available", 5),
        (&[0x29, 0x02], "Subscription Identifier Available", 2),
        (&[0x2A, 0xFF], "Shared Subscription Available", 255),
    ];
    for (block, property, value) in connack_cases {
        assert_eq!(
            dec(&connack_with(block)),
            Err(DecodeError::InvalidPropertyValue { property, value }),
            "{property}"
        );
    }
    assert_eq!(
        dec(&publish_with(&[0x01, 0x02])),
        Err(DecodeError::InvalidPropertyValue {
            property: "Payload Format Indicator",
            value: 2
        })
    );
    assert_eq!(
        dec(&publish_with(&[0x23, 0x00, 0x00])),
        Err(DecodeError::InvalidPropertyValue {
            property: "Topic Alias",
            value: 0
        })
    );
    let bad_encodes = [
        (PacketKind::Connect, Property::RequestProblemInformation(2)),
        (PacketKind::Connect, Property::RequestResponseInformation(3)),
        (PacketKind::Connect, Property::ReceiveMaximum(0)),
        (PacketKind::Connect, Property::MaximumPacketSize(0)),
        (PacketKind::Publish, Property::TopicAlias(0)),
    ];
    for (kind, p) in bad_encodes {
        assert!(
            matches!(
                Properties(vec![p.clone()]).size(kind),
                Err(EncodeError::InvalidPropertyValue { .. })
            ),
            "{p:?}"
        );
    }
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

#[test]
fn version_five() {
    assert_eq!(V5.protocol_name(), "MQTT");
    assert_eq!(V5.level(), 5);
    assert_eq!(ProtocolVersion::from_name_and_level("MQTT", 5), Some(V5));
    assert_eq!(ProtocolVersion::from_name_and_level("MQIsdp", 5), None);
}

// ---------------------------------------------------------------- property tests

fn text(max: usize) -> impl Strategy<Value = String> {
    vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

fn topic_name() -> impl Strategy<Value = String> {
    vec(
        any::<char>().prop_filter("topic char", |c| !matches!(c, '\0' | '+' | '#')),
        1..10,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn topic_filter() -> impl Strategy<Value = String> {
    let plain = vec(
        any::<char>().prop_filter("level char", |c| !matches!(c, '\0' | '+' | '#' | '/')),
        0..5,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    let level = prop_oneof![3 => plain, 1 => Just("+".to_owned())];
    (vec(level, 1..4), any::<bool>()).prop_map(|(levels, hash)| {
        let mut filter = levels.join("/");
        if hash {
            filter.push_str("/#");
        }
        if filter.is_empty() {
            filter.push('#');
        }
        filter
    })
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn pkid() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

fn flag() -> impl Strategy<Value = u8> {
    0..=1u8
}

/// Any property with a value MQTT allows.
fn any_property() -> impl Strategy<Value = Property> {
    use Property::*;
    prop_oneof![
        flag().prop_map(PayloadFormatIndicator),
        any::<u32>().prop_map(MessageExpiryInterval),
        text(8).prop_map(ContentType),
        text(8).prop_map(ResponseTopic),
        bytes(8).prop_map(CorrelationData),
        (1..=MAX_SUBSCRIPTION_IDENTIFIER).prop_map(SubscriptionIdentifier),
        any::<u32>().prop_map(SessionExpiryInterval),
        text(8).prop_map(AssignedClientIdentifier),
        any::<u16>().prop_map(ServerKeepAlive),
        text(8).prop_map(AuthenticationMethod),
        bytes(8).prop_map(AuthenticationData),
        flag().prop_map(RequestProblemInformation),
        any::<u32>().prop_map(WillDelayInterval),
        flag().prop_map(RequestResponseInformation),
        text(8).prop_map(ResponseInformation),
        text(8).prop_map(ServerReference),
        text(8).prop_map(ReasonString),
        (1..=u16::MAX).prop_map(ReceiveMaximum),
        any::<u16>().prop_map(TopicAliasMaximum),
        (1..=u16::MAX).prop_map(TopicAlias),
        flag().prop_map(MaximumQoS),
        flag().prop_map(RetainAvailable),
        (text(6), text(6)).prop_map(|(k, v)| UserProperty(k, v)),
        (1..=u32::MAX).prop_map(MaximumPacketSize),
        flag().prop_map(WildcardSubscriptionAvailable),
        flag().prop_map(SubscriptionIdentifierAvailable),
        flag().prop_map(SharedSubscriptionAvailable),
    ]
}

/// Arbitrary properties valid for `kind`: allowed there, repeated only where allowed.
fn props_for(kind: PacketKind) -> impl Strategy<Value = Properties> {
    vec(any_property(), 0..16).prop_map(move |list| {
        let mut seen = Vec::new();
        list.into_iter()
            .filter(|p| {
                let spec = p.spec();
                if !spec.allowed_in(kind) {
                    return false;
                }
                if seen.contains(&spec.id) && !spec.repeatable_in(kind) {
                    return false;
                }
                seen.push(spec.id);
                true
            })
            .collect()
    })
}

fn reason_for(kind: PacketKind) -> impl Strategy<Value = ReasonCode> {
    let codes: Vec<ReasonCode> = ReasonCode::ALL
        .iter()
        .copied()
        .filter(|rc| rc.is_valid_for(kind))
        .collect();
    prop::sample::select(codes)
}

fn connect() -> impl Strategy<Value = Packet> {
    let will = proptest::option::of(
        (
            topic_name(),
            bytes(16),
            qos(),
            any::<bool>(),
            props_for(PacketKind::Will),
        )
            .prop_map(|(topic, payload, qos, retain, properties)| LastWill {
                topic,
                payload,
                qos,
                retain,
                properties,
            }),
    );
    (
        text(16),
        any::<bool>(),
        any::<u16>(),
        proptest::option::of(text(8)),
        proptest::option::of(bytes(8)),
        will,
        props_for(PacketKind::Connect),
    )
        .prop_map(
            |(client_id, clean_session, keep_alive, username, password, will, properties)| {
                Packet::Connect(Connect {
                    protocol: V5,
                    client_id,
                    clean_session,
                    keep_alive,
                    username,
                    password,
                    will,
                    properties,
                })
            },
        )
}

fn connack() -> impl Strategy<Value = Packet> {
    (
        any::<bool>(),
        reason_for(PacketKind::ConnAck),
        props_for(PacketKind::ConnAck),
    )
        .prop_map(|(present, reason, properties)| {
            Packet::ConnAck(ConnAck {
                session_present: present && reason == ReasonCode::Success,
                code: ConnectReturnCode::from_reason(reason),
                reason: Some(reason),
                properties,
            })
        })
}

fn publish() -> impl Strategy<Value = Packet> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![3 => topic_name(), 1 => Just(String::new())],
        pkid(),
        bytes(200),
        props_for(PacketKind::Publish),
        1..=u16::MAX,
    )
        .prop_map(
            |(qos, dup, retain, topic, pkid, payload, mut properties, alias)| {
                if topic.is_empty() && properties.topic_alias().is_none() {
                    properties.push(Property::TopicAlias(alias));
                }
                let at_most_once = qos == QoS::AtMostOnce;
                Packet::Publish(Publish {
                    dup: dup && !at_most_once,
                    qos,
                    retain,
                    topic,
                    pkid: if at_most_once { 0 } else { pkid },
                    payload,
                    properties,
                })
            },
        )
}

fn acks() -> impl Strategy<Value = Packet> {
    let kinds = [
        PacketKind::PubAck,
        PacketKind::PubRec,
        PacketKind::PubRel,
        PacketKind::PubComp,
    ];
    prop::sample::select(kinds.to_vec()).prop_flat_map(|kind| {
        (pkid(), reason_for(kind), props_for(kind)).prop_map(move |(pkid, reason, properties)| {
            match kind {
                PacketKind::PubAck => Packet::PubAck(PubAck {
                    pkid,
                    reason,
                    properties,
                }),
                PacketKind::PubRec => Packet::PubRec(PubRec {
                    pkid,
                    reason,
                    properties,
                }),
                PacketKind::PubRel => Packet::PubRel(PubRel {
                    pkid,
                    reason,
                    properties,
                }),
                _ => Packet::PubComp(PubComp {
                    pkid,
                    reason,
                    properties,
                }),
            }
        })
    })
}

fn options() -> impl Strategy<Value = SubscriptionOptions> {
    (qos(), any::<bool>(), any::<bool>(), 0..=2u8).prop_map(|(qos, no_local, rap, rh)| {
        SubscriptionOptions {
            qos,
            no_local,
            retain_as_published: rap,
            retain_handling: RetainHandling::from_u8(rh).unwrap_or_default(),
        }
    })
}

fn subscribe() -> impl Strategy<Value = Packet> {
    let entry = (topic_filter(), any::<bool>(), options()).prop_map(|(filter, shared, opts)| {
        if shared {
            let opts = SubscriptionOptions {
                no_local: false,
                ..opts
            };
            (format!("$share/grp/{filter}"), opts)
        } else {
            (filter, opts)
        }
    });
    (pkid(), vec(entry, 1..5), props_for(PacketKind::Subscribe)).prop_map(
        |(pkid, filters, properties)| {
            Packet::Subscribe(Subscribe {
                pkid,
                filters,
                properties,
            })
        },
    )
}

fn suback() -> impl Strategy<Value = Packet> {
    let code = reason_for(PacketKind::SubAck)
        .prop_map(|rc| SubscribeReturnCode::from_u8_v5(rc.code()).unwrap());
    (pkid(), vec(code, 1..6), props_for(PacketKind::SubAck)).prop_map(
        |(pkid, return_codes, properties)| {
            Packet::SubAck(SubAck {
                pkid,
                return_codes,
                properties,
            })
        },
    )
}

fn unsubscribe() -> impl Strategy<Value = Packet> {
    (
        pkid(),
        vec(topic_filter(), 1..5),
        props_for(PacketKind::Unsubscribe),
    )
        .prop_map(|(pkid, topics, properties)| {
            Packet::Unsubscribe(Unsubscribe {
                pkid,
                topics,
                properties,
            })
        })
}

fn unsuback() -> impl Strategy<Value = Packet> {
    (
        pkid(),
        vec(reason_for(PacketKind::UnsubAck), 1..6),
        props_for(PacketKind::UnsubAck),
    )
        .prop_map(|(pkid, reasons, properties)| {
            Packet::UnsubAck(UnsubAck {
                pkid,
                reasons,
                properties,
            })
        })
}

fn disconnect_auth_ping() -> impl Strategy<Value = Packet> {
    prop_oneof![
        (
            reason_for(PacketKind::Disconnect),
            props_for(PacketKind::Disconnect)
        )
            .prop_map(|(reason, properties)| Packet::Disconnect(Disconnect { reason, properties })),
        (reason_for(PacketKind::Auth), props_for(PacketKind::Auth))
            .prop_map(|(reason, properties)| Packet::Auth(Auth { reason, properties })),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
    ]
}

fn any_packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        connect(),
        connack(),
        publish(),
        acks(),
        subscribe(),
        suback(),
        unsubscribe(),
        unsuback(),
        disconnect_auth_ping(),
    ]
}

fn encode(packet: &Packet) -> Result<BytesMut, TestCaseError> {
    let len = packet
        .encoded_len(V5)
        .map_err(|e| TestCaseError::fail(format!("encoded_len: {e}")))?;
    let mut out = BytesMut::with_capacity(len);
    packet
        .encode(V5, &mut out)
        .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    prop_assert_eq!(out.len(), len);
    prop_assert_eq!(out.capacity(), len);
    Ok(out)
}

fn check_round_trip(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    let len = bytes.len();
    let mut buf = bytes.clone();
    prop_assert_eq!(decode_packet(&mut buf, V5, len), Ok(Some(packet.clone())));
    prop_assert!(buf.is_empty());
    let mut two = bytes.clone();
    two.extend_from_slice(&bytes);
    prop_assert_eq!(decode_packet(&mut two, V5, len), Ok(Some(packet.clone())));
    prop_assert_eq!(&two[..], &bytes[..]);
    prop_assert_eq!(decode_packet(&mut two, V5, len), Ok(Some(packet.clone())));
    prop_assert_eq!(decode_packet(&mut two, V5, len), Ok(None));
    Ok(())
}

fn check_prefixes(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    for cut in 0..bytes.len() {
        let mut buf = BytesMut::from(&bytes[..cut]);
        prop_assert_eq!(
            decode_packet(&mut buf, V5, MAX_FRAME_SIZE),
            Ok(None),
            "cut {}",
            cut
        );
        prop_assert_eq!(&buf[..], &bytes[..cut]);
    }
    Ok(())
}

macro_rules! packet_props {
    ($name:ident, $strategy:expr) => {
        mod $name {
            use super::*;

            proptest! {
                #[test]
                fn round_trip(p in $strategy) {
                    check_round_trip(&p)?;
                }

                #[test]
                fn strict_prefixes_need_more(p in $strategy) {
                    check_prefixes(&p)?;
                }
            }
        }
    };
}

packet_props!(connect_v5, connect());
packet_props!(connack_v5, connack());
packet_props!(publish_v5, publish());
packet_props!(acks_v5, acks());
packet_props!(subscribe_v5, subscribe());
packet_props!(suback_v5, suback());
packet_props!(unsubscribe_v5, unsubscribe());
packet_props!(unsuback_v5, unsuback());
packet_props!(disconnect_auth_v5, disconnect_auth_ping());

fn decode_all_quietly(mut buf: BytesMut, max: usize) {
    for _ in 0..64 {
        match decode_packet(&mut buf, V5, max) {
            Ok(Some(p)) => {
                // Anything accepted must encode again.
                assert!(p.encode(V5, &mut BytesMut::new()).is_ok(), "{p:?}");
            }
            Ok(None) | Err(_) => return,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic_as_v5(bytes in vec(any::<u8>(), 0..300), max in 0..400usize) {
        decode_all_quietly(BytesMut::from(&bytes[..]), max);
        decode_all_quietly(BytesMut::from(&bytes[..]), MAX_FRAME_SIZE);
    }

    #[test]
    fn mutated_v5_frames_never_panic(
        packet in any_packet(),
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let mut bytes = encode(&packet)?;
        let i = at.index(bytes.len());
        if let Some(b) = bytes.get_mut(i) {
            *b = value;
        }
        decode_all_quietly(bytes, MAX_FRAME_SIZE);
    }

    #[test]
    fn v5_streams_in_chunks(packets in vec(any_packet(), 1..6), chunk in 1..40usize) {
        let mut wire = Vec::new();
        for p in &packets {
            wire.extend_from_slice(&encode(p)?);
        }
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for piece in wire.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Some(p) = decode_packet(&mut buf, V5, MAX_FRAME_SIZE)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
            {
                got.push(p);
            }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(got, packets);
    }
}
