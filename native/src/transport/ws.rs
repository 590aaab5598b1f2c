//! MQTT over WebSocket (RFC 6455, subprotocol `mqtt`) on top of a TCP or TLS stream.
//!
//! [`WsStream`] turns the message-oriented WebSocket into the byte stream the session expects:
//! each write becomes one binary frame; incoming binary frames are concatenated, so an MQTT packet
//! split across frames and several packets in one frame both work.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::{AsyncStream, TransportError};

/// Largest frame we send: bigger session buffers go out as several frames.
const MAX_FRAME_OUT: usize = 256 * 1024;

/// The URL of the upgrade request; the host is bracketed when it is an IPv6 literal.
pub(crate) fn url(secure: bool, host: &str, port: u16, path: &str) -> String {
    let scheme = if secure { "wss" } else { "ws" };
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    format!("{scheme}://{host}:{port}{path}")
}

/// Sends the HTTP upgrade over `stream` and wraps the result as a byte stream.
/// `explain` turns an I/O error of the underlying stream into a better one (TLS alerts).
pub(crate) async fn handshake<S>(
    stream: S,
    url: &str,
    addr: &str,
    deadline: tokio::time::Instant,
    millis: u128,
    explain: impl Fn(&io::Error) -> Option<TransportError>,
) -> Result<WsStream<S>, TransportError>
where
    S: AsyncStream + 'static,
{
    let failed = |reason: String| TransportError::WebSocket {
        addr: addr.to_string(),
        reason,
    };
    let mut request = url
        .into_client_request()
        .map_err(|e| failed(format!("bad request URL '{url}': {e}")))?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    let mut config = WebSocketConfig::default();
    // The read buffer is allocated up front (128 KiB by default), kept for the connection's life,
    // and grows for a large frame by itself: start small, idle connections are what a load test
    // holds thousands of (8 KiB measured 24.7 KiB per idle WS connection, 2 KiB 18).
    config.read_buffer_size = 2 * 1024;
    config.max_message_size = Some(MAX_INCOMING);
    config.max_frame_size = Some(MAX_INCOMING);
    let upgrade = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
    match tokio::time::timeout_at(deadline, upgrade).await {
        Ok(Ok((ws, _response))) => Ok(WsStream {
            inner: ws,
            pending: Bytes::new(),
            eof: false,
        }),
        Ok(Err(WsError::Http(response))) => Err(TransportError::WsRefused {
            status: response.status().as_u16(),
            reason: response
                .status()
                .canonical_reason()
                .unwrap_or("")
                .to_string(),
        }),
        Ok(Err(WsError::Io(e))) => Err(explain(&e).unwrap_or_else(|| failed(e.to_string()))),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(_) => Err(TransportError::WsTimeout {
            addr: addr.to_string(),
            millis,
        }),
    }
}

/// Largest WebSocket message or frame accepted (matches the session's packet limit).
const MAX_INCOMING: usize = 64 * 1024 * 1024;

pub struct WsStream<S> {
    inner: WebSocketStream<S>,
    /// Bytes of the last binary frame not yet read.
    pending: Bytes,
    eof: bool,
}

fn to_io(e: WsError) -> io::Error {
    match e {
        WsError::Io(e) => e,
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            io::Error::new(io::ErrorKind::BrokenPipe, "WebSocket closed")
        }
        other => io::Error::other(format!("WebSocket: {other}")),
    }
}

impl<S: AsyncStream> AsyncRead for WsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(buf.remaining());
                buf.put_slice(&self.pending[..n]);
                self.pending.advance(n);
                if self.pending.is_empty() {
                    // An emptied slice still holds the frame's whole read buffer alive.
                    self.pending = Bytes::new();
                }
                return Poll::Ready(Ok(()));
            }
            if self.eof {
                return Poll::Ready(Ok(()));
            }
            // tungstenite answers pings itself (the pong goes out with the next read or write).
            match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                None | Some(Ok(Message::Close(_))) => self.eof = true,
                Some(Ok(Message::Binary(data))) => self.pending = data,
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "broker sent a WebSocket text frame; MQTT uses binary frames only",
                    )))
                }
                Some(Err(WsError::ConnectionClosed)) => self.eof = true,
                Some(Err(e)) => return Poll::Ready(Err(to_io(e))),
            }
        }
    }
}

