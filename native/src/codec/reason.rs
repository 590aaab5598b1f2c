//! MQTT 5.0 reason codes (specification section 2.4, table 2-6): every code, its name, and
//! the packets that may carry it.

use super::properties::PacketKind;

macro_rules! reason_codes {
    ($($variant:ident = $code:literal, $name:literal, [$($kind:ident),*];)*) => {
        /// An MQTT 5.0 reason code. Code 0x00 is "Success" in most packets, "Normal
        /// disconnection" in DISCONNECT and "Granted QoS 0" in SUBACK: one variant,
        /// [`ReasonCode::Success`], whose name depends on the packet ([`ReasonCode::name_in`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub enum ReasonCode {
            #[default]
            $($variant,)*
        }

        impl ReasonCode {
            /// Every reason code, in numeric order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant,)*];

            pub fn code(self) -> u8 {
                match self {
                    $(ReasonCode::$variant => $code,)*
                }
            }

            pub fn from_u8(code: u8) -> Option<ReasonCode> {
                match code {
                    $($code => Some(ReasonCode::$variant),)*
                    _ => None,
                }
            }

            /// The name the specification gives the code ("Not authorized").
            pub fn name(self) -> &'static str {
                match self {
                    $(ReasonCode::$variant => $name,)*
                }
            }

            /// Whether a packet of `kind` may carry this code.
            pub fn is_valid_for(self, kind: PacketKind) -> bool {
                let mask: u16 = match self {
                    $(ReasonCode::$variant => 0 $(| PacketKind::$kind.bit())*,)*
                };
                mask & kind.bit() != 0
            }
        }
    };
}

