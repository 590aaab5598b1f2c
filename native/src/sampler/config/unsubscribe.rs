//! The Unsubscribe element's settings (unsubscribeJson).

use std::time::Duration;

use serde::Deserialize;

use super::{bad, mqtt_string, parse_json, ten_thousand, ConfigError, Fields};
use crate::client::validate_filter;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeConfig {
    /// As the Subscribe element named them (MQTT matches UNSUBSCRIBE filters character for
    /// character, `$share/...` prefix included).
    pub topics: Vec<String>,
    /// How long to wait for every connection's UNSUBACK.
    pub timeout: Duration,
}

impl UnsubscribeConfig {
    pub fn from_json(json: &str) -> Result<UnsubscribeConfig, ConfigError> {
        let j: UnsubscribeJson = parse_json("unsubscribe settings", FIELDS, json)?;
        let topics: Vec<String> = j
            .topics
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if topics.is_empty() {
            return Err(bad(
                "mqtt.topic_name",
                "no topic filter to unsubscribe from",
            ));
        }
        for t in &topics {
            mqtt_string("mqtt.topic_name", "topic filter", t)?;
            validate_filter(t).map_err(|m| bad("mqtt.topic_name", m))?;
        }
        if j.timeout_ms <= 0 {
            return Err(bad(
                "mqtt.unsubscribe_timeout",
                format!("timeout must be positive, not {} ms", j.timeout_ms),
            ));
        }
        Ok(UnsubscribeConfig {
            topics,
            timeout: Duration::from_millis(j.timeout_ms as u64),
        })
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
