//! The Connect element's settings (connectJson): server, session, will and MQTT 5.0 CONNECT
//! properties; how the connection is carried (TLS, WebSocket) is in `transport`.

use super::addresses::parse_addresses;
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

use super::transport::{Protocol, TlsJson};
use super::{
    bad, mqtt_string, one, parse_json, qos, u32_setting, user_properties, ConfigError, Fields,
};
use crate::client::{Attempts, Secret, DEFAULT_INFLIGHT_V3};
use crate::codec::{LastWill, Properties, Property, ProtocolVersion};
use crate::transport::TlsSettings;

/// connectJson's keys and the properties they carry (the Java element's, or XMeter's, keys).
const FIELDS: Fields = &[
    ("server", "mqtt.server"),
    ("port", "mqtt.port"),
    ("version", "mqtt.version"),
    ("connTimeoutSecs", "mqtt.conn_timeout"),
    ("keepAliveSecs", "mqtt.conn_keep_alive"),
    ("clientIdPrefix", "mqtt.client_id_prefix"),
    ("clientIdSuffix", "mqtt.client_id_suffix"),
    ("username", "mqtt.user_name"),
    ("password", "mqtt.password"),
    ("cleanSession", "mqtt.conn_clean_session"),
    ("connAttemptMax", "mqtt.conn_attempt_max"),
    ("reconnAttemptMax", "mqtt.reconn_attempt_max"),
    ("connections", "mqtt.conn_capacity"),
    ("maxInflight", "mqtt.max_inflight"),
    ("will.topic", "mqtt.will_topic"),
    ("will.payload", "mqtt.will_message"),
    ("will.qos", "mqtt.will_qos"),
    ("will.retain", "mqtt.will_retain"),
    ("bindAddress", "mqtt.bind_address"),
    ("connectRate", "mqtt.connect_rate"),
    ("protocol", "mqtt.protocol"),
    ("wsPath", "mqtt.ws_path"),
    ("tls.caFile", "mqtt.ca_file"),
    ("tls.clientCert", "mqtt.dual_ssl_authentication"),
    ("tls.clientCertFile", "mqtt.clientcert_file_path"),
    ("tls.clientCertPassword", "mqtt.clientcert_password"),
    ("tls.clientKeyFile", "mqtt.client_key_file"),
    ("tls.minVersion", "mqtt.tls_min_version"),
    ("tls.serverName", "mqtt.tls_server_name"),
    ("tls.verifyHostname", "mqtt.tls_verify_hostname"),
    ("tls.trustAll", "mqtt.tls_trust_all"),
    ("v5.sessionExpiry", SESSION_EXPIRY),
    ("v5.receiveMaximum", RECEIVE_MAXIMUM),
    ("v5.maximumPacketSize", MAXIMUM_PACKET_SIZE),
    ("v5.topicAliasMaximum", TOPIC_ALIAS_MAXIMUM),
    ("v5.requestResponseInformation", REQUEST_RESPONSE_INFO),
    ("v5.userProperties", USER_PROPERTIES),
    ("v5.willDelayInterval", WILL_DELAY_INTERVAL),
    ("v5.willMessageExpiry", WILL_MESSAGE_EXPIRY),
    ("v5.willContentType", WILL_CONTENT_TYPE),
];

const SESSION_EXPIRY: &str = "mqtt.session_expiry";
const RECEIVE_MAXIMUM: &str = "mqtt.receive_maximum";
const MAXIMUM_PACKET_SIZE: &str = "mqtt.maximum_packet_size";
const TOPIC_ALIAS_MAXIMUM: &str = "mqtt.topic_alias_maximum";
const REQUEST_RESPONSE_INFO: &str = "mqtt.request_response_info";
const USER_PROPERTIES: &str = "mqtt.user_properties";
const WILL_DELAY_INTERVAL: &str = "mqtt.will_delay_interval";
const WILL_MESSAGE_EXPIRY: &str = "mqtt.will_message_expiry";
const WILL_CONTENT_TYPE: &str = "mqtt.will_content_type";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WillJson {
    topic: String,
    #[serde(default)]
    payload: String,
    #[serde(default)]
    qos: i64,
    #[serde(default)]
    retain: bool,
}

