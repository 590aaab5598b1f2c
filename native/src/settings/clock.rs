//! The Connect element's clock offsets settings -> `ClockSettings`.

use std::time::Duration;

use super::document::Values;
use super::mqtt_string;
use crate::sampler::config::{bad, ClockRole, ClockSettings, ConfigError, Id};

/// A run id is one part of a topic; long ones are refused rather than make every probe longer.
const MAX_RUN_ID: usize = 200;

pub(super) fn clock(v: &Values) -> Result<ClockSettings, ConfigError> {
    let role = match v.text(Id::ClockSync)? {
        "on" => ClockRole::On,
        "reference" => ClockRole::Reference,
        _ => ClockRole::Off,
    };
    let run = v.text(Id::ClockRun)?.to_string();
    if role != ClockRole::Off {
        if run.is_empty() {
            return Err(bad(
                Id::ClockRun,
                "is empty: every engine of the run must give the same id",
            ));
        }
        if run.contains(['+', '#']) {
            return Err(bad(
                Id::ClockRun,
                format!("'{run}' holds a wildcard (+ or #); it names a topic"),
            ));
        }
        if run.len() > MAX_RUN_ID {
            return Err(bad(
                Id::ClockRun,
                format!("is {} bytes long, more than {MAX_RUN_ID}", run.len()),
            ));
        }
        mqtt_string(Id::ClockRun, "run id", &run)?;
    }
    Ok(ClockSettings {
        role,
        run,
        period: Duration::from_secs(v.num(Id::ClockPeriodSecs)?),
        correct_latency: v.bool(Id::ClockCorrectLatency)?,
    })
}

#[cfg(test)]
mod tests {
    use crate::sampler::config::{ClockRole, ConnectConfig, Id};

    fn connect(clock: &str) -> Result<ConnectConfig, crate::sampler::config::ConfigError> {
        ConnectConfig::from_json(&format!(
            r#"{{"server":"127.0.0.1","port":1883,"version":"3.1.1"{clock}}}"#
        ))
    }

    #[test]
    fn clock_offsets_are_off_unless_asked_for() {
        let c = connect("").expect("settings");
        assert_eq!(c.clock.role, ClockRole::Off);
        assert!(!c.clock.correct_latency);
        // off: the run id is not read, so not checked
        let c = connect(r#","clock":{"sync":"off","run":"a/#"}"#).expect("settings");
        assert_eq!(c.clock.role, ClockRole::Off);
    }

    #[test]
    fn clock_offsets_are_read() {
        let c = connect(
            r#","clock":{"sync":"reference","run":"r-7","periodSecs":3,"correctLatency":true}"#,
        )
        .expect("settings");
        assert_eq!(c.clock.role, ClockRole::Reference);
        assert_eq!((c.clock.run.as_str(), c.clock.period.as_secs()), ("r-7", 3));
        assert!(c.clock.correct_latency);
        let c = connect(r#","clock":{"sync":"on"}"#).expect("settings");
        assert_eq!(
            (c.clock.role, c.clock.run.as_str()),
            (ClockRole::On, "default")
        );
    }

    #[test]
    fn a_run_id_names_a_topic() {
        // as JSON has them
        for run in ["a/+", "#", "", r"x\u0001"] {
            let e = connect(&format!(r#","clock":{{"sync":"on","run":"{run}"}}"#)).expect_err(run);
            assert_eq!(e.setting, Some(Id::ClockRun), "{run}: {e}");
        }
        let e = connect(r#","clock":{"sync":"sometimes"}"#).expect_err("a choice");
        assert_eq!(e.setting, Some(Id::ClockSync));
    }
}
