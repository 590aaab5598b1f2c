//! The TLS 1.3 traffic secrets, taken from rustls as it computes them.
//!
//! After the handshake our record layer (`records.rs`) protects the records itself, and a TLS 1.3
//! key update (the broker's, or ours when a key has protected as many records as it may) derives
//! the next keys from the current traffic secret. rustls hands over keys, not secrets; it tells a
//! `KeyLog` the secrets, synchronously, while it processes the records that complete the
//! handshake. So the stream arms a per-thread slot around that processing and takes what was logged.

use std::cell::RefCell;

use zeroize::Zeroize;

const CLIENT: &str = "CLIENT_TRAFFIC_SECRET_0";
const SERVER: &str = "SERVER_TRAFFIC_SECRET_0";

/// A TLS 1.3 traffic secret: as long as the suite's hash (32 or 48 bytes).
#[derive(Clone)]
pub(super) struct Secret {
    bytes: [u8; Secret::MAX],
    len: usize,
}

impl Secret {
    const MAX: usize = 48;

    pub(super) fn new(bytes: &[u8]) -> Option<Secret> {
        if bytes.is_empty() || bytes.len() > Secret::MAX {
            return None;
        }
        let mut secret = Secret {
            bytes: [0; Secret::MAX],
            len: bytes.len(),
        };
        secret.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(secret)
    }

    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// What was logged: ours (client) and the broker's (server) first application traffic secret.
#[derive(Default)]
pub(super) struct Captured {
    pub(super) client: Option<Secret>,
    pub(super) server: Option<Secret>,
}

impl Captured {
    /// Keeps what `later` has, over what was taken before.
    pub(super) fn merge(&mut self, later: Captured) {
        if later.client.is_some() {
            self.client = later.client;
        }
        if later.server.is_some() {
            self.server = later.server;
        }
    }
}

thread_local! {
    static SLOT: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Runs `f` with the slot armed: what rustls logs during `f` on this thread is returned with its result.
pub(super) fn capture<R>(f: impl FnOnce() -> R) -> (R, Captured) {
    SLOT.with(|slot| *slot.borrow_mut() = Some(Captured::default()));
    let result = f();
    let captured = SLOT
        .with(|slot| slot.borrow_mut().take())
        .unwrap_or_default();
    (result, captured)
}

/// The `KeyLog` of every client configuration: keeps the traffic secrets while a slot is armed,
/// writes nothing anywhere.
#[derive(Debug)]
pub(super) struct TrafficSecrets;

impl rustls::KeyLog for TrafficSecrets {
    fn will_log(&self, label: &str) -> bool {
        label == CLIENT || label == SERVER
    }

    fn log(&self, label: &str, _client_random: &[u8], secret: &[u8]) {
        SLOT.with(|slot| {
            if let Some(captured) = slot.borrow_mut().as_mut() {
                match label {
                    CLIENT => captured.client = Secret::new(secret),
                    SERVER => captured.server = Secret::new(secret),
                    _ => {}
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use rustls::KeyLog;

    use super::*;

    #[test]
    fn logs_only_while_armed_and_only_traffic_secrets() {
        TrafficSecrets.log(CLIENT, &[], &[1; 32]);
        let ((), captured) = capture(|| {
            TrafficSecrets.log(CLIENT, &[], &[2; 48]);
            TrafficSecrets.log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &[], &[3; 48]);
        });
        assert_eq!(
            captured.client.as_ref().map(Secret::bytes),
            Some(&[2u8; 48][..])
        );
        assert!(captured.server.is_none());
        let ((), after) = capture(|| {});
        assert!(after.client.is_none(), "a slot starts empty");
        assert!(!TrafficSecrets.will_log("EXPORTER_SECRET"));
    }

    #[test]
    fn merge_keeps_the_latest() {
        let mut all = Captured {
            client: Secret::new(&[1; 32]),
            server: None,
        };
        all.merge(Captured {
            client: None,
            server: Secret::new(&[2; 32]),
        });
        assert_eq!(all.client.as_ref().map(Secret::bytes), Some(&[1u8; 32][..]));
        assert_eq!(all.server.as_ref().map(Secret::bytes), Some(&[2u8; 32][..]));
        assert!(Secret::new(&[0; 64]).is_none());
    }
}
