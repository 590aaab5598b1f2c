//! The Publish element's settings (publishJson).

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

use super::pace::{Pace, PaceJson};
use super::{
    bad, mqtt_string, one, parse_json, qos, ten_thousand, u32_setting, user_properties,
    ConfigError, Fields,
};
use crate::codec::{Properties, Property, QoS};
use crate::sampler::template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Text,
    Hex,
    RandomFixedLength,
    /// One file's exact bytes.
    File,
    /// The files of a folder, one per message in turn.
    Folder,
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

/// publishJson's keys and the properties they carry.
const FIELDS: Fields = &[
    ("topic", "mqtt.topic_name"),
    ("qos", "mqtt.qos_level"),
    ("retain", "mqtt.retained_message"),
    ("messageType", "mqtt.message_type"),
    ("message", "mqtt.message_to_sent"),
    ("fixedLength", "mqtt.message_type_fixed_length"),
    ("freshRandom", "mqtt.random_per_message"),
    ("timestamp", "mqtt.timestamp_format"),
    ("messagesPerSample", "mqtt.messages_per_sample"),
    ("target", "mqtt.publish_target"),
    ("ackTimeoutMs", "mqtt.ack_timeout"),
    ("endMarker", "mqtt.end_marker"),
    ("v5.messageExpiry", "mqtt.message_expiry"),
    ("v5.contentType", "mqtt.content_type"),
    ("v5.payloadFormatUtf8", "mqtt.payload_format_utf8"),
    ("v5.responseTopic", "mqtt.response_topic"),
    ("v5.correlationData", "mqtt.correlation_data"),
    ("v5.userProperties", "mqtt.user_properties"),
    ("v5.topicAlias", "mqtt.use_topic_alias"),
    ("payloadFile", "mqtt.payload_file"),
    ("payloadFolder", "mqtt.payload_folder"),
    ("pace.mode", "mqtt.pace_mode"),
    ("pace.intervalMs", "mqtt.pace_interval_ms"),
    ("pace.rate", "mqtt.pace_rate"),
    ("pace.durationMs", "mqtt.pace_duration_ms"),
    ("pace.messages", "mqtt.pace_messages"),
];

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
    end_marker: bool,
    #[serde(default)]
    v5: Option<PublishV5Json>,
    #[serde(default)]
    pace: Option<PaceJson>,
    #[serde(default)]
    payload_file: String,
    #[serde(default)]
    payload_folder: String,
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
        mqtt_string("mqtt.content_type", "content type", &self.content_type)?;
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
        mqtt_string(
            "mqtt.response_topic",
            "response topic",
            &self.response_topic,
        )?;
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
    /// Send each stream's end marker when the group disconnects (precise timestamps only).
    pub end_marker: bool,
    pub v5: PublishV5,
    /// The topic's placeholders, when it holds any.
    pub topic_template: Option<Template>,
    /// A String payload's placeholders, when it holds any.
    pub body_template: Option<Template>,
    /// Folder: every file's bytes, in name order.
    pub files: Vec<Bytes>,
    /// Paced (open-loop) publishing; None = burst (messages_per_sample as fast as possible).
    pub pace: Option<Pace>,
}

