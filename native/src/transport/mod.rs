//! Byte streams to the broker. Only TCP for now; TLS and WebSocket plug in here later
//! behind the same `BrokerStream` type, so the client session never knows which it has.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{lookup_host, TcpSocket, TcpStream};

/// Anything the session can read MQTT bytes from and write them to.
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

pub type BrokerStream = Box<dyn AsyncStream>;

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    /// Local address to bind before connecting (spreads load over source IPs).
    pub bind: Option<std::net::IpAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot resolve host '{host}': {source}")]
    Resolve { host: String, source: io::Error },
    #[error("host '{host}' resolved to no address")]
    NoAddress { host: String },
    #[error("TCP connect to {addr} failed: {source}")]
    Connect { addr: SocketAddr, source: io::Error },
    #[error("TCP connect to {addr} timed out after {millis} ms")]
    Timeout { addr: SocketAddr, millis: u128 },
    #[error("cannot bind local address {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

impl Endpoint {
    /// Opens a TCP connection with Nagle off: MQTT packets are small and latency is what we measure.
    /// Every resolved address is tried in turn (`localhost` may give ::1 before 127.0.0.1).
    pub async fn connect(&self, timeout: Duration) -> Result<BrokerStream, TransportError> {
        let mut last = None;
        for addr in self.resolve().await? {
            match self.connect_addr(addr, timeout).await {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| TransportError::NoAddress {
            host: self.host.clone(),
        }))
    }

    async fn connect_addr(
        &self,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<BrokerStream, TransportError> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .map_err(|source| TransportError::Connect { addr, source })?;
        if let Some(ip) = self.bind {
            let local = SocketAddr::new(ip, 0);
            socket.bind(local).map_err(|source| TransportError::Bind {
                addr: local,
                source,
            })?;
        }
        let stream: TcpStream = match tokio::time::timeout(timeout, socket.connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(source)) => return Err(TransportError::Connect { addr, source }),
            Err(_) => {
                return Err(TransportError::Timeout {
                    addr,
                    millis: timeout.as_millis(),
                })
            }
        };
        stream
            .set_nodelay(true)
            .map_err(|source| TransportError::Connect { addr, source })?;
        Ok(Box::new(stream))
    }

    async fn resolve(&self) -> Result<Vec<SocketAddr>, TransportError> {
        // Literal addresses skip the resolver: it is the common case under load.
        if let Ok(ip) = self.host.parse::<std::net::IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        let addrs: Vec<SocketAddr> = lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|source| TransportError::Resolve {
                host: self.host.clone(),
                source,
            })?
            .collect();
        if addrs.is_empty() {
            return Err(TransportError::NoAddress {
                host: self.host.clone(),
            });
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refused_port_names_the_address() {
        // Bind then drop a listener so the port is very likely closed.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let ep = Endpoint {
            host: "127.0.0.1".into(),
            port,
            bind: None,
        };
        let err = match ep.connect(Duration::from_secs(2)).await {
            Err(e) => e,
            Ok(_) => panic!("connected to a closed port"),
        };
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}")),
            "{err}"
        );
    }

    #[tokio::test]
    async fn connects_with_nodelay() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let ep = Endpoint {
            host: "localhost".into(),
            port,
            bind: None,
        };
        assert!(ep.connect(Duration::from_secs(2)).await.is_ok());
    }
}
