//! Properties that hold for every packet kind, plus remaining-length boundaries on whole
//! frames. Byte-exact vectors live next to each packet's code.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::*;

const V: ProtocolVersion = ProtocolVersion::V311;

// ---------------------------------------------------------------- strategies

fn text(max: usize) -> impl Strategy<Value = String> {
    vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

fn topic_name() -> impl Strategy<Value = String> {
    vec(
        any::<char>().prop_filter("topic char", |c| !matches!(c, '\0' | '+' | '#')),
        1..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn topic_filter() -> impl Strategy<Value = String> {
    let plain = vec(
        any::<char>().prop_filter("level char", |c| !matches!(c, '\0' | '+' | '#' | '/')),
        0..6,
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

fn payload(max: usize) -> impl Strategy<Value = Bytes> {
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

fn connect() -> impl Strategy<Value = Packet> {
    let will = proptest::option::of((topic_name(), payload(32), qos(), any::<bool>()).prop_map(
        |(topic, payload, qos, retain)| LastWill {
            topic,
            payload,
            qos,
            retain,
            properties: Properties::new(),
        },
    ));
    (
        prop_oneof![Just(ProtocolVersion::V31), Just(ProtocolVersion::V311)],
        text(24),
        any::<bool>(),
        any::<u16>(),
        proptest::option::of(text(12)),
        proptest::option::of(payload(12)),
        will,
    )
        .prop_map(
            |(protocol, client_id, clean_session, keep_alive, username, password, will)| {
                // A password needs a user name in 3.1/3.1.1.
                let password = if username.is_some() { password } else { None };
                Packet::Connect(Connect {
                    protocol,
                    client_id,
                    clean_session,
                    keep_alive,
                    username,
                    password,
                    will,
                    properties: Properties::new(),
                })
            },
        )
}

fn connack() -> impl Strategy<Value = Packet> {
    (any::<bool>(), 0..=5u8).prop_map(|(session_present, code)| {
        let code = ConnectReturnCode::from_u8(code).unwrap_or(ConnectReturnCode::Accepted);
        Packet::ConnAck(ConnAck {
            session_present: session_present && code == ConnectReturnCode::Accepted,
            code,
            reason: None,
            properties: Properties::new(),
        })
    })
}

fn publish() -> impl Strategy<Value = Packet> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        topic_name(),
        pkid(),
        payload(300),
    )
        .prop_map(|(qos, dup, retain, topic, pkid, payload)| {
            let at_most_once = qos == QoS::AtMostOnce;
            Packet::Publish(Publish {
                dup: dup && !at_most_once,
                qos,
                retain,
                topic,
                pkid: if at_most_once { 0 } else { pkid },
                payload,
                properties: Properties::new(),
            })
        })
}

fn pkid_only() -> impl Strategy<Value = Packet> {
    (0..5u8, pkid()).prop_map(|(kind, pkid)| match kind {
        0 => Packet::PubAck(PubAck::new(pkid)),
        1 => Packet::PubRec(PubRec::new(pkid)),
        2 => Packet::PubRel(PubRel::new(pkid)),
        3 => Packet::PubComp(PubComp::new(pkid)),
        _ => Packet::UnsubAck(UnsubAck::new(pkid)),
    })
}

fn subscribe() -> impl Strategy<Value = Packet> {
    (pkid(), vec((topic_filter(), qos()), 1..6)).prop_map(|(pkid, filters)| {
        Packet::Subscribe(Subscribe {
            pkid,
            filters: filters.into_iter().map(|(f, q)| (f, q.into())).collect(),
            properties: Properties::new(),
        })
    })
}

fn suback() -> impl Strategy<Value = Packet> {
    let code = prop_oneof![
        qos().prop_map(SubscribeReturnCode::Success),
        Just(SubscribeReturnCode::Failure)
    ];
    (pkid(), vec(code, 1..8)).prop_map(|(pkid, return_codes)| {
        Packet::SubAck(SubAck {
            pkid,
            return_codes,
            properties: Properties::new(),
        })
    })
}

fn unsubscribe() -> impl Strategy<Value = Packet> {
    (pkid(), vec(topic_filter(), 1..6)).prop_map(|(pkid, topics)| {
        Packet::Unsubscribe(Unsubscribe {
            pkid,
            topics,
            properties: Properties::new(),
        })
    })
}

fn empty_body() -> impl Strategy<Value = Packet> {
    prop_oneof![
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        Just(Packet::Disconnect(Disconnect::default()))
    ]
}

fn any_packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        connect(),
        connack(),
        publish(),
        pkid_only(),
        subscribe(),
        suback(),
        unsubscribe(),
        empty_body(),
    ]
}

// ---------------------------------------------------------------- checks

fn encode(packet: &Packet) -> Result<BytesMut, TestCaseError> {
    let len = packet
        .encoded_len(V)
        .map_err(|e| TestCaseError::fail(format!("encoded_len: {e}")))?;
    let mut out = BytesMut::with_capacity(len);
    packet
        .encode(V, &mut out)
        .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    // Exact-capacity buffer: encoded_len is the truth, no reallocation was needed.
    prop_assert_eq!(out.len(), len);
    prop_assert_eq!(out.capacity(), len);
    Ok(out)
}

fn check_round_trip(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    let len = bytes.len();
    // A limit equal to the frame size is enough.
    let mut buf = bytes.clone();
    prop_assert_eq!(decode_packet(&mut buf, V, len), Ok(Some(packet.clone())));
    prop_assert!(buf.is_empty());
    // Back to back frames come out one at a time, the second untouched by the first.
    let mut two = bytes.clone();
    two.extend_from_slice(&bytes);
    prop_assert_eq!(decode_packet(&mut two, V, len), Ok(Some(packet.clone())));
    prop_assert_eq!(&two[..], &bytes[..]);
    prop_assert_eq!(decode_packet(&mut two, V, len), Ok(Some(packet.clone())));
    prop_assert_eq!(decode_packet(&mut two, V, len), Ok(None));
    Ok(())
}

fn check_prefixes(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    for cut in 0..bytes.len() {
        let mut buf = BytesMut::from(&bytes[..cut]);
        prop_assert_eq!(
            decode_packet(&mut buf, V, MAX_FRAME_SIZE),
            Ok(None),
            "cut {}",
            cut
        );
        prop_assert_eq!(&buf[..], &bytes[..cut]);
    }
    Ok(())
}

fn check_oversized(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    let frame_len = bytes.len();
    let max = frame_len - 1;
    let header_len = fixed_header::parse(&bytes)
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .map(|h| h.header_len)
        .ok_or_else(|| TestCaseError::fail("header incomplete"))?;
    // The fixed header alone is enough to refuse.
    let mut buf = BytesMut::from(&bytes[..header_len]);
    prop_assert_eq!(
        decode_packet(&mut buf, V, max),
        Err(DecodeError::PacketTooLarge {
            size: frame_len,
            max
        })
    );
    prop_assert_eq!(buf.len(), header_len);
    Ok(())
}

/// Whatever the decoder accepts, the encoder can produce again: the decoder is no more
/// lenient than the encoder.
fn check_reencodes(packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(packet)?;
    let mut buf = bytes.clone();
    prop_assert_eq!(
        decode_packet(&mut buf, V, MAX_FRAME_SIZE),
        Ok(Some(packet.clone()))
    );
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

                #[test]
                fn oversized_refused_from_header(p in $strategy) {
                    check_oversized(&p)?;
                }
            }
        }
    };
}