reason_codes! {
    Success = 0x00, "Success", [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    GrantedQoS1 = 0x01, "Granted QoS 1", [SubAck];
    GrantedQoS2 = 0x02, "Granted QoS 2", [SubAck];
    DisconnectWithWillMessage = 0x04, "Disconnect with Will Message", [Disconnect];
    NoMatchingSubscribers = 0x10, "No matching subscribers", [PubAck, PubRec];
    NoSubscriptionExisted = 0x11, "No subscription existed", [UnsubAck];
    ContinueAuthentication = 0x18, "Continue authentication", [Auth];
    ReAuthenticate = 0x19, "Re-authenticate", [Auth];
    UnspecifiedError = 0x80, "Unspecified error", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    MalformedPacket = 0x81, "Malformed Packet", [ConnAck, Disconnect];
    ProtocolError = 0x82, "Protocol Error", [ConnAck, Disconnect];
    ImplementationSpecificError = 0x83, "Implementation specific error", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version", [ConnAck];
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid", [ConnAck];
    BadUserNameOrPassword = 0x86, "Bad User Name or Password", [ConnAck];
    NotAuthorized = 0x87, "Not authorized", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    ServerUnavailable = 0x88, "Server unavailable", [ConnAck];
    ServerBusy = 0x89, "Server busy", [ConnAck, Disconnect];
    Banned = 0x8A, "Banned", [ConnAck];
    ServerShuttingDown = 0x8B, "Server shutting down", [Disconnect];
    BadAuthenticationMethod = 0x8C, "Bad authentication method", [ConnAck, Disconnect];
    KeepAliveTimeout = 0x8D, "Keep Alive timeout", [Disconnect];
    SessionTakenOver = 0x8E, "Session taken over", [Disconnect];
    TopicFilterInvalid = 0x8F, "Topic Filter invalid", [SubAck, UnsubAck, Disconnect];
    TopicNameInvalid = 0x90, "Topic Name invalid", [ConnAck, PubAck, PubRec, Disconnect];
    PacketIdentifierInUse = 0x91, "Packet Identifier in use", [PubAck, PubRec, SubAck, UnsubAck];
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found", [PubRel, PubComp];
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded", [Disconnect];
    TopicAliasInvalid = 0x94, "Topic Alias invalid", [Disconnect];
    PacketTooLarge = 0x95, "Packet too large", [ConnAck, Disconnect];
    MessageRateTooHigh = 0x96, "Message rate too high", [Disconnect];
    QuotaExceeded = 0x97, "Quota exceeded", [ConnAck, PubAck, PubRec, SubAck, Disconnect];
    AdministrativeAction = 0x98, "Administrative action", [Disconnect];
    PayloadFormatInvalid = 0x99, "Payload format invalid", [ConnAck, PubAck, PubRec, Disconnect];
    RetainNotSupported = 0x9A, "Retain not supported", [ConnAck, Disconnect];
    QoSNotSupported = 0x9B, "QoS not supported", [ConnAck, Disconnect];
    UseAnotherServer = 0x9C, "Use another server", [ConnAck, Disconnect];
    ServerMoved = 0x9D, "Server moved", [ConnAck, Disconnect];
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported", [SubAck, Disconnect];
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded", [ConnAck, Disconnect];
    MaximumConnectTime = 0xA0, "Maximum connect time", [Disconnect];
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported", [SubAck, Disconnect];
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported", [SubAck, Disconnect];
}

impl ReasonCode {
    /// Codes 0x80 and above report a failure (MQTT 5.0 section 2.4).
    pub fn is_error(self) -> bool {
        self.code() >= 0x80
    }

    /// The name in the context of one packet: 0x00 reads "Normal disconnection" in
    /// DISCONNECT and "Granted QoS 0" in SUBACK.
    pub fn name_in(self, kind: PacketKind) -> &'static str {
        match (self, kind) {
            (ReasonCode::Success, PacketKind::Disconnect) => "Normal disconnection",
            (ReasonCode::Success, PacketKind::SubAck) => "Granted QoS 0",
            _ => self.name(),
        }
    }

    /// Hex code and name, for response messages: "0x87 Not authorized".
    pub fn describe(self) -> String {
        format!("0x{:02X} {}", self.code(), self.name())
    }

    /// Decodes a code that must be valid for `kind`.
    pub(crate) fn read_for(code: u8, kind: PacketKind) -> Result<ReasonCode, super::DecodeError> {
        match ReasonCode::from_u8(code) {
            Some(rc) if rc.is_valid_for(kind) => Ok(rc),
            _ => Err(super::DecodeError::InvalidReasonCode {
                kind: kind.name(),
                code,
            }),
        }
    }

    /// Checks a code before encoding it in a packet of `kind`.
    pub(crate) fn check_for(self, kind: PacketKind) -> Result<(), super::EncodeError> {
        if self.is_valid_for(kind) {
            Ok(())
        } else {
            Err(super::EncodeError::InvalidReasonCode {
                kind: kind.name(),
                code: self.code(),
            })
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#04x} {}", self.code(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_describes() {
        assert_eq!(ReasonCode::ALL.len(), 43);
        for &rc in ReasonCode::ALL {
            assert_eq!(ReasonCode::from_u8(rc.code()), Some(rc));
            assert!(rc.describe().starts_with(&format!("0x{:02X} ", rc.code())));
        }
        assert_eq!(ReasonCode::NotAuthorized.describe(), "0x87 Not authorized");
        assert_eq!(ReasonCode::QuotaExceeded.describe(), "0x97 Quota exceeded");
        assert_eq!(ReasonCode::Success.describe(), "0x00 Success");
        // Upper-case hex digits, as the contract writes them.
        assert_eq!(
            ReasonCode::SessionTakenOver.describe(),
            "0x8E Session taken over"
        );
        assert_eq!(
            ReasonCode::Success.name_in(PacketKind::Disconnect),
            "Normal disconnection"
        );
        for unknown in [0x03u8, 0x05, 0x12, 0x7F, 0xA3, 0xFF] {
            assert_eq!(ReasonCode::from_u8(unknown), None);
        }
    }

    #[test]
    fn validity_per_packet() {
        use PacketKind::*;
        assert!(ReasonCode::NotAuthorized.is_valid_for(ConnAck));
        assert!(!ReasonCode::NotAuthorized.is_valid_for(PubRel));
        assert!(ReasonCode::PacketIdentifierNotFound.is_valid_for(PubComp));
        assert!(!ReasonCode::PacketIdentifierNotFound.is_valid_for(PubAck));
        assert!(ReasonCode::GrantedQoS2.is_valid_for(SubAck));
        assert!(!ReasonCode::GrantedQoS2.is_valid_for(UnsubAck));
        assert!(ReasonCode::ContinueAuthentication.is_valid_for(Auth));
        assert!(!ReasonCode::UnspecifiedError.is_valid_for(Auth));
        assert!(ReasonCode::DisconnectWithWillMessage.is_valid_for(Disconnect));
        assert!(!ReasonCode::Success.is_valid_for(Connect));
        let counts = [ConnAck, PubAck, PubRel, SubAck, UnsubAck, Disconnect, Auth].map(|k| {
            ReasonCode::ALL
                .iter()
                .filter(|rc| rc.is_valid_for(k))
                .count()
        });
        assert_eq!(counts, [22, 9, 2, 12, 7, 30, 3]);
    }
}
