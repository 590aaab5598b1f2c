//! An element's settings, as one JSON document from the Java side, parsed into typed
//! configuration with an error that names the field.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

use crate::client::{validate_filter, Attempts, Secret};
use crate::codec::{
    LastWill, Properties, Property, ProtocolVersion, QoS, ReasonCode, RetainHandling,
    SubscriptionOptions, MAX_SUBSCRIPTION_IDENTIFIER,
};
use crate::transport::{ClientIdentity, Redacted, TlsSettings, TlsVersion};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field,
        message: message.into(),
    }
}

fn parse_json<'a, T: Deserialize<'a>>(what: &'static str, json: &'a str) -> Result<T, ConfigError> {
    serde_json::from_str(json).map_err(|e| bad(what, format!("unreadable settings: {e}")))
}

fn qos(field: &'static str, v: i64) -> Result<QoS, ConfigError> {
    u8::try_from(v)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or_else(|| bad(field, format!("QoS must be 0, 1 or 2, not {v}")))
}

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
    will: Option<WillJson>,
    #[serde(default)]
    bind_address: Option<String>,
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

fn u32_setting(field: &'static str, what: &str, v: i64) -> Result<u32, ConfigError> {
    u32::try_from(v).map_err(|_| bad(field, format!("{what} must be 0-4294967295, not {v}")))
}

fn user_properties(
    field: &'static str,
    pairs: Vec<(String, String)>,
) -> Result<Vec<Property>, ConfigError> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if k.is_empty() {
                return Err(bad(field, format!("user property '={v}' has no name")));
            }
            if k.len() > usize::from(u16::MAX) || v.len() > usize::from(u16::MAX) {
                return Err(bad(field, "a user property is longer than 65535 bytes"));
            }
            Ok(Property::UserProperty(k, v))
        })
        .collect()
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

/// connectJson's "tls" object (contract, issue 3); every key optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct TlsJson {
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
    fn into_settings(self) -> Result<TlsSettings, ConfigError> {
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

fn ten() -> i64 {
    10
}
fn three_hundred() -> i64 {
    300
}
fn one() -> i64 {
    1
}
fn yes() -> bool {
    true
}

/// Most connections one element may open from one thread; beyond it a file-descriptor limit
/// (20,000 here) is hit anyway, and a typo of 1000000 should not take the machine down.
pub const MAX_CONNECTIONS_PER_GROUP: u32 = 100_000;

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
    pub will: Option<LastWill>,
    pub bind: Option<std::net::IpAddr>,
    pub protocol: Protocol,
    /// WebSocket request path, always starting with '/'.
    pub ws_path: String,
    /// Used for SSL and WSS only.
    pub tls: TlsSettings,
    /// MQTT 5.0 only; default (empty) for 3.x.
    pub v5: ConnectV5,
}