packet_props!(connect_props, connect());
packet_props!(connack_props, connack());
packet_props!(publish_props, publish());
packet_props!(id_only_props, pkid_only());
packet_props!(subscribe_props, subscribe());
packet_props!(suback_props, suback());
packet_props!(unsubscribe_props, unsubscribe());
packet_props!(empty_body_props, empty_body());

fn decode_all_quietly(mut buf: BytesMut, max: usize) {
    for _ in 0..64 {
        match decode_packet(&mut buf, V, max) {
            Ok(Some(p)) => {
                // Anything accepted must encode again (see check_reencodes).
                assert!(p.encode(V, &mut BytesMut::new()).is_ok(), "{p:?}");
            }
            Ok(None) | Err(_) => return,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..300), max in 0..400usize) {
        decode_all_quietly(BytesMut::from(&bytes[..]), max);
        decode_all_quietly(BytesMut::from(&bytes[..]), MAX_FRAME_SIZE);
        let mut v31 = BytesMut::from(&bytes[..]);
        let _ = decode_packet(&mut v31, ProtocolVersion::V31, MAX_FRAME_SIZE);
    }

    /// Valid frames with one byte changed: the decoder's hardest inputs, since most of the
    /// structure still lines up.
    #[test]
    fn mutated_frames_never_panic(
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
    fn decoded_packets_reencode(packet in any_packet()) {
        check_reencodes(&packet)?;
    }

    /// Frames arriving in arbitrary chunks come out whole and in order.
    #[test]
    fn streams_in_chunks(packets in vec(any_packet(), 1..6), chunk in 1..40usize) {
        let mut wire = Vec::new();
        for p in &packets {
            wire.extend_from_slice(&encode(p)?);
        }
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for piece in wire.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Some(p) = decode_packet(&mut buf, V, MAX_FRAME_SIZE)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
            {
                got.push(p);
            }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(got, packets);
    }

    /// Any announced length is judged against the limit from the header alone.
    #[test]
    fn limit_checked_from_header(len in 1..=MAX_REMAINING_LENGTH, max in any::<usize>()) {
        let mut header = BytesMut::from(&[0x30][..]);
        primitives::put_remaining_length(&mut header, len);
        let frame_len = header.len() + len;
        let max = max % (MAX_FRAME_SIZE + 1);
        let res = decode_packet(&mut header, V, max);
        if frame_len > max {
            prop_assert_eq!(res, Err(DecodeError::PacketTooLarge { size: frame_len, max }));
        } else {
            prop_assert_eq!(res, Ok(None));
        }
    }
}

// ---------------------------------------------------------------- fixed vectors

/// A QoS 0 PUBLISH to "t" whose remaining length is exactly `remaining`.
fn publish_with_remaining(remaining: usize) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos: QoS::AtMostOnce,
        retain: false,
        topic: "t".into(),
        pkid: 0,
        payload: Bytes::from(vec![0xA5; remaining - 3]),
        properties: Properties::new(),
    })
}

