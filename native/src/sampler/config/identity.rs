//! What gives each connection of a group its own identity: templates in the settings, rows of
//! an identity file, a folder of certificates.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::broker::BrokerAddress;
use crate::client::Secret;
use crate::sampler::template::Template;

/// Templates that give each connection of a group its own client id, user name or password.
#[derive(Debug, Clone, Default)]
pub struct IdentityTemplates {
    pub client_id_prefix: Option<Template>,
    pub username: Option<Template>,
    pub password: Option<SecretTemplate>,
    /// The Server setting as a template (`node{{conn.test:1}}.cluster:1883`, say): each
    /// connection's broker is what it gives.
    pub broker: Option<Template>,
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

/// One row of an identity file (or one certificate pair of a folder): what it gives its
/// connection; None keeps the setting's.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct IdentityRow {
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub broker: Option<BrokerAddress>,
}

impl fmt::Debug for IdentityRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityRow")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("cert", &self.cert)
            .field("key", &self.key)
            .field("broker", &self.broker)
            .finish()
    }
}

/// The rows of an identity file or certificate folder, read once per test run, and the next
/// row the engine hands out: each group takes the next block, so no two connections of the
/// run share a row.
#[derive(Debug)]
pub struct IdentityRows {
    /// The file or folder, as the user gave it (for messages).
    pub source: String,
    pub rows: Vec<IdentityRow>,
    next: AtomicU64,
}

impl IdentityRows {
    pub fn new(source: String, rows: Vec<IdentityRow>) -> IdentityRows {
        IdentityRows {
            source,
            rows,
            next: AtomicU64::new(0),
        }
    }

    /// Takes the next `count` rows; their first index after `first_row`.
    pub fn take(&self, count: usize) -> u64 {
        self.next.fetch_add(count as u64, Ordering::Relaxed)
    }
}

/// Rows to take from, and the row this engine starts at (distributed runs give each engine a
/// block of its own).
#[derive(Debug, Clone)]
pub struct RowSource {
    pub rows: Arc<IdentityRows>,
    pub first_row: u64,
}

/// Where each connection's client certificate comes from.
#[derive(Debug, Clone)]
pub enum CertificateSource {
    /// Path templates (`certs/{{conn.test}}.pem`), expanded per connection; the key's may be
    /// none (the key is then in the certificate's file).
    Templates {
        cert: Template,
        key: Option<Template>,
    },
    /// A folder's certificate and key pairs, taken in name order.
    Folder(RowSource),
}
