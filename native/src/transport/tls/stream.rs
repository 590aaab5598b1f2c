//! A TLS client stream over tokio's `TcpStream`: rustls's unbuffered API for the handshake, our
//! record layer (`records.rs`) after it.
//!
//! tokio-rustls over rustls's `ClientConnection` kept a receive buffer of about 4 KiB in every
//! connection for its whole life (plus its other buffers): with thousands of idle connections that
//! was most of what a TLS connection cost. Here the buffers are ours and hold memory only while
//! bytes are in flight: a read goes to a buffer on the stack first, and only the tail of a record
//! that has not fully arrived moves to the heap; encrypted bytes the socket did not take, and
//! plaintext the reader did not take, are kept until they are, then freed. Once the handshake is
//! done rustls's connection goes too, and the connection holds its keys and little else.

use std::future::poll_fn;
use std::io;
use std::mem::{self, MaybeUninit};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::ServerName;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError, UnbufferedStatus};
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::keylog::{self, Captured, TrafficSecrets};
use super::records::{Opened, Records, HEADER};

/// One read from the socket at most: a few MQTT packets, or the server's first flight.
const STACK_READ: usize = 8 * 1024;
/// Plaintext encrypted per write at most (rustls splits it into records of 16 KiB): bounds the
/// encrypted bytes one write may leave waiting for the socket.
const MAX_WRITE: usize = 64 * 1024;

/// What went wrong on the stream, besides what rustls reports itself (that goes out as the
/// `rustls::Error`, so that `TlsContext::explain` can name it).
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("the broker closed the connection during the TLS handshake")]
    HandshakeEof,
    #[error("the broker closed the connection without a TLS close_notify")]
    EofWithoutCloseNotify,
    #[error("the TLS connection is closed for writing")]
    Closed,
    #[error("the TLS keys are used up (too many records on one connection)")]
    KeysExhausted,
    #[error("TLS record encoding failed: {0}")]
    Encode(String),
}

impl From<StreamError> for io::Error {
    fn from(e: StreamError) -> io::Error {
        let kind = match e {
            StreamError::HandshakeEof | StreamError::EofWithoutCloseNotify => {
                io::ErrorKind::UnexpectedEof
            }
            StreamError::Closed => io::ErrorKind::BrokenPipe,
            StreamError::KeysExhausted | StreamError::Encode(_) => io::ErrorKind::Other,
        };
        io::Error::new(kind, e)
    }
}

/// A rustls error as an I/O error that still carries it (as tokio-rustls did: `explain` looks for it).
fn tls_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// Where processing the records at hand stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    /// The handshake is done and nothing waits: application data may flow.
    Traffic,
    /// More bytes from the peer are needed (the handshake, or a record's rest).
    NeedBytes,
    /// close_notify went both ways.
    Closed,
}

/// What the caller wants done once the connection is at `WriteTraffic`.
enum Action<'a> {
    Encrypt(&'a [u8]),
    CloseNotify,
}

struct Driven {
    /// Bytes at the front of the input that rustls is done with.
    consumed: usize,
    /// Plaintext bytes encrypted for an `Action::Encrypt`.
    encrypted: usize,
    reached: Reached,
}

/// The bytes in flight, apart from the connection so that rustls's borrow of its input (which may
/// be the stream's own `incoming`) leaves them free.
#[derive(Default)]
struct Buffers {
    /// Encrypted bytes not yet taken by the socket, from `sent` on.
    outgoing: Vec<u8>,
    sent: usize,
    /// Decrypted bytes not yet taken by the reader, from `plain_at` on.
    plain: Vec<u8>,
    plain_at: usize,
    /// The peer's close_notify arrived: after `plain`, the reader gets end of file.
    peer_closed: bool,
}

impl Buffers {
    fn has_plain(&self) -> bool {
        self.plain_at < self.plain.len()
    }

    /// A record's plaintext: into the reader's buffer when nothing is queued before it, the rest
    /// kept for the next reads.
    fn take_in(&mut self, payload: &[u8], dst: &mut Option<&mut ReadBuf<'_>>) {
        let mut rest = payload;
        if let Some(dst) = dst.as_deref_mut() {
            if !self.has_plain() {
                let n = rest.len().min(dst.remaining());
                dst.put_slice(&rest[..n]);
                rest = &rest[n..];
            }
        }
        if !rest.is_empty() {
            self.plain.extend_from_slice(rest);
        }
    }