#[test]
fn remaining_length_boundaries_on_whole_frames() {
    let cases: [(usize, &[u8]); 6] = [
        (127, &[0x30, 0x7F]),
        (128, &[0x30, 0x80, 0x01]),
        (16_383, &[0x30, 0xFF, 0x7F]),
        (16_384, &[0x30, 0x80, 0x80, 0x01]),
        (2_097_151, &[0x30, 0xFF, 0xFF, 0x7F]),
        (2_097_152, &[0x30, 0x80, 0x80, 0x80, 0x01]),
    ];
    for (remaining, header) in cases {
        let packet = publish_with_remaining(remaining);
        let mut out = BytesMut::new();
        packet.encode(V, &mut out).unwrap();
        assert_eq!(out.len(), header.len() + remaining);
        assert_eq!(&out[..header.len()], header, "{remaining}");
        // One byte short of the limit is refused; the exact limit is accepted.
        let mut short = out.clone();
        assert!(matches!(
            decode_packet(&mut short, V, out.len() - 1),
            Err(DecodeError::PacketTooLarge { .. })
        ));
        let mut buf = out.clone();
        assert_eq!(decode_packet(&mut buf, V, out.len()), Ok(Some(packet)));
    }
}

#[test]
fn largest_remaining_length() {
    let header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F];
    let mut buf = BytesMut::from(&header[..]);
    assert_eq!(decode_packet(&mut buf, V, MAX_FRAME_SIZE), Ok(None));
    assert_eq!(MAX_FRAME_SIZE, MAX_REMAINING_LENGTH + 5);
    assert_eq!(
        decode_packet(&mut buf, V, 1 << 20),
        Err(DecodeError::PacketTooLarge {
            size: MAX_FRAME_SIZE,
            max: 1 << 20
        })
    );
    let mut five = BytesMut::from(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F][..]);
    assert_eq!(
        decode_packet(&mut five, V, MAX_FRAME_SIZE),
        Err(DecodeError::MalformedRemainingLength)
    );
    assert_eq!(five.len(), 6);
}

#[test]
fn kinds() {
    let cases = [
        (Packet::PingReq, "PINGREQ"),
        (Packet::PingResp, "PINGRESP"),
        (Packet::Disconnect(Disconnect::default()), "DISCONNECT"),
        (Packet::PubRel(PubRel::new(1)), "PUBREL"),
        (
            Packet::SubAck(SubAck {
                pkid: 1,
                return_codes: vec![SubscribeReturnCode::Failure],
                properties: Properties::new(),
            }),
            "SUBACK",
        ),
    ];
    for (packet, kind) in cases {
        assert_eq!(packet.kind(), kind);
    }
}

#[test]
fn protocol_versions() {
    for v in [ProtocolVersion::V31, ProtocolVersion::V311] {
        assert_eq!(
            ProtocolVersion::from_name_and_level(v.protocol_name(), v.level()),
            Some(v)
        );
    }
    assert_eq!(ProtocolVersion::from_name_and_level("MQIsdp", 4), None);
    assert_eq!(QoS::from_u8(3), None);
    assert!(QoS::AtMostOnce < QoS::ExactlyOnce);
}

#[test]
fn error_messages_read_as_sentences() {
    let e = DecodeError::PacketTooLarge {
        size: 300,
        max: 256,
    };
    assert_eq!(
        e.to_string(),
        "packet of 300 bytes exceeds the maximum packet size of 256 bytes"
    );
    assert_eq!(
        DecodeError::InvalidFlags {
            kind: "PUBREL",
            flags: 0
        }
        .to_string(),
        "invalid fixed header flags 0b0000 for PUBREL"
    );
    assert_eq!(
        EncodeError::EmptySubscribe.to_string(),
        "SUBSCRIBE needs at least one topic filter"
    );
}
