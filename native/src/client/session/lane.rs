//! A QoS 0 PUBLISH written from the caller's thread. Handed to the connection's task, every
//! message costs two thread wake-ups (the task's, then the caller's next turn on the CPU), more
//! than the write itself when a JMeter thread sends one message per sample. So while the task has
//! nothing to write or flush and no command waits, the lane is open: a caller encodes the packet
//! and writes it to the socket itself. Callers and task write only under the command queue's lock,
//! and the task closes the lane before it touches its own bytes, so the stream's byte order is the
//! order in which they take that lock, and a packet is never cut by another.
//!
//! What the socket does not take at once (a full send buffer) is left to the task: the lane closes,
//! and the task writes the rest before anything of its own. Its cost stays counted against the
//! outbound limit until then, and a connection lost first counts it as a handed-off message lost.

use std::cell::RefCell;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::BytesMut;
use tokio::io::{AsyncWrite, WriteHalf};

use crate::client::error::ClientError;
use crate::codec::{ProtocolVersion, Publish};
use crate::transport::BrokerStream;

use super::shared::Outbound;

/// What one turn of writing did.
pub(super) enum Pushed {
    Wrote(usize),
    Flushed,
}

/// The socket's write side and whether callers may use it. Lives inside the command queue's lock.
pub(super) struct Lane {
    writer: Option<WriteHalf<BrokerStream>>,
    /// The task's: whatever the transport wakes during a caller's write is the task (a socket
    /// with room again, a TLS stream that took in records the reader must look at).
    waker: Option<Waker>,
    /// Callers may write: the task holds no bytes to write or flush and has taken every command.
    open: bool,
    version: ProtocolVersion,
    /// The broker's Maximum Packet Size for this connection (MQTT 5.0).
    max_packet: Option<u32>,
    /// What a caller's write left for the task.
    residue: Option<Box<Residue>>,
}

/// The rest of a packet a caller could not write at once, or a flush it could not finish.
pub(super) struct Residue {
    pub(super) bytes: BytesMut,
    /// Its share of the outbound limit, released when the task has written it.
    pub(super) cost: usize,
}

/// What became of a publish offered to the lane.
pub(super) enum Direct {
    /// Written (or its rest left to the task: see the module's note).
    Written,
    /// The lane is closed: queue it for the task.
    Queue(Publish),
}

thread_local! {
    /// Where a caller encodes: one buffer per thread, kept between messages.
    static SCRATCH: RefCell<BytesMut> = RefCell::new(BytesMut::new());
}

/// A caller's scratch buffer larger than this is given back after use (one large message must
/// not keep its size in every thread that sent it).
const SCRATCH_KEPT: usize = 16 * 1024;

impl Lane {
    pub(super) fn closed() -> Lane {
        Lane {
            writer: None,
            waker: None,
            open: false,
            version: ProtocolVersion::V311,
            max_packet: None,
            residue: None,
        }
    }

    /// A new connection's write side; the lane stays closed until the task opens it.
    pub(super) fn attach(
        &mut self,
        writer: WriteHalf<BrokerStream>,
        waker: Waker,
        version: ProtocolVersion,
        max_packet: Option<u32>,
    ) {
        *self = Lane {
            writer: Some(writer),
            waker: Some(waker),
            open: false,
            version,
            max_packet,
            residue: self.residue.take(),
        };
    }

    /// The connection is over: the write side back to the task (for its DISCONNECT), and what a
    /// caller left unwritten.
    pub(super) fn detach(&mut self) -> (Option<WriteHalf<BrokerStream>>, Option<Box<Residue>>) {
        self.open = false;
        self.waker = None;
        (self.writer.take(), self.residue.take())
    }

    /// Opens the lane when nothing waits: the task has nothing to write (`idle`), no command is
    /// queued (`commands_waiting`), and no caller's rest is left.
    pub(super) fn open_if(&mut self, idle: bool, commands_waiting: bool) {
        self.open = idle && !commands_waiting && self.residue.is_none() && self.writer.is_some();
    }

