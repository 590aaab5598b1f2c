//! MQTT 5.0 properties (specification section 2.2.2): every property with its identifier,
//! wire type and the packets that may carry it, a [`Properties`] list with typed getters,
//! and the strict encode/decode both directions share.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::primitives::{
    binary_size, put_binary, put_remaining_length, put_string, remaining_length_size, string_size,
    Reader,
};
use super::MAX_REMAINING_LENGTH;

/// A packet (or the will inside CONNECT) as far as properties and reason codes are
/// concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketKind {
    Connect,
    /// The will properties in CONNECT's payload.
    Will,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

impl PacketKind {
    pub const ALL: [PacketKind; 14] = [
        PacketKind::Connect,
        PacketKind::Will,
        PacketKind::ConnAck,
        PacketKind::Publish,
        PacketKind::PubAck,
        PacketKind::PubRec,
        PacketKind::PubRel,
        PacketKind::PubComp,
        PacketKind::Subscribe,
        PacketKind::SubAck,
        PacketKind::Unsubscribe,
        PacketKind::UnsubAck,
        PacketKind::Disconnect,
        PacketKind::Auth,
    ];

    pub(crate) const fn bit(self) -> u16 {
        1 << self as u16
    }

    pub fn name(self) -> &'static str {
        match self {
            PacketKind::Connect => "CONNECT",
            PacketKind::Will => "CONNECT will properties",
            PacketKind::ConnAck => "CONNACK",
            PacketKind::Publish => "PUBLISH",
            PacketKind::PubAck => "PUBACK",
            PacketKind::PubRec => "PUBREC",
            PacketKind::PubRel => "PUBREL",
            PacketKind::PubComp => "PUBCOMP",
            PacketKind::Subscribe => "SUBSCRIBE",
            PacketKind::SubAck => "SUBACK",
            PacketKind::Unsubscribe => "UNSUBSCRIBE",
            PacketKind::UnsubAck => "UNSUBACK",
            PacketKind::Disconnect => "DISCONNECT",
            PacketKind::Auth => "AUTH",
        }
    }
}

/// How a property's value is written (specification section 1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    Byte,
    TwoByteInteger,
    FourByteInteger,
    VariableByteInteger,
    Utf8String,
    BinaryData,
    Utf8StringPair,
}

/// One row of the specification's property table (2.2.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertySpec {
    pub id: u8,
    pub name: &'static str,
    pub wire: PropertyType,
    packets: u16,
}

impl PropertySpec {
    pub fn allowed_in(&self, kind: PacketKind) -> bool {
        self.packets & kind.bit() != 0
    }

    /// User Property may repeat anywhere, Subscription Identifier in PUBLISH; any other
    /// property appearing twice is a protocol error.
    pub fn repeatable_in(&self, kind: PacketKind) -> bool {
        self.id == USER_PROPERTY
            || (self.id == SUBSCRIPTION_IDENTIFIER && kind == PacketKind::Publish)
    }
}

const USER_PROPERTY: u8 = 0x26;
const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
/// Largest Subscription Identifier (the variable byte integer's range).
pub const MAX_SUBSCRIPTION_IDENTIFIER: u32 = MAX_REMAINING_LENGTH as u32;

macro_rules! spec {
    ($id:literal, $name:literal, $wire:ident, [$($kind:ident),*]) => {
        PropertySpec {
            id: $id,
            name: $name,
            wire: PropertyType::$wire,
            packets: 0 $(| PacketKind::$kind.bit())*,
        }
    };
}

