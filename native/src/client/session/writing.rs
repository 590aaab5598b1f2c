//! Bytes on their way to the socket. The task writes while it reads and keeps time, never
//! blocked in a write: a broker that stops reading (a stall, a slow reader, a black hole) must not
//! stop the keep-alive that detects it, nor the commands that end the connection.
//!
//! Every packet encoded into `out` ends at an offset of the connection's byte stream; what waits
//! for that offset to be written (a QoS 0 publish's completion, its share of the outbound limit)
//! is told when the socket has taken the bytes, or that they never will be.

use std::time::Duration;

use bytes::Buf;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use crate::client::error::ClientError;
use crate::codec::{Disconnect, Packet};

use super::commands::CommandReceiver;
use super::lane::{Pushed, Residue};
use super::task::{Exit, OnWritten, Task, Unwritten};

/// Writes some of `out`, or flushes the transport's buffers once `out` is empty. Cancel-safe (one
/// poll_write either writes and says how much, or writes nothing), as `select!` needs.
async fn push<W: AsyncWrite + Unpin>(writer: &mut W, out: &[u8]) -> std::io::Result<Pushed> {
    if out.is_empty() {
        // TLS and WebSocket streams hold bytes back until flushed.
        writer.flush().await?;
        return Ok(Pushed::Flushed);
    }
    writer.write(out).await.map(Pushed::Wrote)
}

/// At most this long for the last bytes and the DISCONNECT when a connection is closed: a broker
/// that does not read must not keep a closing connection (and its memory) forever.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

