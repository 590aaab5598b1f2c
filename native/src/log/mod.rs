//! The engine's log: `tracing` events (and the `log` crate's, which rustls and tungstenite use)
//! filtered by the level the host gives each of our loggers, rate-limited per kind of event,
//! and queued for the host to take (the JNI layer hands them to JMeter's SLF4J).
//!
//! Nothing here knows JNI: the host sets levels with [`set_levels`] and takes records with
//! [`poll`]. Until [`install`] runs, events go nowhere, as in the bench and soak binaries.

mod bridge;
mod limiter;

pub use bridge::{install, poll, set_levels, stop, Record};
pub use limiter::{Policy, RateLimiter, Summary};

/// Our logger names, by index: the host maps these to its own loggers. The index travels with
/// each record, so this order is the contract with `io.mqttload.jni.EngineLog.LOGGERS`.
pub const LOGGERS: [&str; 5] = [
    "io.mqttload.engine",
    "io.mqttload.engine.session",
    "io.mqttload.engine.transport",
    "io.mqttload.engine.tls",
    "io.mqttload.engine.sampler",
];

pub const ENGINE: usize = 0;
pub const SESSION: usize = 1;
pub const TRANSPORT: usize = 2;
pub const TLS: usize = 3;
pub const SAMPLER: usize = 4;

/// Levels as numbers, as the host sends them: a logger at level N shows events of level <= N.
pub const OFF: u8 = 0;
pub const ERROR: u8 = 1;
pub const WARN: u8 = 2;
pub const INFO: u8 = 3;
pub const DEBUG: u8 = 4;
pub const TRACE: u8 = 5;

/// Which of our loggers an event's target (its module path) belongs to. Dependencies' events
/// go to the logger of the layer that uses them: rustls to TLS, tungstenite to transport.
pub fn logger_for(target: &str) -> usize {
    let under = |prefix: &str| {
        target == prefix
            || target
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with("::"))
    };
    if under("mqttload::transport::tls") || under("rustls") {
        TLS
    } else if under("mqttload::transport") || under("tungstenite") || under("tokio_tungstenite") {
        TRANSPORT
    } else if under("mqttload::client") {
        SESSION
    } else if under("mqttload::sampler") {
        SAMPLER
    } else {
        ENGINE
    }
}

pub fn level_of_tracing(level: &tracing::Level) -> u8 {
    match *level {
        tracing::Level::ERROR => ERROR,
        tracing::Level::WARN => WARN,
        tracing::Level::INFO => INFO,
        tracing::Level::DEBUG => DEBUG,
        tracing::Level::TRACE => TRACE,
    }
}

pub fn level_of_log(level: ::log::Level) -> u8 {
    match level {
        ::log::Level::Error => ERROR,
        ::log::Level::Warn => WARN,
        ::log::Level::Info => INFO,
        ::log::Level::Debug => DEBUG,
        ::log::Level::Trace => TRACE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_map_to_their_layer() {
        assert_eq!(logger_for("mqttload::client::session::task"), SESSION);
        assert_eq!(logger_for("mqttload::client"), SESSION);
        assert_eq!(logger_for("mqttload::transport::tls"), TLS);
        assert_eq!(logger_for("mqttload::transport::ws"), TRANSPORT);
        assert_eq!(logger_for("rustls::client::hs"), TLS);
        assert_eq!(logger_for("tungstenite::protocol"), TRANSPORT);
        assert_eq!(logger_for("mqttload::sampler::group"), SAMPLER);
        assert_eq!(logger_for("mqttload::jni::log"), ENGINE);
        // A prefix only counts at a path boundary.
        assert_eq!(logger_for("rustlsfoo"), ENGINE);
        assert_eq!(logger_for("mqttload::clientele"), ENGINE);
    }
}
