//! The bound on handshakes in flight, one for the whole process: every group's connects take
//! their turn from it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use once_cell::sync::OnceCell;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Handshakes in flight at once in the whole process, every group together: enough to open
/// thousands of connections quickly without a SYN flood that a broker's accept backlog would
/// drop (a bound per group let ten groups put 1,280 on the broker at once).
pub const DEFAULT_CONNECT_CONCURRENCY: usize = 128;

static CONNECT_LIMIT: OnceCell<Arc<Semaphore>> = OnceCell::new();

/// Sets the process-wide handshake bound before the first connect; later calls change nothing.
pub fn set_connect_concurrency(n: usize) {
    let _ = CONNECT_LIMIT.set(Arc::new(Semaphore::new(n.max(1))));
}

pub(super) fn connect_limit() -> Arc<Semaphore> {
    CONNECT_LIMIT
        .get_or_init(|| Arc::new(Semaphore::new(DEFAULT_CONNECT_CONCURRENCY)))
        .clone()
}

/// The next connection's turn: its start time on the ramp (if any), then a handshake permit.
pub(super) fn next_permit(
    limit: Arc<Semaphore>,
    start_at: Option<tokio::time::Instant>,
) -> Pin<Box<dyn Future<Output = Option<OwnedSemaphorePermit>> + Send>> {
    Box::pin(async move {
        if let Some(at) = start_at {
            tokio::time::sleep_until(at).await;
        }
        limit.acquire_owned().await.ok()
    })
}
