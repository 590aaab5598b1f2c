//! What the settings name to trust and to show: the CA roots (a PEM file, or the system's) and
//! the client's identity (a PEM certificate chain and key, or PKCS#12). Each failure names the
//! property and the file to fix.

use std::path::Path;
use std::sync::Arc;

use once_cell::sync::OnceCell;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::RootCertStore;

use super::settings::{ClientIdentity, Redacted, TlsInput, TlsSetupError};

/// The system's roots, loaded once per process (it parses a few hundred certificates).
pub(super) fn system_roots() -> Result<Arc<RootCertStore>, TlsSetupError> {
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

fn read_file(input: TlsInput, what: &'static str, path: &Path) -> Result<Vec<u8>, TlsSetupError> {
    std::fs::read(path).map_err(|source| TlsSetupError::Read {
        input,
        what,
        path: path.display().to_string(),
        source,
    })
}

fn pem_certs(
    input: TlsInput,
    what: &'static str,
    path: &Path,
    data: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs = CertificateDer::pem_slice_iter(data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsSetupError::Invalid {
            input,
            what,
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsSetupError::Empty {
            input,
            what,
            path: path.display().to_string(),
            expected: "PEM certificate",
        });
    }
    Ok(certs)
}

pub(super) fn ca_roots(path: &Path) -> Result<Arc<RootCertStore>, TlsSetupError> {
    const INPUT: TlsInput = TlsInput::CaFile;
    let data = read_file(INPUT, "CA", path)?;
    let mut roots = RootCertStore::empty();
    for cert in pem_certs(INPUT, "CA", path, &data)? {
        roots.add(cert).map_err(|e| TlsSetupError::Invalid {
            input: INPUT,
            what: "CA",
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    Ok(Arc::new(roots))
}

pub(super) type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn is_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

pub(super) fn client_identity(id: &ClientIdentity) -> Result<Identity, TlsSetupError> {
    const INPUT: TlsInput = TlsInput::ClientCertificate;
    let path = &id.cert_file;
    let data = read_file(INPUT, "client certificate", path)?;
    if !is_pem(&data) {
        return pkcs12_identity(path, &data, &id.password);
    }
    let certs = pem_certs(INPUT, "client certificate", path, &data)?;
    let (key_input, key_path, key_data) = match &id.key_file {
        Some(k) => (
            TlsInput::ClientKey,
            k.as_path(),
            read_file(TlsInput::ClientKey, "client key", k)?,
        ),
        None => (TlsInput::ClientKey, path.as_path(), data),
    };
    if key_data
        .windows(27)
        .any(|w| w == b"BEGIN ENCRYPTED PRIVATE KEY")
    {
        return Err(TlsSetupError::Invalid {
            input: key_input,
            what: "client key",
            path: key_path.display().to_string(),
            reason: "encrypted PEM keys are not supported; use an unencrypted key or PKCS#12"
                .into(),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(&key_data).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsSetupError::Empty {
            input: key_input,
            what: "client key",
            path: key_path.display().to_string(),
            expected: "PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)",
        },
        other => TlsSetupError::Invalid {
            input: key_input,
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
                input: TlsInput::ClientCertificate,
                what: "PKCS#12",
                path: shown.clone(),
                reason: format!("{other} (neither PEM nor a readable PKCS#12 file)"),
            },
        },
    )?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(TlsSetupError::Empty {
            input: TlsInput::ClientCertificate,
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
            input: TlsInput::ClientCertificate,
            what: "PKCS#12",
            path: shown,
            expected: "certificate for its private key",
        });
    }
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
    Ok((certs, key))
}
