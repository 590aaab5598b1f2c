//! A Publish element's pacing settings -> `Pace` (None for a burst).

use std::time::Duration;

use super::document::Values;
use crate::sampler::config::{bad, refer, ConfigError, Id, Pace, PaceEvery};

pub(super) fn pace(v: &Values) -> Result<Option<Pace>, ConfigError> {
    let every = match v.text(Id::PaceMode)? {
        "interval" => PaceEvery::Interval(Duration::from_millis(v.num(Id::PaceIntervalMs)?)),
        "rate_per_connection" => PaceEvery::RatePerConnection(v.decimal(Id::PaceRate)?),
        "rate_per_group" => PaceEvery::RatePerGroup(v.decimal(Id::PaceRate)?),
        _ => return Ok(None),
    };
    let duration_ms: u64 = v.num(Id::PaceDurationMs)?;
    let messages: u64 = v.num(Id::PaceMessages)?;
    if duration_ms == 0 && messages == 0 {
        return Err(bad(
            Id::PaceDurationMs,
            format!(
                "a paced sample needs an end: set a duration, or a message cap ({})",
                refer(Id::PaceMessages)
            ),
        ));
    }
    Ok(Some(Pace {
        every,
        duration: Duration::from_millis(duration_ms),
        messages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::config::PublishConfig;

    fn pace(json: &str) -> Result<Option<Pace>, ConfigError> {
        PublishConfig::from_json(&format!(r#"{{"topic":"t","pace":{json}}}"#)).map(|c| c.pace)
    }

    #[test]
    fn burst_is_the_default() {
        assert_eq!(
            PublishConfig::from_json(r#"{"topic":"t"}"#).unwrap().pace,
            None
        );
        assert_eq!(pace(r#"{"mode":"burst"}"#).unwrap(), None);
    }

    #[test]
    fn pace_modes_parse() {
        let p = pace(r#"{"mode":"interval","intervalMs":250,"durationMs":2000}"#)
            .unwrap()
            .unwrap();
        assert_eq!(p.every, PaceEvery::Interval(Duration::from_millis(250)));
        assert_eq!((p.duration, p.messages), (Duration::from_secs(2), 0));
        assert_eq!(p.interval_nanos(7), 250_000_000);
        let p = pace(r#"{"mode":"rate_per_connection","rate":4,"durationMs":0,"messages":10}"#)
            .unwrap()
            .unwrap();
        assert_eq!(p.interval_nanos(100), 250_000_000);
        assert_eq!((p.duration, p.messages), (Duration::ZERO, 10));
        let p = pace(r#"{"mode":"rate_per_group","rate":"1000","durationMs":"1"}"#)
            .unwrap()
            .unwrap();
        // 10,000 connections sharing 1,000 msg/s: each every 10 s
        assert_eq!(p.interval_nanos(10_000), 10_000_000_000);
        // the defaults: one every second for ten seconds
        let p = pace(r#"{"mode":"interval"}"#).unwrap().unwrap();
        assert_eq!(p.every, PaceEvery::Interval(Duration::from_secs(1)));
        assert_eq!(p.duration, Duration::from_secs(10));
    }

    #[test]
    fn pace_errors_name_the_setting() {
        for (json, id) in [
            (r#"{"mode":"fast"}"#, Id::PaceMode),
            (r#"{"mode":"interval","intervalMs":0}"#, Id::PaceIntervalMs),
            (r#"{"mode":"interval","intervalMs":-1}"#, Id::PaceIntervalMs),
            (r#"{"mode":"rate_per_group","rate":0}"#, Id::PaceRate),
            (r#"{"mode":"rate_per_connection","rate":2e6}"#, Id::PaceRate),
            (r#"{"mode":"interval","durationMs":0}"#, Id::PaceDurationMs),
            (r#"{"mode":"interval","durationMs":-5}"#, Id::PaceDurationMs),
            (r#"{"mode":"interval","messages":-1}"#, Id::PaceMessages),
            (
                r#"{"mode":"interval","intervalMs":"x"}"#,
                Id::PaceIntervalMs,
            ),
            (r#"{"mode":"rate_per_group","rate":"x"}"#, Id::PaceRate),
        ] {
            let e = pace(json).unwrap_err();
            assert_eq!(e.setting, Some(id), "{json}: {e}");
        }
        let e = pace(r#"{"mode":"fast"}"#).unwrap_err();
        assert_eq!(
            e.message,
            "must be one of burst, interval, rate_per_connection, rate_per_group (got 'fast')"
        );
        // settings of the modes not chosen are not read
        assert!(pace(r#"{"mode":"interval","rate":"x"}"#).is_ok());
    }
}
