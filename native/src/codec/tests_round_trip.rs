//! Properties that hold for every packet kind in both 3.1.1 and 5.0, and the frame limits
//! (remaining length, maximum packet size) that do not depend on the version. Byte-exact
//! vectors live next to each packet's code and, for 5.0's own fields, in `tests_v5_only`.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::tests_support::*;
use super::*;

macro_rules! packet_props {
    ($name:ident, $strategy:expr) => {
        mod $name {
            use super::*;

            proptest! {
                #[test]
                fn round_trip(p in $strategy) {
                    check_round_trip(V, &p)?;
                }

                #[test]
                fn strict_prefixes_need_more(p in $strategy) {
                    check_prefixes(V, &p)?;
                }

                #[test]
                fn oversized_refused_from_header(p in $strategy) {
                    check_oversized(V, &p)?;
                }
            }
        }
    };
}

/// A QoS 0 PUBLISH to "t" whose remaining length in `v` is exactly `remaining`.
fn publish_with_remaining(v: ProtocolVersion, remaining: usize) -> Packet {
    // Topic length (2) and "t" (1), plus 5.0's empty property length (1).
    let overhead = match v {
        ProtocolVersion::V5 => 4,
        _ => 3,
    };
    Packet::Publish(Publish {
        dup: false,
        qos: QoS::AtMostOnce,
        retain: false,
        topic: "t".into(),
        pkid: 0,
        payload: Bytes::from(vec![0xA5; remaining - overhead]),
        properties: Properties::new(),
    })
}

per_version! {
    packet_props!(connect_props, connect(V));
    packet_props!(connack_props, connack(V));
    packet_props!(publish_props, publish(V));
    packet_props!(acks_props, acks(V));
    packet_props!(subscribe_props, subscribe(V));
    packet_props!(suback_props, suback(V));
    packet_props!(unsubscribe_props, unsubscribe(V));
    packet_props!(unsuback_props, unsuback(V));
    packet_props!(control_props, control(V));

    proptest! {
        #[test]
        fn decoded_packets_reencode(packet in any_packet(V)) {
            check_reencodes(V, &packet)?;
        }

        /// Frames arriving in arbitrary chunks come out whole and in order.
        #[test]
        fn streams_in_chunks(packets in vec(any_packet(V), 1..6), chunk in 1..40usize) {
            let mut wire = Vec::new();
            for p in &packets {
                wire.extend_from_slice(&encode(V, p)?);
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
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

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
            let packet = publish_with_remaining(V, remaining);
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
}

#[test]
fn largest_frame_size() {
    assert_eq!(MAX_FRAME_SIZE, MAX_REMAINING_LENGTH + 5);
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
        (Packet::Auth(Auth::default()), "AUTH"),
    ];
    for (packet, kind) in cases {
        assert_eq!(packet.kind(), kind);
    }
}

#[test]
fn protocol_versions() {
    let cases = [
        (ProtocolVersion::V31, "MQIsdp", 3),
        (ProtocolVersion::V311, "MQTT", 4),
        (ProtocolVersion::V5, "MQTT", 5),
    ];
    for (v, name, level) in cases {
        assert_eq!(v.protocol_name(), name);
        assert_eq!(v.level(), level);
        assert_eq!(ProtocolVersion::from_name_and_level(name, level), Some(v));
    }
    // Only the exact pairs: 3.1's name with a later level is no version.
    assert_eq!(ProtocolVersion::from_name_and_level("MQIsdp", 4), None);
    assert_eq!(ProtocolVersion::from_name_and_level("MQIsdp", 5), None);
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
