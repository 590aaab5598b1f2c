//! The queue from a session's handle to its task. An idle connection must cost little more than
//! its socket, and a channel's first block (32 slots of commands) was the largest part of it: this
//! queue holds no buffer until a command is waiting, and gives back a large one once drained.
//! Under the same lock: the lane (`lane`), by which a caller writes a QoS 0 PUBLISH itself while
//! the task has nothing to do, so that a queued command is never overtaken by a written one.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{oneshot, Notify};

use crate::client::error::ClientError;
use crate::codec::{
    Disconnect, Properties, Publish, ReasonCode, SubscribeReturnCode, SubscriptionOptions,
};

use super::lane::{Direct, Lane};
use super::shared::Outbound;
use super::subscriptions::MessageSink;

pub(super) type Done = oneshot::Sender<Result<(), ClientError>>;
pub(super) type UnsubDone = oneshot::Sender<Result<Vec<ReasonCode>, ClientError>>;

/// A PUBLISH on its way to the socket.
pub(super) struct Queued {
    pub(super) publish: Publish,
    /// Told when the message is written (QoS 0) or acknowledged (QoS 1/2).
    pub(super) done: Option<Done>,
    /// Use our own topic aliases (MQTT 5.0).
    pub(super) alias: bool,
    /// What it counts against the connection's outbound limit until its bytes are written.
    pub(super) cost: usize,
}

pub(super) enum Command {
    Publish(Queued),
    Subscribe {
        filters: Vec<(String, SubscriptionOptions)>,
        /// MQTT 5.0 SUBSCRIBE properties (Subscription Identifier, User Property).
        properties: Properties,
        sink: Arc<dyn MessageSink>,
        done: oneshot::Sender<Result<Vec<SubscribeReturnCode>, ClientError>>,
    },
    Unsubscribe {
        filters: Vec<String>,
        /// Told the UNSUBACK's reason codes, when the caller waits for it.
        done: Option<UnsubDone>,
    },
    /// Stop handing messages to this sink (its subscriber is gone); the subscription itself stays.
    Detach(Arc<dyn MessageSink>),
    Disconnect(oneshot::Sender<()>, Disconnect),
    /// A caller's write left bytes for the task (see `lane`): nothing to do but look.
    Wake,
}

/// Capacity kept when the queue empties: enough for a typical burst without reallocating.
const KEPT_CAPACITY: usize = 16;

pub(super) struct Queue {
    commands: VecDeque<Command>,
    pub(super) lane: Lane,
}

struct Shared {
    queue: Mutex<Queue>,
    /// A permit is stored when nobody waits, so a command pushed between the receiver's
    /// look at the queue and its wait is not missed.
    notify: Notify,
    sender_gone: AtomicBool,
    receiver_closed: AtomicBool,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        // A panic while holding the lock leaves a queue that is still consistent.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Held by the session's handle; dropping it tells the task nobody will send again.
pub(super) struct CommandSender(Arc<Shared>);

/// Held by the session's task.
pub(super) struct CommandReceiver(Arc<Shared>);

pub(super) fn command_queue() -> (CommandSender, CommandReceiver) {
    let shared = Arc::new(Shared {
        queue: Mutex::new(Queue {
            commands: VecDeque::new(),
            lane: Lane::closed(),
        }),
        notify: Notify::new(),
        sender_gone: AtomicBool::new(false),
        receiver_closed: AtomicBool::new(false),
    });
    (CommandSender(shared.clone()), CommandReceiver(shared))
}

impl CommandSender {
    /// The command back when the task has stopped taking commands.
    pub(super) fn send(&self, cmd: Command) -> Result<(), Command> {
        {
            let mut q = self.0.queue();
            if self.0.receiver_closed.load(Ordering::Acquire) {
                return Err(cmd);
            }
            // Written packets must not overtake this one: callers queue behind it.
            q.lane.close_to_callers();
            q.commands.push_back(cmd);
        }
        self.0.notify.notify_one();
        Ok(())
    }