/// Every MQTT 5.0 property, in identifier order.
pub const PROPERTY_SPECS: &[PropertySpec] = &[
    spec!(0x01, "Payload Format Indicator", Byte, [Publish, Will]),
    spec!(
        0x02,
        "Message Expiry Interval",
        FourByteInteger,
        [Publish, Will]
    ),
    spec!(0x03, "Content Type", Utf8String, [Publish, Will]),
    spec!(0x08, "Response Topic", Utf8String, [Publish, Will]),
    spec!(0x09, "Correlation Data", BinaryData, [Publish, Will]),
    spec!(
        0x0B,
        "Subscription Identifier",
        VariableByteInteger,
        [Publish, Subscribe]
    ),
    spec!(
        0x11,
        "Session Expiry Interval",
        FourByteInteger,
        [Connect, ConnAck, Disconnect]
    ),
    spec!(0x12, "Assigned Client Identifier", Utf8String, [ConnAck]),
    spec!(0x13, "Server Keep Alive", TwoByteInteger, [ConnAck]),
    spec!(
        0x15,
        "Authentication Method",
        Utf8String,
        [Connect, ConnAck, Auth]
    ),
    spec!(
        0x16,
        "Authentication Data",
        BinaryData,
        [Connect, ConnAck, Auth]
    ),
    spec!(0x17, "Request Problem Information", Byte, [Connect]),
    spec!(0x18, "Will Delay Interval", FourByteInteger, [Will]),
    spec!(0x19, "Request Response Information", Byte, [Connect]),
    spec!(0x1A, "Response Information", Utf8String, [ConnAck]),
    spec!(0x1C, "Server Reference", Utf8String, [ConnAck, Disconnect]),
    spec!(
        0x1F,
        "Reason String",
        Utf8String,
        [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth]
    ),
    spec!(0x21, "Receive Maximum", TwoByteInteger, [Connect, ConnAck]),
    spec!(
        0x22,
        "Topic Alias Maximum",
        TwoByteInteger,
        [Connect, ConnAck]
    ),
    spec!(0x23, "Topic Alias", TwoByteInteger, [Publish]),
    spec!(0x24, "Maximum QoS", Byte, [ConnAck]),
    spec!(0x25, "Retain Available", Byte, [ConnAck]),
    spec!(
        0x26,
        "User Property",
        Utf8StringPair,
        [
            Connect,
            Will,
            ConnAck,
            Publish,
            PubAck,
            PubRec,
            PubRel,
            PubComp,
            Subscribe,
            SubAck,
            Unsubscribe,
            UnsubAck,
            Disconnect,
            Auth
        ]
    ),
    spec!(
        0x27,
        "Maximum Packet Size",
        FourByteInteger,
        [Connect, ConnAck]
    ),
    spec!(0x28, "Wildcard Subscription Available", Byte, [ConnAck]),
    spec!(0x29, "Subscription Identifier Available", Byte, [ConnAck]),
    spec!(0x2A, "Shared Subscription Available", Byte, [ConnAck]),
];

/// The table row for an identifier, `None` for identifiers MQTT 5.0 does not define.
pub fn property_spec(id: u8) -> Option<&'static PropertySpec> {
    PROPERTY_SPECS.iter().find(|s| s.id == id)
}

/// One property with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    PayloadFormatIndicator(u8),
    MessageExpiryInterval(u32),
    ContentType(String),
    ResponseTopic(String),
    CorrelationData(Bytes),
    SubscriptionIdentifier(u32),
    SessionExpiryInterval(u32),
    AssignedClientIdentifier(String),
    ServerKeepAlive(u16),
    AuthenticationMethod(String),
    AuthenticationData(Bytes),
    RequestProblemInformation(u8),
    WillDelayInterval(u32),
    RequestResponseInformation(u8),
    ResponseInformation(String),
    ServerReference(String),
    ReasonString(String),
    ReceiveMaximum(u16),
    TopicAliasMaximum(u16),
    TopicAlias(u16),
    MaximumQoS(u8),
    RetainAvailable(u8),
    /// Name, value.
    UserProperty(String, String),
    MaximumPacketSize(u32),
    WildcardSubscriptionAvailable(u8),
    SubscriptionIdentifierAvailable(u8),
    SharedSubscriptionAvailable(u8),
}