/// The wire form of the Connect element (contract: connectJson).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConnectJson {
    server: String,
    port: i64,
    version: String,
    #[serde(default = "ten")]
    conn_timeout_secs: i64,
    #[serde(default = "three_hundred")]
    keep_alive_secs: i64,
    #[serde(default)]
    client_id_prefix: String,
    #[serde(default = "yes")]
    client_id_suffix: bool,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default = "yes")]
    clean_session: bool,
    #[serde(default)]
    conn_attempt_max: i64,
    #[serde(default)]
    reconn_attempt_max: i64,
    #[serde(default = "one")]
    connections: i64,
    #[serde(default)]
    max_inflight: i64,
    #[serde(default)]
    will: Option<WillJson>,
    #[serde(default)]
    bind_address: Option<String>,
    #[serde(default)]
    connect_rate: f64,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    ws_path: Option<String>,
    #[serde(default)]
    tls: Option<TlsJson>,
    #[serde(default)]
    v5: Option<ConnectV5Json>,
}

/// connectJson's "v5" object (contract, issue 4); every key optional.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct ConnectV5Json {
    session_expiry: i64,
    receive_maximum: i64,
    maximum_packet_size: i64,
    topic_alias_maximum: i64,
    request_response_information: bool,
    request_problem_information: bool,
    user_properties: Vec<(String, String)>,
    will_delay_interval: i64,
    will_message_expiry: i64,
    will_content_type: String,
}

impl Default for ConnectV5Json {
    fn default() -> Self {
        ConnectV5Json {
            session_expiry: 0,
            receive_maximum: 65535,
            maximum_packet_size: 0,
            topic_alias_maximum: 0,
            request_response_information: false,
            request_problem_information: true,
            user_properties: Vec::new(),
            will_delay_interval: 0,
            will_message_expiry: 0,
            will_content_type: String::new(),
        }
    }
}

/// The MQTT 5.0 parts of a Connect element, as properties ready for CONNECT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectV5 {
    pub properties: Properties,
    pub will_properties: Properties,
    /// Our Maximum Packet Size (0 = none advertised): also our limit on incoming packets.
    pub maximum_packet_size: u32,
}

