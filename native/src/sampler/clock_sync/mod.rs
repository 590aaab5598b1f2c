//! Clock offsets between JMeter engines (distributed runs): latency from a publisher in one engine
//! to a subscriber in another is only as good as their two clocks, so each engine measures its
//! clock against a reference engine's through the broker under test, NTP-style, on a connection
//! of its own (`peer`). The engine's one peer runs from the first Connect sample that asks for it
//! until the test ends; Subscribe samples read its figures, and may correct latency by them.

mod election;
mod offsets;
mod peer;
mod sink;
mod wire;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, RwLock};
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::watch;

use crate::client::{Attempts, ConnectProgress, Session};
use crate::clock;
use crate::metrics::METRICS;

use super::config::{refer, ClockRole, ClockSettings, Id};
use super::group::ConnectionGroup;
pub use super::outcome::ClockReading;

pub use offsets::{Offsets, Reading};
pub use peer::{ClockError, Peer, PeerConfig};
pub use wire::Topics;

/// How long the clock connection's DISCONNECT may take at the test's end.
const STOP_WAIT: Duration = Duration::from_secs(1);

impl From<Reading> for ClockReading {
    fn from(r: Reading) -> ClockReading {
        ClockReading {
            // to the nearest µs; the bound rounded up, so it still holds
            offset_us: r.offset_ns.saturating_add(500).div_euclid(1_000),
            uncertainty_us: r.uncertainty_ns.saturating_add(999) / 1_000,
        }
    }
}

/// The engine's peer of this test run, while it runs.
struct Running {
    settings: ClockSettings,
    stop: watch::Sender<bool>,
}

static RUNNING: Mutex<Option<Running>> = Mutex::new(None);
/// What Subscribe samples read: the peer's figures, kept after the test's end for its last samples.
static OFFSETS: RwLock<Option<Arc<Offsets>>> = RwLock::new(None);
/// Subscribers correct latency across engines (a Connect element's setting, engine-wide).
static CORRECT: AtomicBool = AtomicBool::new(false);

/// A new test run: the previous run's probes end, their figures are forgotten, and the engine's
/// clock takes the test-only skew (0 in a real run).
pub fn new_test_run(test_skew_ns: i64) {
    stop();
    if let Ok(mut o) = OFFSETS.write() {
        *o = None;
    }
    CORRECT.store(false, Ordering::Relaxed);
    clock::set_test_skew(test_skew_ns);
    if test_skew_ns != 0 {
        tracing::warn!(
            "clock offsets: TEST ONLY: this engine's clock is shifted by {:+.3} ms",
            test_skew_ns as f64 / 1e6
        );
    }
}

/// The test has ended: the probes end; what they measured stays readable.
pub fn stop() {
    let running = RUNNING.lock().ok().and_then(|mut r| r.take());
    if let Some(r) = running {
        let _ = r.stop.send(true);
    }
}

/// A group of a Connect element that asks for clock offsets has connected: the first one of the
/// test run starts the engine's peer, with its broker and first connection's credentials.
pub(in crate::sampler) fn join(group: &ConnectionGroup) {
    let settings = group.config().clock.clone();
    if settings.role == ClockRole::Off {
        return;
    }
    let Ok(mut running) = RUNNING.lock() else {
        return;
    };
    if let Some(r) = running.as_ref() {
        if r.settings != settings {
            tracing::warn!(
                "clock offsets: a Connect element asks for them with other settings ({} and the rest) than the one that started them; its are not used",
                refer(Id::ClockSync)
            );
        }
        return;
    }
    let (stop, stopped) = watch::channel(false);
    *running = Some(Running {
        settings: settings.clone(),
        stop,
    });
    CORRECT.store(settings.correct_latency, Ordering::Relaxed);
    register_gauges();
    let (opts, own) = group.clock_connection();
    let mut opts = (*opts).clone();
    // Its own session, gone with the test: nothing for the broker to keep or to publish after it;
    // back after a drop for as long as the test runs (it resubscribes), whatever the load's do.
    opts.clean_session = true;
    opts.will = None;
    opts.connect_properties = Default::default();
    opts.reconnect_attempts = Attempts::Unlimited;
    let tag = clock::engine_tag();
    let client_id = format!("mqttload-clock-{tag:06x}{:02x}", rand::rng().random::<u8>());
    let config = PeerConfig {
        run: settings.run.clone(),
        role: settings.role,
        period: settings.period,
        tag,
        shift_ns: 0,
    };
    tokio::spawn(async move {
        serve(
            Session::connect_shared(
                Arc::new(opts),
                client_id,
                own,
                None,
                &ConnectProgress::default(),
            ),
            config,
            stopped,
        )
        .await
    });
}