    /// Copies queued plaintext into `dst`; true if there was any.
    fn give_plain(&mut self, dst: &mut ReadBuf<'_>) -> bool {
        if !self.has_plain() {
            return false;
        }
        let n = (self.plain.len() - self.plain_at).min(dst.remaining());
        dst.put_slice(&self.plain[self.plain_at..self.plain_at + n]);
        self.plain_at += n;
        if !self.has_plain() {
            self.plain = Vec::new();
            self.plain_at = 0;
        }
        true
    }
}

/// Something that may fail for want of room, saying how much it needs.
trait NeedsRoom {
    fn needs(&self) -> Option<usize>;
}

impl NeedsRoom for EncodeError {
    fn needs(&self) -> Option<usize> {
        match self {
            EncodeError::InsufficientSize(s) => Some(s.required_size),
            _ => None,
        }
    }
}

impl NeedsRoom for EncryptError {
    fn needs(&self) -> Option<usize> {
        match self {
            EncryptError::InsufficientSize(s) => Some(s.required_size),
            _ => None,
        }
    }
}

/// Runs `f` on room at the end of `out`: `guess` bytes, or as many as `f` then says it needs;
/// `out` ends up holding just what `f` wrote.
fn append_with<E: NeedsRoom>(
    out: &mut Vec<u8>,
    guess: usize,
    mut f: impl FnMut(&mut [u8]) -> Result<usize, E>,
) -> Result<usize, E> {
    let start = out.len();
    out.resize(start + guess, 0);
    let result = match f(&mut out[start..]) {
        Err(e) => match e.needs() {
            Some(needed) => {
                out.resize(start + needed, 0);
                f(&mut out[start..])
            }
            None => Err(e),
        },
        done => done,
    };
    out.truncate(start + result.as_ref().map_or(0, |n| *n));
    result
}

/// Room for `len` bytes of plaintext once encrypted: each record of up to 16 KiB adds a header, a
/// content type or explicit nonce and a tag (22 to 29 bytes with the AEAD suites rustls has).
fn encrypted_size(len: usize) -> usize {
    len + (len / (16 * 1024) + 1) * 64
}

/// Processes the records at the front of `incoming` until rustls needs more bytes, has nothing
/// to do, or has done `action`. Plaintext goes to `dst` first, then to `bufs.plain`; what rustls
/// has to send goes to `bufs.outgoing` (ahead of anything encrypted later, so it is "transmitted"
/// as far as rustls is concerned).
fn drive(
    conn: &mut UnbufferedClientConnection,
    incoming: &mut [u8],
    bufs: &mut Buffers,
    mut dst: Option<&mut ReadBuf<'_>>,
    mut action: Option<Action<'_>>,
) -> Result<Driven, rustls::Error> {
    let mut consumed = 0;
    let mut encrypted = 0;
    loop {
        let UnbufferedStatus { mut discard, state } =
            conn.process_tls_records(&mut incoming[consumed..]);
        let reached = match state? {
            ConnectionState::ReadTraffic(mut traffic) => {
                while let Some(record) = traffic.next_record() {
                    let record = record?;
                    discard += record.discard;
                    bufs.take_in(record.payload, &mut dst);
                }
                None
            }
            ConnectionState::EncodeTlsData(mut data) => {
                append_with(&mut bufs.outgoing, 0, |out| data.encode(out))
                    .map_err(|e| rustls::Error::General(e.to_string()))?;
                None
            }
            ConnectionState::TransmitTlsData(data) => {
                data.done();
                None
            }
            ConnectionState::PeerClosed => {
                bufs.peer_closed = true;
                None
            }
            ConnectionState::Closed => Some(Reached::Closed),
            ConnectionState::BlockedHandshake => Some(Reached::NeedBytes),
            ConnectionState::WriteTraffic(mut traffic) => match action.take() {
                Some(Action::Encrypt(data)) => {
                    encrypted =
                        append_with(&mut bufs.outgoing, encrypted_size(data.len()), |out| {
                            traffic.encrypt(data, out)
                        })
                        .map(|_| data.len())
                        .map_err(|e| match e {
                            EncryptError::EncryptExhausted => {
                                rustls::Error::General(StreamError::KeysExhausted.to_string())
                            }
                            other => rustls::Error::General(other.to_string()),
                        })?;
                    None
                }
                Some(Action::CloseNotify) => {
                    append_with(&mut bufs.outgoing, 64, |out| {
                        traffic.queue_close_notify(out)
                    })
                    .map_err(|e| rustls::Error::General(e.to_string()))?;
                    None
                }
                None => Some(Reached::Traffic),
            },
            // Early data is the server's side; a state added later is nothing we can act on.
            _ => Some(Reached::NeedBytes),
        };
        consumed += discard;
        if let Some(reached) = reached {
            return Ok(Driven {
                consumed,
                encrypted,
                reached,
            });
        }
    }
}

