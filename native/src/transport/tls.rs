//! TLS through rustls (ring provider, no OpenSSL at run time).
//!
//! A [`TlsContext`] is built once per connection group from [`TlsSettings`]: the files are read and
//! the rustls `ClientConfig` is made there, so a bad path or password fails the group's creation
//! (before any network I/O), and thousands of connections share one `Arc<ClientConfig>`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use once_cell::sync::OnceCell;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore,
};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::error::TransportError;

/// Lowest TLS version offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersion {
    #[default]
    V12,
    V13,
}

/// A secret string (the PKCS#12 password): never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Redacted(pub String);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The client identity sent when the broker asks for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// PKCS#12 (detected by content: anything that is not PEM) or a PEM certificate chain.
    pub cert_file: PathBuf,
    /// PEM private key when `cert_file` is PEM; `None` = look for the key in `cert_file` itself.
    pub key_file: Option<PathBuf>,
    /// PKCS#12 password.
    pub password: Redacted,
}

/// TLS settings as the user gave them (paths already resolved by the Java side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM CA bundle; `None` = the system's roots.
    pub ca_file: Option<PathBuf>,
    pub client_identity: Option<ClientIdentity>,
    pub min_version: TlsVersion,
    /// SNI and the name verified; `None` = the server host.
    pub server_name: Option<String>,
    pub verify_hostname: bool,
    pub trust_all: bool,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            ca_file: None,
            client_identity: None,
            min_version: TlsVersion::V12,
            server_name: None,
            verify_hostname: true,
            trust_all: false,
        }
    }
}

/// Why TLS settings cannot be used. `field()` names the JMeter property to fix.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read {what} file '{path}': {source}")]
    Read {
        field: &'static str,
        what: &'static str,
        path: String,
        source: io::Error,
    },
    #[error("{what} file '{path}' holds no {expected}")]
    Empty {
        field: &'static str,
        what: &'static str,
        path: String,
        expected: &'static str,
    },
    #[error("{what} file '{path}' is not usable: {reason}")]
    Invalid {
        field: &'static str,
        what: &'static str,
        path: String,
        reason: String,
    },
    #[error("wrong password for PKCS#12 file '{path}'")]
    WrongPassword { path: String },
    #[error("'{name}' is not a valid TLS server name")]
    ServerName { field: &'static str, name: String },
    #[error("no CA certificates found on this system; set mqtt.ca_file to the broker's CA file")]
    NoSystemRoots,
    #[error("cannot set up TLS: {0}")]
    Rustls(String),
}

impl TlsSetupError {
    pub fn field(&self) -> &'static str {
        match self {
            TlsSetupError::Read { field, .. }
            | TlsSetupError::Empty { field, .. }
            | TlsSetupError::Invalid { field, .. }
            | TlsSetupError::ServerName { field, .. } => field,
            TlsSetupError::WrongPassword { .. } => "mqtt.clientcert_password",
            TlsSetupError::NoSystemRoots => "mqtt.ca_file",
            TlsSetupError::Rustls(_) => "mqtt.tls_min_version",
        }
    }
}

/// Everything a connection needs for its TLS handshake; shared by the whole group.
#[derive(Clone)]
pub struct TlsContext {
    connector: TlsConnector,
    server_name: ServerName<'static>,
    /// The name verified, as the user would write it (for messages).
    name_text: String,
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

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The system's roots, loaded once per process (it parses a few hundred certificates).
fn system_roots() -> Result<Arc<RootCertStore>, TlsSetupError> {
    static ROOTS: OnceCell<Arc<RootCertStore>> = OnceCell::new();
    ROOTS
        .get_or_try_init(|| {
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                tracing::debug!(error = %e, "skipping unreadable system CA certificate");
            }
            tracing::debug!(
                certificates = found.certs.len(),
                "system CA certificates loaded"
            );
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(TlsSetupError::NoSystemRoots);
            }
            Ok(Arc::new(roots))
        })
        .cloned()
}

fn read_file(
    field: &'static str,
    what: &'static str,
    path: &Path,
) -> Result<Vec<u8>, TlsSetupError> {
    std::fs::read(path).map_err(|source| TlsSetupError::Read {
        field,
        what,
        path: path.display().to_string(),
        source,
    })
}

fn pem_certs(
    field: &'static str,
    what: &'static str,
    path: &Path,
    data: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs = CertificateDer::pem_slice_iter(data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsSetupError::Invalid {
            field,
            what,
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsSetupError::Empty {
            field,
            what,
            path: path.display().to_string(),
            expected: "PEM certificate",
        });
    }
    Ok(certs)
}

