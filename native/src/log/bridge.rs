//! The global sink behind `tracing` and `log`: level check, rate limit, then a bounded queue.
//!
//! Events are raised on tokio workers, which must never wait on the host: an event is formatted
//! only when its logger's level shows it and its kind's bucket admits it, then offered to the
//! queue without blocking; a full queue drops it and counts it, and the count is reported by
//! the next [`poll`]. The host takes records from its own thread.

use std::collections::hash_map::DefaultHasher;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use once_cell::sync::OnceCell;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};

use super::limiter::{Policy, RateLimiter};
use super::{level_of_log, level_of_tracing, logger_for, ENGINE, INFO, LOGGERS, OFF, WARN};

/// Records waiting for the host: enough for a burst of every kind at once, small enough
/// (a few hundred KB at most) to be no memory concern.
const QUEUE: usize = 2_048;
/// Records handed over per poll, so one poll never holds the host's thread for long.
const BATCH: usize = 512;

/// One line for the host's logger `LOGGERS[logger]` at `level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub logger: usize,
    pub level: u8,
    pub message: String,
}

pub(super) struct Bridge {
    levels: [AtomicU8; LOGGERS.len()],
    active: AtomicBool,
    limiter: RateLimiter,
    tx: SyncSender<Record>,
    rx: Mutex<Receiver<Record>>,
    dropped: AtomicU64,
}

impl Bridge {
    pub(super) fn new(policy: Policy, queue: usize) -> Bridge {
        let (tx, rx) = sync_channel(queue);
        Bridge {
            // JMeter's default level until the host says otherwise.
            levels: std::array::from_fn(|_| AtomicU8::new(INFO)),
            active: AtomicBool::new(false),
            limiter: RateLimiter::new(policy),
            tx,
            rx: Mutex::new(rx),
            dropped: AtomicU64::new(0),
        }
    }

    fn enabled(&self, logger: usize, level: u8) -> bool {
        self.active.load(Ordering::Relaxed)
            && self
                .levels
                .get(logger)
                .is_some_and(|l| level <= l.load(Ordering::Relaxed))
    }

    fn max_level(&self) -> u8 {
        if !self.active.load(Ordering::Relaxed) {
            return OFF;
        }
        self.levels
            .iter()
            .map(|l| l.load(Ordering::Relaxed))
            .max()
            .unwrap_or(OFF)
    }

    /// Stores the levels; true when any changed. Missing entries keep their level.
    pub(super) fn set_levels(&self, levels: &[u8]) -> bool {
        let mut changed = false;
        for (slot, &l) in self.levels.iter().zip(levels) {
            changed |= slot.swap(l, Ordering::Relaxed) != l;
        }
        changed
    }

    pub(super) fn set_active(&self, active: bool) {
        self.active.store(active, Ordering::Relaxed);
    }

    /// Rate limit, then format, then queue without waiting.
    pub(super) fn submit(
        &self,
        kind: u64,
        logger: usize,
        level: u8,
        format: impl FnOnce() -> String,
    ) {
        if !self.enabled(logger, level) || !self.limiter.admit(kind, logger, level, Instant::now())
        {
            return;
        }
        let message = format();
        self.limiter.shown(kind, &message);
        let record = Record {
            logger,
            level,
            message,
        };
        if self.tx.try_send(record).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Waits up to `wait` for records, then adds the summaries that are due and the count of
    /// records the full queue dropped (`flush`: every pending summary, e.g. at test end).
    /// Without a wait it never blocks, not even on another poll.
    pub(super) fn poll(&self, wait: Duration, flush: bool) -> Vec<Record> {
        let mut out = Vec::new();
        // A poll that must not wait (a flush at test end) leaves the records to the poll that
        // holds the queue: that one is waiting for records and hands them over at once.
        let rx = if wait.is_zero() {
            self.rx.try_lock().ok()
        } else {
            self.rx.lock().ok()
        };
        if let Some(rx) = rx {
            if let Ok(r) = rx.recv_timeout(wait) {
                out.push(r);
                while out.len() < BATCH {
                    match rx.try_recv() {
                        Ok(r) => out.push(r),
                        Err(_) => break,
                    }
                }
            }
        }
        for s in self.limiter.summaries(Instant::now(), flush) {
            out.push(Record {
                logger: s.logger,
                level: s.level,
                message: s.message(),
            });
        }
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            out.push(Record {
                logger: ENGINE,
                level: WARN,
                message: format!("{dropped} engine log events dropped: the log queue was full"),
            });
        }
        out
    }
}

