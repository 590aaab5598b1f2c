//! The Publish element's settings -> `PublishConfig`.

use std::time::Duration;

use bytes::Bytes;

use super::connect::qos;
use super::description::Element;
use super::document::Values;
use super::pace::pace;
use super::payload_files::{decode_hex, read_payload_file, read_payload_folder};
use super::{mqtt_string, user_properties};
use crate::codec::{Properties, Property};
use crate::sampler::config::{
    bad, refer, ConfigError, Id, MessageType, PublishConfig, PublishV5, Target, TimestampFormat,
};
use crate::sampler::template::Template;

impl PublishConfig {
    pub fn from_json(json: &str) -> Result<PublishConfig, ConfigError> {
        build(&Values::read(Element::Publish, json)?)
    }
}

fn build(v: &Values) -> Result<PublishConfig, ConfigError> {
    let topic = v.text(Id::Topic)?.to_string();
    let topic_template = topic_template(&topic)?;
    let message_type = match v.text(Id::MessageType)? {
        "Hex string" => MessageType::Hex,
        "Random string with fixed length" => MessageType::RandomFixedLength,
        "File" => MessageType::File,
        "Folder" => MessageType::Folder,
        _ => MessageType::Text,
    };
    let message = v.text(Id::Message)?;
    // Templates apply to String payloads only: other payloads are bytes, sent as they are.
    let body_template = match message_type {
        MessageType::Text => {
            Template::parse(message.as_bytes()).map_err(|m| bad(Id::Message, m))?
        }
        _ => None,
    };
    let mut files = Vec::new();
    let body = match message_type {
        MessageType::Text => Bytes::from(message.as_bytes().to_vec()),
        MessageType::Hex => Bytes::from(decode_hex(message).map_err(|m| bad(Id::Message, m))?),
        MessageType::RandomFixedLength => Bytes::new(),
        MessageType::File => read_payload_file(v.text(Id::PayloadFile)?)?,
        MessageType::Folder => {
            files = read_payload_folder(v.text(Id::PayloadFolder)?)?;
            Bytes::new()
        }
    };
    let timestamp = match v.opt_text(Id::Timestamp)? {
        Some("precise") => TimestampFormat::Precise,
        Some("xmeter") => TimestampFormat::XMeter,
        Some(_) => TimestampFormat::None,
        // Plans made for the XMeter plugin have only its switch.
        None if v.bool(Id::AddTimestamp)? => TimestampFormat::XMeter,
        None => TimestampFormat::None,
    };
    let fixed_length: usize = v.num(Id::FixedLength)?;
    let max_length: Option<usize> = v.opt_num(Id::MaxLength)?;
    if max_length.is_some_and(|m| m < fixed_length) {
        return Err(bad(
            Id::MaxLength,
            format!(
                "must be at least {} ({fixed_length})",
                refer(Id::FixedLength)
            ),
        ));
    }
    let end_marker = v.bool(Id::EndMarker)?;
    if end_marker && timestamp != TimestampFormat::Precise {
        return Err(bad(
            Id::EndMarker,
            format!(
                "end markers count the precise format's numbered messages: set {} to precise",
                refer(Id::Timestamp)
            ),
        ));
    }
    Ok(PublishConfig {
        topic,
        qos: qos(v, Id::Qos)?,
        retain: v.bool(Id::Retain)?,
        message_type,
        body,
        fixed_length,
        max_length,
        fresh_random: v.bool(Id::FreshRandom)?,
        timestamp,
        messages_per_sample: v.num(Id::MessagesPerSample)?,
        target: match v.text(Id::Target)? {
            "round_robin" => Target::RoundRobin,
            _ => Target::All,
        },
        ack_timeout: Duration::from_millis(v.num(Id::AckTimeoutMs)?),
        end_marker,
        v5: publish_v5(v)?,
        topic_template,
        body_template,
        files,
        pace: pace(v)?,
    })
}

fn topic_template(topic: &str) -> Result<Option<Template>, ConfigError> {
    if topic.is_empty() {
        return Err(bad(Id::Topic, "a topic is required"));
    }
    mqtt_string(Id::Topic, "topic", topic)?;
    let template = Template::parse(topic.as_bytes())
        .map_err(|m| bad(Id::Topic, format!("topic '{topic}': {m}")))?;
    // What stays of the topic around its placeholders (a value is one or more levels).
    let fixed = template
        .as_ref()
        .map_or_else(|| topic.to_string(), |t| t.with_stand_ins("0"));
    if fixed.contains(['+', '#']) {
        return Err(bad(
            Id::Topic,
            format!("'{topic}': a publish topic cannot hold wildcards (+ or #)"),
        ));
    }
    if fixed.len() > usize::from(u16::MAX) {
        return Err(bad(Id::Topic, "topic is longer than 65535 bytes"));
    }
    Ok(template)
}

