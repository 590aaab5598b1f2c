//! MQTT 3.1 / 3.1.1 / 5.0 wire format.
//!
//! Decoding is incremental and strict: [`decode_packet`] returns `Ok(None)` until a whole
//! frame is buffered, refuses a frame larger than the caller's limit from its header alone,
//! and rejects anything the specification forbids instead of guessing. It never panics on
//! any input. Payloads are slices of the receive buffer, not copies.
//!
//! Encoding validates everything before writing, so a failed [`Packet::encode`] leaves the
//! output buffer as it was, and whatever encodes also decodes to the same value.

mod ack;
mod connack;
mod connect;
mod disconnect;
mod error;
mod fixed_header;
mod ping;
mod primitives;
mod properties;
mod publish;
mod reason;
mod suback;
mod subscribe;
mod unsuback;
mod unsubscribe;

#[cfg(test)]
mod tests_malformed;
#[cfg(test)]
mod tests_round_trip;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_v5_only;

use bytes::{Buf, BytesMut};

pub use ack::{PubAck, PubComp, PubRec, PubRel};
pub use connack::{ConnAck, ConnectReturnCode};
pub use connect::{Connect, LastWill};
pub use disconnect::{Auth, Disconnect};
pub use error::{DecodeError, EncodeError};
pub use properties::{
    property_spec, PacketKind, Properties, Property, PropertySpec, PropertyType,
    MAX_SUBSCRIPTION_IDENTIFIER, PROPERTY_SPECS,
};
pub use publish::Publish;
pub use reason::ReasonCode;
pub use suback::{SubAck, SubscribeReturnCode};
pub use subscribe::{RetainHandling, Subscribe, SubscriptionOptions};
pub use unsuback::UnsubAck;
pub use unsubscribe::Unsubscribe;

use fixed_header::PacketType;

/// Largest remaining length the 4-byte varint can express.
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Largest possible frame: 1 type byte + 4 length bytes + [`MAX_REMAINING_LENGTH`].
/// Pass it as `max_packet_size` to accept anything MQTT allows.
pub const MAX_FRAME_SIZE: usize = 1 + 4 + MAX_REMAINING_LENGTH;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name "MQIsdp", level 3.
    V31,
    /// MQTT 3.1.1: protocol name "MQTT", level 4.
    V311,
    /// MQTT 5.0: protocol name "MQTT", level 5.
    V5,
}

