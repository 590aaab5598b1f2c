use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use std::sync::Arc;

use bytes::Bytes;
use once_cell::sync::OnceCell;

use crate::codec::{LastWill, Properties, ProtocolVersion};

/// MQTT 5.0 enhanced authentication (AUTH exchange). The session sends `method()` and
/// `initial_data()` in CONNECT and answers each AUTH challenge (reason 0x18) with
/// `on_challenge`. No concrete method ships yet: Mosquitto 2.0 has none built in.
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// The Authentication Method property, e.g. "SCRAM-SHA-1".
    fn method(&self) -> &str;
    /// Authentication Data sent in CONNECT, if the method starts with some.
    fn initial_data(&self) -> Option<Bytes>;
    /// The response to the broker's challenge data, or why the exchange cannot go on.
    fn on_challenge(&self, data: &[u8]) -> Result<Bytes, String>;
}
use crate::transport::{ClientIdentity, Endpoint, TlsSetupError};

/// Mosquitto's default `max_inflight_messages`: a 3.x client has no Receive Maximum to learn
/// the broker's limit from, and a stock broker resets a connection that goes far beyond it.
pub const DEFAULT_INFLIGHT_V3: u16 = 20;

/// How many times to try again after a failure (the first try is not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempts {
    Limited(u32),
    Unlimited,
}

impl Attempts {
    /// The XMeter convention: 0 = none, N = N more tries, -1 (any negative) = forever.
    pub fn from_setting(v: i64) -> Attempts {
        if v < 0 {
            Attempts::Unlimited
        } else {
            Attempts::Limited(u32::try_from(v).unwrap_or(u32::MAX))
        }
    }

    pub fn allows(self, retries_done: u32) -> bool {
        match self {
            Attempts::Unlimited => true,
            Attempts::Limited(n) => retries_done < n,
        }
    }
}

/// A password: kept as bytes, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Bytes);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A connection's user name and password, when a group's connections each have their own.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// What one connection of a group has of its own; the options the group shares hold the rest.
/// Each part is there only when it differs per connection, so an idle connection of a plain
/// group pays for three empty fields.
#[derive(Debug, Clone, Default)]
pub struct PerConnection {
    /// Its source address (None: the endpoint's).
    pub local: Option<IpAddr>,
    /// Its broker, when the group spreads over several (None: the options').
    pub endpoint: Option<Arc<Endpoint>>,
    /// Its credentials (None: the options').
    pub credentials: Option<Arc<Credentials>>,
    /// Its TLS client certificate, when each connection has its own (None: the transport's).
    pub certificate: Option<Box<OwnCertificate>>,
}

/// A connection's own TLS client certificate: its files, read at its first connect (so loading
/// 10,000 of them is spread over the connects, and a bad file fails only its connection) and
/// then kept for its reconnects.
#[derive(Debug, Clone)]
pub struct OwnCertificate {
    identity: ClientIdentity,
    loaded: OnceCell<Endpoint>,
}

impl OwnCertificate {
    pub fn new(identity: ClientIdentity) -> OwnCertificate {
        OwnCertificate {
            identity,
            loaded: OnceCell::new(),
        }
    }
}

impl PerConnection {
    pub fn endpoint<'a>(&'a self, opts: &'a SessionOptions) -> &'a Endpoint {
        self.endpoint.as_deref().unwrap_or(&opts.endpoint)
    }

    /// What to connect to: its endpoint, with its own client certificate when it has one.
    pub fn connect_endpoint<'a>(
        &'a self,
        opts: &'a SessionOptions,
    ) -> Result<&'a Endpoint, TlsSetupError> {
        let endpoint = self.endpoint(opts);
        match &self.certificate {
            None => Ok(endpoint),
            Some(own) => own.loaded.get_or_try_init(|| {
                Ok(Endpoint {
                    transport: endpoint.transport.with_identity(&own.identity)?,
                    ..endpoint.clone()
                })
            }),
        }
    }

    /// The source address to connect from.
    pub fn local(&self, opts: &SessionOptions) -> Option<IpAddr> {
        self.local.or(self.endpoint(opts).bind)
    }

    pub fn username<'a>(&'a self, opts: &'a SessionOptions) -> Option<&'a str> {
        match &self.credentials {
            Some(c) => c.username.as_deref(),
            None => opts.username.as_deref(),
        }
    }

    pub fn password<'a>(&'a self, opts: &'a SessionOptions) -> Option<&'a Secret> {
        match &self.credentials {
            Some(c) => c.password.as_ref(),
            None => opts.password.as_ref(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub endpoint: Endpoint,
    pub version: ProtocolVersion,
    pub client_id: String,
    pub clean_session: bool,
    pub keep_alive_secs: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub will: Option<LastWill>,
    pub connect_timeout: Duration,
    pub connect_attempts: Attempts,
    pub reconnect_attempts: Attempts,
    /// Our cap on QoS 1/2 messages in flight (the broker's Receive Maximum may lower it).
    pub max_inflight: u16,
    /// Largest packet we accept (and, for 5.0, advertise when `connect_properties` say so).
    pub max_packet_size: usize,
    /// MQTT 5.0 CONNECT properties (session expiry, receive maximum, ...); empty for 3.x.
    pub connect_properties: Properties,
    /// MQTT 5.0 enhanced authentication, when configured.
    pub authenticator: Option<Arc<dyn Authenticator>>,
}

impl SessionOptions {
    /// Plain TCP to `host:port`, no credentials, will or retries, keep-alive 30 s, connect timeout
    /// 10 s; change the fields a caller needs (`SessionOptions { version, ..SessionOptions::tcp(..) }`).
    pub fn tcp(host: impl Into<String>, port: u16, client_id: impl Into<String>) -> SessionOptions {
        SessionOptions {
            endpoint: Endpoint {
                host: host.into(),
                port,
                bind: None,
                transport: crate::transport::Transport::Tcp,
            },
            version: ProtocolVersion::V311,
            client_id: client_id.into(),
            clean_session: true,
            keep_alive_secs: 30,
            username: None,
            password: None,
            will: None,
            connect_timeout: Duration::from_secs(10),
            connect_attempts: Attempts::Limited(0),
            reconnect_attempts: Attempts::Limited(0),
            max_inflight: u16::MAX,
            max_packet_size: 1 << 20,
            connect_properties: Properties::new(),
            authenticator: None,
        }
    }
}

/// Delay before retry number `n` (0-based): doubling from 100 ms, capped at 5 s, so a flapping
/// broker is not hammered by thousands of connections at once.
pub(crate) fn backoff(n: u32) -> Duration {
    let ms = 100u64.saturating_mul(1u64 << n.min(6));
    Duration::from_millis(ms.min(5_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_follow_the_xmeter_convention() {
        assert!(!Attempts::from_setting(0).allows(0));
        assert!(Attempts::from_setting(2).allows(1));
        assert!(!Attempts::from_setting(2).allows(2));
        assert!(Attempts::from_setting(-1).allows(1_000_000));
    }

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0), Duration::from_millis(100));
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(30), Duration::from_millis(5_000));
    }

    #[test]
    fn secret_is_never_printed() {
        let s = Secret(Bytes::from_static(b"hunter2"));
        assert_eq!(format!("{s:?}"), "<redacted>");
    }
}
