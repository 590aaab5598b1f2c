//! TLS through rustls (ring provider, no OpenSSL at run time).
//!
//! A [`TlsContext`] is built once per connection group from [`TlsSettings`]: the files are read and
//! the rustls `ClientConfig` is made there, so a bad path or password fails the group's creation
//! (before any network I/O), and thousands of connections share one `Arc<ClientConfig>`.

mod config;
mod explain;
mod identity;
mod keylog;
mod records;
mod settings;
mod stream;

use std::fmt;
use std::io;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use tokio::net::TcpStream;

use super::error::TransportError;

pub use settings::{ClientIdentity, Redacted, TlsInput, TlsSettings, TlsSetupError, TlsVersion};
pub use stream::{StreamError, TlsStream};

/// Everything a connection needs for its TLS handshake; shared by the whole group (or, with a
/// client certificate per connection, by everything but the certificate).
#[derive(Clone)]
pub struct TlsContext {
    config: Arc<ClientConfig>,
    server_name: ServerName<'static>,
    /// The name verified, as the user would write it (for messages).
    name_text: String,
    /// The name came from the server name setting, not from the host dialled.
    name_is_set: bool,
    client_cert: bool,
    insecure: bool,
}

impl fmt::Debug for TlsContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsContext")
            .field("server_name", &self.name_text)
            .field("client_cert", &self.client_cert)
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
    }
}

impl TlsContext {
    /// Reads the files and builds the rustls configuration. `host` is the server dialled.
    pub fn new(settings: &TlsSettings, host: &str) -> Result<TlsContext, TlsSetupError> {
        let (name_input, name_text) = match settings.server_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => (TlsInput::ServerName, n.to_string()),
            _ => (TlsInput::Host, host.to_string()),
        };
        // An IPv6 literal may come in brackets.
        let bare = name_text.trim_start_matches('[').trim_end_matches(']');
        let server_name =
            ServerName::try_from(bare.to_string()).map_err(|_| TlsSetupError::ServerName {
                input: name_input,
                name: name_text.clone(),
            })?;
        let config = Arc::new(config::client_config(settings, &name_text)?);
        Ok(TlsContext {
            config,
            server_name,
            name_text,
            name_is_set: name_input == TlsInput::ServerName,
            client_cert: settings.client_identity.is_some(),
            insecure: settings.trust_all,
        })
    }

    /// The same for another broker of the group: its host is the name verified, unless the
    /// server name setting names one for all.
    pub fn for_host(&self, host: &str) -> Result<TlsContext, TlsSetupError> {
        if self.name_is_set {
            return Ok(self.clone());
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let server_name =
            ServerName::try_from(bare.to_string()).map_err(|_| TlsSetupError::ServerName {
                input: TlsInput::Host,
                name: host.to_string(),
            })?;
        Ok(TlsContext {
            server_name,
            name_text: host.to_string(),
            ..self.clone()
        })
    }

    /// The same with a connection's own client certificate, read from its files now. TLS session
    /// resumption is off for it: a shared ticket cache could resume another device's session,
    /// and the broker would take this connection for that device.
    pub fn with_identity(&self, identity: &ClientIdentity) -> Result<TlsContext, TlsSetupError> {
        let config = Arc::new(config::with_own_identity(&self.config, identity)?);
        Ok(TlsContext {
            config,
            client_cert: true,
            ..self.clone()
        })
    }

    /// True when any certificate is accepted (trustAll).
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Runs the TLS handshake over `tcp`; `addr` (host:port) and `millis` only word the errors.
    pub(crate) async fn handshake(
        &self,
        tcp: TcpStream,
        addr: &str,
        deadline: tokio::time::Instant,
        millis: u128,
    ) -> Result<TlsStream, TransportError> {
        let connect = TlsStream::connect(self.config.clone(), self.server_name.clone(), tcp);
        match tokio::time::timeout_at(deadline, connect).await {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => {
                let err = self.explain(&e).unwrap_or_else(|| TransportError::Tls {
                    addr: addr.to_string(),
                    reason: e.to_string(),
                });
                tracing::debug!(broker = %addr, error = %err, "TLS handshake failed");
                Err(err)
            }
            Err(_) => Err(TransportError::TlsTimeout {
                addr: addr.to_string(),
                millis,
            }),
        }
    }

    /// Turns a rustls error carried by an I/O error (handshake, or the first read after it:
    /// with TLS 1.3 a broker rejects a client certificate only then) into a plain sentence.
    pub fn explain(&self, err: &io::Error) -> Option<TransportError> {
        let tls = err.get_ref()?.downcast_ref::<rustls::Error>()?;
        Some(explain::rustls_error(
            tls,
            &self.name_text,
            self.client_cert,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_ca_file_names_the_path() {
        let s = TlsSettings {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..TlsSettings::default()
        };
        let e = TlsContext::new(&s, "localhost").unwrap_err();
        assert_eq!(e.input(), TlsInput::CaFile);
        let m = e.to_string();
        assert!(
            m.contains("cannot read CA file '/nonexistent/ca.pem'"),
            "{m}"
        );
    }

    #[test]
    fn bad_server_name_is_named() {
        let s = TlsSettings {
            server_name: Some("not a name".into()),
            trust_all: true,
            ..TlsSettings::default()
        };
        let e = TlsContext::new(&s, "localhost").unwrap_err();
        assert_eq!(e.input(), TlsInput::ServerName);
    }
}