/// A property value seen through its wire type.
enum Value<'a> {
    Byte(u8),
    Two(u16),
    Four(u32),
    Var(u32),
    Str(&'a str),
    Bin(&'a [u8]),
    Pair(&'a str, &'a str),
}

impl Property {
    pub fn id(&self) -> u8 {
        use Property::*;
        match self {
            PayloadFormatIndicator(_) => 0x01,
            MessageExpiryInterval(_) => 0x02,
            ContentType(_) => 0x03,
            ResponseTopic(_) => 0x08,
            CorrelationData(_) => 0x09,
            SubscriptionIdentifier(_) => 0x0B,
            SessionExpiryInterval(_) => 0x11,
            AssignedClientIdentifier(_) => 0x12,
            ServerKeepAlive(_) => 0x13,
            AuthenticationMethod(_) => 0x15,
            AuthenticationData(_) => 0x16,
            RequestProblemInformation(_) => 0x17,
            WillDelayInterval(_) => 0x18,
            RequestResponseInformation(_) => 0x19,
            ResponseInformation(_) => 0x1A,
            ServerReference(_) => 0x1C,
            ReasonString(_) => 0x1F,
            ReceiveMaximum(_) => 0x21,
            TopicAliasMaximum(_) => 0x22,
            TopicAlias(_) => 0x23,
            MaximumQoS(_) => 0x24,
            RetainAvailable(_) => 0x25,
            UserProperty(..) => 0x26,
            MaximumPacketSize(_) => 0x27,
            WildcardSubscriptionAvailable(_) => 0x28,
            SubscriptionIdentifierAvailable(_) => 0x29,
            SharedSubscriptionAvailable(_) => 0x2A,
        }
    }

    pub fn spec(&self) -> &'static PropertySpec {
        property_spec(self.id()).expect("every Property variant is in PROPERTY_SPECS")
    }

    /// The specification's name: "Receive Maximum".
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    fn value(&self) -> Value<'_> {
        use Property::*;
        match self {
            PayloadFormatIndicator(v)
            | RequestProblemInformation(v)
            | RequestResponseInformation(v)
            | MaximumQoS(v)
            | RetainAvailable(v)
            | WildcardSubscriptionAvailable(v)
            | SubscriptionIdentifierAvailable(v)
            | SharedSubscriptionAvailable(v) => Value::Byte(*v),
            ServerKeepAlive(v) | ReceiveMaximum(v) | TopicAliasMaximum(v) | TopicAlias(v) => {
                Value::Two(*v)
            }
            MessageExpiryInterval(v)
            | SessionExpiryInterval(v)
            | WillDelayInterval(v)
            | MaximumPacketSize(v) => Value::Four(*v),
            SubscriptionIdentifier(v) => Value::Var(*v),
            ContentType(s)
            | ResponseTopic(s)
            | AssignedClientIdentifier(s)
            | AuthenticationMethod(s)
            | ResponseInformation(s)
            | ServerReference(s)
            | ReasonString(s) => Value::Str(s),
            CorrelationData(b) | AuthenticationData(b) => Value::Bin(b),
            UserProperty(k, v) => Value::Pair(k, v),
        }
    }

    /// The value rules of section 3: booleans are 0 or 1, several values must not be 0.
    fn value_problem(&self) -> Option<u32> {
        use Property::*;
        match self {
            PayloadFormatIndicator(v)
            | RequestProblemInformation(v)
            | RequestResponseInformation(v)
            | MaximumQoS(v)
            | RetainAvailable(v)
            | WildcardSubscriptionAvailable(v)
            | SubscriptionIdentifierAvailable(v)
            | SharedSubscriptionAvailable(v)
                if *v > 1 =>
            {
                Some(u32::from(*v))
            }
            ReceiveMaximum(0) | TopicAlias(0) => Some(0),
            MaximumPacketSize(0) => Some(0),
            SubscriptionIdentifier(v) if *v == 0 || *v > MAX_SUBSCRIPTION_IDENTIFIER => Some(*v),
            _ => None,
        }
    }

    /// Encoded size (identifier byte included), after checking MQTT can carry the value.
    fn size(&self) -> Result<usize, EncodeError> {
        if let Some(value) = self.value_problem() {
            return Err(EncodeError::InvalidPropertyValue {
                property: self.name(),
                value,
            });
        }
        let name = self.name();
        Ok(1 + match self.value() {
            Value::Byte(_) => 1,
            Value::Two(_) => 2,
            Value::Four(_) => 4,
            Value::Var(v) => remaining_length_size(v as usize),
            Value::Str(s) => string_size(name, s)?,
            Value::Bin(b) => binary_size(name, b)?,
            Value::Pair(k, v) => string_size(name, k)? + string_size(name, v)?,
        })
    }

    fn write(&self, out: &mut BytesMut) {
        out.put_u8(self.id());
        match self.value() {
            Value::Byte(v) => out.put_u8(v),
            Value::Two(v) => out.put_u16(v),
            Value::Four(v) => out.put_u32(v),
            Value::Var(v) => put_remaining_length(out, v as usize),
            Value::Str(s) => put_string(out, s),
            Value::Bin(b) => put_binary(out, b),
            Value::Pair(k, v) => {
                put_string(out, k);
                put_string(out, v);
            }
        }
    }

    fn read(r: &mut Reader, spec: &'static PropertySpec) -> Result<Property, DecodeError> {
        use Property::*;
        let name = spec.name;
        let p = match spec.id {
            0x01 => PayloadFormatIndicator(r.u8(name)?),
            0x02 => MessageExpiryInterval(r.u32(name)?),
            0x03 => ContentType(r.string(name)?),
            0x08 => ResponseTopic(r.string(name)?),
            0x09 => CorrelationData(r.binary(name)?),
            0x0B => SubscriptionIdentifier(r.var_int(name)?),
            0x11 => SessionExpiryInterval(r.u32(name)?),
            0x12 => AssignedClientIdentifier(r.string(name)?),
            0x13 => ServerKeepAlive(r.u16(name)?),
            0x15 => AuthenticationMethod(r.string(name)?),
            0x16 => AuthenticationData(r.binary(name)?),
            0x17 => RequestProblemInformation(r.u8(name)?),
            0x18 => WillDelayInterval(r.u32(name)?),
            0x19 => RequestResponseInformation(r.u8(name)?),
            0x1A => ResponseInformation(r.string(name)?),
            0x1C => ServerReference(r.string(name)?),
            0x1F => ReasonString(r.string(name)?),
            0x21 => ReceiveMaximum(r.u16(name)?),
            0x22 => TopicAliasMaximum(r.u16(name)?),
            0x23 => TopicAlias(r.u16(name)?),
            0x24 => MaximumQoS(r.u8(name)?),
            0x25 => RetainAvailable(r.u8(name)?),
            0x26 => UserProperty(r.string(name)?, r.string(name)?),
            0x27 => MaximumPacketSize(r.u32(name)?),
            0x28 => WildcardSubscriptionAvailable(r.u8(name)?),
            0x29 => SubscriptionIdentifierAvailable(r.u8(name)?),
            0x2A => SharedSubscriptionAvailable(r.u8(name)?),
            _ => unreachable!("PROPERTY_SPECS and Property::read list the same identifiers"),
        };
        if let Some(value) = p.value_problem() {
            return Err(DecodeError::InvalidPropertyValue {
                property: name,
                value,
            });
        }
        Ok(p)
    }
}

