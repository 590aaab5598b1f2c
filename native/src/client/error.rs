use crate::codec::ConnectReturnCode;

/// Why a session operation failed, worded for a sample's response message.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    Transport(String),
    #[error("broker refused the connection: {} (CONNACK return code {})", .0.describe(), .0.code())]
    Refused(ConnectReturnCode),
    /// MQTT 5.0 refusal: "0x87 Not authorized" plus the reason string when given.
    #[error("broker refused the connection: {0}")]
    RefusedV5(String),
    /// MQTT 5.0: a PUBACK/PUBREC with a failure reason code.
    #[error("broker rejected the message: {0}")]
    Rejected(String),
    #[error("packet of {size} bytes exceeds the broker's maximum packet size {max}")]
    TooLarge { size: usize, max: u32 },
    /// A 5.0 feature the broker's CONNACK said it does not offer.
    #[error("{0}")]
    Refused5Feature(String),
    #[error("enhanced authentication failed: {0}")]
    Auth(String),
    #[error("no CONNACK within {0} ms")]
    ConnackTimeout(u128),
    #[error("broker sent {0} where CONNACK was expected")]
    UnexpectedPacket(&'static str),
    #[error("malformed packet from broker: {0}")]
    Protocol(String),
    #[error("the broker apparently does not speak MQTT 5.0: it answered the 5.0 CONNECT with a 3.1.1 CONNACK refusing the protocol version (return code 1); choose 3.1.1")]
    NotV5,
    #[error("connection lost: {0}")]
    Lost(String),
    #[error("not connected")]
    NotConnected,
    /// The connection's outbound limit (bytes) is full: the broker reads slower than we send.
    #[error("not sent: {} KiB already wait for the broker to read them (the connection's outbound limit): the broker or the network is stalled or slow", .0 / 1024)]
    OutboundFull(usize),
    #[error("cannot encode packet: {0}")]
    Encode(String),
}
