//! The one tokio runtime every connection of the JVM shares.

use std::sync::atomic::{AtomicUsize, Ordering};

use once_cell::sync::OnceCell;
use tokio::runtime::Runtime;

static WORKERS: AtomicUsize = AtomicUsize::new(0);
static RUNTIME: OnceCell<Runtime> = OnceCell::new();

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