    /// A command is queued: callers queue behind it.
    pub(super) fn close_to_callers(&mut self) {
        self.open = false;
    }

    /// The task is about to touch its own bytes: callers queue from now on. Hands over what a
    /// caller left, which goes out before anything else.
    pub(super) fn claim(&mut self) -> Option<Box<Residue>> {
        self.open = false;
        self.residue.take()
    }

    /// One turn of the task's writing: some of `out`, or a flush once `out` is empty.
    pub(super) fn poll_push(
        &mut self,
        cx: &mut Context<'_>,
        out: &[u8],
    ) -> Poll<std::io::Result<Pushed>> {
        let Some(w) = self.writer.as_mut() else {
            return Poll::Ready(Err(std::io::ErrorKind::NotConnected.into()));
        };
        let w = Pin::new(w);
        if out.is_empty() {
            return w.poll_flush(cx).map_ok(|()| Pushed::Flushed);
        }
        w.poll_write(cx, out).map_ok(Pushed::Wrote)
    }

    /// A caller's QoS 0 PUBLISH: written now when the lane is open. Returns
    /// [`Direct::Written`] (room counted in `outbound` while any of it waits for the task;
    /// `wake_task` set when the task must come and write it), or the publish back to be queued.
    pub(super) fn write(
        &mut self,
        publish: Publish,
        cost: usize,
        outbound: &Outbound,
        wake_task: &mut bool,
    ) -> Result<Direct, ClientError> {
        if !self.open {
            return Ok(Direct::Queue(publish));
        }
        if !outbound.take(cost) {
            return Err(ClientError::OutboundFull(outbound.limit()));
        }
        SCRATCH.with(|s| {
            let mut buf = s.borrow_mut();
            buf.clear();
            if let Err(e) = publish.encode(self.version, &mut buf) {
                outbound.release(cost);
                return Err(ClientError::Encode(e.to_string()));
            }
            if let Some(max) = self.max_packet {
                if buf.len() > max as usize {
                    outbound.release(cost);
                    return Err(ClientError::TooLarge {
                        size: buf.len(),
                        max,
                    });
                }
            }
            let r = self.write_out(&buf, cost, outbound, wake_task, publish);
            if buf.capacity() > SCRATCH_KEPT {
                *buf = BytesMut::new();
            }
            r
        })
    }

