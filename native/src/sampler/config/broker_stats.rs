//! The Broker Statistics element's settings (brokerStatsJson). Its connection is described by a
//! connectJson of its own, parsed by `ConnectConfig`; this is only what it does on it.

use std::time::Duration;

use serde::Deserialize;

use super::{bad, mqtt_string, parse_json, ConfigError, Fields};

/// brokerStatsJson's keys and the properties they carry.
const FIELDS: Fields = &[
    ("topicRoot", "mqtt.sys_topic_root"),
    ("firstTimeoutMs", "mqtt.sys_first_timeout"),
];

pub const DEFAULT_SYS_ROOT: &str = "$SYS/broker";
pub const DEFAULT_FIRST_TIMEOUT_MS: i64 = 15_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BrokerStatsJson {
    #[serde(default = "default_root")]
    topic_root: String,
    #[serde(default = "default_timeout")]
    first_timeout_ms: i64,
}

fn default_root() -> String {
    DEFAULT_SYS_ROOT.into()
}
fn default_timeout() -> i64 {
    DEFAULT_FIRST_TIMEOUT_MS
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerStatsConfig {
    /// Without a trailing '/': the element subscribes to `<root>/#`.
    pub topic_root: String,
    /// How long a sample waits for the broker's first `$SYS` message.
    pub first_timeout: Duration,
}

impl BrokerStatsConfig {
    pub fn from_json(json: &str) -> Result<BrokerStatsConfig, ConfigError> {
        let j: BrokerStatsJson = parse_json("broker statistics settings", FIELDS, json)?;
        let root = j.topic_root.trim().trim_end_matches('/').to_string();
        if root.is_empty() {
            return Err(bad("mqtt.sys_topic_root", "the $SYS topic root is empty"));
        }
        mqtt_string("mqtt.sys_topic_root", "topic root", &root)?;
        if root.contains(['+', '#']) {
            return Err(bad(
                "mqtt.sys_topic_root",
                format!("topic root '{root}' must not contain wildcards (+, #): '/#' is added"),
            ));
        }
        if j.first_timeout_ms <= 0 {
            return Err(bad(
                "mqtt.sys_first_timeout",
                format!(
                    "first-sample timeout must be a positive number of ms, not {}",
                    j.first_timeout_ms
                ),
            ));
        }
        Ok(BrokerStatsConfig {
            topic_root: root,
            first_timeout: Duration::from_millis(j.first_timeout_ms.unsigned_abs()),
        })
    }

    pub fn filter(&self) -> String {
        format!("{}/#", self.topic_root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        let c = BrokerStatsConfig::from_json("{}").expect("defaults");
        assert_eq!(c.topic_root, "$SYS/broker");
        assert_eq!(c.filter(), "$SYS/broker/#");
        assert_eq!(c.first_timeout, Duration::from_millis(15_000));
        let c =
            BrokerStatsConfig::from_json(r#"{"topicRoot":" $SYS/brokers/ ","firstTimeoutMs":500}"#)
                .expect("set");
        assert_eq!(c.filter(), "$SYS/brokers/#");
        assert_eq!(c.first_timeout, Duration::from_millis(500));
    }

    #[test]
    fn bad_settings_name_their_property() {
        for (json, field) in [
            (r#"{"topicRoot":""}"#, "mqtt.sys_topic_root"),
            (r#"{"topicRoot":"$SYS/+"}"#, "mqtt.sys_topic_root"),
            (r#"{"topicRoot":"a\u0000b"}"#, "mqtt.sys_topic_root"),
            (r#"{"firstTimeoutMs":0}"#, "mqtt.sys_first_timeout"),
            (r#"{"firstTimeoutMs":"x"}"#, "mqtt.sys_first_timeout"),
        ] {
            let e = BrokerStatsConfig::from_json(json).expect_err(json);
            assert_eq!(e.field, field, "{json}: {e}");
        }
    }
}