impl ConnectV5Json {
    /// The property of the first setting that differs from its default, for "needs MQTT 5.0".
    fn first_set(&self) -> Option<&'static str> {
        let d = ConnectV5Json::default();
        [
            (self.session_expiry != d.session_expiry, SESSION_EXPIRY),
            (self.receive_maximum != d.receive_maximum, RECEIVE_MAXIMUM),
            (
                self.maximum_packet_size != d.maximum_packet_size,
                MAXIMUM_PACKET_SIZE,
            ),
            (
                self.topic_alias_maximum != d.topic_alias_maximum,
                TOPIC_ALIAS_MAXIMUM,
            ),
            (self.request_response_information, REQUEST_RESPONSE_INFO),
            (!self.user_properties.is_empty(), USER_PROPERTIES),
            (self.will_delay_interval != 0, WILL_DELAY_INTERVAL),
            (self.will_message_expiry != 0, WILL_MESSAGE_EXPIRY),
            (!self.will_content_type.is_empty(), WILL_CONTENT_TYPE),
        ]
        .into_iter()
        .find_map(|(set, key)| set.then_some(key))
    }

    fn into_v5(self) -> Result<ConnectV5, ConfigError> {
        let mut props = Properties::new();
        let expiry = u32_setting("mqtt.session_expiry", "session expiry", self.session_expiry)?;
        if expiry > 0 {
            props.push(Property::SessionExpiryInterval(expiry));
        }
        let rm = u16::try_from(self.receive_maximum)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| {
                bad(
                    "mqtt.receive_maximum",
                    format!(
                        "receive maximum must be 1-65535, not {}",
                        self.receive_maximum
                    ),
                )
            })?;
        if rm != u16::MAX {
            props.push(Property::ReceiveMaximum(rm));
        }
        let mps = u32_setting(
            "mqtt.maximum_packet_size",
            "maximum packet size",
            self.maximum_packet_size,
        )?;
        if mps > 0 {
            if mps < 64 {
                return Err(bad(
                    "mqtt.maximum_packet_size",
                    format!("maximum packet size {mps} is too small to be useful (0 = no limit, else at least 64)"),
                ));
            }
            props.push(Property::MaximumPacketSize(mps));
        }
        let tam = u16::try_from(self.topic_alias_maximum).map_err(|_| {
            bad(
                "mqtt.topic_alias_maximum",
                format!(
                    "topic alias maximum must be 0-65535, not {}",
                    self.topic_alias_maximum
                ),
            )
        })?;
        if tam > 0 {
            props.push(Property::TopicAliasMaximum(tam));
        }
        if self.request_response_information {
            props.push(Property::RequestResponseInformation(1));
        }
        if !self.request_problem_information {
            props.push(Property::RequestProblemInformation(0));
        }
        for p in user_properties("mqtt.user_properties", self.user_properties)? {
            props.push(p);
        }
        let mut will = Properties::new();
        let delay = u32_setting(
            "mqtt.will_delay_interval",
            "will delay interval",
            self.will_delay_interval,
        )?;
        if delay > 0 {
            will.push(Property::WillDelayInterval(delay));
        }
        let wexp = u32_setting(
            "mqtt.will_message_expiry",
            "will message expiry",
            self.will_message_expiry,
        )?;
        if wexp > 0 {
            will.push(Property::MessageExpiryInterval(wexp));
        }
        mqtt_string(
            WILL_CONTENT_TYPE,
            "will content type",
            &self.will_content_type,
        )?;
        if !self.will_content_type.is_empty() {
            will.push(Property::ContentType(self.will_content_type));
        }
        Ok(ConnectV5 {
            properties: props,
            will_properties: will,
            maximum_packet_size: mps,
        })
    }
}

fn ten() -> i64 {
    10
}
fn three_hundred() -> i64 {
    300
}
fn yes() -> bool {
    true
}

/// Most connections one element may open from one thread; beyond it a file-descriptor limit
/// (20,000 here) is hit anyway, and a typo of 1000000 should not take the machine down.
pub const MAX_CONNECTIONS_PER_GROUP: u32 = 100_000;
/// Highest connect rate one group may ask for; far above what a machine can do.
pub const MAX_CONNECT_RATE: f64 = 1_000_000.0;

#[derive(Debug, Clone)]
pub struct ConnectConfig {
    pub host: String,
    pub port: u16,
    pub version: ProtocolVersion,
    pub connect_timeout: Duration,
    pub keep_alive_secs: u16,
    pub client_id_prefix: String,
    pub client_id_suffix: bool,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub clean_session: bool,
    pub connect_attempts: Attempts,
    pub reconnect_attempts: Attempts,
    pub connections: u32,
    /// QoS 1/2 messages in flight per connection; 0 = auto (see `inflight_window`).
    pub max_inflight: u16,
    pub will: Option<LastWill>,
    /// Local source addresses, taken in turn by the group's connections (empty: the system's).
    pub bind: Vec<std::net::IpAddr>,
    /// Connections started per second (a ramp); None = all at once (bounded only by the
    /// process-wide handshake limit).
    pub connect_rate: Option<f64>,
    pub protocol: Protocol,
    /// WebSocket request path, always starting with '/'.
    pub ws_path: String,
    /// Used for SSL and WSS only.
    pub tls: TlsSettings,
    /// MQTT 5.0 only; default (empty) for 3.x.
    pub v5: ConnectV5,
}

impl ConnectConfig {
    /// Our cap on QoS 1/2 messages in flight per connection. Auto: 20 for 3.x; for 5.0 none of
    /// our own (the broker's Receive Maximum, which the session always honours, decides).
    pub fn inflight_window(&self) -> u16 {
        match (self.max_inflight, self.version) {
            (0, ProtocolVersion::V5) => u16::MAX,
            (0, _) => DEFAULT_INFLIGHT_V3,
            (n, _) => n,
        }
    }

