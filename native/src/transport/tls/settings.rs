//! TLS settings as the user gave them, and why they cannot be used.

use std::fmt;
use std::io;
use std::path::PathBuf;

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

/// Which of the TLS settings an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsInput {
    CaFile,
    ClientCertificate,
    ClientKey,
    ClientCertificatePassword,
    /// The name sent as SNI and checked against the certificate, when set.
    ServerName,
    /// The host dialled, which is the name checked when no server name is set.
    Host,
    MinVersion,
}

/// Why TLS settings cannot be used; `input()` says which.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read {what} file '{path}': {source}")]
    Read {
        input: TlsInput,
        what: &'static str,
        path: String,
        source: io::Error,
    },
    #[error("{what} file '{path}' holds no {expected}")]
    Empty {
        input: TlsInput,
        what: &'static str,
        path: String,
        expected: &'static str,
    },
    #[error("{what} file '{path}' is not usable: {reason}")]
    Invalid {
        input: TlsInput,
        what: &'static str,
        path: String,
        reason: String,
    },
    #[error("wrong password for PKCS#12 file '{path}'")]
    WrongPassword { path: String },
    #[error("'{name}' is not a valid TLS server name")]
    ServerName { input: TlsInput, name: String },
    #[error("no CA certificates found on this system: give the broker's CA file")]
    NoSystemRoots,
    #[error("cannot set up TLS: {0}")]
    Rustls(String),
}

impl TlsSetupError {
    pub fn input(&self) -> TlsInput {
        match self {
            TlsSetupError::Read { input, .. }
            | TlsSetupError::Empty { input, .. }
            | TlsSetupError::Invalid { input, .. }
            | TlsSetupError::ServerName { input, .. } => *input,
            TlsSetupError::WrongPassword { .. } => TlsInput::ClientCertificatePassword,
            TlsSetupError::NoSystemRoots => TlsInput::CaFile,
            TlsSetupError::Rustls(_) => TlsInput::MinVersion,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
