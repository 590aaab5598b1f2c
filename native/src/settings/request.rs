//! The Request element's settings -> `RequestConfig`.

use std::time::Duration;

use bytes::Bytes;

use super::connect::qos;
use super::description::Element;
use super::document::Values;
use super::mqtt_string;
use crate::sampler::config::{bad, ConfigError, Id, ReplyCheck, RequestConfig};
use crate::sampler::template::{Extra, Template};

/// A regular expression's compiled size at most (the regex crate's own default is 10 MiB): a
/// check is run on every reply, so one that needs more is a mistake, not a test.
const MAX_REGEX_BYTES: usize = 1 << 20;

impl RequestConfig {
    pub fn from_json(json: &str) -> Result<RequestConfig, ConfigError> {
        build(&Values::read(Element::Request, json)?)
    }
}

fn build(v: &Values) -> Result<RequestConfig, ConfigError> {
    let topic = v.text(Id::ReqTopic)?.to_string();
    let topic_template = request_topic(&topic)?;
    let payload = v.text(Id::ReqPayload)?;
    let payload_template = Template::parse_with(payload.as_bytes(), &[Extra::Target])
        .map_err(|m| bad(Id::ReqPayload, m))?;
    let reply_topic = v.text(Id::ReqReplyTopic)?.to_string();
    let reply_template = reply_topic_template(&reply_topic)?;
    let rate = v.decimal(Id::ReqRate)?;
    Ok(RequestConfig {
        topic,
        topic_template,
        qos: qos(v, Id::ReqQos)?,
        targets: v.num(Id::ReqTargets)?,
        per_sample: v.num(Id::ReqPerSample)?,
        rate: (rate > 0.0).then_some(rate),
        timeout: Duration::from_millis(v.num(Id::ReqTimeoutMs)?),
        payload: Bytes::from(payload.as_bytes().to_vec()),
        payload_template,
        reply_topic,
        reply_template,
        check: check(v)?,
    })
}

fn request_topic(topic: &str) -> Result<Option<Template>, ConfigError> {
    let id = Id::ReqTopic;
    if topic.is_empty() {
        return Err(bad(id, "a request topic is required"));
    }
    mqtt_string(id, "topic", topic)?;
    let template = Template::parse_with(topic.as_bytes(), &[Extra::Target])
        .map_err(|m| bad(id, format!("topic '{topic}': {m}")))?;
    let fixed = template
        .as_ref()
        .map_or_else(|| topic.to_string(), |t| t.with_stand_ins("0"));
    if fixed.contains(['+', '#']) {
        return Err(bad(
            id,
            format!("'{topic}': a request topic cannot hold wildcards (+ or #)"),
        ));
    }
    if fixed.len() > usize::from(u16::MAX) {
        return Err(bad(id, "topic is longer than 65535 bytes"));
    }
    Ok(template)
}

/// The reply topic: per connection at most, since it is subscribed to before the first request.
fn reply_topic_template(topic: &str) -> Result<Option<Template>, ConfigError> {
    let id = Id::ReqReplyTopic;
    if topic.is_empty() {
        return Err(bad(id, "a reply topic is required"));
    }
    mqtt_string(id, "reply topic", topic)?;
    let template = Template::parse(topic.as_bytes())
        .map_err(|m| bad(id, format!("reply topic '{topic}': {m}")))?;
    if let Some(p) = template.as_ref().and_then(Template::first_per_message) {
        return Err(bad(
            id,
            format!(
                "reply topic '{topic}': {p} changes per message; a reply topic is subscribed to \
                 once per connection and can hold only {{{{conn}}}}, {{{{conn.test}}}} and \
                 {{{{client_id}}}}"
            ),
        ));
    }
    let fixed = template
        .as_ref()
        .map_or_else(|| topic.to_string(), |t| t.with_stand_ins("0"));
    if fixed.contains(['+', '#']) {
        return Err(bad(
            id,
            format!("'{topic}': a reply topic cannot hold wildcards (+ or #)"),
        ));
    }
    // MQTT 3.1/3.1.1 requests carry it in the mqrq header, which ends at the first ';'.
    if fixed.contains(';') {
        return Err(bad(
            id,
            format!("'{topic}': a reply topic cannot hold ';' (it ends the mqrq header)"),
        ));
    }
    Ok(template)
}

