//! WebSocket framing (RFC 6455, client side) as a byte stream: each write goes out as one masked
//! binary frame; the payloads of incoming binary frames go straight to the reader, so an MQTT
//! packet split across frames and several packets in one frame both work.
//!
//! Our own rather than tungstenite's: its framing kept a read buffer (2 KiB at the least) in every
//! connection for good. Here a read goes to a buffer on the stack first; only bytes the reader had
//! no room for move to the heap, and are freed once read; a frame the socket did not fully take
//! is kept until it does.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::super::AsyncStream;

/// Largest frame we send: bigger writes go out as several frames.
pub(super) const MAX_FRAME_OUT: usize = 256 * 1024;
/// Largest frame accepted (matches the session's packet limit).
pub(super) const MAX_INCOMING: u64 = 64 * 1024 * 1024;
/// One read from the connection at most.
const STACK_READ: usize = 4 * 1024;
/// Writes up to this size are framed on the stack.
const STACK_FRAME: usize = 2 * 1024;
/// A frame header at most: 2 bytes, 8 of extended length, 4 of mask.
const MAX_HEADER: usize = 14;
/// A control frame's payload at most.
const MAX_CONTROL: usize = 125;

const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

/// What the broker sent that a WebSocket client must not accept.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("broker sent a WebSocket text frame; MQTT uses binary frames only")]
    Text,
    #[error("broker sent a masked WebSocket frame (servers must not mask)")]
    Masked,
    #[error("broker sent a WebSocket frame with reserved bits set (no extension was agreed)")]
    Reserved,
    #[error("broker sent a WebSocket frame with unknown opcode {0:#x}")]
    Opcode(u8),
    #[error("broker sent a fragmented or oversized WebSocket control frame")]
    BadControl,
    #[error("broker sent a WebSocket frame of {0} bytes (at most {MAX_INCOMING} accepted)")]
    TooLarge(u64),
    #[error("broker sent a WebSocket continuation frame outside a message")]
    StrayContinuation,
    #[error("broker started a WebSocket message inside another")]
    Interleaved,
    #[error("the broker closed the connection without a WebSocket close frame")]
    NoClose,
    #[error("the WebSocket connection is closed")]
    Closed,
}

