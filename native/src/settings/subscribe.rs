//! The Subscribe element's settings -> `SubscribeConfig`, and the filter list Subscribe and
//! Unsubscribe share.

use std::time::Duration;

use super::connect::qos;
use super::description::Element;
use super::document::Values;
use super::mqtt_string;
use crate::client::validate_filter;
use crate::codec::RetainHandling;
use crate::sampler::config::{bad, Condition, ConfigError, Id, SubscribeConfig, SubscribeV5};
use crate::sampler::template::Template;

/// When no value is given: a second of messages, or the first message.
const DEFAULT_ELAPSED_MS: u64 = 1000;
const DEFAULT_COUNT: u64 = 1;

impl SubscribeConfig {
    pub fn from_json(json: &str) -> Result<SubscribeConfig, ConfigError> {
        build(&Values::read(Element::Subscribe, json)?)
    }
}

fn build(v: &Values) -> Result<SubscribeConfig, ConfigError> {
    let (topics, topic_templates) = topic_filters(
        Id::Topics,
        v.text(Id::Topics)?,
        "at least one topic (filter) is required",
    )?;
    let value: Option<u64> = v.opt_num(Id::ConditionValue)?;
    let condition = match v.text(Id::Condition)? {
        "number of received messages" => Condition::Count(value.unwrap_or(DEFAULT_COUNT)),
        _ => Condition::Elapsed(Duration::from_millis(value.unwrap_or(DEFAULT_ELAPSED_MS))),
    };
    let retain_handling = match v.text(Id::V5RetainHandling)? {
        "1" => RetainHandling::SendAtSubscribeIfNew,
        "2" => RetainHandling::DoNotSend,
        _ => RetainHandling::SendAtSubscribe,
    };
    let subscription_identifier = match v.num::<u32>(Id::V5SubscriptionIdentifier)? {
        0 => None,
        n => Some(n),
    };
    let no_local = v.bool(Id::V5NoLocal)?;
    if no_local && topics.iter().any(|t| t.starts_with("$share/")) {
        return Err(bad(
            Id::V5NoLocal,
            "no local cannot be used with a shared subscription ($share/...)",
        ));
    }
    for t in &topics {
        if let Some(rest) = t.strip_prefix("$share/") {
            match rest.split_once('/') {
                Some((g, f)) if !g.is_empty() && !g.contains(['+', '#']) && !f.is_empty() => {}
                _ => {
                    return Err(bad(
                        Id::Topics,
                        format!("'{t}': a shared subscription is $share/<group>/<filter>"),
                    ))
                }
            }
        }
    }
    Ok(SubscribeConfig {
        topics,
        qos: qos(v, Id::Qos)?,
        condition,
        timeout: Duration::from_millis(v.num(Id::TimeoutMs)?),
        add_timestamp: v.bool(Id::AddTimestamp)?,
        debug_response: v.bool(Id::DebugResponse)?,
        v5: SubscribeV5 {
            no_local,
            retain_as_published: v.bool(Id::V5RetainAsPublished)?,
            retain_handling,
            subscription_identifier,
        },
        topic_templates,
    })
}

/// A comma-separated filter list as Subscribe and Unsubscribe take it: each
/// filter trimmed, checked, and parsed for per-connection placeholders. `none`: the message when
/// the list is empty.
pub(super) fn topic_filters(
    id: Id,
    raw: &str,
    none: &str,
) -> Result<(Vec<String>, Vec<Option<Template>>), ConfigError> {
    let topics: Vec<String> = raw
        .split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.is_empty() {
        return Err(bad(id, none));
    }
    let mut templates = Vec::with_capacity(topics.len());
    for t in &topics {
        mqtt_string(id, "topic filter", t)?;
        let template = Template::parse(t.as_bytes())
            .map_err(|m| bad(id, format!("topic filter '{t}': {m}")))?;
        if let Some(p) = template.as_ref().and_then(Template::first_per_message) {
            return Err(bad(
                id,
                format!(
                    "topic filter '{t}': {p} changes per message; a filter can hold only \
                     per-connection placeholders ({{{{conn}}}}, {{{{conn.test}}}}, {{{{client_id}}}})"
                ),
            ));
        }
        let fixed = template
            .as_ref()
            .map_or_else(|| t.clone(), |x| x.with_stand_ins("0"));
        validate_filter(&fixed).map_err(|m| bad(id, m))?;
        templates.push(template);
    }
    Ok((topics, templates))
}

#[cfg(test)]
mod tests {
    use super::super::render::error_code;
    use super::*;
    use crate::sampler::template::Vars;

    fn err(json: &str) -> ConfigError {
        SubscribeConfig::from_json(json).unwrap_err()
    }

