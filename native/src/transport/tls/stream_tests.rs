//! The stream against an in-process rustls server (a blocking `ServerConnection` on a thread,
//! over loopback), whose socket can trickle bytes out a few at a time so that records arrive in
//! pieces.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    AlertDescription, ClientConfig, RootCertStore, ServerConfig, ServerConnection,
    SupportedProtocolVersion,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

struct Pki {
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

fn pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        Pki {
            cert: made.cert.der().clone(),
            key: made.signing_key.serialize_der(),
        }
    })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    roots.add(pki().cert.clone()).unwrap();
    roots
}

fn client_config(version: &'static SupportedProtocolVersion) -> Arc<ClientConfig> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .unwrap()
        .with_root_certificates(roots())
        .with_no_client_auth();
    prepare(&mut config);
    Arc::new(config)
}

fn server_config(require_client_cert: bool) -> Arc<ServerConfig> {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if require_client_cert {
        let verifier = WebPkiClientVerifier::builder_with_provider(roots().into(), provider())
            .build()
            .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki().key.clone()));
    Arc::new(
        builder
            .with_single_cert(vec![pki().cert.clone()], key)
            .unwrap(),
    )
}

/// The server's socket; with `trickle`, every write goes out 3 bytes at a time, a little apart.
struct Sock {
    tcp: std::net::TcpStream,
    trickle: bool,
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.tcp.read(buf)
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.trickle {
            return self.tcp.write(buf);
        }
        let n = buf.len().min(3);
        self.tcp.write_all(&buf[..n])?;
        std::thread::sleep(Duration::from_micros(300));
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

type Server = rustls::StreamOwned<ServerConnection, Sock>;

/// A server on a thread, running `script` once the handshake is done; the client connected to it.
async fn pair(
    version: &'static SupportedProtocolVersion,
    server: Arc<ServerConfig>,
    trickle: bool,
    script: impl FnOnce(&mut Server) + Send + 'static,
) -> (io::Result<TlsStream>, JoinHandle<()>) {
    pair_with(client_config(version), server, trickle, script).await
}

async fn pair_with(
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    trickle: bool,
    script: impl FnOnce(&mut Server) + Send + 'static,
) -> (io::Result<TlsStream>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_nodelay(true).unwrap();
        let conn = ServerConnection::new(server).unwrap();
        let mut s = rustls::StreamOwned::new(conn, Sock { tcp, trickle });
        while s.conn.is_handshaking() {
            if s.conn.complete_io(&mut s.sock).is_err() {
                return;
            }
        }
        script(&mut s);
    });
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    (TlsStream::connect(client, name, tcp).await, thread)
}

/// Holds no buffer between exchanges: what an idle connection costs.
fn assert_idle(s: &TlsStream) {
    assert_eq!(s.incoming.capacity(), 0, "receive buffer held");
    assert_eq!(s.bufs.outgoing.capacity(), 0, "send buffer held");
    assert_eq!(s.bufs.plain.capacity(), 0, "plaintext buffer held");
}

/// rustls's connection is gone: only our record layer is left (and, for TLS 1.3 until the first
/// data from the broker, rustls's ticket store).
fn assert_own_records(s: &TlsStream, ticket_store: bool) {
    match &s.protection {
        Protection::Records(records) => assert_eq!(records.keeps_ticket_store(), ticket_store),
        _ => panic!("rustls still protects the records"),
    }
}

fn echo(s: &mut Server) {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                s.write_all(&buf[..n]).unwrap();
                s.flush().unwrap();
            }
        }
    }
}

async fn echo_round_trip(version: &'static SupportedProtocolVersion, trickle: bool) {
    let (client, server) = pair(version, server_config(false), trickle, echo).await;
    let mut client = client.unwrap();
    assert_idle(&client);
    assert_own_records(&client, version == &rustls::version::TLS13);
    for round in 0..3 {
        let msg = format!("hello {round}");
        client.write_all(msg.as_bytes()).await.unwrap();
        client.flush().await.unwrap();
        let mut back = vec![0u8; msg.len()];
        client.read_exact(&mut back).await.unwrap();
        assert_eq!(back, msg.as_bytes());
        assert_idle(&client);
        assert_own_records(&client, false);
    }
    client.shutdown().await.unwrap();
    drop(client);
    server.join().unwrap();
}

#[tokio::test]
async fn round_trip_tls13() {
    echo_round_trip(&rustls::version::TLS13, false).await;
}

#[tokio::test]
async fn round_trip_tls12() {
    echo_round_trip(&rustls::version::TLS12, false).await;
}

#[tokio::test]
async fn records_in_pieces_handshake_included() {
    echo_round_trip(&rustls::version::TLS13, true).await;
    echo_round_trip(&rustls::version::TLS12, true).await;
}

/// Writes of several records, read back through a small buffer (as an idle session reads).
#[tokio::test]
async fn large_writes_and_small_reads() {
    for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
        let (client, server) = pair(version, server_config(false), false, echo).await;
        let mut client = client.unwrap();
        let sent: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (mut reader, mut writer) = tokio::io::split(client);
        let expected = sent.clone();
        let reading = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut small = [0u8; 32];
            while got.len() < expected.len() {
                let n = reader.read(&mut small).await.unwrap();
                assert!(n > 0, "end of file after {} bytes", got.len());
                got.extend_from_slice(&small[..n]);
            }
            assert!(got == expected, "echoed bytes differ");
            reader
        });
        writer.write_all(&sent).await.unwrap();
        writer.flush().await.unwrap();
        let reader = reading.await.unwrap();
        client = reader.unsplit(writer);
        assert_idle(&client);
        client.shutdown().await.unwrap();
        drop(client);
        server.join().unwrap();
    }
}

