//! Decode and encode errors. Decode errors describe what a peer sent wrong; encode errors
//! describe what a caller asked for that MQTT cannot carry. Both print as plain sentences
//! because they end up in JMeter response messages.

use thiserror::Error;

/// Why bytes received from a peer are not a valid MQTT packet. Any of these is a protocol
/// violation: the connection should be closed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("malformed remaining length: more than 4 length bytes")]
    MalformedRemainingLength,
    #[error("packet of {size} bytes exceeds the maximum packet size of {max} bytes")]
    PacketTooLarge { size: usize, max: usize },
    #[error("invalid packet type {0} (0 and 15 are reserved)")]
    InvalidPacketType(u8),
    #[error("invalid fixed header flags {flags:#06b} for {kind}")]
    InvalidFlags { kind: &'static str, flags: u8 },
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    #[error("string contains the null character U+0000")]
    NullCharacter,
    #[error("packet identifier 0 is not allowed")]
    ZeroPacketId,
    #[error("invalid QoS {0} (only 0, 1 and 2 exist)")]
    InvalidQoS(u8),
    #[error("unsupported protocol name {0:?} with level {1}")]
    InvalidProtocol(String, u8),
    #[error("invalid CONNECT flags {0:#010b}")]
    InvalidConnectFlags(u8),
    #[error("invalid CONNACK return code {0}")]
    InvalidConnectReturnCode(u8),
    #[error("invalid SUBACK return code {0:#04x}")]
    InvalidSubAckCode(u8),
    #[error("invalid topic name {topic:?}: {reason}")]
    InvalidTopicName { topic: String, reason: &'static str },
    #[error("invalid topic filter {filter:?}: {reason}")]
    InvalidTopicFilter {
        filter: String,
        reason: &'static str,
    },
    #[error("{kind} packet ends inside its {field}")]
    Truncated {
        kind: &'static str,
        field: &'static str,
    },
    #[error("{kind} packet has {extra} unexpected trailing byte(s)")]
    TrailingBytes { kind: &'static str, extra: usize },
    #[error("malformed packet: {0}")]
    Malformed(&'static str),
    #[error("protocol error: {0}")]
    ProtocolError(&'static str),
    #[error("malformed variable byte integer in {field}: more than 4 bytes")]
    MalformedVarInt { field: &'static str },
    #[error("unknown property identifier {id:#04x} in {kind}")]
    UnknownProperty { kind: &'static str, id: u8 },
    #[error("property {property} is not allowed in {kind}")]
    PropertyNotAllowed {
        kind: &'static str,
        property: &'static str,
    },
    #[error("property {property} appears more than once in {kind}")]
    DuplicateProperty {
        kind: &'static str,
        property: &'static str,
    },
    #[error("invalid value {value} for property {property}")]
    InvalidPropertyValue { property: &'static str, value: u32 },
    #[error("invalid {kind} reason code {code:#04x}")]
    InvalidReasonCode { kind: &'static str, code: u8 },
}

/// Why a packet cannot be encoded. Checked before anything is written, so the output buffer
/// is left as it was.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodeError {
    #[error("{field} is {len} bytes long; MQTT strings hold at most 65535")]
    StringTooLong { field: &'static str, len: usize },
    #[error("{field} is {len} bytes long; MQTT binary fields hold at most 65535")]
    BinaryTooLong { field: &'static str, len: usize },
    #[error("{field} contains the null character U+0000, which MQTT forbids")]
    NullCharacter { field: &'static str },
    #[error("packet body of {size} bytes exceeds the MQTT limit of {max} bytes")]
    PacketTooLarge { size: usize, max: usize },
    #[error("packet identifier 0 is not allowed")]
    ZeroPacketId,
    #[error("SUBSCRIBE needs at least one topic filter")]
    EmptySubscribe,
    #[error("UNSUBSCRIBE needs at least one topic filter")]
    EmptyUnsubscribe,
    #[error("invalid topic name {topic:?}: {reason}")]
    InvalidTopicName { topic: String, reason: &'static str },
    #[error("invalid topic filter {filter:?}: {reason}")]
    InvalidTopicFilter {
        filter: String,
        reason: &'static str,
    },
    #[error("invalid packet: {0}")]
    Invalid(&'static str),
    #[error("{field} of {kind} needs MQTT 5.0; it must be empty/default for MQTT 3.1/3.1.1")]
    V5Only {
        kind: &'static str,
        field: &'static str,
    },
    #[error("property {property} is not allowed in {kind}")]
    PropertyNotAllowed {
        kind: &'static str,
        property: &'static str,
    },
    #[error("property {property} appears more than once in {kind}")]
    DuplicateProperty {
        kind: &'static str,
        property: &'static str,
    },
    #[error("invalid value {value} for property {property}")]
    InvalidPropertyValue { property: &'static str, value: u32 },
    #[error("reason code {code:#04x} is not valid in {kind}")]
    InvalidReasonCode { kind: &'static str, code: u8 },
}
