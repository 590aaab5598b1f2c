//! Malformed input: arbitrary and mutated bytes must never panic in any version, and each
//! of 5.0's strict property rules is refused on decode and, where it can be built, on
//! encode.

use bytes::BytesMut;
use proptest::collection::vec;
use proptest::prelude::*;

use super::tests_support::*;
use super::*;

const V5: ProtocolVersion = ProtocolVersion::V5;

// ---------------------------------------------------------------- never panic

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..300), max in 0..400usize) {
        // 3.1 too: it reads CONNACK's flags byte differently from 3.1.1.
        for v in [ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5] {
            decode_all_quietly(v, BytesMut::from(&bytes[..]), max);
            decode_all_quietly(v, BytesMut::from(&bytes[..]), MAX_FRAME_SIZE);
        }
    }
}

per_version! {
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Valid frames with one byte changed: the decoder's hardest inputs, since most of
        /// the structure still lines up.
        #[test]
        fn mutated_frames_never_panic(
            packet in any_packet(V),
            at in any::<prop::sample::Index>(),
            value in any::<u8>(),
        ) {
            let mut bytes = encode(V, &packet)?;
            let i = at.index(bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = value;
            }
            decode_all_quietly(V, bytes, MAX_FRAME_SIZE);
        }
    }
}

// ---------------------------------------------------------------- 5.0 strict validation

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
        dec(V5, &connack_with(&[0x21, 0x00, 0x0A, 0x21, 0x00, 0x0B])),
        Err(DecodeError::DuplicateProperty {
            kind: "CONNACK",
            property: "Receive Maximum"
        })
    );
    // Subscription Identifier repeats in PUBLISH only.
    assert_eq!(
        dec(
            V5,
            &[0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, b't', 0x00]
        ),
        Err(DecodeError::DuplicateProperty {
            kind: "SUBSCRIBE",
            property: "Subscription Identifier"
        })
    );
    assert_eq!(
        encode_err(
            V5,
            Packet::Disconnect(Disconnect {
                reason: ReasonCode::Success,
                properties: props(vec![
                    Property::ReasonString("a".into()),
                    Property::ReasonString("b".into()),
                ]),
            })
        ),
        EncodeError::DuplicateProperty {
            kind: "DISCONNECT",
            property: "Reason String"
        }
    );
}

#[test]
fn property_on_wrong_packet_is_refused() {
    assert_eq!(
        dec(V5, &[0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01]),
        Err(DecodeError::PropertyNotAllowed {
            kind: "PUBACK",
            property: "Topic Alias"
        })
    );
    assert_eq!(
        dec(V5, &publish_with(&[0x11, 0x00, 0x00, 0x00, 0x01])),
        Err(DecodeError::PropertyNotAllowed {
            kind: "PUBLISH",
            property: "Session Expiry Interval"
        })
    );
    assert_eq!(
        encode_err(
            V5,
            Packet::Connect(Connect {
                protocol: V5,
                client_id: "c".into(),
                clean_session: true,
                keep_alive: 0,
                username: None,
                password: None,
                will: None,
                properties: props(vec![Property::WillDelayInterval(1)]),
            })
        ),
        EncodeError::PropertyNotAllowed {
            kind: "CONNECT",
            property: "Will Delay Interval"
        }
    );
    assert_eq!(
        dec(V5, &connack_with(&[0x7F, 0x00])),
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
        dec(V5, &[0xE0, 0x06, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        Err(DecodeError::MalformedVarInt {
            field: "property length"
        })
    );
    // As a Subscription Identifier.
    assert_eq!(
        dec(V5, &publish_with(&[0x0B, 0x80, 0x80, 0x80, 0x80, 0x01])),
        Err(DecodeError::MalformedVarInt {
            field: "Subscription Identifier"
        })
    );
    // Subscription Identifier 0 and beyond the varint range.
    assert_eq!(
        dec(V5, &publish_with(&[0x0B, 0x00])),
        Err(DecodeError::InvalidPropertyValue {
            property: "Subscription Identifier",
            value: 0
        })
    );
    assert!(matches!(
        encode_err(
            V5,
            Packet::Subscribe(Subscribe {
                pkid: 1,
                filters: vec![("t".into(), QoS::AtMostOnce.into())],
                properties: props(vec![Property::SubscriptionIdentifier(
                    MAX_SUBSCRIPTION_IDENTIFIER + 1
                )]),
            })
        ),
        EncodeError::InvalidPropertyValue { .. }
    ));
}

#[test]
fn over_long_property_length_is_refused() {
    assert_eq!(
        dec(V5, &[0xE0, 0x03, 0x00, 0x05, 0x1F]),
        Err(DecodeError::Truncated {
            kind: "DISCONNECT",
            field: "properties"
        })
    );
    // A property running past its block, though the packet has bytes left.
    assert!(matches!(
        dec(V5, &publish_with(&[0x03, 0x00, 0x05, b'a'])),
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
            dec(V5, &connack_with(block)),
            Err(DecodeError::InvalidPropertyValue { property, value }),
            "{property}"
        );
    }
    assert_eq!(
        dec(V5, &publish_with(&[0x01, 0x02])),
        Err(DecodeError::InvalidPropertyValue {
            property: "Payload Format Indicator",
            value: 2
        })
    );
    assert_eq!(
        dec(V5, &publish_with(&[0x23, 0x00, 0x00])),
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