fn ca_roots(path: &Path) -> Result<Arc<RootCertStore>, TlsSetupError> {
    const FIELD: &str = "mqtt.ca_file";
    let data = read_file(FIELD, "CA", path)?;
    let mut roots = RootCertStore::empty();
    for cert in pem_certs(FIELD, "CA", path, &data)? {
        roots.add(cert).map_err(|e| TlsSetupError::Invalid {
            field: FIELD,
            what: "CA",
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    Ok(Arc::new(roots))
}

type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn is_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

fn client_identity(id: &ClientIdentity) -> Result<Identity, TlsSetupError> {
    const FIELD: &str = "mqtt.clientcert_file_path";
    let path = &id.cert_file;
    let data = read_file(FIELD, "client certificate", path)?;
    if !is_pem(&data) {
        return pkcs12_identity(path, &data, &id.password);
    }
    let certs = pem_certs(FIELD, "client certificate", path, &data)?;
    let (key_field, key_path, key_data) = match &id.key_file {
        Some(k) => (
            "mqtt.client_key_file",
            k.as_path(),
            read_file("mqtt.client_key_file", "client key", k)?,
        ),
        None => ("mqtt.client_key_file", path.as_path(), data),
    };
    if key_data
        .windows(27)
        .any(|w| w == b"BEGIN ENCRYPTED PRIVATE KEY")
    {
        return Err(TlsSetupError::Invalid {
            field: key_field,
            what: "client key",
            path: key_path.display().to_string(),
            reason: "encrypted PEM keys are not supported; use an unencrypted key or PKCS#12"
                .into(),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(&key_data).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsSetupError::Empty {
            field: key_field,
            what: "client key",
            path: key_path.display().to_string(),
            expected: "PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)",
        },
        other => TlsSetupError::Invalid {
            field: key_field,
            what: "client key",
            path: key_path.display().to_string(),
            reason: other.to_string(),
        },
    })?;
    Ok((certs, key))
}

fn pkcs12_identity(
    path: &Path,
    data: &[u8],
    password: &Redacted,
) -> Result<Identity, TlsSetupError> {
    use p12_keystore::{error::Error as P12Error, KeyStore, Pkcs12ImportPolicy};
    let shown = path.display().to_string();
    let store = KeyStore::from_pkcs12(data, &password.0, Pkcs12ImportPolicy::Strict).map_err(
        |e| match e {
            // The MAC (or, without one, the padding of the decrypted data) fails on a wrong password.
            P12Error::MacError(_) | P12Error::UnpadError => TlsSetupError::WrongPassword {
                path: shown.clone(),
            },
            other => TlsSetupError::Invalid {
                field: "mqtt.clientcert_file_path",
                what: "PKCS#12",
                path: shown.clone(),
                reason: format!("{other} (neither PEM nor a readable PKCS#12 file)"),
            },
        },
    )?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(TlsSetupError::Empty {
            field: "mqtt.clientcert_file_path",
            what: "PKCS#12",
            path: shown,
            expected: "private key with its certificate",
        });
    };
    let certs: Vec<CertificateDer<'static>> = chain
        .certs()
        .iter()
        .map(|c| CertificateDer::from(c.as_der().to_vec()))
        .collect();
    if certs.is_empty() {
        return Err(TlsSetupError::Empty {
            field: "mqtt.clientcert_file_path",
            what: "PKCS#12",
            path: shown,
            expected: "certificate for its private key",
        });
    }
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
    Ok((certs, key))
}

impl TlsContext {
    /// Reads the files and builds the rustls configuration. `host` is the server dialled.
    pub fn new(settings: &TlsSettings, host: &str) -> Result<TlsContext, TlsSetupError> {
        let provider = provider();
        let (name_field, name_text) = match settings.server_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => ("mqtt.tls_server_name", n.to_string()),
            _ => ("mqtt.server", host.to_string()),
        };
        // An IPv6 literal may come in brackets.
        let bare = name_text.trim_start_matches('[').trim_end_matches(']');
        let server_name =
            ServerName::try_from(bare.to_string()).map_err(|_| TlsSetupError::ServerName {
                field: name_field,
                name: name_text.clone(),
            })?;
        if settings.trust_all {
            tracing::warn!(
                server = %name_text,
                "mqtt.tls_trust_all is on: any certificate is accepted (INSECURE)"
            );
        } else if !settings.verify_hostname {
            tracing::warn!(
                server = %name_text,
                "mqtt.tls_verify_hostname is off: the certificate's name is not checked"
            );
        }
        let verifier: Arc<dyn ServerCertVerifier> = if settings.trust_all {
            Arc::new(AcceptAnyCertificate {
                provider: provider.clone(),
            })
        } else {
            let roots = match &settings.ca_file {
                Some(path) => ca_roots(path)?,
                None => system_roots()?,
            };
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
            if settings.verify_hostname {
                webpki
            } else {
                Arc::new(IgnoreHostName { inner: webpki })
            }
        };
        let versions: &[&'static rustls::SupportedProtocolVersion] = match settings.min_version {
            TlsVersion::V12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
            TlsVersion::V13 => &[&rustls::version::TLS13],
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| TlsSetupError::Rustls(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match &settings.client_identity {
            Some(id) => {
                let (certs, key) = client_identity(id)?;
                let key_path = id.key_file.as_ref().unwrap_or(&id.cert_file);
                builder
                    .with_client_auth_cert(certs, key)
                    .map_err(|e| TlsSetupError::Invalid {
                        field: if id.key_file.is_some() {
                            "mqtt.client_key_file"
                        } else {
                            "mqtt.clientcert_file_path"
                        },
                        what: "client key",
                        path: key_path.display().to_string(),
                        reason: e.to_string(),
                    })?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(TlsContext {
            connector: TlsConnector::from(Arc::new(config)),
            server_name,
            name_text,
            client_cert: settings.client_identity.is_some(),
            insecure: settings.trust_all,
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
    ) -> Result<TlsStream<TcpStream>, TransportError> {
        let connect = self.connector.connect(self.server_name.clone(), tcp);
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
        Some(self.explain_rustls(tls))
    }

    fn explain_rustls(&self, err: &rustls::Error) -> TransportError {
        match err {
            rustls::Error::InvalidCertificate(c) => match c {
                CertificateError::NotValidForName => TransportError::NotValidForName {
                    name: self.name_text.clone(),
                    valid_for: "(names not reported)".into(),
                },
                CertificateError::NotValidForNameContext { presented, .. } => {
                    TransportError::NotValidForName {
                        name: self.name_text.clone(),
                        valid_for: presented_names(presented),
                    }
                }
                CertificateError::UnknownIssuer => TransportError::UnknownAuthority,
                CertificateError::Expired => TransportError::Expired {
                    when: String::new(),
                },
                CertificateError::ExpiredContext { not_after, .. } => TransportError::Expired {
                    when: format!(" on {}", utc(*not_after)),
                },
                CertificateError::NotValidYet => TransportError::NotValidYet {
                    when: String::new(),
                },
                CertificateError::NotValidYetContext { not_before, .. } => {
                    TransportError::NotValidYet {
                        when: format!(" (valid from {})", utc(*not_before)),
                    }
                }
                other => TransportError::BadServerCertificate(format!("{other:?}")),
            },
            rustls::Error::AlertReceived(alert) => {
                let client_cert_alert = matches!(
                    alert,
                    AlertDescription::BadCertificate
                        | AlertDescription::UnknownCA
                        | AlertDescription::CertificateRequired
                        | AlertDescription::HandshakeFailure
                        | AlertDescription::UnsupportedCertificate
                        | AlertDescription::CertificateUnknown
                        | AlertDescription::CertificateExpired
                        | AlertDescription::CertificateRevoked
                        | AlertDescription::AccessDenied
                );
                let missing_cert_alert = matches!(
                    alert,
                    AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure
                );
                if self.client_cert && client_cert_alert {
                    TransportError::ClientCertRejected {
                        alert: format!("{alert:?}"),
                    }
                } else if !self.client_cert && missing_cert_alert {
                    TransportError::ClientCertRequired {
                        alert: format!("{alert:?}"),
                    }
                } else {
                    TransportError::TlsAlert {
                        alert: format!("{alert:?}"),
                    }
                }
            }
            other => TransportError::TlsProtocol(other.to_string()),
        }
    }
}

/// webpki words names as `DnsName("a")` / `IpAddress(1.2.3.4)`: keep only the names.
fn presented_names(presented: &[String]) -> String {
    if presented.is_empty() {
        return "no names (the certificate has no subject alternative names)".into();
    }
    presented
        .iter()
        .map(|p| {
            let inner = p
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .unwrap_or(p);
            inner.trim_matches('"').to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `YYYY-MM-DD hh:mm:ss UTC` without a date crate (days-from-civil, inverted).
fn utc(t: UnixTime) -> String {
    let secs = t.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// verifyHostname=false: the full webpki check, except that a name mismatch is accepted.
/// Chain, validity period and signatures are still verified.
#[derive(Debug)]
struct IgnoreHostName {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // webpki checks the name last: a name error means everything else passed.
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// trustAll=true: any certificate is accepted (INSECURE). The handshake's signatures are still
/// checked, so the peer must hold the key of the certificate it shows.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_up() {
        let p = vec![
            "DnsName(\"wrong.example\")".to_string(),
            "IpAddress(10.0.0.1)".to_string(),
        ];
        assert_eq!(presented_names(&p), "wrong.example, 10.0.0.1");
        assert!(presented_names(&[]).contains("no names"));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(
            utc(UnixTime::since_unix_epoch(std::time::Duration::ZERO)),
            "1970-01-01 00:00:00 UTC"
        );
        assert_eq!(
            utc(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                951_782_400 + 3661
            ))),
            "2000-02-29 01:01:01 UTC"
        );
    }

    #[test]
    fn password_is_redacted() {
        let s = TlsSettings {
            client_identity: Some(ClientIdentity {
                cert_file: "/x.p12".into(),
                key_file: None,
                password: Redacted("hunter2".into()),
            }),
            ..TlsSettings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn missing_ca_file_names_the_path() {
        let s = TlsSettings {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..TlsSettings::default()
        };
        let e = TlsContext::new(&s, "localhost").unwrap_err();
        assert_eq!(e.field(), "mqtt.ca_file");
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
        assert_eq!(e.field(), "mqtt.tls_server_name");
    }
}
