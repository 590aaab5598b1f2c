//! The Unsubscribe element's settings (unsubscribeJson).

use std::time::Duration;

use serde::Deserialize;

use super::subscribe::{expand_filters, topic_filters};
use super::{bad, parse_json, ten_thousand, ConfigError, Fields};
use crate::sampler::template::{Template, Vars};

/// unsubscribeJson's keys and the properties they carry.
const FIELDS: Fields = &[
    ("topics", "mqtt.topic_name"),
    ("timeoutMs", "mqtt.unsubscribe_timeout"),
];

/// unsubscribeJson: `{"topics":"a/b, c/#","timeoutMs":10000}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UnsubscribeJson {
    topics: String,
    #[serde(default = "ten_thousand")]
    timeout_ms: i64,
}

#[derive(Debug, Clone)]
pub struct UnsubscribeConfig {
    /// As the Subscribe element named them (MQTT matches UNSUBSCRIBE filters character for
    /// character, `$share/...` prefix included).
    pub topics: Vec<String>,
    /// Per filter: its per-connection placeholders, when it holds any (as Subscribe's).
    pub topic_templates: Vec<Option<Template>>,
    /// How long to wait for every connection's UNSUBACK.
    pub timeout: Duration,
}

impl UnsubscribeConfig {
    pub fn from_json(json: &str) -> Result<UnsubscribeConfig, ConfigError> {
        let j: UnsubscribeJson = parse_json("unsubscribe settings", FIELDS, json)?;
        let (topics, topic_templates) =
            topic_filters(&j.topics, "no topic filter to unsubscribe from")?;
        if j.timeout_ms <= 0 {
            return Err(bad(
                "mqtt.unsubscribe_timeout",
                format!("timeout must be positive, not {} ms", j.timeout_ms),
            ));
        }
        Ok(UnsubscribeConfig {
            topics,
            topic_templates,
            timeout: Duration::from_millis(j.timeout_ms as u64),
        })
    }
}

impl UnsubscribeConfig {
    /// The filters one connection unsubscribes from: placeholders expanded for it.
    pub fn filters_for(&self, vars: &Vars<'_>) -> Vec<String> {
        expand_filters(&self.topics, &self.topic_templates, vars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_split_and_trimmed() {
        let c =
            UnsubscribeConfig::from_json(r#"{"topics":" a/b , $share/g/c/#,,","timeoutMs":500}"#)
                .unwrap();
        assert_eq!(c.topics, vec!["a/b", "$share/g/c/#"]);
        assert_eq!(c.timeout, Duration::from_millis(500));
    }

    #[test]
    fn per_connection_placeholders_expand_for_each_connection() {
        let c = UnsubscribeConfig::from_json(r#"{"topics":"cmd/{{conn}}, all"}"#).unwrap();
        let vars = Vars {
            conn: 4,
            conn_test: 9,
            client_id: "c4",
            seq: 0,
        };
        assert_eq!(c.filters_for(&vars), vec!["cmd/4", "all"]);
        let e = UnsubscribeConfig::from_json(r#"{"topics":"t/{{seq}}"}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.topic_name", "{e}");
    }

    #[test]
    fn timeout_defaults_to_ten_seconds() {
        let c = UnsubscribeConfig::from_json(r#"{"topics":"a"}"#).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(10));
    }

    #[test]
    fn bad_settings_name_their_key() {
        for (json, field) in [
            (r#"{"topics":" , "}"#, "mqtt.topic_name"),
            (r#"{"topics":"a/#/b"}"#, "mqtt.topic_name"),
            (
                r#"{"topics":"a","timeoutMs":0}"#,
                "mqtt.unsubscribe_timeout",
            ),
        ] {
            let e = UnsubscribeConfig::from_json(json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
    }
}