    fn code(json: &str) -> &'static str {
        error_code(Element::Subscribe, &err(json))
    }

    #[test]
    fn lone_surrogates_name_their_setting() {
        let e = err(r#"{"topics":"a,\ud800"}"#);
        assert_eq!(e.setting, Some(Id::Topics));
        assert_eq!(
            e.message,
            "contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        assert_eq!(code(r#"{"topics":"a,\ud800"}"#), "512");
    }

    #[test]
    fn topics_with_nul_are_refused_not_trimmed() {
        for topics in [r"a/b\u0000", r"\u0000a/b", r"x, a/\u0000b ,y"] {
            let e = err(&format!(r#"{{"topics":"{topics}"}}"#));
            assert_eq!(e.setting, Some(Id::Topics));
            assert!(
                e.message.starts_with("topic filter '") && e.message.contains("U+0000 (NUL)"),
                "{e}"
            );
        }
        let e = err(r#"{"topics":"a/\tb"}"#);
        assert!(e.message.contains("control character U+0009"), "{e}");
    }

    #[test]
    fn subscribe_settings_parse_and_trim() {
        let s = SubscribeConfig::from_json(
            r#"{"topics":" a/b , c/# ,","qos":1,"condition":"count","conditionValue":10,"timeoutMs":500}"#,
        )
        .unwrap();
        assert_eq!(s.topics, vec!["a/b".to_string(), "c/#".to_string()]);
        assert_eq!(s.condition, Condition::Count(10));
        assert_eq!(s.timeout, Duration::from_millis(500));
    }

    #[test]
    fn the_condition_takes_the_xmeter_labels_and_its_own_default() {
        let c = |json: &str| SubscribeConfig::from_json(json).unwrap().condition;
        assert_eq!(
            c(r#"{"topics":"t","condition":"number of received messages"}"#),
            Condition::Count(1)
        );
        assert_eq!(
            c(r#"{"topics":"t","condition":"specified elapsed time (ms)","conditionValue":""}"#),
            Condition::Elapsed(Duration::from_secs(1))
        );
        assert_eq!(
            c(r#"{"topics":"t","conditionValue":"250"}"#),
            Condition::Elapsed(Duration::from_millis(250))
        );
    }

    #[test]
    fn v5_settings_parse() {
        let s = SubscribeConfig::from_json(
            r#"{"topics":"$share/g/a/#","v5":{"retainHandling":"2 - never","subscriptionIdentifier":9}}"#,
        )
        .unwrap();
        assert_eq!(s.v5.retain_handling, RetainHandling::DoNotSend);
        assert_eq!(s.v5.subscription_identifier, Some(9));
    }

    #[test]
    fn per_connection_placeholders_in_filters() {
        let s = SubscribeConfig::from_json(r#"{"topics":"cmd/{{conn}}/#, all, d/{{client_id}}"}"#)
            .unwrap();
        let vars = Vars {
            conn: 3,
            conn_test: 9,
            client_id: "c1",
            seq: 0,
        };
        assert_eq!(s.filters_for(&vars), vec!["cmd/3/#", "all", "d/c1"]);
        let e = err(r#"{"topics":"t/{{seq}}"}"#);
        assert_eq!(e.setting, Some(Id::Topics));
        assert!(e.message.contains("{{seq}} changes per message"), "{e}");
        let e = err(r#"{"topics":"t/{{cnn}}"}"#);
        assert!(e.message.contains("unknown placeholder '{{cnn}}'"), "{e}");
        assert_eq!(err(r#"{"topics":"t/{{conn}}#"}"#).setting, Some(Id::Topics));
    }

    #[test]
    fn v5_errors_name_the_setting() {
        assert_eq!(
            err(r#"{"topics":"t","v5":{"retainHandling":3}}"#).setting,
            Some(Id::V5RetainHandling)
        );
        assert_eq!(
            err(r#"{"topics":"$share/g/t","v5":{"noLocal":true}}"#).setting,
            Some(Id::V5NoLocal)
        );
        assert_eq!(err(r#"{"topics":"$share/g"}"#).setting, Some(Id::Topics));
    }

    #[test]
    fn subscribe_error_codes() {
        assert_eq!(code(r#"{"topics":" , "}"#), "512");
        assert_eq!(code(r#"{"topics":"a","qos":7}"#), "511");
        assert_eq!(code(r#"{"topics":"a","conditionValue":0}"#), "510");
        assert_eq!(code(r#"{"topics":"a","condition":"sometimes"}"#), "510");
        assert_eq!(code(r#"{"topics":"a","timeoutMs":0}"#), "512");
    }
}
