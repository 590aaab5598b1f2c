//! The Rate Finder element's settings -> `RateFinderConfig`.

use std::time::Duration;

use super::connect::qos;
use super::description::Element;
use super::document::Values;
use super::mqtt_string;
use crate::sampler::config::{
    bad, refer, ConfigError, Guards, Id, RateFinderConfig, StepRule, WhenDone,
};

impl RateFinderConfig {
    pub fn from_json(json: &str) -> Result<RateFinderConfig, ConfigError> {
        build(&Values::read(Element::Ratefinder, json)?)
    }
}

fn build(v: &Values) -> Result<RateFinderConfig, ConfigError> {
    let start_rate = v.decimal(Id::RfStartRate)?;
    let max_rate = v.decimal(Id::RfMaxRate)?;
    if max_rate < start_rate {
        return Err(bad(
            Id::RfMaxRate,
            format!(
                "must be at least the {} ({start_rate} msg/s), got {max_rate}",
                refer(Id::RfStartRate)
            ),
        ));
    }
    let step = match v.text(Id::RfStepMode)? {
        "add" => StepRule::Add(v.decimal(Id::RfIncrement)?),
        _ => StepRule::Factor(v.decimal(Id::RfFactor)?),
    };
    let when_done = match v.text(Id::RfWhenDone)? {
        "stop_test" => WhenDone::StopTest,
        "new_search" => WhenDone::NewSearch,
        _ => WhenDone::StopThread,
    };
    Ok(RateFinderConfig {
        topic: topic(v.text(Id::RfTopic)?)?,
        qos: qos(v, Id::RfQos)?,
        subscribers: v.num(Id::RfSubscribers)?,
        padding: v.num(Id::RfPayloadBytes)?,
        subscribe_timeout: Duration::from_millis(v.num(Id::RfSubscribeTimeoutMs)?),
        start_rate,
        max_rate,
        step,
        step_duration: Duration::from_millis(v.num(Id::RfStepMs)?),
        drain: Duration::from_millis(v.num(Id::RfDrainMs)?),
        refine_steps: v.num(Id::RfRefineSteps)?,
        when_done,
        guards: Guards {
            max_p99_us: micros(v.decimal(Id::RfMaxP99Ms)?),
            max_lost: v.num(Id::RfMaxLost)?,
            max_lag_us: micros(v.decimal(Id::RfMaxLagMs)?),
        },
        sys_root: sys_root(v.text(Id::RfSysRoot)?)?,
    })
}

/// Milliseconds (the description's range: above 0, at most an hour) as whole microseconds, at
/// least 1 so that a tiny bound still means "above nothing".
fn micros(ms: f64) -> u64 {
    ((ms * 1000.0).round() as u64).max(1)
}

fn topic(topic: &str) -> Result<String, ConfigError> {
    let id = Id::RfTopic;
    if topic.is_empty() {
        return Err(bad(id, "a topic is required"));
    }
    mqtt_string(id, "topic", topic)?;
    if topic.contains(['+', '#']) {
        return Err(bad(
            id,
            format!("'{topic}': the topic is published to, so it cannot hold wildcards (+ or #)"),
        ));
    }
    if topic.len() > usize::from(u16::MAX) {
        return Err(bad(id, "topic is longer than 65535 bytes"));
    }
    Ok(topic.to_string())
}

