//! The Broker Statistics element's settings -> `BrokerStatsConfig` (its connection is
//! `ConnectConfig::for_broker_stats`).

use std::time::Duration;

use super::description::Element;
use super::document::Values;
use super::mqtt_string;
use crate::sampler::config::{bad, BrokerStatsConfig, ConfigError, Id};

impl BrokerStatsConfig {
    pub fn from_json(json: &str) -> Result<BrokerStatsConfig, ConfigError> {
        let v = Values::read(Element::Stats, json)?;
        let root = v.text(Id::TopicRoot)?.trim_end_matches('/').to_string();
        if root.is_empty() {
            return Err(bad(
                Id::TopicRoot,
                "a topic root such as $SYS/broker is required",
            ));
        }
        mqtt_string(Id::TopicRoot, "topic root", &root)?;
        if root.contains(['+', '#']) {
            return Err(bad(
                Id::TopicRoot,
                format!("topic root '{root}' must not contain wildcards (+, #): '/#' is added"),
            ));
        }
        Ok(BrokerStatsConfig {
            topic_root: root,
            first_timeout: Duration::from_millis(v.num(Id::FirstTimeoutMs)?),
        })
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
        let c = BrokerStatsConfig::from_json(
            r#"{"topicRoot":" $SYS/brokers/ ","firstTimeoutMs":500,"server":"h","password":"p"}"#,
        )
        .expect("set");
        assert_eq!(c.filter(), "$SYS/brokers/#");
        assert_eq!(c.first_timeout, Duration::from_millis(500));
    }

    #[test]
    fn bad_settings_name_their_setting() {
        for (json, id) in [
            (r#"{"topicRoot":"/"}"#, Id::TopicRoot),
            (r#"{"topicRoot":"$SYS/+"}"#, Id::TopicRoot),
            (r#"{"topicRoot":"a\u0000b"}"#, Id::TopicRoot),
            (r#"{"firstTimeoutMs":0}"#, Id::FirstTimeoutMs),
            (r#"{"firstTimeoutMs":"x"}"#, Id::FirstTimeoutMs),
        ] {
            let e = BrokerStatsConfig::from_json(json).expect_err(json);
            assert_eq!(e.setting, Some(id), "{json}: {e}");
        }
    }
}
