//! The Subscribe element's settings (subscribeJson).

use std::time::Duration;

use serde::Deserialize;

use super::{bad, mqtt_string, parse_json, qos, ten_thousand, ConfigError, Fields};
use crate::client::validate_filter;
use crate::codec::{QoS, RetainHandling, SubscriptionOptions, MAX_SUBSCRIPTION_IDENTIFIER};
use crate::sampler::template::{Template, Vars};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Collect for this long, then report whatever arrived.
    Elapsed(Duration),
    /// Wait until this many messages arrived, at most `timeout`.
    Count(u64),
}

/// subscribeJson's keys and the properties they carry.
const FIELDS: Fields = &[
    ("topics", "mqtt.topic_name"),
    ("qos", "mqtt.qos_level"),
    ("condition", "mqtt.sample_condition"),
    ("conditionValue", "mqtt.sample_condition_value"),
    ("timeoutMs", "mqtt.sample_timeout"),
    ("addTimestamp", "mqtt.add_timestamp"),
    ("debugResponse", "mqtt.debug_response"),
    ("v5.noLocal", "mqtt.no_local"),
    ("v5.retainAsPublished", "mqtt.retain_as_published"),
    ("v5.retainHandling", "mqtt.retain_handling"),
    ("v5.subscriptionIdentifier", "mqtt.subscription_identifier"),
];

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
    /// Per topic filter: its per-connection placeholders, when it holds any.
    pub topic_templates: Vec<Option<Template>>,
}

/// A comma-separated filter list (mqtt.topic_name) as Subscribe and Unsubscribe take it: each
/// filter trimmed, checked, and parsed for per-connection placeholders. `none`: the message when
/// the list is empty.
pub(super) fn topic_filters(
    raw: &str,
    none: &str,
) -> Result<(Vec<String>, Vec<Option<Template>>), ConfigError> {
    let topics: Vec<String> = raw
        .split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.is_empty() {
        return Err(bad("mqtt.topic_name", none));
    }
    let mut templates = Vec::with_capacity(topics.len());
    for t in &topics {
        mqtt_string("mqtt.topic_name", "topic filter", t)?;
        let template = Template::parse(t.as_bytes())
            .map_err(|m| bad("mqtt.topic_name", format!("topic filter '{t}': {m}")))?;
        if let Some(p) = template.as_ref().and_then(Template::first_per_message) {
            return Err(bad(
                "mqtt.topic_name",
                format!(
                    "topic filter '{t}': {p} changes per message; a filter can hold only \
                     per-connection placeholders ({{{{conn}}}}, {{{{conn.test}}}}, {{{{client_id}}}})"
                ),
            ));
        }
        let fixed = template
            .as_ref()
            .map_or_else(|| t.clone(), |x| x.with_stand_ins("0"));
        validate_filter(&fixed).map_err(|m| bad("mqtt.topic_name", m))?;
        templates.push(template);
    }
    Ok((topics, templates))
}

/// The filters of one connection: each filter's placeholders expanded for it.
pub(super) fn expand_filters(
    topics: &[String],
    templates: &[Option<Template>],
    vars: &Vars<'_>,
) -> Vec<String> {
    topics
        .iter()
        .zip(templates)
        .map(|(t, x)| {
            x.as_ref()
                .map_or_else(|| t.clone(), |x| x.expand_string(vars))
        })
        .collect()
}

impl SubscribeConfig {
    pub fn from_json(json: &str) -> Result<SubscribeConfig, ConfigError> {
        let j: SubscribeJson = parse_json("subscribe settings", FIELDS, json)?;
        let (topics, topic_templates) = topic_filters(&j.topics, "no topic to subscribe to")?;
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
            topic_templates,
        })
    }

    /// The filters one connection subscribes to: placeholders expanded for it.
    pub fn filters_for(&self, vars: &Vars<'_>) -> Vec<String> {
        expand_filters(&self.topics, &self.topic_templates, vars)
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

#[cfg(test)]
mod tests {
    use super::super::json::tests::assert_fields_named;
    use super::*;

    #[test]
    fn unreadable_values_name_their_property() {
        assert_fields_named(
            FIELDS,
            &[],
            r#"{"topics":"t","qos":0,"condition":"time","conditionValue":1000,"timeoutMs":10000,
              "addTimestamp":false,"debugResponse":false,"v5":{"noLocal":false,"retainAsPublished":false,
              "retainHandling":0,"subscriptionIdentifier":0}}"#,
            SubscribeConfig::from_json,
        );
        let e = SubscribeConfig::from_json(r#"{"topics":"a,\ud800"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mqtt.topic_name: contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        assert_eq!(SubscribeConfig::error_code(&e), CODE_BAD_TOPIC);
    }

    #[test]
    fn topics_with_nul_are_refused_not_trimmed() {
        for topics in [r"a/b\u0000", r"\u0000a/b", r"x, a/\u0000b ,y"] {
            let e = SubscribeConfig::from_json(&format!(r#"{{"topics":"{topics}"}}"#)).unwrap_err();
            assert_eq!(e.field, "mqtt.topic_name");
            assert!(
                e.message.starts_with("topic filter '") && e.message.contains("U+0000 (NUL)"),
                "{e}"
            );
            assert_eq!(SubscribeConfig::error_code(&e), CODE_BAD_TOPIC);
        }
        let e = SubscribeConfig::from_json(r#"{"topics":"a/\tb"}"#).unwrap_err();
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
    }

    #[test]
    fn v5_settings_parse() {
        let s = SubscribeConfig::from_json(
            r#"{"topics":"$share/g/a/#","v5":{"retainHandling":2,"subscriptionIdentifier":9}}"#,
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
        let e = SubscribeConfig::from_json(r#"{"topics":"t/{{seq}}"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.topic_name");
        assert!(e.message.contains("{{seq}} changes per message"), "{e}");
        let e = SubscribeConfig::from_json(r#"{"topics":"t/{{cnn}}"}"#).unwrap_err();
        assert!(e.message.contains("unknown placeholder '{{cnn}}'"), "{e}");
        assert_eq!(SubscribeConfig::error_code(&e), CODE_BAD_TOPIC);
        let e = SubscribeConfig::from_json(r#"{"topics":"t/{{conn}}#"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.topic_name");
    }

    #[test]
    fn v5_errors_name_the_java_key() {
        let e =
            SubscribeConfig::from_json(r#"{"topics":"t","v5":{"retainHandling":3}}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.retain_handling");
        let e = SubscribeConfig::from_json(r#"{"topics":"$share/g/t","v5":{"noLocal":true}}"#)
            .unwrap_err();
        assert_eq!(e.field, "mqtt.no_local");
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
