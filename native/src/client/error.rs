use crate::codec::ConnectReturnCode;

/// Why a session operation failed, worded for a sample's response message.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    Transport(String),
    #[error("broker refused the connection: {} (CONNACK return code {})", .0.describe(), .0.code())]
    Refused(ConnectReturnCode),
    #[error("no CONNACK within {0} ms")]
    ConnackTimeout(u128),
    #[error("broker sent {0} where CONNACK was expected")]
    UnexpectedPacket(&'static str),
    #[error("malformed packet from broker: {0}")]
    Protocol(String),
    #[error("connection lost: {0}")]
    Lost(String),
    #[error("not connected")]
    NotConnected,
    #[error("cannot encode packet: {0}")]
    Encode(String),
}