impl ConnectConfig {
    pub fn from_json(json: &str) -> Result<ConnectConfig, ConfigError> {
        let j: ConnectJson = parse_json("connect settings", json)?;
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
        let v5 = j.v5.unwrap_or_default().into_v5()?;
        if version != ProtocolVersion::V5 && v5 != ConnectV5::default() {
            return Err(bad(
                "mqtt.version",
                "MQTT 5.0 connect settings (session expiry, receive maximum, user properties, ...) need version 5.0",
            ));
        }
        let will = match j.will {
            Some(w) if !w.topic.trim().is_empty() => {
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
        let bind = match j.bind_address.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(
                a.parse()
                    .map_err(|_| bad("mqtt.bind_address", format!("'{a}' is not an IP address")))?,
            ),
        };
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
            will,
            bind,
            protocol,
            ws_path,
            tls,
            v5,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Text,
    Hex,
    RandomFixedLength,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    None,
    XMeter,
    Precise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    All,
    RoundRobin,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PublishJson {
    topic: String,
    #[serde(default)]
    qos: i64,
    #[serde(default)]
    retain: bool,
    #[serde(default = "string_type")]
    message_type: String,
    #[serde(default)]
    message: String,
    #[serde(default = "kib")]
    fixed_length: i64,
    #[serde(default)]
    fresh_random: bool,
    #[serde(default = "none_word")]
    timestamp: String,
    #[serde(default = "one")]
    messages_per_sample: i64,
    #[serde(default = "all_word")]
    target: String,
    #[serde(default = "ten_thousand")]
    ack_timeout_ms: i64,
    #[serde(default)]
    v5: Option<PublishV5Json>,
}

/// publishJson's "v5" object (contract, issue 4).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct PublishV5Json {
    message_expiry: i64,
    content_type: String,
    payload_format_utf8: bool,
    response_topic: String,
    correlation_data: String,
    user_properties: Vec<(String, String)>,
    topic_alias: bool,
}

/// The MQTT 5.0 parts of a Publish element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishV5 {
    /// PUBLISH properties (never a Topic Alias: the session assigns those).
    pub properties: Properties,
    /// Use our own topic aliases when the broker allows them.
    pub topic_alias: bool,
    /// The first v5-only setting in use, named for the "needs MQTT 5.0" message.
    pub first_feature: Option<&'static str>,
}

impl PublishV5Json {
    fn into_v5(self) -> Result<PublishV5, ConfigError> {
        let mut props = Properties::new();
        let mut first = None;
        let mut note = |f: &'static str| {
            first.get_or_insert(f);
        };
        if !self.content_type.is_empty() {
            note("content type");
            props.push(Property::ContentType(self.content_type));
        }
        let users = user_properties("mqtt.user_properties", self.user_properties)?;
        if !users.is_empty() {
            note("user properties");
        }
        props.0.extend(users);
        let exp = u32_setting("mqtt.message_expiry", "message expiry", self.message_expiry)?;
        if exp > 0 {
            note("message expiry");
            props.push(Property::MessageExpiryInterval(exp));
        }
        if !self.response_topic.is_empty() {
            if self.response_topic.contains(['+', '#']) {
                return Err(bad(
                    "mqtt.response_topic",
                    "a response topic cannot hold wildcards (+ or #)",
                ));
            }
            note("response topic");
            props.push(Property::ResponseTopic(self.response_topic));
        }
        if !self.correlation_data.is_empty() {
            note("correlation data");
            props.push(Property::CorrelationData(Bytes::from(
                self.correlation_data.into_bytes(),
            )));
        }
        if self.payload_format_utf8 {
            note("payload format indicator");
            props.push(Property::PayloadFormatIndicator(1));
        }
        if self.topic_alias {
            note("topic alias");
        }
        Ok(PublishV5 {
            properties: props,
            topic_alias: self.topic_alias,
            first_feature: first,
        })
    }
}

fn string_type() -> String {
    "String".into()
}
fn kib() -> i64 {
    1024
}
fn none_word() -> String {
    "none".into()
}
fn all_word() -> String {
    "all".into()
}
fn ten_thousand() -> i64 {
    10_000
}

/// Largest payload we build: MQTT's own limit is 256 MiB, but a load test that wants more than
/// this per message is almost certainly a typo that would exhaust memory.
pub const MAX_PAYLOAD: usize = 16 * 1024 * 1024;
pub const MAX_MESSAGES_PER_SAMPLE: u32 = 1_000_000;

#[derive(Debug, Clone)]
pub struct PublishConfig {
    pub topic: String,
    pub qos: QoS,
    pub retain: bool,
    pub message_type: MessageType,
    /// For Text and Hex: the bytes to send. For random: empty (built by the publisher).
    pub body: Bytes,
    pub fixed_length: usize,
    pub fresh_random: bool,
    pub timestamp: TimestampFormat,
    pub messages_per_sample: u32,
    pub target: Target,
    pub ack_timeout: Duration,
    pub v5: PublishV5,
}

