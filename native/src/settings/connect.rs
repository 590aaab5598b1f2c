//! The Connect element's settings -> `ConnectConfig`; the Broker Statistics element's connection
//! is read the same way from that element's settings.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;

use super::addresses::parse_addresses;
use super::clock::clock;
use super::description::Element;
use super::document::Values;
use super::identity_file;
use super::{mqtt_string, tls, user_properties};
use crate::client::{Attempts, Secret};
use crate::codec::{LastWill, Properties, Property, ProtocolVersion, QoS};
use crate::sampler::config::{
    bad, parse_broker, parse_brokers, refer, BrokerAddress, ConfigError, ConnectConfig, ConnectV5,
    Id, IdentityTemplates, Placement, Protocol, RowSource, SecretTemplate,
};
use crate::sampler::template::{Template, Vars};
use crate::transport::{Redacted, TlsSettings};

impl ConnectConfig {
    /// A Connect element's settings document.
    pub fn from_json(json: &str) -> Result<ConnectConfig, ConfigError> {
        build(&Values::read(Element::Connect, json)?)
    }

    /// The connection of a Broker Statistics element: its own settings, the Connect element's
    /// defaults for the rest (one connection, a clean session, no will).
    pub fn for_broker_stats(json: &str) -> Result<ConnectConfig, ConfigError> {
        build(&Values::read(Element::Stats, json)?.with_defaults_of(Element::Connect))
    }
}

pub(super) fn build(v: &Values) -> Result<ConnectConfig, ConfigError> {
    let port = v.num(Id::Port)?;
    let (brokers, broker_template) = servers(v.text(Id::Server)?, port)?;
    let version = match v.text(Id::Version)? {
        "3.1" => ProtocolVersion::V31,
        "3.1.1" => ProtocolVersion::V311,
        _ => ProtocolVersion::V5,
    };
    let connections: u32 = v.num(Id::Connections)?;
    let client_id_suffix = v.bool(Id::ClientIdSuffix)?;
    let client_id_prefix = v.text(Id::ClientIdPrefix)?.to_string();
    mqtt_string(Id::ClientIdPrefix, "client id prefix", &client_id_prefix)?;
    let username = v.text(Id::Username)?;
    mqtt_string(Id::Username, "user name", username)?;
    let mut identity = identity(&client_id_prefix, username, v.text(Id::Password)?)?;
    identity.broker = broker_template;
    let distinct = identity
        .client_id_prefix
        .as_ref()
        .is_some_and(Template::uses_index);
    if !client_id_suffix && connections > 1 && !distinct {
        return Err(bad(
            Id::ClientIdSuffix,
            format!(
                "several connections per thread need the random client id suffix, or a client id \
                 prefix that names each connection (e.g. dev-{{{{conn.test:6}}}} in {}), or they \
                 would share one id",
                refer(Id::ClientIdPrefix)
            ),
        ));
    }
    // XMeter sends credentials only when not blank; so do we.
    let username = Some(username.to_string()).filter(|u| !u.trim().is_empty());
    let password = Some(v.text(Id::Password)?)
        .filter(|p| !p.is_empty())
        .map(|p| Secret(Bytes::from(p.as_bytes().to_vec())));
    let v5 = connect_v5(v)?;
    let protocol = protocol(v)?;
    // TLS settings matter (and are checked) only for SSL and WSS: a TCP plan that still
    // carries a half-filled TLS form must keep working.
    let (tls, certificates) = if protocol.uses_tls() {
        tls::settings(v)?
    } else {
        (TlsSettings::default(), None)
    };
    let identity_file = identity_file(v)?;
    if identity_file
        .as_ref()
        .is_some_and(|f| f.rows.rows.iter().any(|r| r.cert.is_some()))
        && !protocol.uses_tls()
    {
        return Err(bad(
            Id::IdentityFile,
            format!(
                "its rows give client certificates, which only SSL and WSS send (see {})",
                refer(Id::Protocol)
            ),
        ));
    }
    let client_cert_password = Redacted(v.text(Id::TlsClientCertPassword)?.to_string());
    Ok(ConnectConfig {
        brokers,
        port,
        placement: match v.text(Id::BrokerPlacement)? {
            "client_id_hash" => Placement::ClientIdHash,
            _ => Placement::RoundRobin,
        },
        version,
        connect_timeout: Duration::from_secs(v.num(Id::ConnTimeoutSecs)?),
        keep_alive_secs: v.num(Id::KeepAliveSecs)?,
        client_id_prefix,
        client_id_suffix,
        username,
        password,
        identity,
        identity_file,
        client_cert_password,
        clean_session: v.bool(Id::CleanSession)?,
        connect_attempts: Attempts::from_setting(v.int(Id::ConnAttemptMax)?),
        reconnect_attempts: Attempts::from_setting(v.int(Id::ReconnAttemptMax)?),
        connections,
        max_inflight: v.opt_num(Id::MaxInflight)?.unwrap_or(0),
        will: will(v, &v5)?,
        bind: parse_addresses(v.text(Id::BindAddress)?).map_err(|e| bad(Id::BindAddress, e))?,
        connect_rate: v.opt_decimal(Id::ConnectRate)?.filter(|r| *r > 0.0),
        outbound_limit: v.num::<usize>(Id::OutboundLimitKib)? * 1024,
        protocol,
        ws_path: ws_path(v)?,
        // TLS settings matter (and are checked) only for SSL and WSS: a TCP plan that still
        // carries a half-filled TLS form must keep working.
        tls,
        certificates,
        v5,
        clock: clock(v)?,
    })
}

