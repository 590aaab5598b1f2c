//! The Unsubscribe element's settings -> `UnsubscribeConfig`.

use std::time::Duration;

use super::description::Element;
use super::document::Values;
use super::subscribe::topic_filters;
use crate::sampler::config::{ConfigError, Id, UnsubscribeConfig};

impl UnsubscribeConfig {
    pub fn from_json(json: &str) -> Result<UnsubscribeConfig, ConfigError> {
        let v = Values::read(Element::Unsubscribe, json)?;
        let (topics, topic_templates) = topic_filters(
            Id::Topics,
            v.text(Id::Topics)?,
            "at least one topic filter to unsubscribe from is required",
        )?;
        Ok(UnsubscribeConfig {
            topics,
            topic_templates,
            timeout: Duration::from_millis(v.num(Id::TimeoutMs)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::template::Vars;

    #[test]
    fn filters_are_split_and_trimmed() {
        let c =
            UnsubscribeConfig::from_json(r#"{"topics":" a/b , $share/g/c/#,,","timeoutMs":500}"#)
                .unwrap();
        assert_eq!(c.topics, vec!["a/b", "$share/g/c/#"]);
        assert_eq!(c.timeout, Duration::from_millis(500));
        assert_eq!(
            UnsubscribeConfig::from_json("{}").unwrap().topics,
            vec!["test_topic"]
        );
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
        assert_eq!(e.setting, Some(Id::Topics), "{e}");
        let e = UnsubscribeConfig::from_json(r#"{"topics":" , "}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::Topics), "{e}");
        let e = UnsubscribeConfig::from_json(r#"{"timeoutMs":"0"}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::TimeoutMs), "{e}");
    }
}