/// Processes the whole records at the front of `incoming` with our record layer, then does
/// `action`. Plaintext goes to `dst` first, then to `bufs.plain`; records go to `bufs.outgoing`.
fn drive_records(
    records: &mut Records,
    incoming: &mut [u8],
    bufs: &mut Buffers,
    mut dst: Option<&mut ReadBuf<'_>>,
    action: Option<Action<'_>>,
) -> Result<Driven, rustls::Error> {
    let mut consumed = 0;
    while let Some(len) = whole_record(&incoming[consumed..]) {
        if bufs.peer_closed {
            // nothing after the broker's close_notify counts
            consumed = incoming.len();
            break;
        }
        let record = &mut incoming[consumed..consumed + len];
        match records.open(record, &mut bufs.outgoing) {
            Ok(Opened::Data(plain)) => bufs.take_in(plain, &mut dst),
            Ok(Opened::Closed) => bufs.peer_closed = true,
            Ok(Opened::Nothing) => {}
            Err(e) => {
                // `fail` sends it, if the socket takes it at once
                records.seal_fatal_alert(&e, &mut bufs.outgoing);
                return Err(e.into());
            }
        }
        consumed += len;
    }
    let encrypted = match action {
        Some(Action::Encrypt(data)) => {
            records.seal(data, &mut bufs.outgoing)?;
            data.len()
        }
        Some(Action::CloseNotify) => {
            records.seal_close_notify(&mut bufs.outgoing)?;
            0
        }
        None => 0,
    };
    Ok(Driven {
        consumed,
        encrypted,
        reached: Reached::Traffic,
    })
}

/// The length of the whole record at the front of `buf`, if it has all arrived.
fn whole_record(buf: &[u8]) -> Option<usize> {
    let len = HEADER + usize::from(u16::from_be_bytes([*buf.get(3)?, *buf.get(4)?]));
    (buf.len() >= len).then_some(len)
}

/// Bytes still missing from the last, incomplete record at the end of `buf` (a header's worth
/// when not even its header is there).
fn missing(buf: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let rest = &buf[at..];
        if rest.len() < HEADER {
            return HEADER - rest.len();
        }
        let len = HEADER + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if rest.len() < len {
            return len - rest.len();
        }
        at += len;
    }
}

/// What the stream needs of a client configuration: rustls hands the keys over once the handshake
/// is done, and tells their TLS 1.3 traffic secrets (for key updates) to our key log.
pub(super) fn prepare(config: &mut ClientConfig) {
    config.enable_secret_extraction = true;
    config.key_log = Arc::new(TrafficSecrets);
}

/// rustls through the handshake, and what its key log told so far.
struct Handshaking {
    conn: UnbufferedClientConnection,
    secrets: Captured,
}

/// Who protects the records.
enum Protection {
    Handshake(Box<Handshaking>),
    Records(Box<Records>),
    /// After a failure (`failed` says which), or for the moment of the hand-over.
    Gone,
}

/// A client TLS connection, as `AsyncRead + AsyncWrite`.
pub struct TlsStream {
    tcp: TcpStream,
    protection: Protection,
    /// Received bytes rustls could not use yet: a record that has not fully arrived.
    incoming: Vec<u8>,
    bufs: Buffers,
    /// The socket said end of file.
    tcp_eof: bool,
    close_queued: bool,
    /// The first error: the connection is over, and every later call says why.
    failed: Option<rustls::Error>,
}