fn check(v: &Values) -> Result<ReplyCheck, ConfigError> {
    let value = v.text(Id::ReqCheckValue)?;
    let bytes = || Bytes::from(value.as_bytes().to_vec());
    Ok(match v.text(Id::ReqCheck)? {
        "contains" => ReplyCheck::Contains(bytes()),
        "equals" => ReplyCheck::Equals(bytes()),
        "regex" => ReplyCheck::Regex(
            regex_lite::RegexBuilder::new(value)
                .size_limit(MAX_REGEX_BYTES)
                .build()
                .map_err(|e| {
                    // The crate's message spans lines (the pattern, a caret, the error).
                    let why = e.to_string().replace('\n', " ");
                    bad(
                        Id::ReqCheckValue,
                        format!("not a regular expression: {why}"),
                    )
                })?,
        ),
        _ => ReplyCheck::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use crate::sampler::template::{ExtraVars, Vars};

    fn err(json: &str) -> ConfigError {
        RequestConfig::from_json(json).unwrap_err()
    }

    fn vars() -> Vars<'static> {
        Vars {
            conn: 1,
            conn_test: 7,
            client_id: "cmd_1",
            seq: 3,
        }
    }

    #[test]
    fn defaults_make_a_working_request() {
        let c = RequestConfig::from_json("{}").unwrap();
        assert_eq!(c.topic, "requests/{{target}}");
        assert_eq!((c.qos, c.targets, c.per_sample), (QoS::AtLeastOnce, 1, 1));
        assert_eq!((c.rate, c.timeout), (None, Duration::from_secs(5)));
        let reply = c.reply_template.as_ref().unwrap();
        assert_eq!(reply.expand_string(&vars()), "replies/cmd_1");
        let payload = c.payload_template.as_ref().unwrap();
        assert_eq!(
            payload.expand_string(&vars()),
            r#"{"command":"ping","seq":3}"#
        );
        assert!(matches!(c.check, ReplyCheck::None));
    }

    #[test]
    fn targets_are_placeholders_of_the_topic_and_payload() {
        let c = RequestConfig::from_json(
            r#"{"req":{"topic":"devices/dev-{{target:6}}/req","targets":"10000","payload":"to {{target}}","rate":"1000.5"}}"#,
        )
        .unwrap();
        let extra = ExtraVars {
            target: 42,
            request: b"",
        };
        let topic = c.topic_template.as_ref().unwrap();
        assert_eq!(
            topic.expand_string_with(&vars(), &extra),
            "devices/dev-000042/req"
        );
        let payload = c.payload_template.as_ref().unwrap();
        assert_eq!(payload.expand_string_with(&vars(), &extra), "to 42");
        assert_eq!((c.targets, c.rate), (10_000, Some(1000.5)));
    }

    #[test]
    fn bad_topics_name_their_setting() {
        for (json, id, words) in [
            (r#"{"req":{"topic":" "}}"#, Id::ReqTopic, "required"),
            (r#"{"req":{"topic":"a/+"}}"#, Id::ReqTopic, "wildcards"),
            (
                r#"{"req":{"topic":"a/{{nope}}"}}"#,
                Id::ReqTopic,
                "{{target}}",
            ),
            (r#"{"req":{"topic":"a/\u0000"}}"#, Id::ReqTopic, "U+0000"),
            (
                r#"{"req":{"payload":"{{request}}"}}"#,
                Id::ReqPayload,
                "unknown",
            ),
            (
                r#"{"req":{"replyTopic":""}}"#,
                Id::ReqReplyTopic,
                "required",
            ),
            (
                r#"{"req":{"replyTopic":"r/{{seq}}"}}"#,
                Id::ReqReplyTopic,
                "per message",
            ),
            (
                r#"{"req":{"replyTopic":"r/{{target}}"}}"#,
                Id::ReqReplyTopic,
                "unknown",
            ),
            (
                r#"{"req":{"replyTopic":"r/#"}}"#,
                Id::ReqReplyTopic,
                "wildcards",
            ),
            (r#"{"req":{"replyTopic":"r;x"}}"#, Id::ReqReplyTopic, "';'"),
            (r#"{"req":{"qos":"3"}}"#, Id::ReqQos, "0, 1 or 2"),
            (r#"{"req":{"targets":"0"}}"#, Id::ReqTargets, "between 1"),
            (r#"{"req":{"rate":"-1"}}"#, Id::ReqRate, "between 0"),
        ] {
            let e = err(json);
            assert_eq!(e.setting, Some(id), "{json}: {e}");
            assert!(e.message.contains(words), "{json}: {e}");
        }
    }

    #[test]
    fn reply_checks_parse_and_a_bad_regex_is_named() {
        let c = |json: &str| RequestConfig::from_json(json).unwrap().check;
        assert!(matches!(
            c(r#"{"req":{"check":"contains","checkValue":"ok"}}"#),
            ReplyCheck::Contains(b) if &b[..] == b"ok"
        ));
        assert!(matches!(
            c(r#"{"req":{"check":"EQUALS","checkValue":"ok"}}"#),
            ReplyCheck::Equals(_)
        ));
        assert!(matches!(
            c(r#"{"req":{"check":"regex","checkValue":"^ok \\d+$"}}"#),
            ReplyCheck::Regex(_)
        ));
        // the value is not read without a check
        assert!(matches!(
            c(r#"{"req":{"check":"none","checkValue":"("}}"#),
            ReplyCheck::None
        ));
        let e = err(r#"{"req":{"check":"regex","checkValue":"(ok"}}"#);
        assert_eq!(e.setting, Some(Id::ReqCheckValue));
        assert!(
            e.message.starts_with("not a regular expression: ") && !e.message.contains('\n'),
            "{e}"
        );
        assert_eq!(
            err(r#"{"req":{"check":"sometimes"}}"#).setting,
            Some(Id::ReqCheck)
        );
    }
}