impl Task {
    /// One turn of writing `out` to the connection's writer (some of it, or a flush once it is
    /// empty), for the task's `select!`. Cancel-safe: one poll writes and says how much, or writes
    /// nothing. The writer sits in the lane, where callers may use it while the task does not.
    pub(super) fn write_some<'a>(
        rx: &'a CommandReceiver,
        out: &'a [u8],
    ) -> impl std::future::Future<Output = std::io::Result<Pushed>> + 'a {
        std::future::poll_fn(move |cx| rx.with_lane(|lane, _| lane.poll_push(cx, out)))
    }

    /// Closes the lane before the task touches its bytes, taking over what a caller left.
    pub(super) fn claim_lane(&mut self) {
        if let Some(rest) = self.rx.with_lane(|lane, _| lane.claim()) {
            self.take_rest(*rest);
        }
    }

    /// The connection is over: the writer leaves the lane, and what a caller left is the task's
    /// to write (a DISCONNECT follows it) or to count lost.
    pub(super) fn detach_lane(
        &mut self,
    ) -> Option<tokio::io::WriteHalf<crate::transport::BrokerStream>> {
        let (writer, rest) = self.rx.with_lane(|lane, _| lane.detach());
        if let Some(rest) = rest {
            self.take_rest(*rest);
        }
        writer
    }

    /// A caller's unwritten rest goes out first: it was begun on the socket.
    fn take_rest(&mut self, rest: Residue) {
        let Residue { mut bytes, cost } = rest;
        // Its flush alone was left: nothing to count against the limit any more.
        self.unflushed = true;
        if bytes.is_empty() {
            self.shared.outbound.release(cost);
            return;
        }
        let n = bytes.len() as u64;
        for u in &mut self.unwritten {
            u.end += n;
        }
        self.unwritten.push_front(Unwritten {
            end: self.written + n,
            cost,
            on_written: OnWritten::HandedOff,
        });
        bytes.extend_from_slice(&self.out);
        self.out = bytes;
    }

    /// What a turn of writing came to: None, or why the connection is lost.
    pub(super) fn pushed(&mut self, r: std::io::Result<Pushed>) -> Option<String> {
        match r {
            Ok(Pushed::Wrote(0)) => Some("write error: the connection takes no more bytes".into()),
            Ok(Pushed::Wrote(n)) => {
                self.wrote(n);
                None
            }
            Ok(Pushed::Flushed) => {
                self.unflushed = false;
                None
            }
            Err(e) => Some(format!("write error: {e}")),
        }
    }

    pub(super) async fn close(&mut self, exit: Exit) -> Exit {
        let Some(mut writer) = self.detach_lane() else {
            self.drop_unwritten(&ClientError::NotConnected);
            return exit;
        };
        let packet = match &exit {
            Exit::Disconnected(_, d) => d.clone(),
            _ => Disconnect::default(),
        };
        // 3.1/3.1.1 know no reason code: the plain DISCONNECT then.
        if Packet::Disconnect(packet)
            .encode(self.opts.version, &mut self.out)
            .is_err()
        {
            let _ = Packet::Disconnect(Default::default()).encode(self.opts.version, &mut self.out);
        }
        if self.write_out(&mut writer).await {
            let _ = tokio::time::timeout(CLOSE_WAIT, writer.shutdown()).await;
        } else {
            self.drop_unwritten(&ClientError::Lost(
                "the connection closed before the broker read the message".into(),
            ));
        }
        exit
    }

    /// The packets just encoded (everything now in `out`) carry `cost`, and who is told.
    pub(super) fn encoded(&mut self, cost: usize, on_written: OnWritten) {
        let end = self.written + self.out.len() as u64;
        self.unwritten.push_back(Unwritten {
            end,
            cost,
            on_written,
        });
    }

    /// The socket took `n` bytes of `out`.
    pub(super) fn wrote(&mut self, n: usize) {
        self.out.advance(n);
        self.written += n as u64;
        let now = Instant::now();
        self.last_sent = now;
        self.unflushed = true;
        if self.out.is_empty() {
            self.qos1_unacked = 0;
        } else {
            // Room in the socket while a backlog waits: the broker's side is taking our bytes.
            self.last_heard = now;
        }
        let mut released = 0;
        while let Some(u) = self.unwritten.front() {
            if u.end > self.written {
                break;
            }
            if let Some(u) = self.unwritten.pop_front() {
                released += u.cost;
                if let OnWritten::Waiter(d) = u.on_written {
                    let _ = d.send(Ok(()));
                }
            }
        }
        self.shared.outbound.release(released);
    }

    /// The bytes not written will never be (the connection is gone): QoS 0 publishes among them
    /// fail with `err` (or are counted lost, when handed off), and their room is given back.
    /// QoS 1/2 ones stay in flight for the resend.
    pub(super) fn drop_unwritten(&mut self, err: &ClientError) {
        self.written += self.out.len() as u64;
        self.out.clear();
        let mut released = 0;
        let mut handed = 0;
        for u in self.unwritten.drain(..) {
            released += u.cost;
            match u.on_written {
                OnWritten::Waiter(d) => {
                    let _ = d.send(Err(err.clone()));
                }
                OnWritten::HandedOff => handed += 1,
                OnWritten::Nobody => {}
            }
        }
        self.shared.lost_handed(handed, &err.to_string());
        self.shared.outbound.release(released);
    }

    /// Writes what is left and flushes, for at most `CLOSE_WAIT`.
    pub(super) async fn write_out<W: AsyncWrite + Unpin>(&mut self, writer: &mut W) -> bool {
        let deadline = Instant::now() + CLOSE_WAIT;
        loop {
            let idle = self.out.is_empty() && !self.unflushed;
            if idle {
                return true;
            }
            match tokio::time::timeout_at(deadline, push(writer, &self.out)).await {
                Ok(Ok(Pushed::Wrote(n))) if n > 0 => self.wrote(n),
                Ok(Ok(Pushed::Flushed)) => self.unflushed = false,
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::task::test_task;
    use super::*;

    #[tokio::test]
    async fn written_bytes_tell_their_waiters_and_release_their_room() {
        let mut t = test_task();
        assert!(t.shared.outbound.take(300));
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        t.out.extend_from_slice(&[0u8; 100]);
        t.encoded(100, OnWritten::Waiter(tx));
        t.out.extend_from_slice(&[0u8; 200]);
        t.encoded(200, OnWritten::HandedOff);
        t.wrote(99);
        assert!(
            rx.try_recv().is_err(),
            "one byte of the first packet is still unwritten"
        );
        t.wrote(1);
        assert!(matches!(rx.try_recv(), Ok(Ok(()))));
        t.wrote(200);
        assert!(t.unwritten.is_empty() && t.out.is_empty());
        assert!(
            t.shared.outbound.take(1 << 20),
            "all 300 bytes of room are back"
        );
        assert_eq!(t.shared.take_handed_lost(), None);
    }

    #[tokio::test]
    async fn a_lost_connection_fails_waiters_and_counts_the_handed_off() {
        let mut t = test_task();
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        for on in [
            OnWritten::Waiter(tx),
            OnWritten::HandedOff,
            OnWritten::HandedOff,
            OnWritten::Nobody,
        ] {
            t.out.extend_from_slice(&[0u8; 10]);
            t.encoded(10, on);
        }
        t.wrote(5);
        t.drop_unwritten(&ClientError::Lost("broker closed the connection".into()));
        assert!(matches!(rx.try_recv(), Ok(Err(ClientError::Lost(_)))));
        let (n, why) = t.shared.take_handed_lost().unwrap();
        assert_eq!(n, 2);
        assert!(why.contains("broker closed the connection"), "{why}");
        assert_eq!(t.shared.take_handed_lost(), None, "told once");
    }
}