fn publish_v5(v: &Values) -> Result<PublishV5, ConfigError> {
    let mut props = Properties::new();
    let mut first = None;
    let mut note = |f: &'static str| {
        first.get_or_insert(f);
    };
    let content_type = v.text(Id::V5ContentType)?;
    mqtt_string(Id::V5ContentType, "content type", content_type)?;
    if !content_type.is_empty() {
        note("content type");
        props.push(Property::ContentType(content_type.to_string()));
    }
    let users = user_properties(Id::V5UserProperties, v.pairs(Id::V5UserProperties)?)?;
    if !users.is_empty() {
        note("user properties");
    }
    props.0.extend(users);
    let expiry: u32 = v.num(Id::V5MessageExpiry)?;
    if expiry > 0 {
        note("message expiry");
        props.push(Property::MessageExpiryInterval(expiry));
    }
    let response_topic = v.text(Id::V5ResponseTopic)?;
    mqtt_string(Id::V5ResponseTopic, "response topic", response_topic)?;
    if !response_topic.is_empty() {
        if response_topic.contains(['+', '#']) {
            return Err(bad(
                Id::V5ResponseTopic,
                "a response topic cannot hold wildcards (+ or #)",
            ));
        }
        note("response topic");
        props.push(Property::ResponseTopic(response_topic.to_string()));
    }
    let correlation = v.text(Id::V5CorrelationData)?;
    if !correlation.is_empty() {
        note("correlation data");
        props.push(Property::CorrelationData(Bytes::from(
            correlation.as_bytes().to_vec(),
        )));
    }
    if v.bool(Id::V5PayloadFormatUtf8)? {
        note("payload format indicator");
        props.push(Property::PayloadFormatIndicator(1));
    }
    let topic_alias = v.bool(Id::V5TopicAlias)?;
    if topic_alias {
        note("topic alias");
    }
    Ok(PublishV5 {
        properties: props,
        topic_alias,
        first_feature: first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use crate::sampler::config::MAX_PAYLOAD;

    fn err(json: &str) -> ConfigError {
        PublishConfig::from_json(json).unwrap_err()
    }

    #[test]
    fn end_markers_need_the_precise_format() {
        let e = err(r#"{"topic":"t","endMarker":true}"#);
        assert_eq!(e.setting, Some(Id::EndMarker));
        let c = PublishConfig::from_json(r#"{"topic":"t","endMarker":true,"timestamp":"precise"}"#)
            .unwrap();
        assert!(c.end_marker);
    }

    #[test]
    fn the_xmeter_switch_stands_in_for_the_format() {
        let c = |json| PublishConfig::from_json(json).unwrap().timestamp;
        assert_eq!(
            c(r#"{"topic":"t","addTimestamp":"true"}"#),
            TimestampFormat::XMeter
        );
        assert_eq!(
            c(r#"{"topic":"t","addTimestamp":"true","timestamp":"none"}"#),
            TimestampFormat::None
        );
        assert_eq!(
            c(r#"{"topic":"t","addTimestamp":"false","timestamp":" "}"#),
            TimestampFormat::None
        );
        assert_eq!(
            c(r#"{"topic":"t","timestamp":"PRECISE"}"#),
            TimestampFormat::Precise
        );
    }

    #[test]
    fn lone_surrogates_name_their_setting() {
        let e = err(r#"{"topic":"a/\ud800"}"#);
        assert_eq!(e.setting, Some(Id::Topic));
        assert_eq!(
            e.message,
            "contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        assert_eq!(
            err(r#"{"topic":"t","message":"x\ud800y"}"#).setting,
            Some(Id::Message)
        );
    }

    #[test]
    fn mqtt_strings_refuse_nul_and_control_characters() {
        let e = err(r#"{"topic":"a/b\u0000"}"#);
        assert_eq!(
            e.message,
            r"topic 'a/b\u0000' contains U+0000 (NUL) at character 4, which MQTT does not allow"
        );
        for (v5, id) in [
            (r#""responseTopic":"r\u0000""#, Id::V5ResponseTopic),
            (r#""contentType":"\u0007""#, Id::V5ContentType),
            (r#""userProperties":[["a","\u0000"]]"#, Id::V5UserProperties),
            (r#""userProperties":[["\u001b","b"]]"#, Id::V5UserProperties),
        ] {
            let e = err(&format!(r#"{{"topic":"t","v5":{{{v5}}}}}"#));
            assert_eq!(e.setting, Some(id), "{e}");
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
            r#"{"topic":" t ","qos":2,"messageType":"hex STRING","message":"de ad BE EF","timestamp":"precise","messagesPerSample":5,"target":"round_robin"}"#,
        )
        .unwrap();
        assert_eq!(p.topic, "t");
        assert_eq!(p.qos, QoS::ExactlyOnce);
        assert_eq!(p.message_type, MessageType::Hex);
        assert_eq!(&p.body[..], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(p.timestamp, TimestampFormat::Precise);
        assert_eq!(p.target, Target::RoundRobin);
        assert_eq!(p.messages_per_sample, 5);
    }

    #[test]
    fn publish_errors_name_the_setting() {
        assert_eq!(err(r#"{"topic":"a/#"}"#).setting, Some(Id::Topic));
        assert_eq!(err(r#"{"topic":" "}"#).setting, Some(Id::Topic));
        assert_eq!(err(r#"{"topic":"a","qos":3}"#).setting, Some(Id::Qos));
        let e = err(r#"{"topic":"a","messageType":"Hex string","message":"abc"}"#);
        assert!(e.message.contains("odd"), "{e}");
        let e = err(r#"{"topic":"a","messageType":"Hex string","message":"zz"}"#);
        assert!(e.message.contains("'zz'"), "{e}");
        let e = err(&format!(
            r#"{{"topic":"a","messageType":"Random string with fixed length","fixedLength":{}}}"#,
            MAX_PAYLOAD + 1
        ));
        assert_eq!(e.setting, Some(Id::FixedLength));
        assert_eq!(
            err(r#"{"topic":"a","v5":{"messageExpiry":-5}}"#).setting,
            Some(Id::V5MessageExpiry)
        );
    }

    #[test]
    fn random_payloads_may_vary_in_length() {
        let random =
            r#""topic":"t","messageType":"Random string with fixed length","fixedLength":"10""#;
        let p = PublishConfig::from_json(&format!("{{{random},\"maxLength\":\"20\"}}")).unwrap();
        assert_eq!((p.fixed_length, p.max_length), (10, Some(20)));
        let p = PublishConfig::from_json(&format!("{{{random},\"maxLength\":\"\"}}")).unwrap();
        assert_eq!(p.max_length, None);
        let e = err(&format!("{{{random},\"maxLength\":\"9\"}}"));
        assert_eq!(e.setting, Some(Id::MaxLength));
        // not read for other payloads
        let p = PublishConfig::from_json(r#"{"topic":"t","maxLength":"1"}"#).unwrap();
        assert_eq!(p.max_length, None);
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
        let e = err(r#"{"topic":"t/{{nope}}"}"#);
        assert_eq!(e.setting, Some(Id::Topic));
        assert!(e.message.contains("unknown placeholder '{{nope}}'"), "{e}");
        assert_eq!(
            err(r#"{"topic":"t","message":"{{random:9:1}}"}"#).setting,
            Some(Id::Message)
        );
        assert!(err(r#"{"topic":"+/{{conn}}"}"#)
            .message
            .contains("wildcards"));
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
        let e = err(&format!(
            r#"{{"topic":"t","messageType":"File","payloadFile":{}}}"#,
            json(&missing.to_string_lossy())
        ));
        assert_eq!(e.setting, Some(Id::PayloadFile));
        assert!(e.message.contains("missing.bin"), "{e}");
        assert_eq!(
            err(r#"{"topic":"t","messageType":"File"}"#).setting,
            Some(Id::PayloadFile)
        );
        let e = err(&format!(
            r#"{{"topic":"t","messageType":"Folder","payloadFolder":{}}}"#,
            json(&dir.join("sub").to_string_lossy())
        ));
        assert_eq!(e.setting, Some(Id::PayloadFolder));
        assert!(e.message.contains("holds no file"), "{e}");
        let big = dir.join("sub").join("big.bin");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_PAYLOAD as u64 + 1)
            .unwrap();
        let e = err(&format!(
            r#"{{"topic":"t","messageType":"File","payloadFile":{}}}"#,
            json(&big.to_string_lossy())
        ));
        assert!(
            e.message.contains("big.bin") && e.message.contains("limit"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