impl PublishConfig {
    pub fn from_json(json: &str) -> Result<PublishConfig, ConfigError> {
        let j: PublishJson = parse_json("publish settings", json)?;
        if j.topic.is_empty() {
            return Err(bad("mqtt.topic_name", "topic is empty"));
        }
        if j.topic.contains('+') || j.topic.contains('#') {
            return Err(bad(
                "mqtt.topic_name",
                format!(
                    "'{}': a publish topic cannot hold wildcards (+ or #)",
                    j.topic
                ),
            ));
        }
        if j.topic.len() > usize::from(u16::MAX) {
            return Err(bad("mqtt.topic_name", "topic is longer than 65535 bytes"));
        }
        let message_type = match j.message_type.trim() {
            "String" => MessageType::Text,
            "Hex string" => MessageType::Hex,
            "Random string with fixed length" => MessageType::RandomFixedLength,
            other => {
                return Err(bad(
                    "mqtt.message_type",
                    format!(
                    "'{other}' is not one of String, Hex string, Random string with fixed length"
                ),
                ))
            }
        };
        let body = match message_type {
            MessageType::Text => Bytes::from(j.message.into_bytes()),
            MessageType::Hex => {
                Bytes::from(decode_hex(&j.message).map_err(|m| bad("mqtt.message_to_sent", m))?)
            }
            MessageType::RandomFixedLength => Bytes::new(),
        };
        let fixed_length = usize::try_from(j.fixed_length)
            .ok()
            .filter(|n| *n <= MAX_PAYLOAD)
            .ok_or_else(|| {
                bad(
                    "mqtt.message_type_fixed_length",
                    format!("length must be 0-{MAX_PAYLOAD}, not {}", j.fixed_length),
                )
            })?;
        if body.len() > MAX_PAYLOAD {
            return Err(bad("mqtt.message_to_sent", "payload is larger than 16 MiB"));
        }
        let timestamp = match j.timestamp.trim() {
            "none" => TimestampFormat::None,
            "xmeter" => TimestampFormat::XMeter,
            "precise" => TimestampFormat::Precise,
            other => {
                return Err(bad(
                    "mqtt.timestamp_format",
                    format!("'{other}' is not one of none, xmeter, precise"),
                ))
            }
        };
        let messages_per_sample = u32::try_from(j.messages_per_sample)
            .ok()
            .filter(|n| (1..=MAX_MESSAGES_PER_SAMPLE).contains(n))
            .ok_or_else(|| {
                bad(
                    "mqtt.messages_per_sample",
                    format!(
                        "messages per sample must be 1-{MAX_MESSAGES_PER_SAMPLE}, not {}",
                        j.messages_per_sample
                    ),
                )
            })?;
        let target = match j.target.trim() {
            "all" => Target::All,
            "round_robin" => Target::RoundRobin,
            other => {
                return Err(bad(
                    "mqtt.publish_target",
                    format!("'{other}' is not one of all, round_robin"),
                ))
            }
        };
        if j.ack_timeout_ms <= 0 {
            return Err(bad(
                "mqtt.ack_timeout",
                format!(
                    "acknowledgement timeout must be positive, not {}",
                    j.ack_timeout_ms
                ),
            ));
        }
        Ok(PublishConfig {
            topic: j.topic,
            qos: qos("mqtt.qos_level", j.qos)?,
            retain: j.retain,
            message_type,
            body,
            fixed_length,
            fresh_random: j.fresh_random,
            timestamp,
            messages_per_sample,
            target,
            ack_timeout: Duration::from_millis(j.ack_timeout_ms.unsigned_abs()),
            v5: j.v5.unwrap_or_default().into_v5()?,
        })
    }
}

/// Hex text to bytes; spaces, tabs and newlines between byte pairs are allowed.
fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!(
            "hex payload has an odd number of digits ({})",
            digits.len()
        ));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let hi = (pair[0] as char).to_digit(16);
            let lo = (pair[1] as char).to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err(format!(
                    "hex payload: '{}{}' at byte {} is not hexadecimal",
                    pair[0] as char, pair[1] as char, i
                )),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Collect for this long, then report whatever arrived.
    Elapsed(Duration),
    /// Wait until this many messages arrived, at most `timeout`.
    Count(u64),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubscribeJson {
    topics: String,
    #[serde(default)]
    qos: i64,
    #[serde(default = "time_word")]
    condition: String,
    #[serde(default = "thousand")]
    condition_value: i64,
    #[serde(default = "ten_thousand")]
    timeout_ms: i64,
    #[serde(default)]
    add_timestamp: bool,
    #[serde(default)]
    debug_response: bool,
    #[serde(default)]
    v5: Option<SubscribeV5Json>,
}

