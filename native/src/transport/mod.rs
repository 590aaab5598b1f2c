//! Byte streams to the broker: TCP, TLS (rustls), WebSocket and secure WebSocket, all behind the
//! same `BrokerStream` type, so the client session never knows which it has.

mod error;
pub mod limits;
pub mod tls;
pub mod ws;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{lookup_host, TcpSocket, TcpStream};

pub use error::TransportError;
pub use tls::{
    ClientIdentity, Redacted, TlsContext, TlsInput, TlsSettings, TlsSetupError, TlsVersion,
};

/// Anything the session can read MQTT bytes from and write them to.
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

pub type BrokerStream = Box<dyn AsyncStream>;

/// What runs on top of the TCP connection. Cheap to clone: the TLS context is shared.
#[derive(Debug, Clone, Default)]
pub enum Transport {
    #[default]
    Tcp,
    Tls(Arc<TlsContext>),
    Ws {
        path: String,
    },
    Wss {
        path: String,
        tls: Arc<TlsContext>,
    },
}

impl Transport {
    /// True when server certificates are not verified (trustAll).
    pub fn is_insecure(&self) -> bool {
        match self {
            Transport::Tls(t) | Transport::Wss { tls: t, .. } => t.is_insecure(),
            _ => false,
        }
    }

    /// The same transport towards another broker of the group: its host is the TLS name checked
    /// (unless the server name setting names one).
    pub fn for_host(&self, host: &str) -> Result<Transport, TlsSetupError> {
        Ok(match self {
            Transport::Tls(t) => Transport::Tls(Arc::new(t.for_host(host)?)),
            Transport::Wss { path, tls } => Transport::Wss {
                path: path.clone(),
                tls: Arc::new(tls.for_host(host)?),
            },
            other => other.clone(),
        })
    }

    /// The same transport with a connection's own client certificate (read from its files now).
    /// Without TLS there is no certificate to send: the same transport.
    pub fn with_identity(&self, identity: &ClientIdentity) -> Result<Transport, TlsSetupError> {
        Ok(match self {
            Transport::Tls(t) => Transport::Tls(Arc::new(t.with_identity(identity)?)),
            Transport::Wss { path, tls } => Transport::Wss {
                path: path.clone(),
                tls: Arc::new(tls.with_identity(identity)?),
            },
            other => other.clone(),
        })
    }

    fn tls(&self) -> Option<&TlsContext> {
        match self {
            Transport::Tls(t) | Transport::Wss { tls: t, .. } => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    /// Local address to bind before connecting (spreads load over source IPs).
    pub bind: Option<std::net::IpAddr>,
    pub transport: Transport,
}

/// A failed socket() or connect(), named when it is a limit of this machine rather than the broker.
fn connect_error(addr: SocketAddr, source: io::Error) -> TransportError {
    const EMFILE: i32 = 24;
    const ENFILE: i32 = 23;
    const EADDRNOTAVAIL: i32 = 99;
    match source.raw_os_error() {
        Some(EMFILE | ENFILE) => TransportError::OutOfFiles {
            limit: limits::open_files_limit(),
        },
        Some(EADDRNOTAVAIL) if cfg!(target_os = "linux") => TransportError::OutOfPorts { addr },
        _ => TransportError::Connect { addr, source },
    }
}

impl Endpoint {
    /// Opens the connection: TCP with Nagle off (MQTT packets are small and latency is what we
    /// measure), then TLS and/or the WebSocket upgrade, all within `timeout`.
    /// Every resolved address is tried in turn (`localhost` may give ::1 before 127.0.0.1).
    pub async fn connect(&self, timeout: Duration) -> Result<BrokerStream, TransportError> {
        self.connect_from(timeout, self.bind).await
    }

    /// As [`Endpoint::connect`], from the local address `local` (None: the system's choice)
    /// instead of `bind`: the connections of one group may each have their own.
    pub async fn connect_from(
        &self,
        timeout: Duration,
        local: Option<std::net::IpAddr>,
    ) -> Result<BrokerStream, TransportError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let tcp = self.connect_tcp(timeout, local).await?;
        let millis = timeout.as_millis();
        let addr = self.label();
        match &self.transport {
            Transport::Tcp => Ok(Box::new(tcp)),
            Transport::Tls(tls) => Ok(Box::new(tls.handshake(tcp, &addr, deadline, millis).await?)),
            Transport::Ws { path } => {
                let s = ws::handshake(tcp, path, &addr, deadline, millis, |_| None).await?;
                Ok(Box::new(s))
            }
            Transport::Wss { path, tls } => {
                let stream = tls.handshake(tcp, &addr, deadline, millis).await?;
                let s = ws::handshake(stream, path, &addr, deadline, millis, |e| tls.explain(e))
                    .await?;
                Ok(Box::new(s))
            }
        }
    }

    /// An I/O error on an open connection explained in terms of its transport, when it can be:
    /// with TLS 1.3 a broker refuses a client certificate only after the handshake, with an
    /// alert that the first read returns.
    pub fn explain(&self, err: &io::Error) -> Option<TransportError> {
        self.transport.tls()?.explain(err)
    }

    /// `host:port` as dialled, for messages and log lines (an IPv6 host in brackets).
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    async fn connect_tcp(
        &self,
        timeout: Duration,
        local: Option<std::net::IpAddr>,
    ) -> Result<TcpStream, TransportError> {
        let mut last = None;
        for addr in self.resolve().await? {
            match self.connect_addr(addr, timeout, local).await {
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
        local: Option<std::net::IpAddr>,
    ) -> Result<TcpStream, TransportError> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .map_err(|source| connect_error(addr, source))?;
        if let Some(ip) = local {
            let local = SocketAddr::new(ip, 0);
            socket.bind(local).map_err(|source| TransportError::Bind {
                addr: local,
                source,
            })?;
        }
        let stream: TcpStream = match tokio::time::timeout(timeout, socket.connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(source)) => return Err(connect_error(addr, source)),
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
        Ok(stream)
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
            transport: Transport::Tcp,
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
            transport: Transport::Tcp,
        };
        assert!(ep.connect(Duration::from_secs(2)).await.is_ok());
    }
}
