//! What the codec's test modules share: strategies for arbitrary valid packets of either
//! protocol version, the checks every packet kind must pass, and helpers for byte-exact
//! vectors. A strategy takes the version and draws only what that version can carry, so
//! one property test body serves 3.1.1 and 5.0 alike.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::TestCaseError;

use super::*;

/// Expands its body twice, in modules `v311` and `v5`, with `V` naming the version, so a
/// test written once runs, and fails, separately for each.
macro_rules! per_version {
    ($($body:tt)*) => {
        mod v311 {
            use super::*;
            const V: ProtocolVersion = ProtocolVersion::V311;
            $($body)*
        }
        mod v5 {
            use super::*;
            const V: ProtocolVersion = ProtocolVersion::V5;
            $($body)*
        }
    };
}
pub(super) use per_version;

fn is_v5(v: ProtocolVersion) -> bool {
    v == ProtocolVersion::V5
}

// ---------------------------------------------------------------- strategies

pub(super) fn text(max: usize) -> impl Strategy<Value = String> {
    vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

pub(super) fn topic_name() -> impl Strategy<Value = String> {
    vec(
        any::<char>().prop_filter("topic char", |c| !matches!(c, '\0' | '+' | '#')),
        1..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

pub(super) fn topic_filter() -> impl Strategy<Value = String> {
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

pub(super) fn payload(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

pub(super) fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

pub(super) fn pkid() -> impl Strategy<Value = u16> {
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
        payload(8).prop_map(CorrelationData),
        (1..=MAX_SUBSCRIPTION_IDENTIFIER).prop_map(SubscriptionIdentifier),
        any::<u32>().prop_map(SessionExpiryInterval),
        text(8).prop_map(AssignedClientIdentifier),
        any::<u16>().prop_map(ServerKeepAlive),
        text(8).prop_map(AuthenticationMethod),
        payload(8).prop_map(AuthenticationData),
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

/// Arbitrary properties valid for `kind` in 5.0: allowed there, repeated only where
/// allowed. Before 5.0 there are none.
fn props_for(v: ProtocolVersion, kind: PacketKind) -> BoxedStrategy<Properties> {
    if !is_v5(v) {
        return Just(Properties::new()).boxed();
    }
    vec(any_property(), 0..16)
        .prop_map(move |list| {
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
        .boxed()
}

/// A reason code valid for `kind` in 5.0; before 5.0 only success can be written.
fn reason_for(v: ProtocolVersion, kind: PacketKind) -> BoxedStrategy<ReasonCode> {
    if !is_v5(v) {
        return Just(ReasonCode::Success).boxed();
    }
    let codes: Vec<ReasonCode> = ReasonCode::ALL
        .iter()
        .copied()
        .filter(|rc| rc.is_valid_for(kind))
        .collect();
    prop::sample::select(codes).boxed()
}

pub(super) fn connect(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // CONNECT carries its own version, so a 3.1 one belongs with 3.1.1's packets.
    let protocol = if is_v5(v) {
        Just(ProtocolVersion::V5).boxed()
    } else {
        prop_oneof![Just(ProtocolVersion::V31), Just(ProtocolVersion::V311)].boxed()
    };
    let will = proptest::option::of(
        (
            topic_name(),
            payload(32),
            qos(),
            any::<bool>(),
            props_for(v, PacketKind::Will),
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
        protocol,
        text(24),
        any::<bool>(),
        any::<u16>(),
        proptest::option::of(text(12)),
        proptest::option::of(payload(12)),
        will,
        props_for(v, PacketKind::Connect),
    )
        .prop_map(
            |(
                protocol,
                client_id,
                clean_session,
                keep_alive,
                username,
                password,
                will,
                properties,
            )| {
                // A password needs a user name in 3.1/3.1.1.
                let password = if username.is_some() || is_v5(protocol) {
                    password
                } else {
                    None
                };
                Packet::Connect(Connect {
                    protocol,
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

pub(super) fn connack(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // 3.1.1 has six return codes and no reason; 5.0 keeps the exact reason and the
    // return code is its nearest equivalent.
    let code_and_reason = if is_v5(v) {
        reason_for(v, PacketKind::ConnAck)
            .prop_map(|reason| (ConnectReturnCode::from_reason(reason), Some(reason)))
            .boxed()
    } else {
        (0..=5u8)
            .prop_map(|code| {
                let code = ConnectReturnCode::from_u8(code).unwrap_or(ConnectReturnCode::Accepted);
                (code, None)
            })
            .boxed()
    };
    (
        any::<bool>(),
        code_and_reason,
        props_for(v, PacketKind::ConnAck),
    )
        .prop_map(|(present, (code, reason), properties)| {
            Packet::ConnAck(ConnAck {
                session_present: present && code == ConnectReturnCode::Accepted,
                code,
                reason,
                properties,
            })
        })
}

pub(super) fn publish(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // Only 5.0 has topic aliases, which let the topic name be empty.
    let topic = if is_v5(v) {
        prop_oneof![3 => topic_name(), 1 => Just(String::new())].boxed()
    } else {
        topic_name().boxed()
    };
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        topic,
        pkid(),
        payload(300),
        props_for(v, PacketKind::Publish),
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

/// PUBACK, PUBREC, PUBREL and PUBCOMP.
pub(super) fn acks(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let kinds = [
        PacketKind::PubAck,
        PacketKind::PubRec,
        PacketKind::PubRel,
        PacketKind::PubComp,
    ];
    prop::sample::select(kinds.to_vec()).prop_flat_map(move |kind| {
        (pkid(), reason_for(v, kind), props_for(v, kind)).prop_map(
            move |(pkid, reason, properties)| match kind {
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
            },
        )
    })
}

fn options(v: ProtocolVersion) -> BoxedStrategy<SubscriptionOptions> {
    if !is_v5(v) {
        return qos().prop_map(SubscriptionOptions::from).boxed();
    }
    (qos(), any::<bool>(), any::<bool>(), 0..=2u8)
        .prop_map(|(qos, no_local, rap, rh)| SubscriptionOptions {
            qos,
            no_local,
            retain_as_published: rap,
            retain_handling: RetainHandling::from_u8(rh).unwrap_or_default(),
        })
        .boxed()
}

pub(super) fn subscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // A shared subscription is a 5.0 notion; to 3.1.1 "$share/..." is an ordinary filter.
    let entry = (topic_filter(), any::<bool>(), options(v)).prop_map(|(filter, shared, opts)| {
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
    (
        pkid(),
        vec(entry, 1..6),
        props_for(v, PacketKind::Subscribe),
    )
        .prop_map(|(pkid, filters, properties)| {
            Packet::Subscribe(Subscribe {
                pkid,
                filters,
                properties,
            })
        })
}

pub(super) fn suback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // 3.1.1 knows a granted QoS or 0x80; 5.0 has a reason code per filter.
    let code = if is_v5(v) {
        reason_for(v, PacketKind::SubAck)
            .prop_map(|rc| SubscribeReturnCode::from_u8_v5(rc.code()).unwrap())
            .boxed()
    } else {
        prop_oneof![
            qos().prop_map(SubscribeReturnCode::Success),
            Just(SubscribeReturnCode::Failure)
        ]
        .boxed()
    };
    (pkid(), vec(code, 1..8), props_for(v, PacketKind::SubAck)).prop_map(
        |(pkid, return_codes, properties)| {
            Packet::SubAck(SubAck {
                pkid,
                return_codes,
                properties,
            })
        },
    )
}

pub(super) fn unsubscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        pkid(),
        vec(topic_filter(), 1..6),
        props_for(v, PacketKind::Unsubscribe),
    )
        .prop_map(|(pkid, topics, properties)| {
            Packet::Unsubscribe(Unsubscribe {
                pkid,
                topics,
                properties,
            })
        })
}

pub(super) fn unsuback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    // A 3.1.1 UNSUBACK is the packet id alone.
    let reasons = if is_v5(v) {
        vec(reason_for(v, PacketKind::UnsubAck), 1..6).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (pkid(), reasons, props_for(v, PacketKind::UnsubAck)).prop_map(|(pkid, reasons, properties)| {
        Packet::UnsubAck(UnsubAck {
            pkid,
            reasons,
            properties,
        })
    })
}

/// DISCONNECT, the pings and, in 5.0, AUTH.
pub(super) fn control(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let mut kinds = vec![
        (
            reason_for(v, PacketKind::Disconnect),
            props_for(v, PacketKind::Disconnect),
        )
            .prop_map(|(reason, properties)| Packet::Disconnect(Disconnect { reason, properties }))
            .boxed(),
        Just(Packet::PingReq).boxed(),
        Just(Packet::PingResp).boxed(),
    ];
    if is_v5(v) {
        kinds.push(
            (
                reason_for(v, PacketKind::Auth),
                props_for(v, PacketKind::Auth),
            )
                .prop_map(|(reason, properties)| Packet::Auth(Auth { reason, properties }))
                .boxed(),
        );
    }
    Union::new(kinds)
}

pub(super) fn any_packet(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    prop_oneof![
        connect(v),
        connack(v),
        publish(v),
        acks(v),
        subscribe(v),
        suback(v),
        unsubscribe(v),
        unsuback(v),
        control(v),
    ]
}

// ---------------------------------------------------------------- checks

pub(super) fn encode(v: ProtocolVersion, packet: &Packet) -> Result<BytesMut, TestCaseError> {
    let len = packet
        .encoded_len(v)
        .map_err(|e| TestCaseError::fail(format!("encoded_len: {e}")))?;
    let mut out = BytesMut::with_capacity(len);
    packet
        .encode(v, &mut out)
        .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    // Exact-capacity buffer: encoded_len is the truth, no reallocation was needed.
    prop_assert_eq!(out.len(), len);
    prop_assert_eq!(out.capacity(), len);
    Ok(out)
}

pub(super) fn check_round_trip(v: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(v, packet)?;
    let len = bytes.len();
    // A limit equal to the frame size is enough.
    let mut buf = bytes.clone();
    prop_assert_eq!(decode_packet(&mut buf, v, len), Ok(Some(packet.clone())));
    prop_assert!(buf.is_empty());
    // Back to back frames come out one at a time, the second untouched by the first.
    let mut two = bytes.clone();
    two.extend_from_slice(&bytes);
    prop_assert_eq!(decode_packet(&mut two, v, len), Ok(Some(packet.clone())));
    prop_assert_eq!(&two[..], &bytes[..]);
    prop_assert_eq!(decode_packet(&mut two, v, len), Ok(Some(packet.clone())));
    prop_assert_eq!(decode_packet(&mut two, v, len), Ok(None));
    Ok(())
}

pub(super) fn check_prefixes(v: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(v, packet)?;
    for cut in 0..bytes.len() {
        let mut buf = BytesMut::from(&bytes[..cut]);
        prop_assert_eq!(
            decode_packet(&mut buf, v, MAX_FRAME_SIZE),
            Ok(None),
            "cut {}",
            cut
        );
        prop_assert_eq!(&buf[..], &bytes[..cut]);
    }
    Ok(())
}

pub(super) fn check_oversized(v: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(v, packet)?;
    let frame_len = bytes.len();
    let max = frame_len - 1;
    let header_len = fixed_header::parse_versioned(&bytes, v)
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .map(|h| h.header_len)
        .ok_or_else(|| TestCaseError::fail("header incomplete"))?;
    // The fixed header alone is enough to refuse.
    let mut buf = BytesMut::from(&bytes[..header_len]);
    prop_assert_eq!(
        decode_packet(&mut buf, v, max),
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
pub(super) fn check_reencodes(v: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = encode(v, packet)?;
    let mut buf = bytes.clone();
    prop_assert_eq!(
        decode_packet(&mut buf, v, MAX_FRAME_SIZE),
        Ok(Some(packet.clone()))
    );
    Ok(())
}

/// Decodes frame after frame until the input runs out or is refused; whatever is
/// accepted must encode again (see [`check_reencodes`]).
pub(super) fn decode_all_quietly(v: ProtocolVersion, mut buf: BytesMut, max: usize) {
    for _ in 0..64 {
        match decode_packet(&mut buf, v, max) {
            Ok(Some(p)) => {
                assert!(p.encode(v, &mut BytesMut::new()).is_ok(), "{p:?}");
            }
            Ok(None) | Err(_) => return,
        }
    }
}

// ---------------------------------------------------------------- fixed vectors

pub(super) fn props(list: Vec<Property>) -> Properties {
    Properties(list)
}

pub(super) fn enc(v: ProtocolVersion, packet: &Packet) -> Vec<u8> {
    let mut out = BytesMut::new();
    packet.encode(v, &mut out).unwrap();
    assert_eq!(packet.encoded_len(v), Ok(out.len()));
    out.to_vec()
}

/// Decodes one frame with no size limit; an accepted frame must be consumed whole.
pub(super) fn dec(v: ProtocolVersion, bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
    let mut buf = BytesMut::from(bytes);
    let res = decode_packet(&mut buf, v, MAX_FRAME_SIZE);
    if let Ok(Some(_)) = res {
        assert!(buf.is_empty(), "frame not consumed");
    }
    res
}

/// Encodes to exactly `bytes` and decodes back to `packet`.
pub(super) fn vector(v: ProtocolVersion, packet: Packet, bytes: &[u8]) {
    assert_eq!(enc(v, &packet), bytes, "{}", packet.kind());
    assert_eq!(dec(v, bytes), Ok(Some(packet)));
}

/// The encoder's refusal, which must leave the output untouched.
pub(super) fn encode_err(v: ProtocolVersion, packet: Packet) -> EncodeError {
    let mut out = BytesMut::new();
    let err = packet.encode(v, &mut out).unwrap_err();
    assert!(out.is_empty());
    err
}
