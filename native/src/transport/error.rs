//! Transport failures, worded for a sample's message: where the cure is a setting or a limit of
//! this machine, the wording names it.

use std::io;
use std::net::SocketAddr;

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
    #[error(
        "no file descriptor left for a new connection: this process may hold {limit} open files \
         (RLIMIT_NOFILE; each connection takes one); spread the connections over more JMeter \
         engines (distributed mode) or raise the hard limit"
    )]
    OutOfFiles { limit: String },
    #[error(
        "no local port left to connect to {addr} (every ephemeral port from this address to it is \
         in use); give the connection group several local source addresses, e.g. 127.0.0.2-127.0.0.9"
    )]
    OutOfPorts { addr: SocketAddr },
    #[error("cannot bind local address {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error(
        "the broker's certificate is not valid for name '{name}'; it is valid for: {valid_for} \
         (set the TLS server name to one of these, or turn off host name verification)"
    )]
    NotValidForName { name: String, valid_for: String },
    #[error(
        "the broker's certificate is signed by an unknown authority \
         (give the file of the CA certificate that signed it as the CA file)"
    )]
    UnknownAuthority,
    #[error("the broker's certificate expired{when}")]
    Expired { when: String },
    #[error("the broker's certificate is not valid yet{when}")]
    NotValidYet { when: String },
    #[error("the broker's certificate was refused: {0}")]
    BadServerCertificate(String),
    #[error("broker rejected the client certificate (TLS alert {alert})")]
    ClientCertRejected { alert: String },
    #[error(
        "broker requires a client certificate (TLS alert {alert}); \
         turn on two-way TLS with a client certificate"
    )]
    ClientCertRequired { alert: String },
    #[error("broker ended the TLS connection with alert {alert}")]
    TlsAlert { alert: String },
    #[error("TLS error: {0}")]
    TlsProtocol(String),
    #[error("TLS handshake with {addr} failed: {reason}")]
    Tls { addr: String, reason: String },
    #[error("TLS handshake with {addr} timed out after {millis} ms")]
    TlsTimeout { addr: String, millis: u128 },
    #[error("WebSocket upgrade refused: HTTP {status} {reason}")]
    WsRefused { status: u16, reason: String },
    #[error("WebSocket handshake with {addr} failed: {reason}")]
    WebSocket { addr: String, reason: String },
    #[error("WebSocket handshake with {addr} timed out after {millis} ms")]
    WsTimeout { addr: String, millis: u128 },
}
