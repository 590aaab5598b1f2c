use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::codec::{LastWill, ProtocolVersion};
use crate::transport::Endpoint;

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
    pub max_packet_size: usize,
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