impl TlsStream {
    /// Runs the handshake over `tcp` (no deadline here: the caller's). `config` has been through
    /// `prepare`.
    pub async fn connect(
        config: Arc<ClientConfig>,
        name: ServerName<'static>,
        tcp: TcpStream,
    ) -> io::Result<TlsStream> {
        let conn = UnbufferedClientConnection::new(config, name).map_err(tls_error)?;
        let mut stream = TlsStream {
            tcp,
            protection: Protection::Handshake(Box::new(Handshaking {
                conn,
                secrets: Captured::default(),
            })),
            incoming: Vec::new(),
            bufs: Buffers::default(),
            tcp_eof: false,
            close_queued: false,
            failed: None,
        };
        poll_fn(|cx| stream.poll_handshake(cx)).await?;
        Ok(stream)
    }

    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let driven = self.process_incoming(None, None)?;
            // our flight goes out before we wait for theirs
            ready!(self.poll_send(cx))?;
            match driven.reached {
                Reached::Traffic => return Poll::Ready(self.hand_over()),
                Reached::Closed => return Poll::Ready(Err(StreamError::HandshakeEof.into())),
                Reached::NeedBytes if self.tcp_eof => {
                    return Poll::Ready(Err(StreamError::HandshakeEof.into()))
                }
                Reached::NeedBytes => ready!(self.poll_receive(cx, None))?,
            }
        }
    }

    /// From rustls to our record layer. rustls's connection is let go, but for its ticket store
    /// while TLS 1.3 session tickets may still come.
    fn hand_over(&mut self) -> io::Result<()> {
        let Protection::Handshake(handshake) = mem::replace(&mut self.protection, Protection::Gone)
        else {
            return Ok(());
        };
        let Handshaking { conn, secrets } = *handshake;
        let records = conn
            .dangerous_into_kernel_connection()
            .and_then(|(keys, kernel)| Ok(Records::new(keys, kernel, secrets)?));
        match records {
            Ok(records) => {
                self.protection = Protection::Records(Box::new(records));
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Runs the record layer over the bytes held in `incoming` (plaintext to `dst`, `action` done once the
    /// connection can), keeping there only what rustls did not consume.
    fn process_incoming(
        &mut self,
        dst: Option<&mut ReadBuf<'_>>,
        action: Option<Action<'_>>,
    ) -> io::Result<Driven> {
        let mut incoming = mem::take(&mut self.incoming);
        let driven = self.process(&mut incoming, dst, action)?;
        incoming.drain(..driven.consumed);
        if !incoming.is_empty() {
            self.incoming = incoming;
        }
        Ok(driven)
    }

    fn process(
        &mut self,
        incoming: &mut [u8],
        dst: Option<&mut ReadBuf<'_>>,
        action: Option<Action<'_>>,
    ) -> io::Result<Driven> {
        if let Some(e) = &self.failed {
            return Err(tls_error(e.clone()));
        }
        let bufs = &mut self.bufs;
        let driven = match &mut self.protection {
            Protection::Handshake(handshake) => {
                let (driven, secrets) =
                    keylog::capture(|| drive(&mut handshake.conn, incoming, bufs, dst, action));
                handshake.secrets.merge(secrets);
                driven
            }
            Protection::Records(records) => drive_records(records, incoming, bufs, dst, action),
            Protection::Gone => Err(rustls::Error::General(StreamError::Closed.to_string())),
        };
        driven.map_err(|e| self.fail(e))
    }

    /// Remembers the connection's end and sends, if it can at once, the alert rustls queued for it
    /// (during the handshake; after it, the connection just closes).
    fn fail(&mut self, e: rustls::Error) -> io::Error {
        tracing::debug!(error = %e, "TLS connection failed");
        if let Protection::Handshake(handshake) = &mut self.protection {
            for _ in 0..4 {
                let UnbufferedStatus { state, .. } = handshake.conn.process_tls_records(&mut []);
                match state {
                    Ok(ConnectionState::EncodeTlsData(mut data)) => {
                        if append_with(&mut self.bufs.outgoing, 0, |out| data.encode(out)).is_err()
                        {
                            break;
                        }
                    }
                    Ok(ConnectionState::TransmitTlsData(data)) => data.done(),
                    _ => break,
                }
            }
        }
        self.protection = Protection::Gone;
        if self.bufs.sent < self.bufs.outgoing.len() {
            // best effort: the connection is failing either way
            let _ = self.tcp.try_write(&self.bufs.outgoing[self.bufs.sent..]);
        }
        self.bufs.outgoing = Vec::new();
        self.bufs.sent = 0;
        self.incoming = Vec::new();
        self.failed = Some(e.clone());
        tls_error(e)
    }

    /// Writes out the encrypted bytes held; Ready once none are left (and their buffer is freed).
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.bufs.sent < self.bufs.outgoing.len() {
            let n = ready!(
                Pin::new(&mut self.tcp).poll_write(cx, &self.bufs.outgoing[self.bufs.sent..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.bufs.sent += n;
        }
        if self.bufs.outgoing.capacity() > 0 {
            self.bufs.outgoing = Vec::new();
            self.bufs.sent = 0;
        }
        Poll::Ready(Ok(()))
    }

    /// One read from the socket, processed: plaintext to `dst` or `bufs.plain`, an incomplete
    /// record's start to `incoming`. Ready(Ok) also at end of file (`tcp_eof`).
    fn poll_receive(
        &mut self,
        cx: &mut Context<'_>,
        dst: Option<&mut ReadBuf<'_>>,
    ) -> Poll<io::Result<()>> {
        if !self.incoming.is_empty() {
            // The rest of a record: read into the heap buffer that holds its start, room for
            // just what it lacks (the next record's bytes wait in the socket).
            let held = self.incoming.len();
            self.incoming.resize(held + missing(&self.incoming), 0);
            let mut room = ReadBuf::new(&mut self.incoming[held..]);
            let read = Pin::new(&mut self.tcp).poll_read(cx, &mut room);
            let n = room.filled().len();
            self.incoming.truncate(held + n);
            ready!(read)?;
            if n == 0 {
                self.tcp_eof = true;
                return Poll::Ready(Ok(()));
            }
            self.process_incoming(dst, None)?;
            return Poll::Ready(Ok(()));
        }
        let mut stack = [MaybeUninit::<u8>::uninit(); STACK_READ];
        let mut room = ReadBuf::uninit(&mut stack);
        ready!(Pin::new(&mut self.tcp).poll_read(cx, &mut room))?;
        if room.filled().is_empty() {
            self.tcp_eof = true;
            return Poll::Ready(Ok(()));
        }
        let data = room.filled_mut();
        let driven = self.process(data, dst, None)?;
        let rest = &data[driven.consumed..];
        if !rest.is_empty() {
            let mut incoming = Vec::with_capacity(rest.len() + missing(rest));
            incoming.extend_from_slice(rest);
            self.incoming = incoming;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.bufs.give_plain(buf) {
                return Poll::Ready(Ok(()));
            }
            if let Some(e) = &this.failed {
                return Poll::Ready(Err(tls_error(e.clone())));
            }
            if this.bufs.peer_closed || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            if this.tcp_eof {
                return Poll::Ready(Err(StreamError::EofWithoutCloseNotify.into()));
            }
            // What rustls answered (a key update, an alert) goes out when the socket takes it;
            // a socket that takes nothing now must not stop the read.
            if let Poll::Ready(Err(e)) = this.poll_send(cx) {
                return Poll::Ready(Err(e));
            }
            let before = buf.filled().len();
            ready!(this.poll_receive(cx, Some(buf)))?;
            if buf.filled().len() > before {
                return Poll::Ready(Ok(()));
            }
        }
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = &this.failed {
            return Poll::Ready(Err(tls_error(e.clone())));
        }
        if data.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if this.close_queued {
            return Poll::Ready(Err(StreamError::Closed.into()));
        }
        // What was encrypted goes out before more is taken on: one write's worth is the most held.
        ready!(this.poll_send(cx))?;
        let had_plain = this.bufs.has_plain();
        let chunk = &data[..data.len().min(MAX_WRITE)];
        let driven = this.process_incoming(None, Some(Action::Encrypt(chunk)))?;
        if this.bufs.has_plain() && !had_plain {
            // Records the reader has not seen were processed here: the reader must look again.
            cx.waker().wake_by_ref();
        }
        if driven.encrypted == 0 {
            return Poll::Ready(Err(StreamError::Closed.into()));
        }
        // Start sending now; what the socket does not take waits for the next write or flush.
        if let Poll::Ready(Err(e)) = this.poll_send(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(driven.encrypted))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.close_queued && this.failed.is_none() {
            this.close_queued = true;
            this.process_incoming(None, Some(Action::CloseNotify))?;
        }
        if this.failed.is_none() {
            ready!(this.poll_send(cx))?;
        }
        match ready!(Pin::new(&mut this.tcp).poll_shutdown(cx)) {
            Err(e) if e.kind() != io::ErrorKind::NotConnected => Poll::Ready(Err(e)),
            _ => Poll::Ready(Ok(())),
        }
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
