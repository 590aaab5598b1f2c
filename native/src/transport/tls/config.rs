//! The rustls client configuration the settings ask for: which certificates are trusted and how
//! far they are checked, the lowest TLS version, and the client's identity.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, WantsClientCert, WebPkiServerVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{CertificateError, ClientConfig, ConfigBuilder, DigitallySignedStruct};

use super::identity::{ca_roots, client_identity, system_roots};
use super::settings::{ClientIdentity, TlsInput, TlsSettings, TlsSetupError, TlsVersion};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `server` is the name verified, as the user wrote it (for the warnings).
pub(super) fn client_config(
    settings: &TlsSettings,
    server: &str,
) -> Result<ClientConfig, TlsSetupError> {
    let provider = provider();
    if settings.trust_all {
        tracing::warn!(
            server = %server,
            "any certificate is accepted (INSECURE: trust-all is on)"
        );
    } else if !settings.verify_hostname {
        tracing::warn!(
            server = %server,
            "the certificate's name is not checked (host name verification is off)"
        );
    }
    let verifier = verifier(settings, &provider)?;
    let versions: &[&'static rustls::SupportedProtocolVersion] = match settings.min_version {
        TlsVersion::V12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
        TlsVersion::V13 => &[&rustls::version::TLS13],
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match &settings.client_identity {
        Some(id) => with_identity(builder, id)?,
        None => builder.with_no_client_auth(),
    };
    super::stream::prepare(&mut config);
    Ok(config)
}

fn verifier(
    settings: &TlsSettings,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, TlsSetupError> {
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
    Ok(verifier)
}

fn with_identity(
    builder: ConfigBuilder<ClientConfig, WantsClientCert>,
    id: &ClientIdentity,
) -> Result<ClientConfig, TlsSetupError> {
    let (certs, key) = client_identity(id)?;
    builder
        .with_client_auth_cert(certs, key)
        .map_err(|e| key_mismatch(id, e))
}

/// `base` with `id` as its client certificate, and no session resumption.
pub(super) fn with_own_identity(
    base: &ClientConfig,
    id: &ClientIdentity,
) -> Result<ClientConfig, TlsSetupError> {
    let (certs, key) = client_identity(id)?;
    let certified = CertifiedKey::from_der(certs, key, base.crypto_provider())
        .map_err(|e| key_mismatch(id, e))?;
    let mut config = base.clone();
    config.client_auth_cert_resolver = Arc::new(SingleCertAndKey::from(certified));
    config.resumption = Resumption::disabled();
    Ok(config)
}

fn key_mismatch(id: &ClientIdentity, e: rustls::Error) -> TlsSetupError {
    let key_path = id.key_file.as_ref().unwrap_or(&id.cert_file);
    TlsSetupError::Invalid {
        input: if id.key_file.is_some() {
            TlsInput::ClientKey
        } else {
            TlsInput::ClientCertificate
        },
        what: "client key",
        path: key_path.display().to_string(),
        reason: e.to_string(),
    }
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