/// The properties of one packet (or of a will), in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties(pub Vec<Property>);

macro_rules! copy_getters {
    ($($(#[$doc:meta])* $fn:ident: $variant:ident -> $ty:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn(&self) -> Option<$ty> {
                self.0.iter().find_map(|p| match p {
                    Property::$variant(v) => Some(*v),
                    _ => None,
                })
            }
        )*
    };
}

macro_rules! ref_getters {
    ($($fn:ident: $variant:ident -> $ty:ty;)*) => {
        $(
            pub fn $fn(&self) -> Option<&$ty> {
                self.0.iter().find_map(|p| match p {
                    Property::$variant(v) => Some(&**v),
                    _ => None,
                })
            }
        )*
    };
}

impl Properties {
    pub fn new() -> Properties {
        Properties(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Property> {
        self.0.iter()
    }

    pub fn push(&mut self, property: Property) {
        self.0.push(property);
    }

    copy_getters! {
        payload_format_indicator: PayloadFormatIndicator -> u8;
        message_expiry_interval: MessageExpiryInterval -> u32;
        /// The first one; PUBLISH may carry several, see [`Properties::subscription_identifiers`].
        subscription_identifier: SubscriptionIdentifier -> u32;
        session_expiry_interval: SessionExpiryInterval -> u32;
        server_keep_alive: ServerKeepAlive -> u16;
        request_problem_information: RequestProblemInformation -> u8;
        will_delay_interval: WillDelayInterval -> u32;
        request_response_information: RequestResponseInformation -> u8;
        receive_maximum: ReceiveMaximum -> u16;
        topic_alias_maximum: TopicAliasMaximum -> u16;
        topic_alias: TopicAlias -> u16;
        maximum_qos: MaximumQoS -> u8;
        retain_available: RetainAvailable -> u8;
        maximum_packet_size: MaximumPacketSize -> u32;
        wildcard_subscription_available: WildcardSubscriptionAvailable -> u8;
        subscription_identifier_available: SubscriptionIdentifierAvailable -> u8;
        shared_subscription_available: SharedSubscriptionAvailable -> u8;
    }

    ref_getters! {
        content_type: ContentType -> str;
        response_topic: ResponseTopic -> str;
        correlation_data: CorrelationData -> [u8];
        assigned_client_identifier: AssignedClientIdentifier -> str;
        authentication_method: AuthenticationMethod -> str;
        authentication_data: AuthenticationData -> [u8];
        response_information: ResponseInformation -> str;
        server_reference: ServerReference -> str;
        reason_string: ReasonString -> str;
    }

    /// Every Subscription Identifier, in order.
    pub fn subscription_identifiers(&self) -> Vec<u32> {
        self.0
            .iter()
            .filter_map(|p| match p {
                Property::SubscriptionIdentifier(v) => Some(*v),
                _ => None,
            })
            .collect()
    }

    /// Every User Property as (name, value), in order; names may repeat.
    pub fn user_properties(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .filter_map(|p| match p {
                Property::UserProperty(k, v) => Some((k.as_str(), v.as_str())),
                _ => None,
            })
            .collect()
    }

    /// Size of the property block with its length prefix, after checking every rule the
    /// decoder enforces for a packet of `kind`.
    pub(crate) fn size(&self, kind: PacketKind) -> Result<usize, EncodeError> {
        let mut seen = 0u64;
        let mut len = 0usize;
        for p in &self.0 {
            let spec = p.spec();
            if !spec.allowed_in(kind) {
                return Err(EncodeError::PropertyNotAllowed {
                    kind: kind.name(),
                    property: spec.name,
                });
            }
            let bit = 1u64 << spec.id;
            if seen & bit != 0 && !spec.repeatable_in(kind) {
                return Err(EncodeError::DuplicateProperty {
                    kind: kind.name(),
                    property: spec.name,
                });
            }
            seen |= bit;
            len += p.size()?;
        }
        if len > MAX_REMAINING_LENGTH {
            return Err(EncodeError::PacketTooLarge {
                size: len,
                max: MAX_REMAINING_LENGTH,
            });
        }
        Ok(remaining_length_size(len) + len)
    }

    /// Writes the length prefix and the properties, already checked by [`Properties::size`].
    pub(crate) fn write(&self, out: &mut BytesMut) {
        let len: usize = self.0.iter().map(|p| p.size().unwrap_or_default()).sum();
        put_remaining_length(out, len);
        for p in &self.0 {
            p.write(out);
        }
    }

    /// Reads a property block (length prefix included) for a packet of `kind`.
    pub(crate) fn read(r: &mut Reader, kind: PacketKind) -> Result<Properties, DecodeError> {
        let len = r.var_int("property length")? as usize;
        if len > r.remaining() {
            return Err(DecodeError::Truncated {
                kind: r.kind(),
                field: "properties",
            });
        }
        let mut block = Reader::new(r.kind(), r.take(len, "properties")?);
        let mut seen = 0u64;
        let mut list = Vec::new();
        while !block.is_empty() {
            let id = block.u8("property identifier")?;
            let spec = property_spec(id).ok_or(DecodeError::UnknownProperty {
                kind: kind.name(),
                id,
            })?;
            if !spec.allowed_in(kind) {
                return Err(DecodeError::PropertyNotAllowed {
                    kind: kind.name(),
                    property: spec.name,
                });
            }
            let bit = 1u64 << id;
            if seen & bit != 0 && !spec.repeatable_in(kind) {
                return Err(DecodeError::DuplicateProperty {
                    kind: kind.name(),
                    property: spec.name,
                });
            }
            seen |= bit;
            list.push(Property::read(&mut block, spec)?);
        }
        Ok(Properties(list))
    }
}

impl From<Vec<Property>> for Properties {
    fn from(list: Vec<Property>) -> Properties {
        Properties(list)
    }
}

impl FromIterator<Property> for Properties {
    fn from_iter<I: IntoIterator<Item = Property>>(iter: I) -> Properties {
        Properties(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = &'a Property;
    type IntoIter = std::slice::Iter<'a, Property>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