    pub fn from_json(json: &str) -> Result<ConnectConfig, ConfigError> {
        let j: ConnectJson = parse_json("connect settings", FIELDS, json)?;
        let host = j.server.trim().to_string();
        if host.is_empty() {
            return Err(bad("mqtt.server", "server is empty"));
        }
        if host.contains("://") || host.contains('/') {
            return Err(bad(
                "mqtt.server",
                format!("'{host}' should be a host name or address only, without scheme or path"),
            ));
        }
        let port = u16::try_from(j.port)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("mqtt.port", format!("port must be 1-65535, not {}", j.port)))?;
        let version = match j.version.trim() {
            "3.1" => ProtocolVersion::V31,
            "3.1.1" => ProtocolVersion::V311,
            "5.0" | "5" => ProtocolVersion::V5,
            other => {
                return Err(bad(
                    "mqtt.version",
                    format!("MQTT version must be 3.1, 3.1.1 or 5.0, not '{other}'"),
                ))
            }
        };
        if j.conn_timeout_secs <= 0 || j.conn_timeout_secs > 3600 {
            return Err(bad(
                "mqtt.conn_timeout",
                format!(
                    "connect timeout must be 1-3600 seconds, not {}",
                    j.conn_timeout_secs
                ),
            ));
        }
        let keep_alive_secs = u16::try_from(j.keep_alive_secs).map_err(|_| {
            bad(
                "mqtt.conn_keep_alive",
                format!(
                    "keep alive must be 0-65535 seconds, not {}",
                    j.keep_alive_secs
                ),
            )
        })?;
        let connections = u32::try_from(j.connections)
            .ok()
            .filter(|n| (1..=MAX_CONNECTIONS_PER_GROUP).contains(n))
            .ok_or_else(|| {
                bad(
                    "mqtt.conn_capacity",
                    format!(
                        "connections per thread must be 1-{MAX_CONNECTIONS_PER_GROUP}, not {}",
                        j.connections
                    ),
                )
            })?;
        if !j.client_id_suffix && connections > 1 {
            return Err(bad(
                "mqtt.client_id_suffix",
                "several connections per thread need the random client id suffix, or they would share one id",
            ));
        }
        let max_inflight = u16::try_from(j.max_inflight).map_err(|_| {
            bad(
                "mqtt.max_inflight",
                format!(
                    "messages in flight must be 0 (auto) or 1-65535, not {}",
                    j.max_inflight
                ),
            )
        })?;
        let v5 = j.v5.unwrap_or_default();
        if version != ProtocolVersion::V5 {
            // Leaving it out would run another test than the plan asks for (a session that
            // never expires, no user properties, ...).
            if let Some(key) = v5.first_set() {
                return Err(bad(
                    key,
                    format!("needs MQTT 5.0, but mqtt.version is {}", j.version.trim()),
                ));
            }
        }
        let v5 = v5.into_v5()?;
        if version != ProtocolVersion::V5 && v5 != ConnectV5::default() {
            return Err(bad(
                "mqtt.version",
                "MQTT 5.0 connect settings (session expiry, receive maximum, user properties, ...) need version 5.0",
            ));
        }
        let will = match j.will {
            Some(w) if !w.topic.trim().is_empty() => {
                mqtt_string("mqtt.will_topic", "will topic", &w.topic)?;
                if w.topic.contains('+') || w.topic.contains('#') {
                    return Err(bad("mqtt.will_topic", "a will topic cannot hold wildcards"));
                }
                Some(LastWill {
                    topic: w.topic,
                    payload: Bytes::from(w.payload.into_bytes()),
                    qos: qos("mqtt.will_qos", w.qos)?,
                    retain: w.retain,
                    properties: v5.will_properties.clone(),
                })
            }
            _ => None,
        };
        let bind = match j.bind_address.as_deref() {
            None => Vec::new(),
            Some(a) => parse_addresses(a).map_err(|e| bad("mqtt.bind_address", e))?,
        };
        if !j.connect_rate.is_finite() || !(0.0..=MAX_CONNECT_RATE).contains(&j.connect_rate) {
            return Err(bad(
                "mqtt.connect_rate",
                format!(
                    "connect rate must be 0 (all at once) to {MAX_CONNECT_RATE} connections per second, not {}",
                    j.connect_rate
                ),
            ));
        }
        let connect_rate = (j.connect_rate > 0.0).then_some(j.connect_rate);
        let protocol = match j.protocol.as_deref().map(str::trim) {
            None | Some("") => Protocol::Tcp,
            Some(p) if p.eq_ignore_ascii_case("tcp") => Protocol::Tcp,
            Some(p) if p.eq_ignore_ascii_case("ssl") || p.eq_ignore_ascii_case("tls") => {
                Protocol::Tls
            }
            Some(p) if p.eq_ignore_ascii_case("ws") => Protocol::Ws,
            Some(p) if p.eq_ignore_ascii_case("wss") => Protocol::Wss,
            Some(other) => {
                return Err(bad(
                    "mqtt.protocol",
                    format!("'{other}' is not one of TCP, SSL, WS, WSS"),
                ))
            }
        };
        let ws_path = match j.ws_path.as_deref().map(str::trim) {
            None => "/mqtt".to_string(),
            Some("") => "/".to_string(),
            Some(p) if p.starts_with('/') => p.to_string(),
            Some(p) => format!("/{p}"),
        };
        if ws_path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '#')
        {
            return Err(bad(
                "mqtt.ws_path",
                format!("'{ws_path}' is not a valid WebSocket path (no spaces or '#')"),
            ));
        }
        // TLS settings matter (and are checked) only for SSL and WSS: a TCP plan that still
        // carries a half-filled TLS form must keep working.
        let tls = if protocol.uses_tls() {
            j.tls.unwrap_or_default().into_settings()?
        } else {
            TlsSettings::default()
        };
        // XMeter sends credentials only when not blank; so do we.
        mqtt_string(
            "mqtt.client_id_prefix",
            "client id prefix",
            &j.client_id_prefix,
        )?;
        mqtt_string("mqtt.user_name", "user name", &j.username)?;
        let username = Some(j.username).filter(|u| !u.trim().is_empty());
        let password = Some(j.password)
            .filter(|p| !p.is_empty())
            .map(|p| Secret(Bytes::from(p.into_bytes())));
        Ok(ConnectConfig {
            host,
            port,
            version,
            connect_timeout: Duration::from_secs(j.conn_timeout_secs.unsigned_abs()),
            keep_alive_secs,
            client_id_prefix: j.client_id_prefix,
            client_id_suffix: j.client_id_suffix,
            username,
            password,
            clean_session: j.clean_session,
            connect_attempts: Attempts::from_setting(j.conn_attempt_max),
            reconnect_attempts: Attempts::from_setting(j.reconn_attempt_max),
            connections,
            max_inflight,
            will,
            bind,
            connect_rate,
            protocol,
            ws_path,
            tls,
            v5,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::json::tests::assert_fields_named;
    use super::*;

    pub(in crate::sampler::config) const CONNECT: &str = r#"{"server":"127.0.0.1","port":1883,"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":300,
      "clientIdPrefix":"conn_","clientIdSuffix":true,"username":"u","password":"secret","cleanSession":true,
      "connAttemptMax":0,"reconnAttemptMax":-1,"connections":3,"will":null}"#;

    #[test]
    fn connect_settings_parse() {
        let c = ConnectConfig::from_json(CONNECT).unwrap();
        assert_eq!(c.port, 1883);
        assert_eq!(c.version, ProtocolVersion::V311);
        assert_eq!(c.connections, 3);
        assert_eq!(c.reconnect_attempts, Attempts::Unlimited);
        assert_eq!(c.username.as_deref(), Some("u"));
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn connect_rate_is_off_by_default_and_checked() {
        assert_eq!(
            ConnectConfig::from_json(CONNECT).unwrap().connect_rate,
            None
        );
        let with = |r: &str| {
            CONNECT.replace(
                r#""will":null"#,
                &format!(r#""will":null,"connectRate":{r}"#),
            )
        };
        assert_eq!(
            ConnectConfig::from_json(&with("0")).unwrap().connect_rate,
            None
        );
        assert_eq!(
            ConnectConfig::from_json(&with("2.5")).unwrap().connect_rate,
            Some(2.5)
        );
        for bad in ["-1", "1e9"] {
            let e = ConnectConfig::from_json(&with(bad)).unwrap_err();
            assert_eq!(e.field, "mqtt.connect_rate", "{e}");
        }
    }

    #[test]
    fn connect_errors_name_the_field() {
        let e = ConnectConfig::from_json(&CONNECT.replace("1883", "70000")).unwrap_err();
        assert_eq!(e.field, "mqtt.port");
        let e = ConnectConfig::from_json(&CONNECT.replace("\"3.1.1\"", "\"4\"")).unwrap_err();
        assert_eq!(e.field, "mqtt.version");
        let e = ConnectConfig::from_json("{not json").unwrap_err();
        assert!(e.to_string().contains("unreadable"), "{e}");
        assert!(!e.to_string().contains("secret"));
    }

    #[test]
    fn blank_credentials_are_not_sent() {
        let c = ConnectConfig::from_json(
            &CONNECT
                .replace("\"u\"", "\" \"")
                .replace("\"secret\"", "\"\""),
        )
        .unwrap();
        assert!(c.username.is_none() && c.password.is_none());
    }

    #[test]
    fn v5_settings_parse() {
        let json = CONNECT.replace("\"3.1.1\"", "\"5.0\"").replace(
            r#""will":null"#,
            r#""will":{"topic":"w","payload":"bye"},"v5":{"sessionExpiry":60,"receiveMaximum":20,
               "userProperties":[["a","1"],["b","2"]],"willDelayInterval":5,"willContentType":"text/plain"}"#,
        );
        let c = ConnectConfig::from_json(&json).unwrap();
        assert_eq!(c.version, ProtocolVersion::V5);
        assert_eq!(c.v5.properties.session_expiry_interval(), Some(60));
        assert_eq!(c.v5.properties.receive_maximum(), Some(20));
        assert_eq!(
            c.v5.properties.user_properties(),
            vec![("a", "1"), ("b", "2")]
        );
        let will = c.will.unwrap();
        assert_eq!(will.properties.will_delay_interval(), Some(5));
        assert_eq!(will.properties.content_type(), Some("text/plain"));
    }

    #[test]
    fn v5_errors_name_the_java_key() {
        let v5 = |extra: &str| {
            ConnectConfig::from_json(&CONNECT.replace("\"3.1.1\"", "\"5.0\"").replace(
                r#""will":null"#,
                &format!(r#""will":null,"v5":{{{extra}}}"#),
            ))
            .unwrap_err()
            .field
        };
        assert_eq!(v5(r#""sessionExpiry":-1"#), "mqtt.session_expiry");
        assert_eq!(v5(r#""receiveMaximum":0"#), "mqtt.receive_maximum");
        assert_eq!(
            v5(r#""topicAliasMaximum":70000"#),
            "mqtt.topic_alias_maximum"
        );
        assert_eq!(v5(r#""userProperties":[["","x"]]"#), "mqtt.user_properties");
    }

    #[test]
    fn every_v5_setting_on_a_3x_connection_names_its_property() {
        for (v5, key) in [
            (r#""sessionExpiry":60"#, "mqtt.session_expiry"),
            (r#""receiveMaximum":10"#, "mqtt.receive_maximum"),
            (r#""maximumPacketSize":1024"#, "mqtt.maximum_packet_size"),
            (r#""topicAliasMaximum":5"#, "mqtt.topic_alias_maximum"),
            (
                r#""requestResponseInformation":true"#,
                "mqtt.request_response_info",
            ),
            (r#""userProperties":[["a","1"]]"#, "mqtt.user_properties"),
            (r#""willDelayInterval":5"#, "mqtt.will_delay_interval"),
            (r#""willMessageExpiry":30"#, "mqtt.will_message_expiry"),
            (
                r#""willContentType":"text/plain""#,
                "mqtt.will_content_type",
            ),
        ] {
            let json = CONNECT.replace(r#""will":null"#, &format!(r#""will":null,"v5":{{{v5}}}"#));
            let e = ConnectConfig::from_json(&json).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("{key}: needs MQTT 5.0, but mqtt.version is 3.1.1")
            );
            assert!(ConnectConfig::from_json(&json.replace("\"3.1.1\"", "\"5.0\"")).is_ok());
        }
        // The defaults, as the Java element sends them for 5.0, are fine on 3.x.
        let defaults = r#""v5":{"sessionExpiry":0,"receiveMaximum":65535,"maximumPacketSize":0,
            "topicAliasMaximum":0,"requestResponseInformation":false,"requestProblemInformation":true,
            "userProperties":[],"willDelayInterval":0,"willMessageExpiry":0,"willContentType":""}"#;
        let json = CONNECT.replace(r#""will":null"#, &format!(r#""will":null,{defaults}"#));
        assert!(ConnectConfig::from_json(&json).is_ok());
        let e = ConnectConfig::from_json(&json.replace(
            r#""requestProblemInformation":true"#,
            r#""requestProblemInformation":false"#,
        ))
        .unwrap_err();
        assert_eq!(e.field, "mqtt.version");
    }

    const FULL: &str = r#"{"server":"h","port":1883,"version":"5.0","connTimeoutSecs":10,"keepAliveSecs":300,
      "clientIdPrefix":"c","clientIdSuffix":true,"username":"u","password":"p","cleanSession":true,
      "connAttemptMax":0,"reconnAttemptMax":0,"connections":1,"maxInflight":0,
      "will":{"topic":"w","payload":"x","qos":0,"retain":false},"bindAddress":"127.0.0.1","connectRate":0,
      "protocol":"SSL","wsPath":"/","tls":{"caFile":"","clientCert":false,"clientCertFile":"",
      "clientCertPassword":"","clientKeyFile":"","minVersion":"1.2","serverName":"",
      "verifyHostname":true,"trustAll":false},
      "v5":{"sessionExpiry":0,"receiveMaximum":65535,"maximumPacketSize":0,"topicAliasMaximum":0,
      "requestResponseInformation":false,"requestProblemInformation":true,"userProperties":[],
      "willDelayInterval":0,"willMessageExpiry":0,"willContentType":""}}"#;

    #[test]
    fn unreadable_values_name_their_property() {
        assert_fields_named(
            FIELDS,
            // always true from the Java element, which has no property for it
            &["v5.requestProblemInformation"],
            FULL,
            ConnectConfig::from_json,
        );
        let e =
            ConnectConfig::from_json(&CONNECT.replace("\"conn_\"", r#""c\ud800""#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mqtt.client_id_prefix: contains a lone UTF-16 surrogate (U+D800) at character 2, which is not valid text"
        );
        let e =
            ConnectConfig::from_json(&CONNECT.replace("\"secret\"", r#""s\udc00""#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mqtt.password: contains a lone UTF-16 surrogate (U+DC00) at character 2, which is not valid text"
        );
    }

    #[test]
    fn mqtt_strings_refuse_nul_and_control_characters() {
        for (from, to, field) in [
            (r#""conn_""#, r#""conn\u0000_""#, "mqtt.client_id_prefix"),
            (r#""u""#, r#""u\u0001""#, "mqtt.user_name"),
            (
                r#""will":null"#,
                r#""will":{"topic":"w/\u0000"}"#,
                "mqtt.will_topic",
            ),
        ] {
            let e = ConnectConfig::from_json(&CONNECT.replace(from, to)).unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
        let e = ConnectConfig::from_json(&CONNECT.replace("\"3.1.1\"", "\"5.0\"").replace(
            r#""will":null"#,
            r#""will":{"topic":"w"},"v5":{"willContentType":"a\u0000"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field, "mqtt.will_content_type");
        // The password and the will payload are binary data.
        let c = ConnectConfig::from_json(
            &CONNECT.replace(r#""secret""#, r#""se\u0000cret""#).replace(
                r#""will":null"#,
                r#""will":{"topic":"w","payload":"\u0000"}"#,
            ),
        )
        .unwrap();
        assert_eq!(&c.will.unwrap().payload[..], b"\0");
    }
}
