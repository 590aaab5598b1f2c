//! The Publish element's pacing (publishJson's "pace" object): open-loop publishing, one message
//! per connection every interval for a duration, instead of a burst as fast as possible.

use std::time::Duration;

use serde::Deserialize;

use super::{bad, ConfigError};

/// publishJson's "pace" object; absent (or mode "burst") = burst publishing.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PaceJson {
    #[serde(default = "burst_word")]
    mode: String,
    #[serde(default)]
    interval_ms: i64,
    #[serde(default)]
    rate: f64,
    #[serde(default)]
    duration_ms: i64,
    #[serde(default)]
    messages: i64,
}

fn burst_word() -> String {
    "burst".into()
}

/// How often each connection publishes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaceEvery {
    /// One message per connection every this long.
    Interval(Duration),
    /// Messages per second per connection.
    RatePerConnection(f64),
    /// Messages per second for the whole group, shared evenly by its connections.
    RatePerGroup(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub every: PaceEvery,
    /// The schedule's length; zero = until `messages` are sent.
    pub duration: Duration,
    /// At most this many messages in the sample, all connections together; 0 = no cap.
    pub messages: u64,
}

pub const MAX_PACE_INTERVAL_MS: i64 = 3_600_000;
pub const MAX_PACE_RATE: f64 = 1_000_000.0;
pub const MAX_PACE_DURATION_MS: i64 = 86_400_000;
pub const MAX_PACE_MESSAGES: i64 = 1_000_000_000;

impl Pace {
    /// Nanoseconds between two messages of one connection, when `connections` are publishing.
    pub fn interval_nanos(&self, connections: usize) -> u128 {
        let n = connections.max(1) as f64;
        let nanos = match self.every {
            PaceEvery::Interval(d) => return d.as_nanos().max(1),
            PaceEvery::RatePerConnection(r) => 1e9 / r,
            PaceEvery::RatePerGroup(r) => 1e9 * n / r,
        };
        // Validated rates keep this finite and positive; at least 1 ns either way.
        (nanos.round() as u128).max(1)
    }
}

impl PaceJson {
    /// None for burst publishing.
    pub(super) fn into_pace(self) -> Result<Option<Pace>, ConfigError> {
        let rate = |r: f64| {
            if r.is_finite() && r > 0.0 && r <= MAX_PACE_RATE {
                Ok(r)
            } else {
                Err(bad(
                    "mqtt.pace_rate",
                    format!(
                        "rate must be above 0 and at most {MAX_PACE_RATE} messages per second, not {r}"
                    ),
                ))
            }
        };
        let every = match self.mode.trim() {
            "burst" => return Ok(None),
            "interval" => {
                if !(1..=MAX_PACE_INTERVAL_MS).contains(&self.interval_ms) {
                    return Err(bad(
                        "mqtt.pace_interval_ms",
                        format!(
                            "interval must be 1-{MAX_PACE_INTERVAL_MS} ms, not {}",
                            self.interval_ms
                        ),
                    ));
                }
                PaceEvery::Interval(Duration::from_millis(self.interval_ms.unsigned_abs()))
            }
            "rate_per_connection" => PaceEvery::RatePerConnection(rate(self.rate)?),
            "rate_per_group" => PaceEvery::RatePerGroup(rate(self.rate)?),
            other => {
                return Err(bad(
                    "mqtt.pace_mode",
                    format!(
                    "'{other}' is not one of burst, interval, rate_per_connection, rate_per_group"
                ),
                ))
            }
        };
        if !(0..=MAX_PACE_DURATION_MS).contains(&self.duration_ms) {
            return Err(bad(
                "mqtt.pace_duration_ms",
                format!(
                    "duration must be 0-{MAX_PACE_DURATION_MS} ms, not {}",
                    self.duration_ms
                ),
            ));
        }
        if !(0..=MAX_PACE_MESSAGES).contains(&self.messages) {
            return Err(bad(
                "mqtt.pace_messages",
                format!(
                    "message cap must be 0-{MAX_PACE_MESSAGES} (0 = none), not {}",
                    self.messages
                ),
            ));
        }
        if self.duration_ms == 0 && self.messages == 0 {
            return Err(bad(
                "mqtt.pace_duration_ms",
                "a paced sample needs an end: set a duration, or a message cap (mqtt.pace_messages)",
            ));
        }
        Ok(Some(Pace {
            every,
            duration: Duration::from_millis(self.duration_ms.unsigned_abs()),
            messages: self.messages.unsigned_abs(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::PublishConfig;
    use super::*;

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
        let p = pace(r#"{"mode":"rate_per_connection","rate":4,"messages":10}"#)
            .unwrap()
            .unwrap();
        assert_eq!(p.interval_nanos(100), 250_000_000);
        assert_eq!((p.duration, p.messages), (Duration::ZERO, 10));
        let p = pace(r#"{"mode":"rate_per_group","rate":1000,"durationMs":1}"#)
            .unwrap()
            .unwrap();
        // 10,000 connections sharing 1,000 msg/s: each every 10 s
        assert_eq!(p.interval_nanos(10_000), 10_000_000_000);
    }

    #[test]
    fn pace_errors_name_the_property() {
        for (json, field) in [
            (r#"{"mode":"fast"}"#, "mqtt.pace_mode"),
            (
                r#"{"mode":"interval","durationMs":10}"#,
                "mqtt.pace_interval_ms",
            ),
            (
                r#"{"mode":"interval","intervalMs":-1,"durationMs":10}"#,
                "mqtt.pace_interval_ms",
            ),
            (
                r#"{"mode":"rate_per_group","durationMs":10}"#,
                "mqtt.pace_rate",
            ),
            (
                r#"{"mode":"rate_per_connection","rate":2e6,"durationMs":10}"#,
                "mqtt.pace_rate",
            ),
            (
                r#"{"mode":"interval","intervalMs":10}"#,
                "mqtt.pace_duration_ms",
            ),
            (
                r#"{"mode":"interval","intervalMs":10,"durationMs":-5}"#,
                "mqtt.pace_duration_ms",
            ),
            (
                r#"{"mode":"interval","intervalMs":10,"messages":-1}"#,
                "mqtt.pace_messages",
            ),
            (
                r#"{"mode":"interval","intervalMs":"x"}"#,
                "mqtt.pace_interval_ms",
            ),
            (r#"{"mode":"interval","rate":"x"}"#, "mqtt.pace_rate"),
        ] {
            let e = pace(json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
        let e = pace(r#"{"mode":"fast"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mqtt.pace_mode: 'fast' is not one of burst, interval, rate_per_connection, rate_per_group"
        );
    }
}
