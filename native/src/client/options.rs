use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use once_cell::sync::OnceCell;
use rand::Rng;
use tokio::sync::Semaphore;
use tokio::time::Instant;

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
    /// Bytes a connection may hold for the broker before they are written (queued, waiting for
    /// the in-flight window, or not yet taken by the socket); beyond it a publish fails at once.
    pub outbound_limit: usize,
    /// How fast a group's lost connections may connect again (None: each on its own backoff).
    pub reconnect_limits: Option<ReconnectLimits>,
}

/// Shared by a group's connections: a broker back from a restart meets the handshake bound and
/// the group's connect rate, not every lost connection at the same moment.
#[derive(Debug, Clone)]
pub struct ReconnectLimits {
    /// Handshakes in flight at once (the process-wide bound the first connects take turns from).
    pub handshakes: Arc<Semaphore>,
    /// The group's connect rate, when it has one.
    pub ramp: Option<Arc<Ramp>>,
}

/// Turns on a rate: each caller gets a start time at least `every` after the previous one's.
#[derive(Debug)]
pub struct Ramp {
    every: Duration,
    next: Mutex<Option<Instant>>,
}

impl Ramp {
    /// None for a rate that is not a positive number.
    pub fn per_second(rate: f64) -> Option<Ramp> {
        (rate.is_finite() && rate > 0.0).then(|| Ramp {
            every: Duration::from_secs_f64((1.0 / rate).min(3600.0)),
            next: Mutex::new(None),
        })
    }

    /// When the next caller may start: now, or later when others took the turns before it.
    pub fn turn(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let at = next.map_or(now, |n| n.max(now));
        *next = Some(at + self.every);
        at
    }
}

/// The outbound limit when none is set: a few thousand typical telemetry messages, so a burst
/// rarely waits on a healthy broker, while 10,000 connections to a stalled one hold 2.5 GiB at most.
pub const DEFAULT_OUTBOUND_LIMIT: usize = 256 * 1024;

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
            outbound_limit: DEFAULT_OUTBOUND_LIMIT,
            reconnect_limits: None,
        }
    }
}

/// Delay before retry number `n` (0-based): doubling from 100 ms, capped at 5 s, so a flapping
/// broker is not hammered by thousands of connections at once.
pub(crate) fn backoff(n: u32) -> Duration {
    let ms = 100u64.saturating_mul(1u64 << n.min(6));
    Duration::from_millis(ms.min(5_000))
}

/// `delay` spread over its upper half at random: connections lost together (a broker restart)
/// do not all come back at the same instant.
pub(crate) fn jittered(delay: Duration) -> Duration {
    delay.mul_f64(rand::rng().random_range(0.5..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_the_upper_half() {
        for _ in 0..100 {
            let d = jittered(Duration::from_millis(1000));
            assert!((500..=1000).contains(&d.as_millis()), "{d:?}");
        }
    }

    #[tokio::test]
    async fn a_ramp_hands_out_turns_at_its_rate() {
        let ramp = Ramp::per_second(100.0).unwrap();
        let first = ramp.turn();
        let turns: Vec<Instant> = (0..3).map(|_| ramp.turn()).collect();
        assert_eq!(turns[0] - first, Duration::from_millis(10));
        assert_eq!(turns[2] - turns[1], Duration::from_millis(10));
        assert!(Ramp::per_second(0.0).is_none() && Ramp::per_second(f64::NAN).is_none());
    }

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