/// Connects the clock connection, runs the peer on it until the test ends (or the connection is
/// gone for good), and disconnects.
async fn serve(
    connect: impl std::future::Future<Output = Result<Session, crate::client::ClientError>>,
    config: PeerConfig,
    mut stopped: watch::Receiver<bool>,
) {
    let ended = async move {
        while !*stopped.borrow_and_update() {
            if stopped.changed().await.is_err() {
                break;
            }
        }
    };
    tokio::pin!(ended);
    let session = tokio::select! {
        s = connect => s,
        _ = &mut ended => return,
    };
    let session = match session {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::warn!(
                "clock offsets ({}): the clock connection failed: {e}; offsets are not measured",
                refer(Id::ClockSync)
            );
            return;
        }
    };
    let timeout = Duration::from_secs(10);
    let peer = tokio::select! {
        p = Peer::start(session.clone(), config.clone(), timeout) => p,
        _ = &mut ended => {
            session.disconnect(STOP_WAIT).await;
            return;
        }
    };
    match peer {
        Ok(peer) => {
            if let Ok(mut o) = OFFSETS.write() {
                *o = Some(peer.offsets().clone());
            }
            tracing::debug!(
                "clock offsets: probing on topics mqttload/clock/{}/...",
                config.run
            );
            while peer.is_running() {
                tokio::select! {
                    _ = &mut ended => break,
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
            peer.stop(STOP_WAIT).await;
        }
        Err(e) => tracing::warn!(
            "clock offsets ({}): {e} (topics mqttload/clock/{}/...); offsets are not measured",
            refer(Id::ClockSync),
            config.run
        ),
    }
    session.disconnect(STOP_WAIT).await;
}

/// This engine's clock against the reference's now; None until measured (or when off).
pub fn current() -> Option<ClockReading> {
    let offsets = OFFSETS.read().ok()?.clone()?;
    offsets.own(Instant::now()).map(ClockReading::from)
}

/// What to add to the latency of a message whose precise header names `publisher`, when
/// subscribers correct latency across engines: the publishing engine's offset less ours. None when
/// correcting is off, for this engine's own messages, and for an engine not measured.
#[inline]
pub fn correction_ns(publisher: u64) -> Option<i64> {
    if !CORRECT.load(Ordering::Relaxed) {
        return None;
    }
    let offsets = OFFSETS.read().ok()?;
    offsets
        .as_ref()?
        .correction_ns(clock::publisher_tag(publisher))
}

/// The live metrics' gauges, brought up to date before each scrape (registered once).
fn register_gauges() {
    static ONCE: Once = Once::new();
    static SHOWN: AtomicBool = AtomicBool::new(false);
    ONCE.call_once(|| {
        METRICS.on_scrape(Box::new(|| {
            // Not measured (yet, or in this test run): no figure rather than the last run's.
            let (offset, uncertainty) = match current() {
                Some(r) => (r.offset_us as f64, r.uncertainty_us as f64),
                None if SHOWN.load(Ordering::Relaxed) => (f64::NAN, f64::NAN),
                None => return,
            };
            SHOWN.store(true, Ordering::Relaxed);
            METRICS
                .gauge(
                    "mqttload_clock_offset_us",
                    "How far this engine's clock is ahead of the reference engine's (negative: behind), microseconds (clock offsets).",
                    Vec::new(),
                )
                .set(offset);
            METRICS
                .gauge(
                    "mqttload_clock_uncertainty_us",
                    "The clock offset is within this of the truth, microseconds.",
                    Vec::new(),
                )
                .set(uncertainty);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_round_to_whole_microseconds_and_the_bound_up() {
        let r = |offset_ns, uncertainty_ns| {
            ClockReading::from(Reading {
                offset_ns,
                uncertainty_ns,
            })
        };
        assert_eq!(
            r(250_000_499, 1),
            ClockReading {
                offset_us: 250_000,
                uncertainty_us: 1
            }
        );
        assert_eq!(
            r(-1_500, 1_001),
            ClockReading {
                offset_us: -1,
                uncertainty_us: 2
            }
        );
        assert_eq!(
            r(-1_501, 0),
            ClockReading {
                offset_us: -2,
                uncertainty_us: 0
            }
        );
    }
}