/// subscribeJson's "v5" object (contract, issue 4).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct SubscribeV5Json {
    no_local: bool,
    retain_as_published: bool,
    retain_handling: i64,
    subscription_identifier: i64,
}

/// The MQTT 5.0 parts of a Subscribe element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscribeV5 {
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
    pub subscription_identifier: Option<u32>,
}

impl SubscribeV5 {
    /// The first v5-only setting in use, named for the "needs MQTT 5.0" message.
    pub fn first_feature(&self) -> Option<&'static str> {
        if self.no_local {
            Some("no local")
        } else if self.retain_as_published {
            Some("retain as published")
        } else if self.retain_handling != RetainHandling::SendAtSubscribe {
            Some("retain handling")
        } else if self.subscription_identifier.is_some() {
            Some("subscription identifier")
        } else {
            None
        }
    }

    pub fn options(&self, qos: QoS) -> SubscriptionOptions {
        SubscriptionOptions {
            qos,
            no_local: self.no_local,
            retain_as_published: self.retain_as_published,
            retain_handling: self.retain_handling,
        }
    }
}

fn time_word() -> String {
    "time".into()
}
fn thousand() -> i64 {
    1000
}

/// Failure codes of a Subscribe element with bad settings (COMPAT.md: 510-512), the same
/// split the Java element uses for the checks it makes first.
pub const CODE_BAD_CONDITION: &str = "510";
pub const CODE_BAD_QOS: &str = "511";
pub const CODE_BAD_TOPIC: &str = "512";

#[derive(Debug, Clone)]
pub struct SubscribeConfig {
    pub topics: Vec<String>,
    pub qos: QoS,
    pub condition: Condition,
    pub timeout: Duration,
    pub add_timestamp: bool,
    pub debug_response: bool,
    pub v5: SubscribeV5,
}

impl SubscribeConfig {
    pub fn from_json(json: &str) -> Result<SubscribeConfig, ConfigError> {
        let j: SubscribeJson = parse_json("subscribe settings", json)?;
        let topics: Vec<String> = j
            .topics
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if topics.is_empty() {
            return Err(bad("mqtt.topic_name", "no topic to subscribe to"));
        }
        for t in &topics {
            validate_filter(t).map_err(|m| bad("mqtt.topic_name", m))?;
        }
        let condition = match j.condition.trim() {
            "time" => {
                if j.condition_value <= 0 {
                    return Err(bad(
                        "mqtt.sample_condition_value",
                        format!(
                            "elapsed time must be a positive number of ms, not {}",
                            j.condition_value
                        ),
                    ));
                }
                Condition::Elapsed(Duration::from_millis(j.condition_value.unsigned_abs()))
            }
            "count" => {
                if j.condition_value <= 0 {
                    return Err(bad(
                        "mqtt.sample_condition_value",
                        format!("message count must be positive, not {}", j.condition_value),
                    ));
                }
                Condition::Count(j.condition_value.unsigned_abs())
            }
            other => {
                return Err(bad(
                    "mqtt.sample_condition",
                    format!("'{other}' is not one of time, count"),
                ))
            }
        };
        if j.timeout_ms <= 0 {
            return Err(bad(
                "mqtt.sample_timeout",
                format!(
                    "timeout must be a positive number of ms, not {}",
                    j.timeout_ms
                ),
            ));
        }
        let jv5 = j.v5.unwrap_or_default();
        let retain_handling = u8::try_from(jv5.retain_handling)
            .ok()
            .and_then(RetainHandling::from_u8)
            .ok_or_else(|| {
                bad(
                    "mqtt.retain_handling",
                    format!(
                        "retain handling must be 0, 1 or 2, not {}",
                        jv5.retain_handling
                    ),
                )
            })?;
        let subscription_identifier = match jv5.subscription_identifier {
            0 => None,
            v => Some(
                u32::try_from(v)
                    .ok()
                    .filter(|v| *v <= MAX_SUBSCRIPTION_IDENTIFIER)
                    .ok_or_else(|| {
                        bad(
                            "mqtt.subscription_identifier",
                            format!(
                                "subscription identifier must be 0 (none) or 1-{MAX_SUBSCRIPTION_IDENTIFIER}, not {v}"
                            ),
                        )
                    })?,
            ),
        };
        if jv5.no_local && topics.iter().any(|t| t.starts_with("$share/")) {
            return Err(bad(
                "mqtt.no_local",
                "no local cannot be used with a shared subscription ($share/...)",
            ));
        }
        for t in &topics {
            if let Some(rest) = t.strip_prefix("$share/") {
                match rest.split_once('/') {
                    Some((g, f)) if !g.is_empty() && !g.contains(['+', '#']) && !f.is_empty() => {}
                    _ => {
                        return Err(bad(
                            "mqtt.topic_name",
                            format!("'{t}': a shared subscription is $share/<group>/<filter>"),
                        ))
                    }
                }
            }
        }
        Ok(SubscribeConfig {
            topics,
            qos: qos("mqtt.qos_level", j.qos)?,
            condition,
            timeout: Duration::from_millis(j.timeout_ms.unsigned_abs()),
            add_timestamp: j.add_timestamp,
            debug_response: j.debug_response,
            v5: SubscribeV5 {
                no_local: jv5.no_local,
                retain_as_published: jv5.retain_as_published,
                retain_handling,
                subscription_identifier,
            },
        })
    }