impl ProtocolVersion {
    pub fn protocol_name(self) -> &'static str {
        match self {
            ProtocolVersion::V31 => "MQIsdp",
            ProtocolVersion::V311 | ProtocolVersion::V5 => "MQTT",
        }
    }

    pub fn level(self) -> u8 {
        match self {
            ProtocolVersion::V31 => 3,
            ProtocolVersion::V311 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// As users write it: "3.1", "3.1.1", "5.0".
    pub fn number(self) -> &'static str {
        match self {
            ProtocolVersion::V31 => "3.1",
            ProtocolVersion::V311 => "3.1.1",
            ProtocolVersion::V5 => "5.0",
        }
    }

    /// Only the exact pairs are recognised: "MQTT" with level 3 is neither version.
    pub fn from_name_and_level(name: &str, level: u8) -> Option<ProtocolVersion> {
        match (name, level) {
            ("MQIsdp", 3) => Some(ProtocolVersion::V31),
            ("MQTT", 4) => Some(ProtocolVersion::V311),
            ("MQTT", 5) => Some(ProtocolVersion::V5),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QoS {
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(v: u8) -> Option<QoS> {
        match v {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck(PubAck),
    PubRec(PubRec),
    PubRel(PubRel),
    PubComp(PubComp),
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck(UnsubAck),
    PingReq,
    PingResp,
    Disconnect(Disconnect),
    /// MQTT 5.0 only.
    Auth(Auth),
}

impl Packet {
    fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// The packet's name as the specification writes it: "CONNECT", "PUBLISH", ...
    pub fn kind(&self) -> &'static str {
        self.packet_type().name()
    }

    /// Validated remaining length (body size) in `version`'s layout.
    fn remaining_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        match self {
            Packet::Connect(p) => p.size(),
            Packet::ConnAck(p) => p.size(version),
            Packet::Publish(p) => p.size(version),
            Packet::PubAck(p) => p.size(version),
            Packet::PubRec(p) => p.size(version),
            Packet::PubRel(p) => p.size(version),
            Packet::PubComp(p) => p.size(version),
            Packet::Subscribe(p) => p.size(version),
            Packet::SubAck(p) => p.size(version),
            Packet::Unsubscribe(p) => p.size(version),
            Packet::UnsubAck(p) => p.size(version),
            Packet::Disconnect(p) => p.size(version),
            Packet::Auth(p) => p.size(version),
            Packet::PingReq | Packet::PingResp => Ok(0),
        }
    }

    /// Size of the whole encoded frame, fixed header included; fails exactly when
    /// [`Packet::encode`] would.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        fixed_header::frame_len(self.remaining_len(version)?)
    }

    /// Appends the frame, in `version`'s layout, to `out`. On error nothing is written.
    /// CONNECT is always written in the version it names itself (`Connect::protocol`). MQTT 5.0 fields (properties, reason codes other than success,
    /// subscription options beyond QoS) must be empty/default for 3.1 and 3.1.1.
    pub fn encode(&self, version: ProtocolVersion, out: &mut BytesMut) -> Result<(), EncodeError> {
        let remaining_len = self.remaining_len(version)?;
        let frame_len = fixed_header::frame_len(remaining_len)?;
        out.reserve(frame_len);
        let start = out.len();
        match self {
            Packet::Connect(p) => p.write(out, remaining_len),
            Packet::ConnAck(p) => p.write(version, out, remaining_len),
            Packet::Publish(p) => p.write(version, out, remaining_len),
            Packet::PubAck(p) => p.write(version, out, remaining_len),
            Packet::PubRec(p) => p.write(version, out, remaining_len),
            Packet::PubRel(p) => p.write(version, out, remaining_len),
            Packet::PubComp(p) => p.write(version, out, remaining_len),
            Packet::Subscribe(p) => p.write(version, out, remaining_len),
            Packet::SubAck(p) => p.write(version, out, remaining_len),
            Packet::Unsubscribe(p) => p.write(version, out, remaining_len),
            Packet::UnsubAck(p) => p.write(version, out, remaining_len),
            Packet::Disconnect(p) => p.write(version, out, remaining_len),
            Packet::Auth(p) => p.write(out, remaining_len),
            Packet::PingReq | Packet::PingResp => ping::write(out, self.packet_type()),
        }
        debug_assert_eq!(out.len() - start, frame_len, "{} size", self.kind());
        Ok(())
    }
}

/// Incremental decode of one packet from the front of `buf`.
///
/// - `Ok(None)`: the frame is incomplete; `buf` is untouched. Call again with more bytes.
/// - `Ok(Some(packet))`: the frame's bytes were removed from `buf`; payloads are zero-copy
///   slices of them.
/// - `Err(_)`: protocol violation; close the connection. Errors found in the fixed header
///   leave `buf` untouched; errors in the body come after the frame was removed.
///
/// `max_packet_size` bounds the whole frame (fixed header included) and is checked as soon
/// as the remaining length is known, so an oversized frame is refused before its body is
/// buffered. `version` selects the layout of every packet but CONNECT, which carries its
/// own version; AUTH (type 15) exists only in MQTT 5.0.
pub fn decode_packet(
    buf: &mut BytesMut,
    version: ProtocolVersion,
    max_packet_size: usize,
) -> Result<Option<Packet>, DecodeError> {
    let Some(header) = fixed_header::parse_versioned(buf, version)? else {
        return Ok(None);
    };
    let frame_len = header.frame_len();
    if frame_len > max_packet_size {
        return Err(DecodeError::PacketTooLarge {
            size: frame_len,
            max: max_packet_size,
        });
    }
    if buf.len() < frame_len {
        return Ok(None);
    }
    let mut body = buf.split_to(frame_len).freeze();
    body.advance(header.header_len);
    let packet = match header.packet_type {
        PacketType::Connect => Packet::Connect(Connect::read(body)?),
        PacketType::ConnAck => Packet::ConnAck(ConnAck::read(body, version)?),
        PacketType::Publish => Packet::Publish(Publish::read(header.flags, body, version)?),
        PacketType::PubAck => Packet::PubAck(PubAck::read(body, version)?),
        PacketType::PubRec => Packet::PubRec(PubRec::read(body, version)?),
        PacketType::PubRel => Packet::PubRel(PubRel::read(body, version)?),
        PacketType::PubComp => Packet::PubComp(PubComp::read(body, version)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::read(body, version)?),
        PacketType::SubAck => Packet::SubAck(SubAck::read(body, version)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::read(body, version)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::read(body, version)?),
        PacketType::PingReq => {
            ping::read(PacketType::PingReq, body)?;
            Packet::PingReq
        }
        PacketType::PingResp => {
            ping::read(PacketType::PingResp, body)?;
            Packet::PingResp
        }
        PacketType::Disconnect => Packet::Disconnect(Disconnect::read(body, version)?),
        PacketType::Auth => Packet::Auth(Auth::read(body)?),
    };
    Ok(Some(packet))
}
