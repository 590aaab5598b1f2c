//! A Connect element's connection group: server, session, will and MQTT 5.0 CONNECT properties;
//! how the connection is carried (TLS, WebSocket) is `Protocol` and the transport's settings.

use std::time::Duration;

use super::transport::Protocol;
use crate::client::{Attempts, Secret, DEFAULT_INFLIGHT_V3};
use crate::codec::{LastWill, Properties, ProtocolVersion};
use crate::sampler::template::Template;
use crate::transport::TlsSettings;

/// The MQTT 5.0 parts of a Connect element, as properties ready for CONNECT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectV5 {
    pub properties: Properties,
    pub will_properties: Properties,
    /// Our Maximum Packet Size (0 = none advertised): also our limit on incoming packets.
    pub maximum_packet_size: u32,
}

/// Templates that give each connection of a group its own client id, user name or password.
#[derive(Debug, Clone, Default)]
pub struct IdentityTemplates {
    pub client_id_prefix: Option<Template>,
    pub username: Option<Template>,
    pub password: Option<SecretTemplate>,
}

impl IdentityTemplates {
    /// Whether the connections' credentials differ.
    pub fn per_connection_credentials(&self) -> bool {
        self.username.is_some() || self.password.is_some()
    }
}

/// A password's template: its text is a secret, so it is never shown.
#[derive(Clone)]
pub struct SecretTemplate(pub Template);

impl std::fmt::Debug for SecretTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone)]
pub struct ConnectConfig {
    pub host: String,
    pub port: u16,
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
    pub clean_session: bool,
    pub connect_attempts: Attempts,
    pub reconnect_attempts: Attempts,
    pub connections: u32,
    /// QoS 1/2 messages in flight per connection; 0 = auto (see `inflight_window`).
    pub max_inflight: u16,
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