impl From<FrameError> for io::Error {
    fn from(e: FrameError) -> io::Error {
        let kind = match e {
            FrameError::NoClose => io::ErrorKind::UnexpectedEof,
            FrameError::Closed => io::ErrorKind::BrokenPipe,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}

/// Where the reader is in the incoming frames.
enum Frame {
    /// A header, `have` bytes of it so far.
    Header { buf: [u8; MAX_HEADER], have: u8 },
    /// Payload of a binary frame, `left` bytes still to come.
    Data { left: u64 },
    /// A control frame's payload, collected whole.
    Control {
        opcode: u8,
        buf: [u8; MAX_CONTROL],
        have: u8,
        len: u8,
    },
}

const NEW_HEADER: Frame = Frame::Header {
    buf: [0; MAX_HEADER],
    have: 0,
};

/// The length a header will have, from its first two bytes.
fn header_len(b1: u8) -> usize {
    let ext = match b1 & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    2 + ext + if b1 & 0x80 != 0 { 4 } else { 0 }
}

/// A frame of ours: `opcode`, masked `payload`, into `out` (which must have room).
fn frame_into(out: &mut [u8], opcode: u8, payload: &[u8]) -> usize {
    let mask: [u8; 4] = rand::random();
    out[0] = 0x80 | opcode;
    let len = payload.len();
    let mut at = if len < 126 {
        out[1] = 0x80 | len as u8;
        2
    } else if let Ok(short) = u16::try_from(len) {
        out[1] = 0x80 | 126;
        out[2..4].copy_from_slice(&short.to_be_bytes());
        4
    } else {
        out[1] = 0x80 | 127;
        out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    };
    out[at..at + 4].copy_from_slice(&mask);
    at += 4;
    for (i, (o, p)) in out[at..at + len].iter_mut().zip(payload).enumerate() {
        *o = p ^ mask[i & 3];
    }
    at + len
}

fn framed_len(len: usize) -> usize {
    len + MAX_HEADER
}

/// A byte stream over WebSocket frames on `S` (TCP or TLS).
pub struct WsStream<S> {
    inner: S,
    frame: Frame,
    /// A binary message is open: continuation frames belong to it.
    in_message: bool,
    /// Bytes read but not yet parsed (the reader had no room), from `held_at` on.
    held: Vec<u8>,
    held_at: usize,
    /// Frames of ours not yet taken by `inner`, from `sent` on (pongs, the close, a write's rest).
    out: Vec<u8>,
    sent: usize,
    /// The broker's close frame arrived (after it, the reader gets end of file).
    closed_by_peer: bool,
    /// Our close frame is queued: no more writes.
    close_queued: bool,
    /// `inner` said end of file.
    eof: bool,
}

impl<S: AsyncStream> WsStream<S> {
    /// `first` holds the bytes that came right behind the upgrade's answer.
    pub(super) fn new(inner: S, first: Vec<u8>) -> WsStream<S> {
        WsStream {
            inner,
            frame: NEW_HEADER,
            in_message: false,
            held: first,
            held_at: 0,
            out: Vec::new(),
            sent: 0,
            closed_by_peer: false,
            close_queued: false,
            eof: false,
        }
    }

    /// Queues a control frame of ours (a pong, the close).
    fn queue(&mut self, opcode: u8, payload: &[u8]) {
        let start = self.out.len();
        self.out.resize(start + framed_len(payload.len()), 0);
        let n = frame_into(&mut self.out[start..], opcode, payload);
        self.out.truncate(start + n);
    }

    /// Writes out the frames held; Ready once none are left (and their buffer is freed).
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.out.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        if self.out.capacity() > 0 {
            self.out = Vec::new();
            self.sent = 0;
        }
        Poll::Ready(Ok(()))
    }

    /// Makes sense of `bytes`: binary payload into `dst` while it has room, control frames
    /// answered. Returns how many bytes were used.
    fn parse(&mut self, bytes: &[u8], dst: &mut ReadBuf<'_>) -> Result<usize, FrameError> {
        let mut at = 0;
        while at < bytes.len() && !self.closed_by_peer {
            match &mut self.frame {
                Frame::Header { buf, have } => {
                    let h = usize::from(*have);
                    // the first two bytes say how long the rest of the header is
                    let need = if h < 2 { 2 } else { header_len(buf[1]) };
                    let n = (need - h).min(bytes.len() - at);
                    buf[h..h + n].copy_from_slice(&bytes[at..at + n]);
                    at += n;
                    *have = (h + n) as u8;
                    if h + n == need && (need > 2 || header_len(buf[1]) == 2) {
                        let header = *buf;
                        self.frame = self.start_frame(&header)?;
                    }
                }
                Frame::Data { left } => {
                    if dst.remaining() == 0 {
                        break;
                    }
                    let n = (bytes.len() - at).min(dst.remaining());
                    let n = usize::try_from(*left).map_or(n, |l| n.min(l));
                    dst.put_slice(&bytes[at..at + n]);
                    at += n;
                    *left -= n as u64;
                    if *left == 0 {
                        self.frame = NEW_HEADER;
                    }
                }
                Frame::Control {
                    opcode,
                    buf,
                    have,
                    len,
                } => {
                    let h = usize::from(*have);
                    let n = (usize::from(*len) - h).min(bytes.len() - at);
                    buf[h..h + n].copy_from_slice(&bytes[at..at + n]);
                    at += n;
                    *have = (h + n) as u8;
                    if *have == *len {
                        let (opcode, payload, len) = (*opcode, *buf, usize::from(*len));
                        self.frame = NEW_HEADER;
                        self.control(opcode, &payload[..len]);
                    }
                }
            }
        }
        Ok(at)
    }

    /// A whole header read: what follows it.
    fn start_frame(&mut self, h: &[u8; MAX_HEADER]) -> Result<Frame, FrameError> {
        let (fin, rsv, opcode) = (h[0] & 0x80 != 0, h[0] & 0x70, h[0] & 0x0f);
        if rsv != 0 {
            return Err(FrameError::Reserved);
        }
        if h[1] & 0x80 != 0 {
            return Err(FrameError::Masked);
        }
        let len = match h[1] & 0x7f {
            126 => u64::from(u16::from_be_bytes([h[2], h[3]])),
            127 => u64::from_be_bytes([h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9]]),
            short => u64::from(short),
        };
        match opcode {
            OP_TEXT => Err(FrameError::Text),
            OP_BINARY | OP_CONTINUATION => {
                if opcode == OP_CONTINUATION && !self.in_message {
                    return Err(FrameError::StrayContinuation);
                }
                if opcode == OP_BINARY && self.in_message {
                    return Err(FrameError::Interleaved);
                }
                if len > MAX_INCOMING {
                    return Err(FrameError::TooLarge(len));
                }
                self.in_message = !fin;
                Ok(if len == 0 {
                    NEW_HEADER
                } else {
                    Frame::Data { left: len }
                })
            }
            OP_CLOSE | OP_PING | OP_PONG => {
                if !fin || len > MAX_CONTROL as u64 {
                    return Err(FrameError::BadControl);
                }
                let frame = Frame::Control {
                    opcode,
                    buf: [0; MAX_CONTROL],
                    have: 0,
                    len: len as u8,
                };
                if len == 0 {
                    self.control(opcode, &[]);
                    return Ok(NEW_HEADER);
                }
                Ok(frame)
            }
            other => Err(FrameError::Opcode(other)),
        }
    }