#[tokio::test]
async fn close_notify_is_end_of_file_after_the_data() {
    let (client, server) = pair(&rustls::version::TLS13, server_config(false), false, |s| {
        s.write_all(b"last words").unwrap();
        s.conn.send_close_notify();
        s.flush().unwrap();
    })
    .await;
    let mut client = client.unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"last words");
    // still end of file, and writing is still allowed by TLS (the socket may refuse it)
    assert_eq!(client.read(&mut [0u8; 8]).await.unwrap(), 0);
    server.join().unwrap();
}

#[tokio::test]
async fn close_without_close_notify_is_an_error() {
    let (client, server) = pair(&rustls::version::TLS13, server_config(false), false, |s| {
        s.write_all(b"cut").unwrap();
        s.flush().unwrap();
        let _ = s.sock.tcp.shutdown(std::net::Shutdown::Both);
    })
    .await;
    let mut client = client.unwrap();
    let mut got = [0u8; 3];
    client.read_exact(&mut got).await.unwrap();
    let err = client.read(&mut [0u8; 8]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    server.join().unwrap();
}

/// TLS 1.3: the server checks the client's certificate after the client's handshake is over,
/// so its alert is what the first read returns, carrying the rustls error `explain` names.
#[tokio::test]
async fn alert_after_the_handshake_is_the_first_reads_error() {
    let (client, server) = pair(&rustls::version::TLS13, server_config(true), false, |_| {}).await;
    let mut client = client.expect("the client's handshake is over before the server's check");
    let _ = client.write_all(b"CONNECT").await;
    let _ = client.flush().await;
    let err = client.read(&mut [0u8; 8]).await.unwrap_err();
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("no rustls error in {err:?}"));
    assert_eq!(
        *tls,
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired)
    );
    // and so it stays
    assert!(client.read(&mut [0u8; 8]).await.is_err());
    assert!(client.write(b"more").await.is_err());
    server.join().unwrap();
}

#[tokio::test]
async fn tls12_alert_fails_the_handshake() {
    let (client, server) = pair(&rustls::version::TLS12, server_config(true), false, |_| {}).await;
    let err = client
        .err()
        .expect("TLS 1.2 checks the certificate in the handshake");
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    assert!(
        matches!(tls, Some(rustls::Error::AlertReceived(_))),
        "{err:?}"
    );
    server.join().unwrap();
}

/// The server updates its keys and asks the client to update its own: the client's answer
/// goes out with its next write, which the server can only read with the client's new keys.
#[tokio::test]
async fn key_update_from_the_server() {
    let (client, server) = pair(&rustls::version::TLS13, server_config(false), false, |s| {
        s.conn.refresh_traffic_keys().unwrap();
        s.write_all(b"rekeyed").unwrap();
        s.flush().unwrap();
        echo(s);
    })
    .await;
    let mut client = client.unwrap();
    let mut got = [0u8; 7];
    client.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"rekeyed");
    for _ in 0..3 {
        client.write_all(b"after").await.unwrap();
        client.flush().await.unwrap();
        let mut back = [0u8; 5];
        client.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"after");
    }
    client.shutdown().await.unwrap();
    drop(client);
    server.join().unwrap();
}

/// The tickets the broker sends after the handshake reach rustls's store through our record layer:
/// the next connection resumes the session.
#[tokio::test]
async fn tickets_after_the_hand_over_resume_the_next_session() {
    let client_config = client_config(&rustls::version::TLS13);
    let server = server_config(false);
    for expected in [rustls::HandshakeKind::Full, rustls::HandshakeKind::Resumed] {
        let (client, thread) = pair_with(client_config.clone(), server.clone(), false, move |s| {
            assert_eq!(s.conn.handshake_kind(), Some(expected));
            echo(s);
        })
        .await;
        let mut client = client.unwrap();
        client.write_all(b"CONNECT").await.unwrap();
        let mut back = [0u8; 7];
        client.read_exact(&mut back).await.unwrap();
        client.shutdown().await.unwrap();
        drop(client);
        thread
            .join()
            .expect("the server saw the expected handshake");
    }
}

#[tokio::test]
async fn silent_peer_end_of_file_fails_the_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        drop(tcp);
    });
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let err = match TlsStream::connect(client_config(&rustls::version::TLS13), name, tcp).await {
        Err(e) => e,
        Ok(_) => panic!("handshake with a closed socket succeeded"),
    };
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
        ),
        "{err:?}"
    );
    thread.join().unwrap();
}

#[test]
fn missing_counts_the_last_records_rest() {
    assert_eq!(missing(&[]), HEADER);
    assert_eq!(missing(&[23, 3, 3]), 2);
    assert_eq!(missing(&[23, 3, 3, 0, 4, 1]), 3);
    assert_eq!(missing(&[23, 3, 3, 0, 1, 9, 23, 3, 3, 0, 2]), 2);
    assert_eq!(missing(&[23, 3, 3, 0, 1, 9]), HEADER);
}