/// Per-connection placeholders in the client id prefix, user name and password. A password's text
/// is never quoted, not even a wrong placeholder of it.
/// The Server setting: a list of brokers, or a template that gives each connection its own (the
/// list then holds what it gives the first connection of the first group, to check it early).
fn servers(text: &str, port: u16) -> Result<(Vec<BrokerAddress>, Option<Template>), ConfigError> {
    let template = Template::parse(text.as_bytes())
        .map_err(|m| bad(Id::Server, format!("server '{text}': {m}")))?;
    let Some(t) = template else {
        let brokers = parse_brokers(text, port).map_err(|e| bad(Id::Server, e))?;
        return Ok((brokers, None));
    };
    if let Some(p) = t.first_per_message() {
        return Err(bad(
            Id::Server,
            format!("server '{text}': {p} changes per message; {PER_CONNECTION}"),
        ));
    }
    if text.contains(',') {
        return Err(bad(
            Id::Server,
            format!(
                "server '{text}': a template names one broker per connection; list several \
                 brokers without templates"
            ),
        ));
    }
    let first = t.expand_string(&Vars {
        conn: 0,
        conn_test: 0,
        client_id: "device",
        seq: 0,
    });
    let broker = parse_broker(first.trim(), port)
        .map_err(|e| bad(Id::Server, format!("server '{text}' gives {e}")))?;
    Ok((vec![broker], Some(t)))
}

fn identity(
    prefix: &str,
    username: &str,
    password: &str,
) -> Result<IdentityTemplates, ConfigError> {
    let per_connection =
        |id: Id, what: &str, text: &str| -> Result<Option<Template>, ConfigError> {
            let t = Template::parse(text.as_bytes())
                .map_err(|m| bad(id, format!("{what} '{text}': {m}")))?;
            if let Some(p) = t.as_ref().and_then(Template::first_per_message) {
                return Err(bad(
                    id,
                    format!("{what} '{text}': {p} changes per message; {PER_CONNECTION}"),
                ));
            }
            Ok(t)
        };
    let client_id_prefix = per_connection(Id::ClientIdPrefix, "client id prefix", prefix)?;
    if client_id_prefix
        .as_ref()
        .is_some_and(Template::uses_client_id)
    {
        return Err(bad(
            Id::ClientIdPrefix,
            "a client id prefix cannot hold {{client_id}}, which it makes",
        ));
    }
    let password = match Template::parse(password.as_bytes()) {
        Ok(Some(t)) if t.first_per_message().is_none() => Some(SecretTemplate(t)),
        Ok(None) => None,
        _ => {
            return Err(bad(
                Id::Password,
                format!("holds a placeholder that is not one of its own: {PER_CONNECTION} (a literal {{{{ is written {{{{{{{{)"),
            ))
        }
    };
    Ok(IdentityTemplates {
        client_id_prefix,
        username: per_connection(Id::Username, "user name", username)?,
        password,
        broker: None,
    })
}

fn identity_file(v: &Values) -> Result<Option<RowSource>, ConfigError> {
    let path = v.text(Id::IdentityFile)?.trim();
    if path.is_empty() {
        return Ok(None);
    }
    Ok(Some(RowSource {
        rows: identity_file::identity_file(Path::new(path))
            .map_err(|e| bad(Id::IdentityFile, e))?,
        first_row: v.num(Id::IdentityFirstRow)?,
    }))
}