    /// Writes `packet` (encoded from `publish`) and flushes; leaves the rest to the task.
    fn write_out(
        &mut self,
        packet: &[u8],
        cost: usize,
        outbound: &Outbound,
        wake_task: &mut bool,
        publish: Publish,
    ) -> Result<Direct, ClientError> {
        let (Some(w), Some(waker)) = (self.writer.as_mut(), self.waker.as_ref()) else {
            outbound.release(cost);
            self.open = false;
            return Ok(Direct::Queue(publish));
        };
        let mut cx = Context::from_waker(waker);
        let mut w = Pin::new(w);
        let mut done = 0;
        let mut flushed = false;
        while done < packet.len() {
            match w.as_mut().poll_write(&mut cx, &packet[done..]) {
                Poll::Ready(Ok(n)) if n > 0 => done += n,
                Poll::Pending => break,
                // A broken connection: the task meets the same error and tells why; until then
                // the message is its to send or count lost.
                Poll::Ready(_) if done == 0 => {
                    outbound.release(cost);
                    self.open = false;
                    return Ok(Direct::Queue(publish));
                }
                Poll::Ready(_) => break,
            }
        }
        if done == packet.len() {
            flushed = matches!(w.as_mut().poll_flush(&mut cx), Poll::Ready(Ok(())));
        }
        if done == packet.len() && flushed {
            outbound.release(cost);
            return Ok(Direct::Written);
        }
        // The task writes the rest (or flushes) before anything of its own.
        self.open = false;
        self.residue = Some(Box::new(Residue {
            bytes: BytesMut::from(&packet[done..]),
            cost,
        }));
        *wake_task = true;
        Ok(Direct::Written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use bytes::Bytes;
    use tokio::io::AsyncReadExt;

    fn publish(body: &'static [u8]) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "t".into(),
            pkid: 0,
            payload: Bytes::from_static(body),
            properties: Default::default(),
        }
    }

    fn lane_on(capacity: usize) -> (Lane, tokio::io::DuplexStream) {
        let (ours, theirs) = tokio::io::duplex(capacity);
        let stream: BrokerStream = Box::new(ours);
        let (_r, w) = tokio::io::split(stream);
        let mut lane = Lane::closed();
        lane.attach(w, Waker::noop().clone(), ProtocolVersion::V311, None);
        (lane, theirs)
    }

    #[tokio::test]
    async fn a_closed_lane_hands_the_publish_back() {
        let (mut lane, _peer) = lane_on(64);
        let outbound = Outbound::new(1000);
        let mut wake = false;
        let r = lane.write(publish(b"x"), 10, &outbound, &mut wake);
        assert!(matches!(r, Ok(Direct::Queue(_))));
        assert!(
            !wake && outbound.take(999) && outbound.take(1),
            "nothing counted"
        );
    }

    #[tokio::test]
    async fn an_open_lane_writes_the_packet_whole() {
        let (mut lane, mut peer) = lane_on(64);
        lane.open_if(true, false);
        let outbound = Outbound::new(1000);
        let mut wake = false;
        let r = lane.write(publish(b"hello"), 10, &outbound, &mut wake);
        assert!(matches!(r, Ok(Direct::Written)) && !wake);
        let mut got = [0u8; 10];
        peer.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"\x30\x08\x00\x01thello");
        assert!(
            outbound.take(999) && outbound.take(1),
            "its room was given back"
        );
    }

    #[tokio::test]
    async fn what_the_socket_does_not_take_is_left_to_the_task() {
        let (mut lane, _peer) = lane_on(4);
        lane.open_if(true, false);
        let outbound = Outbound::new(1000);
        let mut wake = false;
        let r = lane.write(publish(b"hello"), 10, &outbound, &mut wake);
        assert!(matches!(r, Ok(Direct::Written)) && wake);
        assert!(!lane.open, "callers queue behind the rest");
        let rest = lane.claim().expect("the rest");
        assert_eq!(&rest.bytes[..], b"thello");
        assert_eq!(rest.cost, 10);
        assert!(
            outbound.take(990) && !outbound.has_room(),
            "the rest still counts against the limit"
        );
    }

    #[tokio::test]
    async fn a_packet_beyond_the_brokers_maximum_is_refused_whole() {
        let (mut lane, _peer) = lane_on(64);
        lane.max_packet = Some(5);
        lane.open_if(true, false);
        let outbound = Outbound::new(1000);
        let mut wake = false;
        let r = lane.write(publish(b"hello"), 10, &outbound, &mut wake);
        assert!(matches!(r, Err(ClientError::TooLarge { size: 10, max: 5 })));
        assert!(lane.open && outbound.take(1000));
    }

    #[tokio::test]
    async fn waiting_commands_or_a_rest_keep_the_lane_closed() {
        let (mut lane, _peer) = lane_on(64);
        lane.open_if(true, true);
        assert!(!lane.open);
        lane.open_if(false, false);
        assert!(!lane.open);
        lane.residue = Some(Box::new(Residue {
            bytes: BytesMut::new(),
            cost: 0,
        }));
        lane.open_if(true, false);
        assert!(!lane.open);
        let (w, rest) = lane.detach();
        assert!(w.is_some() && rest.is_some());
        lane.open_if(true, false);
        assert!(!lane.open, "no connection, no lane");
    }
}