fn sys_root(root: &str) -> Result<Option<String>, ConfigError> {
    let id = Id::RfSysRoot;
    if root.is_empty() {
        return Ok(None);
    }
    mqtt_string(id, "topic root", root)?;
    if root.contains(['+', '#']) {
        return Err(bad(
            id,
            format!("'{root}': a topic root cannot hold wildcards (+ or #)"),
        ));
    }
    Ok(Some(root.trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;

    fn err(json: &str) -> ConfigError {
        RateFinderConfig::from_json(json).unwrap_err()
    }

    #[test]
    fn defaults_make_a_working_search() {
        let c = RateFinderConfig::from_json("{}").unwrap();
        assert_eq!(c.topic, "mqttload/ratefinder");
        assert_eq!((c.qos, c.subscribers, c.padding), (QoS::AtLeastOnce, 1, 32));
        assert_eq!((c.start_rate, c.max_rate), (100.0, 100_000.0));
        assert_eq!(c.step, StepRule::Factor(1.5));
        assert_eq!(
            (c.step_duration, c.drain, c.refine_steps),
            (Duration::from_secs(5), Duration::from_secs(2), 0)
        );
        assert_eq!(c.when_done, WhenDone::StopThread);
        assert_eq!(
            c.guards,
            Guards {
                max_p99_us: 100_000,
                max_lost: 0,
                max_lag_us: 10_000
            }
        );
        assert_eq!(c.sys_root.as_deref(), Some("$SYS/broker"));
    }

    #[test]
    fn every_value_is_read() {
        let c = RateFinderConfig::from_json(
            r#"{"rf":{"topic":" t/rf ","qos":"0","subscribers":"3","payloadBytes":"0",
            "startRate":"0.5","maxRate":"2000.5","stepMode":"add","increment":"250","factor":"0.1",
            "stepMs":"1500","drainMs":"0","refineSteps":"3","whenDone":"new_search",
            "maxP99Ms":"2.5","maxLost":"7","maxLagMs":"0.0001","sysRoot":"$SYS/brokers/"}}"#,
        )
        .unwrap();
        assert_eq!(
            (c.topic.as_str(), c.qos, c.subscribers),
            ("t/rf", QoS::AtMostOnce, 3)
        );
        // the factor is not read in add mode, so its bad value does not matter
        assert_eq!(c.step, StepRule::Add(250.0));
        assert_eq!((c.start_rate, c.max_rate), (0.5, 2000.5));
        assert_eq!((c.refine_steps, c.when_done), (3, WhenDone::NewSearch));
        assert_eq!(
            c.guards,
            Guards {
                max_p99_us: 2_500,
                max_lost: 7,
                max_lag_us: 1
            }
        );
        assert_eq!(c.sys_root.as_deref(), Some("$SYS/brokers"));
        let off = RateFinderConfig::from_json(r#"{"rf":{"sysRoot":" "}}"#).unwrap();
        assert_eq!(off.sys_root, None);
        let stop = RateFinderConfig::from_json(r#"{"rf":{"whenDone":"stop_test"}}"#).unwrap();
        assert_eq!(stop.when_done, WhenDone::StopTest);
    }

    #[test]
    fn bad_values_name_their_setting() {
        for (json, id, words) in [
            (r#"{"rf":{"topic":" "}}"#, Id::RfTopic, "required"),
            (r#"{"rf":{"topic":"a/+"}}"#, Id::RfTopic, "wildcards"),
            (r#"{"rf":{"topic":"a/\u0000"}}"#, Id::RfTopic, "U+0000"),
            (r#"{"rf":{"sysRoot":"$SYS/#"}}"#, Id::RfSysRoot, "wildcards"),
            (r#"{"rf":{"qos":"3"}}"#, Id::RfQos, "0, 1 or 2"),
            (
                r#"{"rf":{"subscribers":"0"}}"#,
                Id::RfSubscribers,
                "between 1",
            ),
            (r#"{"rf":{"startRate":"0"}}"#, Id::RfStartRate, "above 0"),
            (
                r#"{"rf":{"startRate":"500","maxRate":"100"}}"#,
                Id::RfMaxRate,
                "at least",
            ),
            (r#"{"rf":{"factor":"1"}}"#, Id::RfFactor, "above 1"),
            (r#"{"rf":{"stepMs":"10"}}"#, Id::RfStepMs, "between 100"),
            (
                r#"{"rf":{"whenDone":"later"}}"#,
                Id::RfWhenDone,
                "stop_thread",
            ),
            (r#"{"rf":{"maxP99Ms":"0"}}"#, Id::RfMaxP99Ms, "above 0"),
        ] {
            let e = err(json);
            assert_eq!(e.setting, Some(id), "{json}: {e}");
            assert!(e.message.contains(words), "{json}: {e}");
        }
    }
}