    /// The COMPAT.md response code for a settings error of this element.
    pub fn error_code(err: &ConfigError) -> &'static str {
        match err.field {
            "mqtt.sample_condition" | "mqtt.sample_condition_value" => CODE_BAD_CONDITION,
            "mqtt.qos_level" => CODE_BAD_QOS,
            _ => CODE_BAD_TOPIC,
        }
    }
}

/// disconnectJson (contract, issue 4): `{"reasonCode":0,"sessionExpiry":-1}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct DisconnectJson {
    reason_code: i64,
    session_expiry: i64,
}

impl Default for DisconnectJson {
    fn default() -> Self {
        DisconnectJson {
            reason_code: 0,
            session_expiry: -1,
        }
    }
}

/// The Disconnect element's MQTT 5.0 settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisconnectSettings {
    pub reason: ReasonCode,
    /// None = not sent (the session expiry of CONNECT stays).
    pub session_expiry: Option<u32>,
}

impl DisconnectSettings {
    pub fn from_json(json: &str) -> Result<DisconnectSettings, ConfigError> {
        let j: DisconnectJson = parse_json("disconnect settings", json)?;
        let reason = u8::try_from(j.reason_code)
            .ok()
            .and_then(ReasonCode::from_u8)
            .filter(|r| r.is_valid_for(crate::codec::PacketKind::Disconnect))
            .ok_or_else(|| {
                bad(
                    "mqtt.disconnect_reason_code",
                    format!("{} is not a DISCONNECT reason code", j.reason_code),
                )
            })?;
        let session_expiry = match j.session_expiry {
            v if v < 0 => None,
            v => Some(u32_setting(
                "mqtt.disconnect_session_expiry",
                "session expiry",
                v,
            )?),
        };
        Ok(DisconnectSettings {
            reason,
            session_expiry,
        })
    }

