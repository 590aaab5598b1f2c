//! MQTT over WebSocket (RFC 6455, subprotocol `mqtt`) on top of a TCP or TLS stream.
//!
//! Here the upgrade; [`WsStream`] (`stream`) turns the message-oriented WebSocket into the byte
//! stream the session expects.

mod stream;

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::error::TransportError;
use super::AsyncStream;

pub use stream::{FrameError, WsStream};

/// Largest HTTP response head accepted for the upgrade.
const MAX_RESPONSE_HEAD: usize = 16 * 1024;

/// Sends the HTTP upgrade (RFC 6455 section 4.1, subprotocol `mqtt`) over `stream`, checks the
/// broker's answer and wraps the result as a byte stream. Our own exchange rather than
/// tungstenite's: its handshake machine leaves a 4 KiB read buffer in every connection for good.
/// `addr` is the broker as dialled, `host:port` (an IPv6 host in brackets): the request's Host and
/// the name in errors. `explain` turns an I/O error of the underlying stream into a better one (TLS
/// alerts).
pub(crate) async fn handshake<S>(
    mut stream: S,
    path: &str,
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
    if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(failed(format!(
            "bad WebSocket path '{path}': it must start with '/' and hold no spaces"
        )));
    }
    let key = generate_key();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
        addr
    );
    let exchange = async {
        stream.write_all(request.as_bytes()).await?;
        stream.flush().await?;
        read_response_head(&mut stream).await
    };
    let (head, rest) = match tokio::time::timeout_at(deadline, exchange).await {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => return Err(explain(&e).unwrap_or_else(|| failed(e.to_string()))),
        Err(_) => {
            return Err(TransportError::WsTimeout {
                addr: addr.to_string(),
                millis,
            })
        }
    };
    check_upgrade(&head, &key).map_err(|e| match e {
        Refusal::Status(status, reason) => TransportError::WsRefused { status, reason },
        Refusal::Bad(reason) => failed(reason),
    })?;
    // Frames the broker sent right behind its answer are the WebSocket's first bytes.
    Ok(WsStream::new(stream, rest))
}

/// Reads up to the blank line that ends the response head: (the head, whatever came after it).
async fn read_response_head<S: AsyncStream>(stream: &mut S) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut head = Vec::with_capacity(256);
    let mut chunk = [0u8; 512];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the broker closed the connection during the WebSocket upgrade",
            ));
        }
        // the end may straddle two reads
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(at) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = head.split_off(from + at + 4);
            return Ok((head, rest));
        }
        if head.len() > MAX_RESPONSE_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the broker's answer to the WebSocket upgrade has no end of its HTTP head within 16 KiB",
            ));
        }
    }
}

enum Refusal {
    /// Not 101: the status and its reason phrase.
    Status(u16, String),
    Bad(String),
}

/// The broker's answer: 101, `Upgrade: websocket`, `Connection: Upgrade`, the accept key that
/// matches ours and, if it names a subprotocol, `mqtt`.
fn check_upgrade(head: &[u8], key: &str) -> Result<(), Refusal> {
    let text = std::str::from_utf8(head)
        .map_err(|_| Refusal::Bad("the broker's upgrade answer is not HTTP text".into()))?;
    let (status_line, headers) = text.split_once("\r\n").unwrap_or((text, ""));
    let mut parts = status_line.splitn(3, ' ');
    let (version, code, reason) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
    let code = match (version, code.and_then(|c| c.parse::<u16>().ok())) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") => code,
        _ => {
            return Err(Refusal::Bad(format!(
                "the broker did not answer the upgrade with HTTP: '{}'",
                status_line.chars().take(80).collect::<String>()
            )))
        }
    };
    if code != 101 {
        return Err(Refusal::Status(code, reason.trim().to_string()));
    }
    let header = |name: &str| {
        headers.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    if !header("Upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return Err(Refusal::Bad(
            "the broker's 101 answer has no 'Upgrade: websocket'".into(),
        ));
    }
    if !header("Connection").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    }) {
        return Err(Refusal::Bad(
            "the broker's 101 answer has no 'Connection: Upgrade'".into(),
        ));
    }
    if header("Sec-WebSocket-Accept") != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(Refusal::Bad(
            "the broker's Sec-WebSocket-Accept does not match our key (not a WebSocket server?)"
                .into(),
        ));
    }
    match header("Sec-WebSocket-Protocol") {
        Some(p) if !p.eq_ignore_ascii_case("mqtt") => Err(Refusal::Bad(format!(
            "the broker chose WebSocket subprotocol '{p}', not 'mqtt'"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::http::HeaderValue;
    use tokio_tungstenite::tungstenite::Message;

    fn answer(key: &str, extra: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n{extra}\r\n",
            derive_accept_key(key.as_bytes())
        )
        .into_bytes()
    }

    fn refusal(head: &[u8], key: &str) -> String {
        match check_upgrade(head, key) {
            Ok(()) => "accepted".into(),
            Err(Refusal::Status(code, reason)) => format!("{code} {reason}"),
            Err(Refusal::Bad(reason)) => reason,
        }
    }

    #[test]
    fn the_upgrade_answer_is_checked() {
        let key = generate_key();
        assert_eq!(refusal(&answer(&key, ""), &key), "accepted");
        assert_eq!(
            refusal(&answer(&key, "Sec-WebSocket-Protocol: MQTT\r\n"), &key),
            "accepted"
        );
        assert!(
            refusal(&answer(&key, "Sec-WebSocket-Protocol: mqttv3.1\r\n"), &key)
                .contains("subprotocol 'mqttv3.1'")
        );
        assert!(refusal(&answer(&generate_key(), ""), &key).contains("Sec-WebSocket-Accept"));
        assert_eq!(
            refusal(b"HTTP/1.1 403 Forbidden\r\n\r\n", &key),
            "403 Forbidden"
        );
        assert!(refusal(b"SSH-2.0-OpenSSH\r\n\r\n", &key).contains("did not answer"));
        let no_upgrade = String::from_utf8(answer(&key, ""))
            .unwrap()
            .replace("upgrade: WebSocket\r\n", "");
        assert!(refusal(no_upgrade.as_bytes(), &key).contains("Upgrade: websocket"));
    }

    /// The end of the head split across reads, and a frame right behind it, as the first bytes.
    #[tokio::test]
    async fn bytes_after_the_head_are_kept() {
        let (mut ours, mut theirs) = tokio::io::duplex(1024);
        tokio::spawn(async move {
            for part in [&b"HTTP/1.1 101 X\r\nA: b\r\n\r"[..], b"\n\x82\x02\xd0\x00"] {
                theirs.write_all(part).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        });
        let (head, rest) = read_response_head(&mut ours).await.unwrap();
        assert_eq!(head, b"HTTP/1.1 101 X\r\nA: b\r\n\r\n");
        assert_eq!(rest, b"\x82\x02\xd0\x00");
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
                assert_eq!(req.headers()["Host"], format!("127.0.0.1:{port}").as_str());
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
            "/mqtt",
            &format!("127.0.0.1:{port}"),
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
            "/x",
            &format!("127.0.0.1:{port}"),
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
