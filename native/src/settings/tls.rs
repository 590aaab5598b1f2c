//! A Connect element's TLS settings (read for SSL and WSS only).

use std::path::Path;

use super::document::Values;
use super::identity_file::certificate_folder;
use crate::sampler::config::{bad, refer, CertificateSource, ConfigError, Id, RowSource};
use crate::sampler::template::Template;
use crate::transport::{ClientIdentity, Redacted, TlsSettings, TlsVersion};

fn path(v: &Values, id: Id) -> Result<Option<std::path::PathBuf>, ConfigError> {
    let p = v.text(id)?;
    Ok((!p.is_empty()).then(|| p.into()))
}

/// The TLS settings, and where each connection's own client certificate comes from when the
/// certificate path is a template or a folder (the settings' identity is then none).
pub(super) fn settings(
    v: &Values,
) -> Result<(TlsSettings, Option<CertificateSource>), ConfigError> {
    let min_version = match v.text(Id::TlsMinVersion)? {
        "1.3" => TlsVersion::V13,
        _ => TlsVersion::V12,
    };
    let (client_identity, own) = if v.bool(Id::TlsClientCert)? {
        let Some(cert_file) = path(v, Id::TlsClientCertFile)? else {
            return Err(bad(
                Id::TlsClientCertFile,
                "two-way TLS is on but no client certificate file is given",
            ));
        };
        match per_connection(v, &cert_file)? {
            Some(own) => (None, Some(own)),
            None => (
                Some(ClientIdentity {
                    cert_file,
                    key_file: path(v, Id::TlsClientKeyFile)?,
                    password: Redacted(v.text(Id::TlsClientCertPassword)?.to_string()),
                }),
                None,
            ),
        }
    } else {
        (None, None)
    };
    let settings = TlsSettings {
        ca_file: path(v, Id::TlsCaFile)?,
        client_identity,
        min_version,
        server_name: Some(v.text(Id::TlsServerName)?.to_string()).filter(|n| !n.is_empty()),
        verify_hostname: v.bool(Id::TlsVerifyHostname)?,
        trust_all: v.bool(Id::TlsTrustAll)?,
    };
    Ok((settings, own))
}

/// A certificate per connection: the path is a template (`certs/{{conn.test}}.pem`) or a folder.
fn per_connection(v: &Values, cert: &Path) -> Result<Option<CertificateSource>, ConfigError> {
    let text = cert.to_string_lossy();
    if let Some(cert) = path_template(Id::TlsClientCertFile, "client certificate", &text)? {
        let key_text = v.text(Id::TlsClientKeyFile)?;
        let key = path_template(Id::TlsClientKeyFile, "client key", key_text)?;
        if key.is_none() && !key_text.trim().is_empty() {
            return Err(bad(
                Id::TlsClientKeyFile,
                format!(
                    "the client certificate differs per connection, so its key must too: name it \
                     with the same placeholders (certs/{{{{conn.test}}}}.key), or leave this empty \
                     when each certificate's file holds its key (see {})",
                    refer(Id::TlsClientCertFile)
                ),
            ));
        }
        return Ok(Some(CertificateSource::Templates { cert, key }));
    }
    if cert.is_dir() {
        let rows = certificate_folder(cert).map_err(|e| bad(Id::TlsClientCertFile, e))?;
        return Ok(Some(CertificateSource::Folder(RowSource {
            rows,
            first_row: v.num(Id::IdentityFirstRow)?,
        })));
    }
    Ok(None)
}