    /// A QoS 0 PUBLISH written by the caller when the lane is open (see `lane`), else handed back
    /// to be queued.
    pub(super) fn write(
        &self,
        publish: Publish,
        cost: usize,
        outbound: &Outbound,
    ) -> Result<Direct, ClientError> {
        let mut wake = false;
        let r = {
            let mut q = self.0.queue();
            let r = q.lane.write(publish, cost, outbound, &mut wake);
            if wake {
                q.commands.push_back(Command::Wake);
            }
            r
        };
        if wake {
            self.0.notify.notify_one();
        }
        r
    }
}

impl Drop for CommandSender {
    fn drop(&mut self) {
        self.0.sender_gone.store(true, Ordering::Release);
        self.0.notify.notify_one();
    }
}

impl CommandReceiver {
    /// The next command; None once the queue is empty and the sender is gone.
    pub(super) async fn recv(&self) -> Option<Command> {
        loop {
            {
                let mut q = self.0.queue();
                if let Some(cmd) = q.commands.pop_front() {
                    return Some(cmd);
                }
                if q.commands.capacity() > KEPT_CAPACITY {
                    q.commands.shrink_to(KEPT_CAPACITY);
                }
                if self.0.sender_gone.load(Ordering::Acquire) {
                    return None;
                }
            }
            self.0.notify.notified().await;
        }
    }

    pub(super) fn try_recv(&self) -> Option<Command> {
        self.0.queue().commands.pop_front()
    }

    /// The lane, under the queue's lock, and whether commands wait.
    pub(super) fn with_lane<R>(&self, f: impl FnOnce(&mut Lane, bool) -> R) -> R {
        let mut q = self.0.queue();
        let waiting = !q.commands.is_empty();
        f(&mut q.lane, waiting)
    }

    /// True once the handle is dropped: nobody can use this session any more.
    pub(super) fn is_closed(&self) -> bool {
        self.0.sender_gone.load(Ordering::Acquire)
    }

    /// Refuses further commands; those already queued stay for `try_recv`.
    pub(super) fn close(&self) {
        let _q = self.0.queue();
        self.0.receiver_closed.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn unsubscribe(n: usize) -> Command {
        Command::Unsubscribe {
            filters: vec![format!("t/{n}")],
            done: None,
        }
    }

    fn filter_of(cmd: Option<Command>) -> Option<String> {
        match cmd {
            Some(Command::Unsubscribe { mut filters, .. }) => filters.pop(),
            _ => None,
        }
    }

    #[tokio::test]
    async fn commands_arrive_in_order_and_none_after_the_sender_is_gone() {
        let (tx, rx) = command_queue();
        for n in 0..3 {
            assert!(tx.send(unsubscribe(n)).is_ok());
        }
        drop(tx);
        assert!(rx.is_closed());
        assert_eq!(filter_of(rx.recv().await).as_deref(), Some("t/0"));
        assert_eq!(filter_of(rx.try_recv()).as_deref(), Some("t/1"));
        assert_eq!(filter_of(rx.recv().await).as_deref(), Some("t/2"));
        assert!(rx.recv().await.is_none());
    }

    #[tokio::test]
    async fn a_waiting_receiver_wakes_for_a_command_sent_from_another_task() {
        let (tx, rx) = command_queue();
        let waiter = tokio::spawn(async move { filter_of(rx.recv().await) });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(tx.send(unsubscribe(7)).is_ok());
        let got = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert_eq!(
            got.ok().and_then(|r| r.ok()).flatten().as_deref(),
            Some("t/7")
        );
    }

    #[tokio::test]
    async fn a_closed_receiver_refuses_new_commands_and_keeps_queued_ones() {
        let (tx, rx) = command_queue();
        assert!(tx.send(unsubscribe(1)).is_ok());
        rx.close();
        assert!(tx.send(unsubscribe(2)).is_err());
        assert_eq!(filter_of(rx.try_recv()).as_deref(), Some("t/1"));
        assert!(rx.try_recv().is_none());
    }

    #[tokio::test]
    async fn a_drained_burst_gives_its_buffer_back() {
        let (tx, rx) = command_queue();
        for n in 0..1000 {
            assert!(tx.send(unsubscribe(n)).is_ok());
        }
        for _ in 0..1000 {
            assert!(rx.recv().await.is_some());
        }
        let waiting = tokio::time::timeout(Duration::from_millis(10), rx.recv()).await;
        assert!(waiting.is_err(), "nothing queued");
        assert!(rx.0.queue().commands.capacity() <= KEPT_CAPACITY);
    }
}