/// What a connection's identity may hold.
const PER_CONNECTION: &str = "a connection's identity can hold only {{conn}}, {{conn.test}} \
                              (zero-padded: {{conn:6}}, {{conn.test:6}}) and {{client_id}}";

fn protocol(v: &Values) -> Result<Protocol, ConfigError> {
    Ok(match v.text(Id::Protocol)? {
        "SSL" => Protocol::Tls,
        "WS" => Protocol::Ws,
        "WSS" => Protocol::Wss,
        _ => Protocol::Tcp,
    })
}

fn ws_path(v: &Values) -> Result<String, ConfigError> {
    let p = v.text(Id::WsPath)?;
    let path = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    if path
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '#')
    {
        return Err(bad(
            Id::WsPath,
            format!("'{path}' is not a valid WebSocket path (no spaces or '#')"),
        ));
    }
    Ok(path)
}

fn will(v: &Values, v5: &ConnectV5) -> Result<Option<LastWill>, ConfigError> {
    let topic = v.text(Id::WillTopic)?;
    if topic.is_empty() {
        return Ok(None);
    }
    mqtt_string(Id::WillTopic, "will topic", topic)?;
    if topic.contains(['+', '#']) {
        return Err(bad(Id::WillTopic, "a will topic cannot hold wildcards"));
    }
    Ok(Some(LastWill {
        topic: topic.to_string(),
        payload: Bytes::from(v.text(Id::WillPayload)?.as_bytes().to_vec()),
        qos: qos(v, Id::WillQos)?,
        retain: v.bool(Id::WillRetain)?,
        properties: v5.will_properties.clone(),
    }))
}

pub(super) fn qos(v: &Values, id: Id) -> Result<QoS, ConfigError> {
    v.num::<u8>(id)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or_else(|| bad(id, "QoS must be 0, 1 or 2"))
}