/// A path with per-connection placeholders; None for a plain path.
fn path_template(id: Id, what: &str, text: &str) -> Result<Option<Template>, ConfigError> {
    let t = Template::parse(text.trim().as_bytes())
        .map_err(|m| bad(id, format!("{what} path '{text}': {m}")))?;
    if let Some(p) = t.as_ref().and_then(Template::first_per_message) {
        return Err(bad(
            id,
            format!("{what} path '{text}': {p} changes per message; a path may hold {{{{conn}}}}, {{{{conn.test}}}} (zero-padded: {{{{conn.test:6}}}}) and {{{{client_id}}}}"),
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::super::connect::tests::CONNECT;
    use crate::sampler::config::{CertificateSource, ConnectConfig, Id, Protocol};
    use crate::transport::{TlsSettings, TlsVersion};

    fn with(extra: &str) -> String {
        CONNECT.replace(r#""will":null"#, &format!(r#""will":null,{extra}"#))
    }

    #[test]
    fn a_certificate_per_connection_from_templates() {
        let json = |cert: &str, key: &str| {
            with(&format!(
                r#""protocol":"SSL","tls":{{"clientCert":true,"clientCertFile":"{cert}","clientKeyFile":"{key}"}}"#
            ))
        };
        let c = ConnectConfig::from_json(&json("/c/{{conn.test}}.pem", "/c/{{conn.test}}.key"))
            .unwrap();
        assert!(
            c.tls.client_identity.is_none(),
            "each connection has its own"
        );
        assert!(matches!(
            c.certificates,
            Some(CertificateSource::Templates { key: Some(_), .. })
        ));
        let c = ConnectConfig::from_json(&json("/c/{{conn}}.pem", "")).unwrap();
        assert!(matches!(
            c.certificates,
            Some(CertificateSource::Templates { key: None, .. })
        ));
        let e = ConnectConfig::from_json(&json("/c/{{conn}}.pem", "/c/one.key")).unwrap_err();
        assert_eq!(e.setting, Some(Id::TlsClientKeyFile));
        assert!(e.message.contains("its key must too"), "{e}");
        let e = ConnectConfig::from_json(&json("/c/{{seq}}.pem", "")).unwrap_err();
        assert_eq!(e.setting, Some(Id::TlsClientCertFile));
        assert!(e.message.contains("changes per message"), "{e}");
        let e = ConnectConfig::from_json(&json("/c/{{nope}}.pem", "")).unwrap_err();
        assert_eq!(e.setting, Some(Id::TlsClientCertFile));
    }

    #[test]
    fn transport_defaults_to_tcp() {
        let c = ConnectConfig::from_json(CONNECT).unwrap();
        assert_eq!(c.protocol, Protocol::Tcp);
        assert_eq!(c.ws_path, "/");
        assert_eq!(c.tls, TlsSettings::default());
    }

    #[test]
    fn tls_and_websocket_settings_parse() {
        let json = with(
            r#""protocol":"WSS","wsPath":"ws","tls":{"caFile":" /c/ca.pem ","clientCert":true,
               "clientCertFile":"/c/me.p12","clientCertPassword":"p12secret","clientKeyFile":"","minVersion":"TLSv1.3",
               "serverName":"broker.example","verifyHostname":false,"trustAll":true}"#,
        );
        let c = ConnectConfig::from_json(&json).unwrap();
        assert_eq!(c.protocol, Protocol::Wss);
        assert!(c.protocol.uses_tls());
        assert_eq!(c.ws_path, "/ws");
        // the CA file does not apply when every certificate is trusted
        assert_eq!(c.tls.ca_file, None);
        assert_eq!(c.tls.min_version, TlsVersion::V13);
        assert_eq!(c.tls.server_name.as_deref(), Some("broker.example"));
        assert!(c.tls.verify_hostname && c.tls.trust_all);
        let id = c.tls.client_identity.as_ref().unwrap();
        assert_eq!(id.cert_file, std::path::PathBuf::from("/c/me.p12"));
        assert!(id.key_file.is_none());
        assert!(!format!("{c:?}").contains("p12secret"));
        let c =
            ConnectConfig::from_json(&json.replace(r#""trustAll":true"#, r#""trustAll":false"#))
                .unwrap();
        assert_eq!(
            c.tls.ca_file.as_deref(),
            Some(std::path::Path::new("/c/ca.pem"))
        );
        assert!(!c.tls.verify_hostname);
        for (p, want) in [
            ("TCP", Protocol::Tcp),
            ("SSL", Protocol::Tls),
            ("WS", Protocol::Ws),
        ] {
            let c = ConnectConfig::from_json(&with(&format!(r#""protocol":"{p}","wsPath":"""#)))
                .unwrap();
            assert_eq!(c.protocol, want);
            assert_eq!(c.ws_path, "/");
        }
    }

    #[test]
    fn transport_errors_name_the_setting() {
        let e = |extra: &str| ConnectConfig::from_json(&with(extra)).unwrap_err();
        assert_eq!(e(r#""protocol":"QUIC""#).setting, Some(Id::Protocol));
        assert_eq!(
            e(r#""protocol":"WS","wsPath":"/a b""#).setting,
            Some(Id::WsPath)
        );
        assert_eq!(
            e(r#""protocol":"SSL","tls":{"minVersion":"1.1"}"#).setting,
            Some(Id::TlsMinVersion)
        );
        assert_eq!(
            e(r#""protocol":"WSS","tls":{"clientCert":true}"#).setting,
            Some(Id::TlsClientCertFile)
        );
        // Ignored for TCP and WS.
        let ws = with(r#""protocol":"WS","tls":{"clientCert":true,"minVersion":"x"}"#);
        assert_eq!(
            ConnectConfig::from_json(&ws).unwrap().tls,
            TlsSettings::default()
        );
        let e = e(r#""tls":{"clientCertPassword":"pw1","bogus":1}"#);
        assert!(
            e.message.contains("bogus") && !e.message.contains("pw1"),
            "{e}"
        );
    }
}
