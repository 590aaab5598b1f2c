//! How a Connect element reaches the broker: mqtt.protocol and the TLS settings (connectJson's
//! "protocol" and "tls").

use serde::Deserialize;

use super::{bad, ConfigError};
use crate::transport::{ClientIdentity, Redacted, TlsSettings, TlsVersion};

/// connectJson's "tls" object (contract, issue 3); every key optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub(super) struct TlsJson {
    ca_file: String,
    client_cert: bool,
    client_cert_file: String,
    client_cert_password: String,
    client_key_file: String,
    min_version: String,
    server_name: String,
    verify_hostname: Option<bool>,
    trust_all: bool,
}

/// How the connection reaches the broker (mqtt.protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    /// TLS ("SSL" in the XMeter settings).
    Tls,
    Ws,
    Wss,
}

impl Protocol {
    pub fn uses_tls(self) -> bool {
        matches!(self, Protocol::Tls | Protocol::Wss)
    }
}

fn non_blank(s: &str) -> Option<std::path::PathBuf> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.into())
}

impl TlsJson {
    pub(super) fn into_settings(self) -> Result<TlsSettings, ConfigError> {
        let min_version = match self.min_version.trim() {
            "" | "1.2" | "TLSv1.2" => TlsVersion::V12,
            "1.3" | "TLSv1.3" => TlsVersion::V13,
            other => {
                return Err(bad(
                    "mqtt.tls_min_version",
                    format!("minimum TLS version must be 1.2 or 1.3, not '{other}'"),
                ))
            }
        };
        let client_identity = if self.client_cert {
            let Some(cert_file) = non_blank(&self.client_cert_file) else {
                return Err(bad(
                    "mqtt.clientcert_file_path",
                    "two-way TLS is on but no client certificate file is given",
                ));
            };
            Some(ClientIdentity {
                cert_file,
                key_file: non_blank(&self.client_key_file),
                password: Redacted(self.client_cert_password),
            })
        } else {
            None
        };
        Ok(TlsSettings {
            ca_file: non_blank(&self.ca_file),
            client_identity,
            min_version,
            server_name: Some(self.server_name.trim().to_string()).filter(|n| !n.is_empty()),
            verify_hostname: self.verify_hostname.unwrap_or(true),
            trust_all: self.trust_all,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::connect::tests::CONNECT;
    use super::super::ConnectConfig;
    use super::*;

    #[test]
    fn transport_defaults_to_tcp() {
        let c = ConnectConfig::from_json(CONNECT).unwrap();
        assert_eq!(c.protocol, Protocol::Tcp);
        assert_eq!(c.ws_path, "/mqtt");
        assert_eq!(c.tls, TlsSettings::default());
    }

    #[test]
    fn tls_and_websocket_settings_parse() {
        let json = CONNECT.replace(
            r#""will":null"#,
            r#""will":null,"protocol":"WSS","wsPath":"ws","tls":{"caFile":" /c/ca.pem ","clientCert":true,
               "clientCertFile":"/c/me.p12","clientCertPassword":"p12secret","clientKeyFile":"","minVersion":"1.3",
               "serverName":"broker.example","verifyHostname":false,"trustAll":true}"#,
        );
        let c = ConnectConfig::from_json(&json).unwrap();
        assert_eq!(c.protocol, Protocol::Wss);
        assert!(c.protocol.uses_tls());
        assert_eq!(c.ws_path, "/ws");
        assert_eq!(
            c.tls.ca_file.as_deref(),
            Some(std::path::Path::new("/c/ca.pem"))
        );
        assert_eq!(c.tls.min_version, TlsVersion::V13);
        assert_eq!(c.tls.server_name.as_deref(), Some("broker.example"));
        assert!(!c.tls.verify_hostname && c.tls.trust_all);
        let id = c.tls.client_identity.as_ref().unwrap();
        assert_eq!(id.cert_file, std::path::PathBuf::from("/c/me.p12"));
        assert!(id.key_file.is_none());
        assert!(!format!("{c:?}").contains("p12secret"));
        for (p, want) in [
            ("TCP", Protocol::Tcp),
            ("SSL", Protocol::Tls),
            ("WS", Protocol::Ws),
        ] {
            let json = CONNECT.replace(
                r#""will":null"#,
                &format!(r#""will":null,"protocol":"{p}","wsPath":"""#),
            );
            let c = ConnectConfig::from_json(&json).unwrap();
            assert_eq!(c.protocol, want);
            assert_eq!(c.ws_path, "/");
        }
    }

    #[test]
    fn transport_errors_name_the_field() {
        let with = |extra: &str| {
            ConnectConfig::from_json(
                &CONNECT.replace(r#""will":null"#, &format!(r#""will":null,{extra}"#)),
            )
            .unwrap_err()
        };
        assert_eq!(with(r#""protocol":"QUIC""#).field, "mqtt.protocol");
        assert_eq!(with(r#""wsPath":"/a b""#).field, "mqtt.ws_path");
        assert_eq!(
            with(r#""protocol":"SSL","tls":{"minVersion":"1.1"}"#).field,
            "mqtt.tls_min_version"
        );
        assert_eq!(
            with(r#""protocol":"WSS","tls":{"clientCert":true}"#).field,
            "mqtt.clientcert_file_path"
        );
        // Ignored for TCP and WS.
        let ws = CONNECT.replace(
            r#""will":null"#,
            r#""will":null,"protocol":"WS","tls":{"clientCert":true,"minVersion":"x"}"#,
        );
        assert_eq!(
            ConnectConfig::from_json(&ws).unwrap().tls,
            TlsSettings::default()
        );
        let e = with(r#""tls":{"clientCertPassword":"pw1","bogus":1}"#);
        assert!(
            e.message.contains("bogus") && !e.message.contains("pw1"),
            "{e}"
        );
    }
}