impl PublishConfig {
    pub fn from_json(json: &str) -> Result<PublishConfig, ConfigError> {
        let j: PublishJson = parse_json("publish settings", FIELDS, json)?;
        if j.topic.is_empty() {
            return Err(bad("mqtt.topic_name", "topic is empty"));
        }
        mqtt_string("mqtt.topic_name", "topic", &j.topic)?;
        let topic_template = Template::parse(j.topic.as_bytes())
            .map_err(|m| bad("mqtt.topic_name", format!("topic '{}': {m}", j.topic)))?;
        // What stays of the topic around its placeholders (a value is one or more levels).
        let fixed_topic = topic_template
            .as_ref()
            .map_or_else(|| j.topic.clone(), |t| t.with_stand_ins("0"));
        if fixed_topic.contains('+') || fixed_topic.contains('#') {
            return Err(bad(
                "mqtt.topic_name",
                format!(
                    "'{}': a publish topic cannot hold wildcards (+ or #)",
                    j.topic
                ),
            ));
        }
        if fixed_topic.len() > usize::from(u16::MAX) {
            return Err(bad("mqtt.topic_name", "topic is longer than 65535 bytes"));
        }
        let message_type = match j.message_type.trim() {
            "String" => MessageType::Text,
            "Hex string" => MessageType::Hex,
            "Random string with fixed length" => MessageType::RandomFixedLength,
            "File" => MessageType::File,
            "Folder" => MessageType::Folder,
            other => {
                return Err(bad(
                    "mqtt.message_type",
                    format!(
                    "'{other}' is not one of String, Hex string, Random string with fixed length, File, Folder"
                ),
                ))
            }
        };
        // Templates apply to String payloads only: other payloads are bytes, sent as they are.
        let body_template = match message_type {
            MessageType::Text => {
                Template::parse(j.message.as_bytes()).map_err(|m| bad("mqtt.message_to_sent", m))?
            }
            _ => None,
        };
        let mut files = Vec::new();
        let body = match message_type {
            MessageType::Text => Bytes::from(j.message.into_bytes()),
            MessageType::Hex => {
                Bytes::from(decode_hex(&j.message).map_err(|m| bad("mqtt.message_to_sent", m))?)
            }
            MessageType::RandomFixedLength => Bytes::new(),
            MessageType::File => read_payload_file(&j.payload_file)?,
            MessageType::Folder => {
                files = read_payload_folder(&j.payload_folder)?;
                Bytes::new()
            }
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
        if j.end_marker && timestamp != TimestampFormat::Precise {
            return Err(bad(
                "mqtt.end_marker",
                "end markers count the precise format's numbered messages: set mqtt.timestamp_format to precise",
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
            end_marker: j.end_marker,
            v5: j.v5.unwrap_or_default().into_v5()?,
            topic_template,
            body_template,
            files,
            pace: match j.pace {
                Some(p) => p.into_pace()?,
                None => None,
            },
        })
    }
}

/// All of a Folder payload's files together: a folder that holds more is almost certainly not
/// the one meant, and each file stays in memory for the whole test.
pub const MAX_FOLDER_BYTES: usize = 256 * 1024 * 1024;

/// A File payload: the file's exact bytes, read once when the element is created.
fn read_payload_file(path: &str) -> Result<Bytes, ConfigError> {
    const KEY: &str = "mqtt.payload_file";
    if path.trim().is_empty() {
        return Err(bad(KEY, "message type File needs a payload file"));
    }
    read_limited(KEY, std::path::Path::new(path))
}

fn read_limited(key: &'static str, path: &std::path::Path) -> Result<Bytes, ConfigError> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| bad(key, format!("cannot read '{shown}': {e}")))?;
    if !meta.is_file() {
        return Err(bad(key, format!("'{shown}' is not a regular file")));
    }
    if meta.len() > MAX_PAYLOAD as u64 {
        return Err(bad(
            key,
            format!(
                "'{shown}' is {} bytes, more than the {MAX_PAYLOAD}-byte (16 MiB) payload limit",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(key, format!("cannot read '{shown}': {e}")))?;
    if bytes.len() > MAX_PAYLOAD {
        return Err(bad(key, format!("'{shown}' grew past 16 MiB while read")));
    }
    Ok(Bytes::from(bytes))
}

/// A Folder payload: every regular file in it (not in subfolders; hidden ones, named with a
/// leading dot, skipped), in name order.
fn read_payload_folder(path: &str) -> Result<Vec<Bytes>, ConfigError> {
    const KEY: &str = "mqtt.payload_folder";
    if path.trim().is_empty() {
        return Err(bad(KEY, "message type Folder needs a payload folder"));
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| bad(KEY, format!("cannot read folder '{path}': {e}")))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| bad(KEY, format!("cannot read folder '{path}': {e}")))?;
        let p = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            names.push(p);
        }
    }
    if names.is_empty() {
        return Err(bad(KEY, format!("folder '{path}' holds no file to send")));
    }
    names.sort();
    let mut total = 0usize;
    let mut files = Vec::with_capacity(names.len());
    for p in names {
        let b = read_limited(KEY, &p)?;
        total += b.len();
        if total > MAX_FOLDER_BYTES {
            return Err(bad(
                KEY,
                format!("the files of '{path}' hold more than {MAX_FOLDER_BYTES} bytes (256 MiB) together"),
            ));
        }
        files.push(b);
    }
    Ok(files)
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

#[cfg(test)]
mod tests {
    use super::super::json::tests::assert_fields_named;
    use super::*;

    #[test]
    fn end_markers_need_the_precise_format() {
        let e = PublishConfig::from_json(r#"{"topic":"t","endMarker":true}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.end_marker");
        let c = PublishConfig::from_json(r#"{"topic":"t","endMarker":true,"timestamp":"precise"}"#)
            .unwrap();
        assert!(c.end_marker);
    }

    #[test]
    fn unreadable_values_name_their_property() {
        assert_fields_named(
            FIELDS,
            &[],
            r#"{"topic":"t","qos":0,"retain":false,"messageType":"String","message":"","fixedLength":1024,
              "freshRandom":false,"timestamp":"none","messagesPerSample":1,"target":"all","ackTimeoutMs":10000,"endMarker":false,
              "v5":{"messageExpiry":0,"contentType":"","payloadFormatUtf8":false,"responseTopic":"",
              "correlationData":"","userProperties":[],"topicAlias":false},"payloadFile":"","payloadFolder":"",
              "pace":{"mode":"interval","intervalMs":100,"rate":0,"durationMs":1000,"messages":0}}"#,
            PublishConfig::from_json,
        );
        let e = PublishConfig::from_json(r#"{"topic":"a/\ud800"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mqtt.topic_name: contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        let e = PublishConfig::from_json(r#"{"topic":"t","message":"x\ud800y"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.message_to_sent");
    }

    #[test]
    fn mqtt_strings_refuse_nul_and_control_characters() {
        let e = PublishConfig::from_json(r#"{"topic":"a/b\u0000"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            r"mqtt.topic_name: topic 'a/b\u0000' contains U+0000 (NUL) at character 4, which MQTT does not allow"
        );
        for (v5, field) in [
            (r#""responseTopic":"r\u0000""#, "mqtt.response_topic"),
            (r#""contentType":"\u0007""#, "mqtt.content_type"),
            (
                r#""userProperties":[["a","\u0000"]]"#,
                "mqtt.user_properties",
            ),
            (
                r#""userProperties":[["\u001b","b"]]"#,
                "mqtt.user_properties",
            ),
        ] {
            let e =
                PublishConfig::from_json(&format!(r#"{{"topic":"t","v5":{{{v5}}}}}"#)).unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
        // Payloads and correlation data are bytes.
        let p = PublishConfig::from_json(
            r#"{"topic":"t","message":"\u0000\u0001","v5":{"correlationData":"\u0000"}}"#,
        )
        .unwrap();
        assert_eq!(&p.body[..], b"\0\x01");
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
    fn v5_settings_parse() {
        let p = PublishConfig::from_json(
            r#"{"topic":"t","v5":{"messageExpiry":3,"correlationData":"id","topicAlias":true}}"#,
        )
        .unwrap();
        assert_eq!(p.v5.properties.message_expiry_interval(), Some(3));
        assert_eq!(p.v5.first_feature, Some("message expiry"));
        assert!(p.v5.topic_alias);
    }

    #[test]
    fn templates_are_parsed_and_checked() {
        let p = PublishConfig::from_json(
            r#"{"topic":"t/{{conn}}","message":"{\"id\":\"{{client_id}}\",\"n\":{{seq}}}"}"#,
        )
        .unwrap();
        assert!(p.topic_template.is_some());
        assert!(p.body_template.as_ref().is_some_and(|t| t.uses_seq()));
        let plain = PublishConfig::from_json(r#"{"topic":"t/${x}","message":"{}"}"#).unwrap();
        assert!(plain.topic_template.is_none() && plain.body_template.is_none());
        let e = PublishConfig::from_json(r#"{"topic":"t/{{nope}}"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.topic_name");
        assert!(e.message.contains("unknown placeholder '{{nope}}'"), "{e}");
        let e =
            PublishConfig::from_json(r#"{"topic":"t","message":"{{random:9:1}}"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.message_to_sent");
        let e = PublishConfig::from_json(r#"{"topic":"+/{{conn}}"}"#).unwrap_err();
        assert!(e.message.contains("wildcards"), "{e}");
        // Hex payloads are bytes: braces there are data.
        let h = PublishConfig::from_json(
            r#"{"topic":"t","messageType":"Hex string","message":"7b7b"}"#,
        )
        .unwrap();
        assert!(h.body_template.is_none());
    }

    #[test]
    fn file_and_folder_payloads() {
        let dir = std::env::temp_dir().join(format!("mqttload-payloads-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.bin"), [0u8, 0xff, 0x7b, 0x7b]).unwrap();
        std::fs::write(dir.join("a.bin"), b"{{seq}}").unwrap();
        std::fs::write(dir.join(".hidden"), b"x").unwrap();
        let json = |v: &str| serde_json::to_string(v).unwrap();
        let f = PublishConfig::from_json(&format!(
            r#"{{"topic":"t","messageType":"File","payloadFile":{}}}"#,
            json(&dir.join("b.bin").to_string_lossy())
        ))
        .unwrap();
        assert_eq!(f.message_type, MessageType::File);
        assert_eq!(&f.body[..], &[0u8, 0xff, 0x7b, 0x7b]);
        assert!(f.body_template.is_none());
        let d = PublishConfig::from_json(&format!(
            r#"{{"topic":"t","messageType":"Folder","payloadFolder":{}}}"#,
            json(&dir.to_string_lossy())
        ))
        .unwrap();
        assert_eq!(d.files.len(), 2);
        assert_eq!(&d.files[0][..], b"{{seq}}");
        assert_eq!(&d.files[1][..], &[0u8, 0xff, 0x7b, 0x7b]);

        let missing = dir.join("missing.bin");
        let e = PublishConfig::from_json(&format!(
            r#"{{"topic":"t","messageType":"File","payloadFile":{}}}"#,
            json(&missing.to_string_lossy())
        ))
        .unwrap_err();
        assert_eq!(e.field, "mqtt.payload_file");
        assert!(e.message.contains("missing.bin"), "{e}");
        let e = PublishConfig::from_json(r#"{"topic":"t","messageType":"File"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.payload_file");
        let e = PublishConfig::from_json(&format!(
            r#"{{"topic":"t","messageType":"Folder","payloadFolder":{}}}"#,
            json(&dir.join("sub").to_string_lossy())
        ))
        .unwrap_err();
        assert_eq!(e.field, "mqtt.payload_folder");
        assert!(e.message.contains("holds no file"), "{e}");
        let big = dir.join("sub").join("big.bin");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_PAYLOAD as u64 + 1)
            .unwrap();
        let e = PublishConfig::from_json(&format!(
            r#"{{"topic":"t","messageType":"File","payloadFile":{}}}"#,
            json(&big.to_string_lossy())
        ))
        .unwrap_err();
        assert!(
            e.message.contains("big.bin") && e.message.contains("limit"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn v5_errors_name_the_java_key() {
        let e = PublishConfig::from_json(r#"{"topic":"t","v5":{"messageExpiry":-5}}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.message_expiry");
    }
}
