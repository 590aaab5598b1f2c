//! The HTTP endpoint Prometheus scrapes: `GET /metrics` answers the registry in text format, anything
//! else 404. One request per connection, each bounded in size and time, so a stray client costs little.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::exposition::render;
use super::registry::METRICS;

/// A request head larger than this is refused (Prometheus sends a few hundred bytes).
const MAX_REQUEST: usize = 8 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The endpoint, bound; [`MetricsServer::run`] serves it.
pub struct MetricsServer {
    listener: TcpListener,
    engine: String,
}

impl MetricsServer {
    /// Binds `addr` (port 0: any free port); every series carries `engine` as its engine label.
    pub async fn bind(addr: SocketAddr, engine: String) -> io::Result<MetricsServer> {
        Ok(MetricsServer {
            listener: TcpListener::bind(addr).await?,
            engine,
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the runtime ends; each request on a task of its own.
    pub async fn run(self) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => {
                    let engine = self.engine.clone();
                    tokio::spawn(async move {
                        let _ =
                            tokio::time::timeout(REQUEST_TIMEOUT, answer(stream, &engine)).await;
                    });
                }
                Err(e) => {
                    tracing::debug!(error = %e, "metrics endpoint: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

async fn answer(mut stream: TcpStream, engine: &str) -> io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST {
            return respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "text/plain",
                "",
            )
            .await;
        }
    }
    let line = head.split(|b| *b == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|b| *b == b' ');
    let (method, target) = (parts.next(), parts.next());
    match (method, target) {
        (Some(b"GET"), Some(t)) if t == b"/metrics" || t.starts_with(b"/metrics?") => {
            let body = render(&METRICS, engine);
            respond(
                &mut stream,
                "200 OK",
                "text/plain; version=0.0.4; charset=utf-8",
                &body,
            )
            .await
        }
        (Some(b"GET"), Some(b"/")) => {
            respond(
                &mut stream,
                "200 OK",
                "text/plain",
                "mqttload engine: metrics at /metrics\n",
            )
            .await
        }
        (Some(b"GET"), _) => {
            respond(&mut stream, "404 Not Found", "text/plain", "not found\n").await
        }
        _ => {
            respond(
                &mut stream,
                "405 Method Not Allowed",
                "text/plain",
                "GET only\n",
            )
            .await
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: SocketAddr, request: &str) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(request.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn serves_metrics_and_refuses_the_rest() {
        METRICS
            .counter("mqttload_test_served_total", "A test counter.", Vec::new())
            .add(3);
        let server = MetricsServer::bind("127.0.0.1:0".parse().unwrap(), "t1".into())
            .await
            .unwrap();
        let addr = server.local_addr().unwrap();
        tokio::spawn(server.run());
        let r = get(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(r.contains("text/plain; version=0.0.4"), "{r}");
        assert!(
            r.contains("mqttload_test_served_total{engine=\"t1\"} 3\n"),
            "{r}"
        );
        let r = get(addr, "GET /other HTTP/1.1\r\n\r\n").await;
        assert!(r.starts_with("HTTP/1.1 404"), "{r}");
        let r = get(addr, "POST /metrics HTTP/1.1\r\n\r\n").await;
        assert!(r.starts_with("HTTP/1.1 405"), "{r}");
        let big = format!("GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(9000));
        assert!(get(addr, &big).await.starts_with("HTTP/1.1 431"));
    }
}
