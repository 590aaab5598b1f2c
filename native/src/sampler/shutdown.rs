//! JMeter's graceful Shutdown as the operations see it. Shutdown lets running samples finish, but
//! ours can wait for minutes (a count nobody publishes, acknowledgements that never come, a
//! connect retried forever). The caller (the JNI layer, which asks JMeter) raises the signal; each
//! long wait then ends at once with what it has, unlike Stop's cancel, which reports nothing.

use tokio::sync::watch;

/// The caller's end: raised at most once per operation.
pub struct ShutdownTrigger(watch::Sender<bool>);

impl ShutdownTrigger {
    pub fn raise(&self) {
        self.0.send_replace(true);
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }
}

/// The operation's end. Cheap to clone; `never()` for callers without a JMeter to ask.
#[derive(Clone, Default)]
pub struct Shutdown(Option<watch::Receiver<bool>>);

impl Shutdown {
    pub fn never() -> Shutdown {
        Shutdown(None)
    }

    pub fn channel() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger(tx), Shutdown(Some(rx)))
    }

    pub fn is_requested(&self) -> bool {
        self.0.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Completes once the trigger is raised (at once if it already was); never otherwise, also
    /// when the trigger is dropped unraised.
    pub async fn requested(&self) {
        if let Some(rx) = &self.0 {
            let mut rx = rx.clone();
            // The guard `wait_for` returns holds the channel's lock: dropped at once.
            if rx.wait_for(|raised| *raised).await.is_ok() {
                return;
            }
        }
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn requested_completes_when_raised_before_or_during_the_wait() {
        let (trigger, shutdown) = Shutdown::channel();
        assert!(!shutdown.is_requested());
        let waiting = tokio::spawn({
            let s = shutdown.clone();
            async move { s.requested().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        trigger.raise();
        assert!(trigger.is_raised() && shutdown.is_requested());
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("the wait ended")
            .expect("no panic");
        // raised before the wait starts: completes at once
        tokio::time::timeout(Duration::from_millis(100), shutdown.requested())
            .await
            .expect("already raised");
    }

    #[tokio::test]
    async fn never_and_a_dropped_trigger_never_complete() {
        let never = Shutdown::never();
        assert!(!never.is_requested());
        assert!(
            tokio::time::timeout(Duration::from_millis(50), never.requested())
                .await
                .is_err()
        );
        let (trigger, shutdown) = Shutdown::channel();
        drop(trigger);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), shutdown.requested())
                .await
                .is_err()
        );
    }
}
