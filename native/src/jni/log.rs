//! `static native` methods of `io.mqttload.jni.EngineLog`: the Java side's own daemon thread
//! takes the engine's log records (`poll`) and hands them to SLF4J, so no tokio worker ever
//! waits on Java. Every failure here degrades to silence: nothing is thrown, nothing panics
//! into the JVM (`with_env` catches panics; the `silent` policy turns errors into a default
//! value).

use std::time::Duration;

use jni::objects::{JIntArray, JString};
use jni::sys::{jboolean, jlong};
use jni::Env;

use crate::log::{self as engine_log, Record, LOGGERS, TRACE};

/// Separates records in what `poll` returns: one string crosses JNI per batch, not one object
/// per record. Each record is two digits (logger index, level) and the message.
const SEPARATOR: char = '\u{1e}';

fn levels(env: &Env<'_>, array: &JIntArray<'_>) -> jni::errors::Result<Vec<u8>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let mut raw = [0i32; LOGGERS.len()];
    let n = array.len(env)?.min(raw.len());
    array.get_region(env, 0, &mut raw[..n])?;
    Ok(raw[..n]
        .iter()
        .map(|&l| u8::try_from(l.clamp(0, i32::from(TRACE))).unwrap_or(0))
        .collect())
}

/// Records as one string (see SEPARATOR); the separator inside a message becomes a space.
pub(crate) fn encode(records: &[Record]) -> String {
    let mut out = String::new();
    for r in records {
        if !out.is_empty() {
            out.push(SEPARATOR);
        }
        out.push(char::from(b'0' + (r.logger.min(9) as u8)));
        out.push(char::from(b'0' + r.level.min(9)));
        // A message may name a setting by its identity (`sampler::config::refer`): the user reads
        // its label and key.
        let message = crate::settings::render(crate::settings::Element::Connect, &r.message);
        out.extend(
            message
                .chars()
                .map(|c| if c == SEPARATOR { ' ' } else { c }),
        );
    }
    out
}

export! {
    /// Levels per `EngineLog.LOGGERS`, as `EngineLog.levelOf` numbers them.
    silent fn Java_io_mqttload_jni_EngineLog_start(env, levels_array: JIntArray<'caller>) {
        engine_log::install(&levels(env, &levels_array)?);
        Ok(())
    }
}

export! {
    silent fn Java_io_mqttload_jni_EngineLog_setLevels(env, levels_array: JIntArray<'caller>) {
        engine_log::set_levels(&levels(env, &levels_array)?);
        Ok(())
    }
}

export! {
    /// Null when nothing came.
    silent fn Java_io_mqttload_jni_EngineLog_poll(
        env,
        wait_millis: jlong,
        flush: jboolean,
    ) -> JString<'caller> {
        let wait = Duration::from_millis(u64::try_from(wait_millis).unwrap_or(0));
        let records = engine_log::poll(wait, flush);
        if records.is_empty() {
            return Ok(JString::null());
        }
        env.new_string(encode(&records))
    }
}

export! {
    silent fn Java_io_mqttload_jni_EngineLog_stop(_) {
        engine_log::stop();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_travel_as_one_string() {
        let records = [
            Record {
                logger: 1,
                level: 2,
                message: "connection lost".into(),
            },
            Record {
                logger: 3,
                level: 4,
                message: format!("a{SEPARATOR}b"),
            },
        ];
        assert_eq!(
            encode(&records),
            format!("12connection lost{SEPARATOR}34a b")
        );
    }
}