static BRIDGE: OnceCell<Bridge> = OnceCell::new();
static REGISTER: Once = Once::new();

fn bridge() -> Option<&'static Bridge> {
    BRIDGE.get()
}

/// Starts the bridge with these levels (indexed as [`LOGGERS`]) and registers it as the
/// process's `tracing` subscriber and `log` logger. Calling it again only sets the levels.
/// When another subscriber or logger was registered first, that one stays and ours hears
/// nothing: silence, not failure.
pub fn install(levels: &[u8]) {
    let b = BRIDGE.get_or_init(|| Bridge::new(Policy::default(), QUEUE));
    b.set_levels(levels);
    b.set_active(true);
    REGISTER.call_once(|| {
        let _ = tracing::subscriber::set_global_default(TracingSink);
        let _ = ::log::set_logger(&LOG_SINK);
    });
    levels_changed(b);
}

/// New levels from the host (e.g. a refresh after its configuration changed).
pub fn set_levels(levels: &[u8]) {
    if let Some(b) = bridge() {
        if b.set_levels(levels) {
            levels_changed(b);
        }
    }
}

/// The host stopped taking records: every event is disabled again (and costs nothing).
pub fn stop() {
    if let Some(b) = bridge() {
        b.set_active(false);
        levels_changed(b);
    }
}

/// Records for the host, waiting up to `wait` for the first (without a bridge: none, at once).
pub fn poll(wait: Duration, flush: bool) -> Vec<Record> {
    match bridge() {
        Some(b) => b.poll(wait, flush),
        None => Vec::new(),
    }
}

/// Both facades check a global maximum level before anything else: keep them in step, so
/// a disabled event costs one comparison at its callsite.
fn levels_changed(b: &Bridge) {
    ::log::set_max_level(match b.max_level() {
        OFF => ::log::LevelFilter::Off,
        1 => ::log::LevelFilter::Error,
        2 => ::log::LevelFilter::Warn,
        3 => ::log::LevelFilter::Info,
        _ => ::log::LevelFilter::Debug,
    });
    tracing::callsite::rebuild_interest_cache();
}

fn kind_of(h: impl Hash) -> u64 {
    let mut s = DefaultHasher::new();
    h.hash(&mut s);
    s.finish()
}

struct TracingSink;

