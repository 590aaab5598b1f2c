//! A Connect element's TLS settings (read for SSL and WSS only).

use super::document::Values;
use crate::sampler::config::{bad, ConfigError, Id};
use crate::transport::{ClientIdentity, Redacted, TlsSettings, TlsVersion};

fn path(v: &Values, id: Id) -> Result<Option<std::path::PathBuf>, ConfigError> {
    let p = v.text(id)?;
    Ok((!p.is_empty()).then(|| p.into()))
}

pub(super) fn settings(v: &Values) -> Result<TlsSettings, ConfigError> {
    let min_version = match v.text(Id::TlsMinVersion)? {
        "1.3" => TlsVersion::V13,
        _ => TlsVersion::V12,
    };
    let client_identity = if v.bool(Id::TlsClientCert)? {
        let Some(cert_file) = path(v, Id::TlsClientCertFile)? else {
            return Err(bad(
                Id::TlsClientCertFile,
                "two-way TLS is on but no client certificate file is given",
            ));
        };
        Some(ClientIdentity {
            cert_file,
            key_file: path(v, Id::TlsClientKeyFile)?,
            password: Redacted(v.text(Id::TlsClientCertPassword)?.to_string()),
        })
    } else {
        None
    };
    Ok(TlsSettings {
        ca_file: path(v, Id::TlsCaFile)?,
        client_identity,
        min_version,
        server_name: Some(v.text(Id::TlsServerName)?.to_string()).filter(|n| !n.is_empty()),
        verify_hostname: v.bool(Id::TlsVerifyHostname)?,
        trust_all: v.bool(Id::TlsTrustAll)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::connect::tests::CONNECT;
    use crate::sampler::config::{ConnectConfig, Id, Protocol};
    use crate::transport::{TlsSettings, TlsVersion};

    fn with(extra: &str) -> String {
        CONNECT.replace(r#""will":null"#, &format!(r#""will":null,{extra}"#))
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