impl<S: AsyncStream> AsyncWrite for WsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(Pin::new(&mut self.inner).poll_ready(cx)).map_err(to_io)?;
        let n = buf.len().min(MAX_FRAME_OUT);
        Pin::new(&mut self.inner)
            .start_send(Message::Binary(Bytes::copy_from_slice(&buf[..n])))
            .map_err(to_io)?;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx).map_err(to_io)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx).map_err(to_io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn urls() {
        assert_eq!(url(false, "h", 80, "/mqtt"), "ws://h:80/mqtt");
        assert_eq!(url(true, "::1", 443, "/"), "wss://[::1]:443/");
    }

    /// A WebSocket server (tungstenite) that checks the subprotocol, then sends one MQTT packet
    /// split over two frames and two packets in one frame, and echoes what it gets back.
    #[tokio::test]
    #[allow(clippy::result_large_err)] // tungstenite's callback signature
    async fn frames_are_reassembled_and_writes_are_binary() {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (tcp, _) = l.accept().await.unwrap();
            let cb = |req: &Request, mut resp: Response| {
                assert_eq!(req.uri().path(), "/mqtt");
                assert_eq!(req.headers()["Sec-WebSocket-Protocol"], "mqtt");
                resp.headers_mut()
                    .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
                Ok(resp)
            };
            let mut ws = tokio_tungstenite::accept_hdr_async(tcp, cb).await.unwrap();
            // PINGRESP (d0 00) split in two frames, then two PINGRESPs in one frame.
            ws.send(Message::Binary(Bytes::from_static(&[0xd0])))
                .await
                .unwrap();
            ws.send(Message::Ping(Bytes::from_static(b"p")))
                .await
                .unwrap();
            ws.send(Message::Binary(Bytes::from_static(&[0x00])))
                .await
                .unwrap();
            ws.send(Message::Binary(Bytes::from_static(&[0xd0, 0, 0xd0, 0])))
                .await
                .unwrap();
            let got = loop {
                match ws.next().await.unwrap().unwrap() {
                    Message::Binary(b) => break b,
                    _ => continue,
                }
            };
            ws.send(Message::Close(None)).await.unwrap();
            got
        });
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut s = handshake(
            tcp,
            &url(false, "127.0.0.1", port, "/mqtt"),
            "x",
            deadline,
            5000,
            |_| None,
        )
        .await
        .unwrap();
        let mut got = [0u8; 6];
        s.read_exact(&mut got).await.unwrap();
        assert_eq!(got, [0xd0, 0, 0xd0, 0, 0xd0, 0]);
        s.write_all(&[0xc0, 0x00]).await.unwrap();
        s.flush().await.unwrap();
        assert_eq!(&server.await.unwrap()[..], &[0xc0, 0x00]);
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());
    }

    #[tokio::test]
    async fn refused_upgrade_names_the_status() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut tcp, _) = l.accept().await.unwrap();
            let mut buf = [0u8; 2048];
            let _ = tcp.read(&mut buf).await;
            let _ = tcp
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .await;
        });
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        let e = match handshake(
            tcp,
            &url(false, "127.0.0.1", port, "/x"),
            "x",
            deadline,
            5000,
            |_| None,
        )
        .await
        {
            Err(e) => e,
            Ok(_) => panic!("upgrade accepted"),
        };
        assert!(
            e.to_string()
                .contains("WebSocket upgrade refused: HTTP 404"),
            "{e}"
        );
    }
}