    fn control(&mut self, opcode: u8, payload: &[u8]) {
        match opcode {
            OP_PING if !self.close_queued => self.queue(OP_PONG, payload),
            OP_CLOSE => {
                self.closed_by_peer = true;
                if !self.close_queued {
                    // the answer names the broker's status code back, as RFC 6455 5.5.1 asks
                    let code = payload.get(..2).unwrap_or(&[]).to_vec();
                    self.queue(OP_CLOSE, &code);
                    self.close_queued = true;
                }
            }
            _ => {}
        }
    }

    /// Parses what `held` holds into `dst`; frees it once used up.
    fn parse_held(&mut self, dst: &mut ReadBuf<'_>) -> Result<(), FrameError> {
        let held = std::mem::take(&mut self.held);
        let used = self.parse(&held[self.held_at..], dst);
        self.held = held;
        self.held_at += used?;
        if self.held_at == self.held.len() {
            self.held = Vec::new();
            self.held_at = 0;
        }
        Ok(())
    }
}

impl<S: AsyncStream> AsyncRead for WsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        loop {
            if this.held_at < this.held.len() {
                this.parse_held(buf)?;
            }
            // Pongs and the close answer go out when `inner` takes them; a connection that takes
            // nothing now must not stop the read.
            if let Poll::Ready(Err(e)) = this.poll_send(cx) {
                return Poll::Ready(Err(e));
            }
            if buf.filled().len() > before || this.closed_by_peer || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            if this.held_at < this.held.len() {
                continue;
            }
            if this.eof {
                return Poll::Ready(Err(FrameError::NoClose.into()));
            }
            let mut stack = [MaybeUninit::<u8>::uninit(); STACK_READ];
            let mut room = ReadBuf::uninit(&mut stack);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut room))?;
            let bytes = room.filled();
            if bytes.is_empty() {
                this.eof = true;
                continue;
            }
            let used = this.parse(bytes, buf)?;
            if used < bytes.len() {
                this.held = bytes[used..].to_vec();
                this.held_at = 0;
            }
        }
    }
}

impl<S: AsyncStream> AsyncWrite for WsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.close_queued {
            return Poll::Ready(Err(FrameError::Closed.into()));
        }
        if data.is_empty() {
            return Poll::Ready(Ok(0));
        }
        // What was framed goes out before more is taken on: one frame is the most held.
        ready!(this.poll_send(cx))?;
        let data = &data[..data.len().min(MAX_FRAME_OUT)];
        if data.len() <= STACK_FRAME {
            let mut frame = [0u8; STACK_FRAME + MAX_HEADER];
            let n = frame_into(&mut frame, OP_BINARY, data);
            // Nothing taken: nothing written, so the caller may come back with other bytes.
            let taken = ready!(Pin::new(&mut this.inner).poll_write(cx, &frame[..n]))?;
            if taken == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            if taken < n {
                this.out = frame[taken..n].to_vec();
                this.sent = 0;
            }
        } else {
            this.queue(OP_BINARY, data);
            if let Poll::Ready(Err(e)) = this.poll_send(cx) {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.close_queued {
            this.close_queued = true;
            // 1000: normal closure
            this.queue(OP_CLOSE, &1000u16.to_be_bytes());
        }
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
