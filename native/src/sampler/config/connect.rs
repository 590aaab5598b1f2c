//! A Connect element's connection group: server, session, will and MQTT 5.0 CONNECT properties;
//! how the connection is carried (TLS, WebSocket) is `Protocol` and the transport's settings.

use std::time::Duration;

use super::broker::{BrokerAddress, Placement};
use super::clock::ClockSettings;
use super::identity::{CertificateSource, IdentityTemplates, RowSource};
use super::transport::Protocol;
use crate::client::{Attempts, Secret, DEFAULT_INFLIGHT_V3};
use crate::codec::{LastWill, Properties, ProtocolVersion};
use crate::transport::{Redacted, TlsSettings};

/// The MQTT 5.0 parts of a Connect element, as properties ready for CONNECT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectV5 {
    pub properties: Properties,
    pub will_properties: Properties,
    /// Our Maximum Packet Size (0 = none advertised): also our limit on incoming packets.
    pub maximum_packet_size: u32,
}

#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// At least one; the group's connections are spread over them by `placement`.
    pub brokers: Vec<BrokerAddress>,
    /// The Port setting: of the brokers given without a port (an identity file's too).
    pub port: u16,
    pub placement: Placement,
    pub version: ProtocolVersion,
    pub connect_timeout: Duration,
    pub keep_alive_secs: u16,
    pub client_id_prefix: String,
    pub client_id_suffix: bool,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Each connection's own, from templates (`{{conn}}`, `{{conn.test:6}}`, ...): the prefix's
    /// (no `{{client_id}}`: it is what the prefix makes), the user name's and the password's.
    pub identity: IdentityTemplates,
    /// Rows that replace the settings' identity per connection.
    pub identity_file: Option<RowSource>,
    /// A client certificate per connection (the TLS settings' is then none).
    pub certificates: Option<CertificateSource>,
    /// The password of PKCS#12 client certificates a connection has of its own.
    pub client_cert_password: Redacted,
    pub clean_session: bool,
    pub connect_attempts: Attempts,
    pub reconnect_attempts: Attempts,
    pub connections: u32,
    /// QoS 1/2 messages in flight per connection; 0 = auto (see `inflight_window`).
    pub max_inflight: u16,
    /// Bytes a connection may hold that its socket has not taken (see `SessionOptions`).
    pub outbound_limit: usize,
    pub will: Option<LastWill>,
    /// Local source addresses, taken in turn by the group's connections (empty: the system's).
    pub bind: Vec<std::net::IpAddr>,
    /// Connections started per second (a ramp); None = all at once (bounded only by the
    /// process-wide handshake limit).
    pub connect_rate: Option<f64>,
    pub protocol: Protocol,
    /// WebSocket request path, always starting with '/'.
    pub ws_path: String,
    /// Used for SSL and WSS only.
    pub tls: TlsSettings,
    /// MQTT 5.0 only; default (empty) for 3.x.
    pub v5: ConnectV5,
    /// Clock offsets between JMeter engines: off unless asked for.
    pub clock: ClockSettings,
}

impl ConnectConfig {
    /// Our cap on QoS 1/2 messages in flight per connection. Auto: 20 for 3.x; for 5.0 none of
    /// our own (the broker's Receive Maximum, which the session always honours, decides).
    pub fn inflight_window(&self) -> u16 {
        match (self.max_inflight, self.version) {
            (0, ProtocolVersion::V5) => u16::MAX,
            (0, _) => DEFAULT_INFLIGHT_V3,
            (n, _) => n,
        }
    }

    /// Whether its connections hold a session the broker keeps (clean session off, or an MQTT
    /// 5.0 session expiry): a Disconnect then keeps the group for the next Connect to resume.
    pub fn resumable(&self) -> bool {
        !self.clean_session || self.v5.properties.session_expiry_interval().unwrap_or(0) > 0
    }
}
