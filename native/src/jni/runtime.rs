//! The one tokio runtime every connection of the JVM shares, and JMeter threads blocking on it.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jni::objects::JObject;
use jni::{jni_str, Env};
use once_cell::sync::OnceCell;
use tokio::runtime::Runtime;

use super::failure::Failure;
use crate::sampler::{ConnectionGroup, SampleOutcome, Shutdown};

static WORKERS: AtomicUsize = AtomicUsize::new(0);
static RUNTIME: OnceCell<Runtime> = OnceCell::new();

/// How often a waiting sample asks Java whether JMeter's Shutdown wants its thread to end: often
/// enough that the wait ends well within a second, rarely enough that thousands of waiting
/// threads cost nothing measurable. A sample shorter than this never asks.
const SHUTDOWN_POLL: Duration = Duration::from_millis(200);

/// Sets the worker count before first use; later calls change nothing (first call wins).
pub fn configure(workers: usize) {
    if RUNTIME.get().is_none() {
        WORKERS.store(workers, Ordering::Relaxed);
    }
}

pub fn runtime() -> Result<&'static Runtime, String> {
    RUNTIME.get_or_try_init(|| {
        if let Some((before, after)) = crate::transport::limits::raise_open_files() {
            tracing::info!(before, after, "open files limit raised to the hard limit");
        }
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.enable_all().thread_name("mqttload-io");
        let n = WORKERS.load(Ordering::Relaxed);
        if n > 0 {
            b.worker_threads(n);
        }
        b.build()
            .map_err(|e| format!("cannot start the mqttload I/O runtime: {e}"))
    })
}

/// Runs a group operation on the shared runtime from the calling JMeter thread. It ends early with
/// "Interrupted" when the group is cancelled (Stop), and raises the `Shutdown` handed to `op` once
/// `probe` (a `java.util.function.BooleanSupplier`; null = never asked), asked every
/// SHUTDOWN_POLL, says JMeter's Shutdown wants this thread to end. The probe is called on this
/// JMeter thread, which is where JNI allows it: `block_on` polls `op` here, not on a runtime
/// worker.
pub(super) fn block_on_watching(
    env: &mut Env<'_>,
    probe: &JObject<'_>,
    group: &Arc<ConnectionGroup>,
    op: impl AsyncFnOnce(&Arc<ConnectionGroup>, &Shutdown) -> SampleOutcome,
) -> Result<SampleOutcome, Failure> {
    let rt = runtime().map_err(Failure::Native)?;
    let started = Instant::now();
    let (trigger, shutdown) = Shutdown::channel();
    let op = group.cancellable(started, op(group, &shutdown));
    Ok(rt.block_on(async {
        tokio::pin!(op);
        // Most samples are done at the first poll: they never make the poll timer.
        if let std::task::Poll::Ready(o) =
            std::future::poll_fn(|cx| std::task::Poll::Ready(op.as_mut().poll(cx))).await
        {
            return o;
        }
        let mut asking = !probe.is_null();
        let first = tokio::time::Instant::now() + SHUTDOWN_POLL;
        let mut ticks = tokio::time::interval_at(first, SHUTDOWN_POLL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                o = &mut op => return o,
                _ = ticks.tick(), if asking => match shutdown_requested(env, probe) {
                    Some(true) => {
                        trigger.raise();
                        asking = false;
                    }
                    Some(false) => {}
                    // A probe that throws is not asked again; the operation's own bounds hold.
                    None => asking = false,
                },
            }
        }
    }))
}

/// `probe.getAsBoolean()`, or None when it threw (the exception is cleared: it must not stay
/// pending while this thread goes on calling JNI).
fn shutdown_requested(env: &mut Env<'_>, probe: &JObject<'_>) -> Option<bool> {
    let asked = env
        .call_method(probe, jni_str!("getAsBoolean"), jni::jni_sig!("()Z"), &[])
        .and_then(|v| v.z());
    match asked {
        Ok(b) => Some(b),
        Err(_) => {
            if env.exception_check() {
                env.exception_clear();
            }
            None
        }
    }
}