    /// The first v5-only setting in use.
    pub fn first_feature(&self) -> Option<&'static str> {
        if self.reason != ReasonCode::Success {
            Some("a disconnect reason code")
        } else if self.session_expiry.is_some() {
            Some("a disconnect session expiry")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECT: &str = r#"{"server":"127.0.0.1","port":1883,"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":300,
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
    fn publish_settings_parse() {
        let p = PublishConfig::from_json(
            r#"{"topic":"t","qos":2,"messageType":"Hex string","message":"de ad BE EF","timestamp":"precise","messagesPerSample":5,"target":"round_robin"}"#,
        )
        .unwrap();
        assert_eq!(p.qos, QoS::ExactlyOnce);
        assert_eq!(&p.body[..], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(p.timestamp, TimestampFormat::Precise);
        assert_eq!(p.target, Target::RoundRobin);
    }

    #[test]
    fn publish_errors_name_the_field() {
        let e = PublishConfig::from_json(r#"{"topic":"a/#"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.topic_name");
        let e = PublishConfig::from_json(r#"{"topic":"a","qos":3}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.qos_level");
        let e =
            PublishConfig::from_json(r#"{"topic":"a","messageType":"Hex string","message":"abc"}"#)
                .unwrap_err();
        assert!(e.message.contains("odd"), "{e}");
        let e =
            PublishConfig::from_json(r#"{"topic":"a","messageType":"Hex string","message":"zz"}"#)
                .unwrap_err();
        assert!(e.message.contains("'zz'"), "{e}");
    }

    #[test]
    fn subscribe_settings_parse_and_trim() {
        let s = SubscribeConfig::from_json(
            r#"{"topics":" a/b , c/# ,","qos":1,"condition":"count","conditionValue":10,"timeoutMs":500}"#,
        )
        .unwrap();
        assert_eq!(s.topics, vec!["a/b".to_string(), "c/#".to_string()]);
        assert_eq!(s.condition, Condition::Count(10));
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
        let p = PublishConfig::from_json(
            r#"{"topic":"t","v5":{"messageExpiry":3,"correlationData":"id","topicAlias":true}}"#,
        )
        .unwrap();
        assert_eq!(p.v5.properties.message_expiry_interval(), Some(3));
        assert_eq!(p.v5.first_feature, Some("message expiry"));
        assert!(p.v5.topic_alias);
        let s = SubscribeConfig::from_json(
            r#"{"topics":"$share/g/a/#","v5":{"retainHandling":2,"subscriptionIdentifier":9}}"#,
        )
        .unwrap();
        assert_eq!(s.v5.retain_handling, RetainHandling::DoNotSend);
        assert_eq!(s.v5.subscription_identifier, Some(9));
        let d = DisconnectSettings::from_json(r#"{"reasonCode":4,"sessionExpiry":-1}"#).unwrap();
        assert_eq!(d.reason, ReasonCode::DisconnectWithWillMessage);
        assert_eq!(d.session_expiry, None);
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
        // v5 settings on a 3.1.1 connection.
        let e = ConnectConfig::from_json(
            &CONNECT.replace(r#""will":null"#, r#""will":null,"v5":{"sessionExpiry":5}"#),
        )
        .unwrap_err();
        assert_eq!(e.field, "mqtt.version");
        let e = PublishConfig::from_json(r#"{"topic":"t","v5":{"messageExpiry":-5}}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.message_expiry");
        let e =
            SubscribeConfig::from_json(r#"{"topics":"t","v5":{"retainHandling":3}}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.retain_handling");
        let e = SubscribeConfig::from_json(r#"{"topics":"$share/g/t","v5":{"noLocal":true}}"#)
            .unwrap_err();
        assert_eq!(e.field, "mqtt.no_local");
        let e = DisconnectSettings::from_json(r#"{"reasonCode":132}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.disconnect_reason_code");
    }

    #[test]
    fn subscribe_error_codes() {
        let e = SubscribeConfig::from_json(r#"{"topics":" , "}"#).unwrap_err();
        assert_eq!(SubscribeConfig::error_code(&e), "512");
        let e = SubscribeConfig::from_json(r#"{"topics":"a","qos":7}"#).unwrap_err();
        assert_eq!(SubscribeConfig::error_code(&e), "511");
        let e = SubscribeConfig::from_json(r#"{"topics":"a","conditionValue":0}"#).unwrap_err();
        assert_eq!(SubscribeConfig::error_code(&e), "510");
    }
}