/// The MQTT 5.0 CONNECT and will properties (the description refuses them on 3.x).
fn connect_v5(v: &Values) -> Result<ConnectV5, ConfigError> {
    let mut props = Properties::new();
    let expiry: u32 = v.num(Id::V5SessionExpiry)?;
    if expiry > 0 {
        props.push(Property::SessionExpiryInterval(expiry));
    }
    let receive_maximum: u16 = v.num(Id::V5ReceiveMaximum)?;
    if receive_maximum != u16::MAX {
        props.push(Property::ReceiveMaximum(receive_maximum));
    }
    let mps: u32 = v.num(Id::V5MaximumPacketSize)?;
    if mps > 0 {
        if mps < 64 {
            return Err(bad(
                Id::V5MaximumPacketSize,
                format!("maximum packet size {mps} is too small to be useful (0 = no limit, else at least 64)"),
            ));
        }
        props.push(Property::MaximumPacketSize(mps));
    }
    let tam: u16 = v.num(Id::V5TopicAliasMaximum)?;
    if tam > 0 {
        props.push(Property::TopicAliasMaximum(tam));
    }
    if v.bool(Id::V5RequestResponseInformation)? {
        props.push(Property::RequestResponseInformation(1));
    }
    for p in user_properties(Id::V5UserProperties, v.pairs(Id::V5UserProperties)?)? {
        props.push(p);
    }
    let mut will = Properties::new();
    let delay: u32 = v.num(Id::V5WillDelayInterval)?;
    if delay > 0 {
        will.push(Property::WillDelayInterval(delay));
    }
    let expiry: u32 = v.num(Id::V5WillMessageExpiry)?;
    if expiry > 0 {
        will.push(Property::MessageExpiryInterval(expiry));
    }
    let content_type = v.text(Id::V5WillContentType)?;
    mqtt_string(Id::V5WillContentType, "will content type", content_type)?;
    if !content_type.is_empty() {
        will.push(Property::ContentType(content_type.to_string()));
    }
    Ok(ConnectV5 {
        properties: props,
        will_properties: will,
        maximum_packet_size: mps,
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::sampler::config::refer;

    pub(in crate::settings) const CONNECT: &str = r#"{"server":"127.0.0.1","port":1883,"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":300,
      "clientIdPrefix":"conn_","clientIdSuffix":true,"username":"u","password":"secret","cleanSession":true,
      "connAttemptMax":0,"reconnAttemptMax":-1,"connections":3,"will":null}"#;

    fn with(extra: &str) -> String {
        CONNECT.replace(r#""will":null"#, &format!(r#""will":null,{extra}"#))
    }

    #[test]
    fn connect_settings_parse() {
        let c = ConnectConfig::from_json(CONNECT).unwrap();
        assert_eq!(c.port, 1883);
        assert_eq!(c.version, ProtocolVersion::V311);
        assert_eq!(c.connections, 3);
        assert_eq!(c.reconnect_attempts, Attempts::Unlimited);
        assert_eq!(c.username.as_deref(), Some("u"));
        assert!(!format!("{c:?}").contains("secret"));
        assert!(!c.resumable());
    }

    #[test]
    fn the_java_elements_strings_are_read() {
        let c = ConnectConfig::from_json(
            r#"{"server":" broker ","port":"1884","version":"5","connections":"2","cleanSession":"false",
                "maxInflight":"","connectRate":" ","tls.caFile":"/x"}"#,
        )
        .unwrap();
        assert_eq!(c.brokers[0].label(), "broker:1884");
        assert_eq!(c.version, ProtocolVersion::V5);
        assert_eq!(
            (c.connections, c.max_inflight, c.connect_rate),
            (2, 0, None)
        );
        assert!(c.resumable());
    }

    #[test]
    fn connect_rate_is_off_by_default_and_checked() {
        assert_eq!(
            ConnectConfig::from_json(CONNECT).unwrap().connect_rate,
            None
        );
        let rate = |r: &str| ConnectConfig::from_json(&with(&format!(r#""connectRate":{r}"#)));
        assert_eq!(rate("0").unwrap().connect_rate, None);
        assert_eq!(rate("2.5").unwrap().connect_rate, Some(2.5));
        for bad in ["-1", "1e9"] {
            assert_eq!(rate(bad).unwrap_err().setting, Some(Id::ConnectRate));
        }
    }

    #[test]
    fn outbound_limit_is_in_kib_and_checked() {
        let limit =
            |l: &str| ConnectConfig::from_json(&with(&format!(r#""outboundLimitKib":{l}"#)));
        assert_eq!(
            ConnectConfig::from_json(CONNECT).unwrap().outbound_limit,
            crate::client::DEFAULT_OUTBOUND_LIMIT
        );
        assert_eq!(limit("\"64\"").unwrap().outbound_limit, 64 * 1024);
        for bad in ["0", "-1", "2000000"] {
            assert_eq!(limit(bad).unwrap_err().setting, Some(Id::OutboundLimitKib));
        }
    }

    #[test]
    fn several_brokers_and_where_connections_go() {
        let c = ConnectConfig::from_json(r#"{"server":"n1, n2:1884","port":"1999"}"#).unwrap();
        let labels: Vec<String> = c.brokers.iter().map(|b| b.label()).collect();
        assert_eq!(labels, ["n1:1999", "n2:1884"]);
        assert_eq!(c.placement, Placement::RoundRobin);
        let c = ConnectConfig::from_json(r#"{"brokerPlacement":"client_id_hash"}"#).unwrap();
        assert_eq!(c.placement, Placement::ClientIdHash);
        let e = ConnectConfig::from_json(r#"{"server":"n1, n2:x"}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::Server));
        assert!(e.message.contains("'n2:x': port 'x'"), "{e}");
    }

    #[test]
    fn identity_file_problems_name_the_setting() {
        let e =
            ConnectConfig::from_json(r#"{"identityFile":"/nonexistent/devices.csv"}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::IdentityFile));
        assert!(
            e.message
                .starts_with("cannot read '/nonexistent/devices.csv'"),
            "{e}"
        );
        let dir = std::env::temp_dir().join(format!("mqttload-idfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("certs.csv");
        std::fs::write(&file, "client_id,cert\ndev-1,dev-1.pem\n").unwrap();
        let e = ConnectConfig::from_json(&format!(r#"{{"identityFile":"{}"}}"#, file.display()))
            .unwrap_err();
        assert_eq!(e.setting, Some(Id::IdentityFile));
        assert!(e.message.contains("only SSL and WSS send"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn connect_errors_name_the_setting() {
        let e = ConnectConfig::from_json(&CONNECT.replace("1883", "70000")).unwrap_err();
        assert_eq!(e.setting, Some(Id::Port));
        let e = ConnectConfig::from_json(&CONNECT.replace("\"3.1.1\"", "\"4\"")).unwrap_err();
        assert_eq!(e.setting, Some(Id::Version));
        for server in ["", "tcp://h", "h/x", "a b"] {
            let e = ConnectConfig::from_json(&CONNECT.replace("127.0.0.1", server)).unwrap_err();
            assert_eq!(e.setting, Some(Id::Server), "{server}: {e}");
        }
        let e = ConnectConfig::from_json("{not json").unwrap_err();
        assert!(e.to_string().contains("unreadable"), "{e}");
        let e = ConnectConfig::from_json(
            &CONNECT
                .replace(
                    "\"connections\":3",
                    "\"connections\":3,\"clientIdSuffix\":false",
                )
                .replace("\"clientIdSuffix\":true,", ""),
        )
        .unwrap_err();
        assert_eq!(e.setting, Some(Id::ClientIdSuffix));
    }

    #[test]
    fn a_server_template_is_checked_before_any_connection() {
        let ok =
            ConnectConfig::from_json(&CONNECT.replace("127.0.0.1", "node{{conn.test:2}}")).unwrap();
        assert!(ok.identity.broker.is_some());
        assert_eq!(ok.brokers[0].label(), "node00:1883");
        for (server, says) in [
            ("n{{seq}}", "changes per message"),
            ("n{{conn}},other", "one broker per connection"),
            ("n{{nope}}", "server 'n{{nope}}'"),
            ("tcp://n{{conn}}", "gives 'tcp://n0' should be a host name"),
        ] {
            let e = ConnectConfig::from_json(&CONNECT.replace("127.0.0.1", server)).unwrap_err();
            assert_eq!(e.setting, Some(Id::Server), "{server}: {e}");
            assert!(e.to_string().contains(says), "{server}: {e}");
        }
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
        assert!(c.resumable());
        let will = c.will.unwrap();
        assert_eq!(will.properties.will_delay_interval(), Some(5));
        assert_eq!(will.properties.content_type(), Some("text/plain"));
    }

    #[test]
    fn v5_errors_name_the_setting() {
        let v5 = |extra: &str| {
            ConnectConfig::from_json(
                &with(&format!(r#""v5":{{{extra}}}"#)).replace("\"3.1.1\"", "\"5.0\""),
            )
            .unwrap_err()
            .setting
        };
        assert_eq!(v5(r#""sessionExpiry":-1"#), Some(Id::V5SessionExpiry));
        assert_eq!(v5(r#""receiveMaximum":0"#), Some(Id::V5ReceiveMaximum));
        assert_eq!(
            v5(r#""topicAliasMaximum":70000"#),
            Some(Id::V5TopicAliasMaximum)
        );
        assert_eq!(
            v5(r#""maximumPacketSize":10"#),
            Some(Id::V5MaximumPacketSize)
        );
        assert_eq!(
            v5(r#""userProperties":[["","x"]]"#),
            Some(Id::V5UserProperties)
        );
        assert_eq!(
            v5(r#""userProperties":"nameonly""#),
            Some(Id::V5UserProperties)
        );
    }

    #[test]
    fn every_v5_setting_on_a_3x_connection_names_its_setting() {
        for (v5, id) in [
            (r#""sessionExpiry":60"#, Id::V5SessionExpiry),
            (r#""receiveMaximum":10"#, Id::V5ReceiveMaximum),
            (r#""maximumPacketSize":1024"#, Id::V5MaximumPacketSize),
            (r#""topicAliasMaximum":5"#, Id::V5TopicAliasMaximum),
            (
                r#""requestResponseInformation":true"#,
                Id::V5RequestResponseInformation,
            ),
            (r#""userProperties":[["a","1"]]"#, Id::V5UserProperties),
            (r#""willDelayInterval":5"#, Id::V5WillDelayInterval),
            (r#""willMessageExpiry":30"#, Id::V5WillMessageExpiry),
            (r#""willContentType":"text/plain""#, Id::V5WillContentType),
        ] {
            let json = with(&format!(r#""v5":{{{v5}}}"#));
            let e = ConnectConfig::from_json(&json).unwrap_err();
            assert_eq!(e.setting, Some(id));
            assert!(
                e.message.starts_with(&format!(
                    "needs MQTT 5.0, but {} is 3.1.1",
                    refer(Id::Version)
                )),
                "{e}"
            );
            assert!(ConnectConfig::from_json(&json.replace("\"3.1.1\"", "\"5.0\"")).is_ok());
        }
        // The defaults are fine on 3.x.
        let defaults = r#""v5":{"sessionExpiry":0,"receiveMaximum":65535,"maximumPacketSize":0,
            "topicAliasMaximum":0,"requestResponseInformation":false,
            "userProperties":[],"willDelayInterval":0,"willMessageExpiry":0,"willContentType":""}"#;
        assert!(ConnectConfig::from_json(&with(defaults)).is_ok());
    }

    #[test]
    fn lone_surrogates_name_their_setting() {
        let e =
            ConnectConfig::from_json(&CONNECT.replace("\"conn_\"", r#""c\ud800""#)).unwrap_err();
        assert_eq!(e.setting, Some(Id::ClientIdPrefix));
        assert_eq!(
            e.message,
            "contains a lone UTF-16 surrogate (U+D800) at character 2, which is not valid text"
        );
        let e =
            ConnectConfig::from_json(&CONNECT.replace("\"secret\"", r#""s\udc00""#)).unwrap_err();
        assert_eq!(e.setting, Some(Id::Password));
    }

    #[test]
    fn mqtt_strings_refuse_nul_and_control_characters() {
        for (from, to, id) in [
            (r#""conn_""#, r#""conn\u0000_""#, Id::ClientIdPrefix),
            (r#""u""#, r#""u\u0001""#, Id::Username),
            (
                r#""will":null"#,
                r#""will":{"topic":"w/\u0000"}"#,
                Id::WillTopic,
            ),
        ] {
            let e = ConnectConfig::from_json(&CONNECT.replace(from, to)).unwrap_err();
            assert_eq!(e.setting, Some(id), "{e}");
        }
        let e = ConnectConfig::from_json(&CONNECT.replace("\"3.1.1\"", "\"5.0\"").replace(
            r#""will":null"#,
            r#""will":{"topic":"w"},"v5":{"willContentType":"a\u0000"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.setting, Some(Id::V5WillContentType));
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

    #[test]
    fn identities_may_differ_per_connection() {
        let c = ConnectConfig::from_json(
            r#"{"clientIdPrefix":"dev-{{conn.test:6}}","clientIdSuffix":false,"connections":"3",
                "username":"u{{conn}}","password":"p-{{client_id}}"}"#,
        )
        .unwrap();
        assert!(c.identity.client_id_prefix.is_some() && c.identity.username.is_some());
        assert!(c.identity.per_connection_credentials());
        assert!(
            !format!("{c:?}").contains("p-"),
            "the password's template is a secret"
        );
        let plain = ConnectConfig::from_json(r#"{"username":"u","password":"p"}"#).unwrap();
        assert!(!plain.identity.per_connection_credentials());
        // without a per-connection placeholder, several connections need the suffix
        let e = ConnectConfig::from_json(
            r#"{"clientIdPrefix":"{{client_id}}x","connections":2,"clientIdSuffix":false}"#,
        )
        .unwrap_err();
        assert_eq!(e.setting, Some(Id::ClientIdPrefix));
        let e = ConnectConfig::from_json(
            r#"{"clientIdPrefix":"fixed","connections":2,"clientIdSuffix":false}"#,
        )
        .unwrap_err();
        assert_eq!(e.setting, Some(Id::ClientIdSuffix));
        let e = ConnectConfig::from_json(r#"{"username":"u{{seq}}"}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::Username));
        assert!(e.message.contains("changes per message"), "{e}");
        let e = ConnectConfig::from_json(r#"{"password":"s3cret{{nope}}"}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::Password));
        assert!(!e.message.contains("s3cret"), "{e}");
    }

    #[test]
    fn a_broker_statistics_connection_is_one_clean_connection() {
        let c = ConnectConfig::for_broker_stats(r#"{"port":"1999","clientIdPrefix":""}"#).unwrap();
        assert_eq!((c.port, c.connections, c.clean_session), (1999, 1, true));
        assert_eq!(c.version, ProtocolVersion::V311);
        assert_eq!(c.client_id_prefix, "mqttload_stats_");
        assert!(c.will.is_none());
        let e = ConnectConfig::for_broker_stats(r#"{"connections":5}"#).unwrap_err();
        assert!(e.message.contains("unknown setting 'connections'"), "{e}");
    }
}