impl tracing::Subscriber for TracingSink {
    // Never cached as always/never: levels change at run time.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.is_event()
            && bridge()
                .is_some_and(|b| b.enabled(logger_for(m.target()), level_of_tracing(m.level())))
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(match bridge().map_or(OFF, Bridge::max_level) {
            OFF => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(b) = bridge() else { return };
        let m = event.metadata();
        b.submit(
            kind_of(m.callsite()),
            logger_for(m.target()),
            level_of_tracing(m.level()),
            || {
                let mut f = Fields::default();
                event.record(&mut f);
                f.finish()
            },
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// "message: name=value, name=value".
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Fields {
    fn field(&mut self, name: &str) -> &mut String {
        if name == "message" {
            return &mut self.message;
        }
        if !self.rest.is_empty() {
            self.rest.push_str(", ");
        }
        self.rest.push_str(name);
        self.rest.push('=');
        &mut self.rest
    }

    fn finish(mut self) -> String {
        if self.rest.is_empty() {
            return self.message;
        }
        if !self.message.is_empty() {
            self.message.push_str(": ");
        }
        self.message.push_str(&self.rest);
        self.message
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field.name()).push_str(value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.field(field.name()), "{value:?}");
    }
}

struct LogSink;

static LOG_SINK: LogSink = LogSink;

/// Only dependencies use `log`, and at TRACE they print what goes over the wire (tungstenite
/// writes each frame's payload: a CONNECT with its password), so their TRACE never passes.
fn forwarded(level: ::log::Level) -> bool {
    level <= ::log::Level::Debug
}

impl ::log::Log for LogSink {
    fn enabled(&self, m: &::log::Metadata<'_>) -> bool {
        forwarded(m.level())
            && bridge().is_some_and(|b| b.enabled(logger_for(m.target()), level_of_log(m.level())))
    }

    fn log(&self, r: &::log::Record<'_>) {
        if !forwarded(r.level()) {
            return;
        }
        let Some(b) = bridge() else { return };
        let kind = kind_of((r.target(), r.module_path(), r.line()));
        b.submit(
            kind,
            logger_for(r.target()),
            level_of_log(r.level()),
            || format!("{}: {}", r.target(), r.args()),
        );
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{DEBUG, SESSION, TLS};

    fn bridge(queue: usize) -> Bridge {
        let b = Bridge::new(Policy::default(), queue);
        b.set_active(true);
        b
    }

    #[test]
    fn a_disabled_level_is_never_formatted() {
        let b = bridge(16);
        b.set_levels(&[INFO, WARN, INFO, INFO, INFO]);
        b.submit(1, SESSION, DEBUG, || panic!("formatted although disabled"));
        b.submit(2, SESSION, INFO, || panic!("formatted although disabled"));
        b.submit(3, SESSION, WARN, || "shown".into());
        let got = b.poll(Duration::ZERO, false);
        assert_eq!(
            got,
            vec![Record {
                logger: SESSION,
                level: WARN,
                message: "shown".into()
            }]
        );
    }

    #[test]
    fn levels_follow_the_host() {
        let b = bridge(16);
        assert!(!b.enabled(TLS, DEBUG));
        assert!(b.set_levels(&[INFO, INFO, INFO, DEBUG, INFO]));
        assert!(b.enabled(TLS, DEBUG) && !b.enabled(SESSION, DEBUG));
        assert!(
            !b.set_levels(&[INFO, INFO, INFO, DEBUG, INFO]),
            "nothing changed"
        );
        b.set_active(false);
        assert!(!b.enabled(ENGINE, 1) && b.max_level() == OFF);
    }

    #[test]
    fn a_flood_gives_a_burst_and_one_summary() {
        let b = bridge(64);
        for i in 0..2_000 {
            b.submit(42, SESSION, WARN, || {
                format!("connection lost: client_id=c{i}")
            });
        }
        let got = b.poll(Duration::ZERO, true);
        let burst = Policy::default().burst as usize;
        assert_eq!(got.len(), burst + 1);
        let summary = &got[burst].message;
        assert!(
            summary.starts_with("1990 similar events suppressed in the last"),
            "{summary}"
        );
        assert!(summary.ends_with("(last shown: connection lost: client_id=c9)"));
    }

    #[test]
    fn a_full_queue_drops_and_says_how_many() {
        let b = bridge(2);
        for kind in 0..5 {
            b.submit(kind, ENGINE, WARN, || "x".into());
        }
        let got = b.poll(Duration::ZERO, false);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[2].message,
            "3 engine log events dropped: the log queue was full"
        );
        assert!(b.poll(Duration::ZERO, false).is_empty(), "reported once");
    }

    #[test]
    fn dependencies_never_pass_trace_which_carries_payloads() {
        assert!(forwarded(::log::Level::Debug) && forwarded(::log::Level::Warn));
        assert!(!forwarded(::log::Level::Trace));
    }

    #[test]
    fn fields_read_as_a_sentence() {
        let mut f = Fields::default();
        f.field("client_id").push_str("c1");
        f.field("message").push_str("connection lost");
        f.field("reason").push_str("broker closed the connection");
        assert_eq!(
            f.finish(),
            "connection lost: client_id=c1, reason=broker closed the connection"
        );
        let mut f = Fields::default();
        f.field("message").push_str("alone");
        assert_eq!(f.finish(), "alone");
    }
}
