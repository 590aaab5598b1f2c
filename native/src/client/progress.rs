//! How far a connect with retries has got, readable while it is still retrying: a caller that
//! stops waiting (JMeter's Shutdown during unlimited connect attempts) can then say why it had
//! not connected instead of only that it gave up.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use super::error::ClientError;

#[derive(Debug, Default)]
pub struct ConnectProgress {
    failed_attempts: AtomicU32,
    last_failure: Mutex<Option<ClientError>>,
}

impl ConnectProgress {
    pub fn record_failure(&self, e: &ClientError) {
        self.failed_attempts.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut g) = self.last_failure.lock() {
            *g = Some(e.clone());
        }
    }

    pub fn failed_attempts(&self) -> u32 {
        self.failed_attempts.load(Ordering::Relaxed)
    }

    pub fn last_failure(&self) -> Option<ClientError> {
        self.last_failure.lock().ok().and_then(|g| g.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_count_and_the_latest_failure() {
        let p = ConnectProgress::default();
        assert_eq!(p.failed_attempts(), 0);
        assert!(p.last_failure().is_none());
        p.record_failure(&ClientError::Transport("first".into()));
        p.record_failure(&ClientError::ConnackTimeout(1000));
        assert_eq!(p.failed_attempts(), 2);
        assert_eq!(
            p.last_failure().map(|e| e.to_string()).as_deref(),
            Some("no CONNACK within 1000 ms")
        );
    }
}
