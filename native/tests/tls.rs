//! TLS, WebSocket and secure WebSocket against a real Mosquitto, with certificates made here
//! (rcgen): a CA, server certificates (good, wrong name, expired, not yet valid), client
//! certificates (PEM, PKCS#12) and a second CA the broker does not know.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mqttload::sampler::config::Id;
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, SampleOutcome, SubscribeConfig,
    Subscriber,
};
use mqttload_testkit::{free_port, Mosquitto};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    IsCa, KeyPair, KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const P12_PASSWORD: &str = "p12-Secret-42";

/// Files written once per test process.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    server: (PathBuf, PathBuf),
    wrong_name: (PathBuf, PathBuf),
    expired: (PathBuf, PathBuf),
    future: (PathBuf, PathBuf),
    client: (PathBuf, PathBuf),
    /// The client identity as PKCS#12, made by the `openssl` command (what users have).
    client_p12_openssl: PathBuf,
    /// The client identity as PKCS#12, made by p12-keystore's writer.
    client_p12: PathBuf,
    /// A client certificate signed by the CA the broker does not know.
    stranger: (PathBuf, PathBuf),
    dir: PathBuf,
}

fn write(dir: &Path, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn leaf(
    dir: &Path,
    name: &str,
    sans: &[&str],
    issuer: &rcgen::Issuer<'_, KeyPair>,
    edit: impl FnOnce(&mut CertificateParams),
) -> (PathBuf, PathBuf, rcgen::Certificate, KeyPair) {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    edit(&mut p);
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, issuer).unwrap();
    let c = write(dir, &format!("{name}.pem"), cert.pem());
    let k = write(dir, &format!("{name}.key"), key.serialize_pem());
    (c, k, cert, key)
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mqttload-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = CertifiedIssuer::self_signed(
            ca_params("mqttload test CA"),
            KeyPair::generate().unwrap(),
        )
        .unwrap();
        let other =
            CertifiedIssuer::self_signed(ca_params("some other CA"), KeyPair::generate().unwrap())
                .unwrap();
        let ca_path = write(&dir, "ca.pem", ca.pem());
        let other_path = write(&dir, "other-ca.pem", other.pem());
        let good = ["127.0.0.1", "localhost"];
        let (sc, sk, _, _) = leaf(&dir, "server", &good, &ca, |_| {});
        let (wc, wk, _, _) = leaf(&dir, "wrong", &["wrong.example", "10.9.8.7"], &ca, |_| {});
        let (ec, ek, _, _) = leaf(&dir, "expired", &good, &ca, |p| {
            p.not_before = date_time_ymd(2000, 1, 1);
            p.not_after = date_time_ymd(2001, 1, 1);
        });
        let (fc, fk, _, _) = leaf(&dir, "future", &good, &ca, |p| {
            p.not_before = date_time_ymd(2999, 1, 1);
            p.not_after = date_time_ymd(3000, 1, 1);
        });
        let (cc, ck, client_cert, client_key) = leaf(&dir, "client", &["client1"], &ca, |_| {});
        let (xc, xk, _, _) = leaf(&dir, "stranger", &["client2"], &other, |_| {});

        // PKCS#12 through p12-keystore's writer: key, certificate, CA.
        let chain = p12_keystore::PrivateKeyChain::new(
            b"client1-key-id".to_vec(),
            p12_keystore::PrivateKey::from_der(&client_key.serialize_der()).unwrap(),
            [
                p12_keystore::Certificate::from_der(client_cert.der()).unwrap(),
                p12_keystore::Certificate::from_der(ca.der()).unwrap(),
            ],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            "client1",
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
        );
        let p12 = store.writer(P12_PASSWORD).write().unwrap();
        let p12_path = write(&dir, "client.p12", p12);

        let openssl_p12 = dir.join("client-openssl.p12");
        let status = std::process::Command::new("openssl")
            .args(["pkcs12", "-export", "-in"])
            .arg(&cc)
            .arg("-inkey")
            .arg(&ck)
            .arg("-certfile")
            .arg(&ca_path)
            .arg("-out")
            .arg(&openssl_p12)
            .arg("-passout")
            .arg(format!("pass:{P12_PASSWORD}"))
            .status()
            .expect("the openssl command makes the PKCS#12 test file");
        assert!(status.success());
        Pki {
            ca: ca_path,
            other_ca: other_path,
            server: (sc, sk),
            wrong_name: (wc, wk),
            expired: (ec, ek),
            future: (fc, fk),
            client: (cc, ck),
            client_p12_openssl: openssl_p12,
            client_p12: p12_path,
            stranger: (xc, xk),
            dir,
        }
    })
}

/// Listener ports of one broker.
struct Ports {
    tls: u16,
    wrong_name: u16,
    expired: u16,
    future: u16,
    mutual: u16,
    mutual12: u16,
    ws: u16,
    wss: u16,
}

fn tls_listener(port: u16, cert: &(PathBuf, PathBuf), extra: &str) -> String {
    format!(
        "listener {port} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n{extra}",
        pki().ca.display(),
        cert.0.display(),
        cert.1.display()
    )
}

/// A Mosquitto with every listener open. Another process may take one of the free ports before
/// the broker binds it (Mosquitto then exits): the whole broker is tried again on new ports.
fn broker() -> (Mosquitto, Ports) {
    for _ in 0..3 {
        if let Some(b) = try_broker() {
            return b;
        }
    }
    panic!("no Mosquitto with every TLS and WebSocket listener open after 3 tries")
}

fn try_broker() -> Option<(Mosquitto, Ports)> {
    let k = pki();
    let p = || free_port().unwrap();
    let ports = Ports {
        tls: p(),
        wrong_name: p(),
        expired: p(),
        future: p(),
        mutual: p(),
        mutual12: p(),
        ws: p(),
        wss: p(),
    };
    let mutual = "require_certificate true\nuse_identity_as_username false\n";
    let conf = [
        tls_listener(ports.tls, &k.server, ""),
        tls_listener(ports.wrong_name, &k.wrong_name, ""),
        tls_listener(ports.expired, &k.expired, ""),
        tls_listener(ports.future, &k.future, ""),
        tls_listener(ports.mutual, &k.server, mutual),
        tls_listener(
            ports.mutual12,
            &k.server,
            &format!("{mutual}tls_version tlsv1.2\n"),
        ),
        format!("listener {} 127.0.0.1\nprotocol websockets\n", ports.ws),
        tls_listener(ports.wss, &k.server, "protocol websockets\n"),
    ]
    .join("\n");
    let m = Mosquitto::start_with(&conf).ok()?;
    // The WebSocket listeners open with the others, but give them a moment to be sure.
    let deadline = Instant::now() + Duration::from_secs(5);
    for port in [ports.ws, ports.wss, ports.mutual12] {
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                eprintln!("listener {port} not open: {}", m.log());
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Some((m, ports))
}

fn json_str(p: &Path) -> String {
    p.display().to_string().replace('\\', "\\\\")
}

fn connect_json(host: &str, port: u16, protocol: &str, tls: &str) -> String {
    format!(
        r#"{{"server":"{host}","port":{port},"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"tls_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
        "connAttemptMax":0,"reconnAttemptMax":0,"connections":1,"will":null,
        "protocol":"{protocol}","wsPath":"/mqtt","tls":{{{tls}}}}}"#
    )
}

fn ca_tls() -> String {
    format!(r#""caFile":"{}""#, json_str(&pki().ca))
}

fn group(json: &str) -> ConnectionGroup {
    ConnectionGroup::new(ConnectConfig::from_json(json).unwrap()).unwrap()
}

/// Connects and expects a failure whose message holds `phrase`.
async fn connect_fails(json: &str, phrase: &str) -> SampleOutcome {
    let o = group(json).connect().await;
    assert!(!o.success, "connected, but expected '{phrase}': {o:?}");
    assert_eq!(o.code, "501", "{o:?}");
    assert!(
        o.message.contains(phrase),
        "expected '{phrase}' in: {}",
        o.message
    );
    o
}

async fn connect_ok(json: &str) -> (ConnectionGroup, SampleOutcome) {
    let g = group(json);
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    (g, o)
}

/// QoS 1 publish -> subscribe over the given connect settings; the counts must match.
async fn round_trip(json: &str) {
    let (sub_group, _) = connect_ok(json).await;
    let (pub_group, _) = connect_ok(json).await;
    let topic = format!("tls/{}", sub_group.id());
    let sub = Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":1,"condition":"count","conditionValue":1,"timeoutMs":200,"addTimestamp":true}}"#
        ))
        .unwrap(),
    );
    let _ = sub.subscribe(&sub_group).await;
    let p = Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":1,"message":"hello over a secure line","timestamp":"precise","messagesPerSample":300}}"#
        ))
        .unwrap(),
    );
    let mut published = 0;
    for _ in 0..3 {
        let o = p.publish(&pub_group).await;
        assert!(o.success, "{o:?}");
        published += o.stats[figure::MESSAGES];
    }
    assert_eq!(published, 900);
    let mut received = 0;
    let mut last = None;
    let deadline = Instant::now() + Duration::from_secs(15);
    while received < published && Instant::now() < deadline {
        let o = sub.subscribe(&sub_group).await;
        received += o.stats[figure::MESSAGES];
        last = Some(o);
    }
    let last = last.unwrap();
    assert_eq!(received, published, "{last:?}");
    assert_eq!(last.stats[figure::LOST], 0, "no loss: {last:?}");
    assert_eq!(last.stats[figure::DUPLICATES], 0, "no duplicates: {last:?}");
    assert!(sub_group.disconnect().await.success);
    assert!(pub_group.disconnect().await.success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_round_trip() {
    let (_b, ports) = broker();
    let json = connect_json("127.0.0.1", ports.tls, "SSL", &ca_tls());
    let (_, o) = connect_ok(&json).await;
    assert!(!o.message.contains("INSECURE"), "{o:?}");
    round_trip(&json).await;
    // The host name works as well as the address (SNI = localhost).
    round_trip(&connect_json("localhost", ports.tls, "SSL", &ca_tls())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_with_tls13_minimum_round_trip() {
    let (_b, ports) = broker();
    let tls = format!(r#"{},"minVersion":"1.3""#, ca_tls());
    round_trip(&connect_json("127.0.0.1", ports.tls, "SSL", &tls)).await;
}

fn client_pem_tls() -> String {
    let k = pki();
    format!(
        r#"{},"clientCert":true,"clientCertFile":"{}","clientKeyFile":"{}""#,
        ca_tls(),
        json_str(&k.client.0),
        json_str(&k.client.1)
    )
}

fn client_p12_tls(p12: &Path, password: &str) -> String {
    format!(
        r#"{},"clientCert":true,"clientCertFile":"{}","clientCertPassword":"{password}""#,
        ca_tls(),
        json_str(p12)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_client_cert_pem_round_trip() {
    let (_b, ports) = broker();
    round_trip(&connect_json(
        "127.0.0.1",
        ports.mutual,
        "SSL",
        &client_pem_tls(),
    ))
    .await;
    // TLS 1.2 as well (the broker listener allows only 1.2 there).
    round_trip(&connect_json(
        "127.0.0.1",
        ports.mutual12,
        "SSL",
        &client_pem_tls(),
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_client_cert_sec1_key_and_combined_pem() {
    let k = pki();
    // The same EC key in SEC1 form ("BEGIN EC PRIVATE KEY"), converted by openssl.
    let sec1 = k.dir.join("client-sec1.key");
    let status = std::process::Command::new("openssl")
        .arg("ec")
        .arg("-in")
        .arg(&k.client.1)
        .arg("-out")
        .arg(&sec1)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(std::fs::read_to_string(&sec1)
        .unwrap()
        .contains("BEGIN EC PRIVATE KEY"));
    // Certificate and key in one file, no separate key file.
    let combined = k.dir.join("client-combined.pem");
    let both = std::fs::read_to_string(&k.client.0).unwrap()
        + &std::fs::read_to_string(&k.client.1).unwrap();
    std::fs::write(&combined, both).unwrap();
    let (_b, ports) = broker();
    let sec1_tls = format!(
        r#"{},"clientCert":true,"clientCertFile":"{}","clientKeyFile":"{}""#,
        ca_tls(),
        json_str(&k.client.0),
        json_str(&sec1)
    );
    connect_ok(&connect_json("127.0.0.1", ports.mutual, "SSL", &sec1_tls)).await;
    let combined_tls = format!(
        r#"{},"clientCert":true,"clientCertFile":"{}""#,
        ca_tls(),
        json_str(&combined)
    );
    connect_ok(&connect_json(
        "127.0.0.1",
        ports.mutual,
        "SSL",
        &combined_tls,
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_client_cert_pkcs12_round_trip() {
    let (_b, ports) = broker();
    let k = pki();
    round_trip(&connect_json(
        "127.0.0.1",
        ports.mutual,
        "SSL",
        &client_p12_tls(&k.client_p12_openssl, P12_PASSWORD),
    ))
    .await;
    round_trip(&connect_json(
        "127.0.0.1",
        ports.mutual,
        "SSL",
        &client_p12_tls(&k.client_p12, P12_PASSWORD),
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ws_round_trip() {
    let (_b, ports) = broker();
    round_trip(&connect_json("127.0.0.1", ports.ws, "WS", "")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_round_trip() {
    let (_b, ports) = broker();
    round_trip(&connect_json("localhost", ports.wss, "WSS", &ca_tls())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ws_carries_large_messages() {
    let (b, ports) = broker();
    let ws = connect_json("127.0.0.1", ports.ws, "WS", "");
    let tcp = connect_json("127.0.0.1", b.port, "TCP", "");
    // 300 KiB packets out: each goes as several WebSocket frames that Mosquitto reassembles.
    large_messages(&ws, &tcp, 300 * 1024).await;
    // In: Mosquitto 2.0 (libwebsockets) is known to deliver large messages to WebSocket clients
    // very slowly (eclipse-mosquitto issue 1390), so the incoming side uses a few KiB.
    large_messages(&tcp, &ws, 8 * 1024).await;
    large_messages(&ws, &ws, 8 * 1024).await;
}

async fn large_messages(pub_json: &str, sub_json: &str, len: usize) {
    let (sub_group, _) = connect_ok(sub_json).await;
    let (pub_group, _) = connect_ok(pub_json).await;
    let topic = format!("big/{}", sub_group.id());
    let sub = Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":1,"condition":"count","conditionValue":1,"timeoutMs":200}}"#
        ))
        .unwrap(),
    );
    let _ = sub.subscribe(&sub_group).await;
    let p = Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":1,"messageType":"Random string with fixed length","fixedLength":{len},"messagesPerSample":5}}"#
        ))
        .unwrap(),
    );
    let o = p.publish(&pub_group).await;
    assert!(o.success, "{o:?}");
    let mut got = 0;
    let mut bytes = 0;
    let deadline = Instant::now() + Duration::from_secs(15);
    while got < 5 && Instant::now() < deadline {
        let o = sub.subscribe(&sub_group).await;
        got += o.stats[figure::MESSAGES];
        bytes += o.bytes;
    }
    assert_eq!(got, 5);
    assert_eq!(bytes, 5 * len as u64);
}

#[tokio::test]
async fn unknown_ca_is_named() {
    let (_b, ports) = broker();
    let tls = format!(r#""caFile":"{}""#, json_str(&pki().other_ca));
    connect_fails(
        &connect_json("127.0.0.1", ports.tls, "SSL", &tls),
        "certificate is signed by an unknown authority",
    )
    .await;
    // The system's roots do not know our test CA either.
    connect_fails(
        &connect_json("127.0.0.1", ports.tls, "SSL", ""),
        "certificate is signed by an unknown authority",
    )
    .await;
}

#[tokio::test]
async fn wrong_host_name_shows_the_names() {
    let (_b, ports) = broker();
    let o = connect_fails(
        &connect_json("127.0.0.1", ports.wrong_name, "SSL", &ca_tls()),
        "certificate is not valid for name '127.0.0.1'",
    )
    .await;
    assert!(
        o.message
            .contains("it is valid for: wrong.example, 10.9.8.7"),
        "{}",
        o.message
    );
    connect_fails(
        &connect_json("localhost", ports.wrong_name, "WSS", &ca_tls()),
        "certificate is not valid for name 'localhost'",
    )
    .await;
}

#[tokio::test]
async fn server_name_override_matches_the_certificate() {
    let (_b, ports) = broker();
    let tls = format!(r#"{},"serverName":"wrong.example""#, ca_tls());
    connect_ok(&connect_json("127.0.0.1", ports.wrong_name, "SSL", &tls)).await;
}

#[tokio::test]
async fn expired_certificate_is_named() {
    let (_b, ports) = broker();
    let o = connect_fails(
        &connect_json("127.0.0.1", ports.expired, "SSL", &ca_tls()),
        "certificate expired",
    )
    .await;
    assert!(o.message.contains("2001-01-01"), "{}", o.message);
}

#[tokio::test]
async fn not_yet_valid_certificate_is_named() {
    let (_b, ports) = broker();
    connect_fails(
        &connect_json("127.0.0.1", ports.future, "SSL", &ca_tls()),
        "certificate is not valid yet",
    )
    .await;
}

#[tokio::test]
async fn client_cert_from_unknown_ca_is_rejected() {
    let (_b, ports) = broker();
    let k = pki();
    let tls = format!(
        r#"{},"clientCert":true,"clientCertFile":"{}","clientKeyFile":"{}""#,
        ca_tls(),
        json_str(&k.stranger.0),
        json_str(&k.stranger.1)
    );
    // TLS 1.3: the broker's alert comes after the handshake, with the first read.
    connect_fails(
        &connect_json("127.0.0.1", ports.mutual, "SSL", &tls),
        "broker rejected the client certificate",
    )
    .await;
    // TLS 1.2: the alert ends the handshake itself.
    connect_fails(
        &connect_json("127.0.0.1", ports.mutual12, "SSL", &tls),
        "broker rejected the client certificate",
    )
    .await;
}

#[tokio::test]
async fn missing_client_cert_is_named() {
    let (_b, ports) = broker();
    connect_fails(
        &connect_json("127.0.0.1", ports.mutual, "SSL", &ca_tls()),
        "broker requires a client certificate",
    )
    .await;
    connect_fails(
        &connect_json("127.0.0.1", ports.mutual12, "SSL", &ca_tls()),
        "broker requires a client certificate",
    )
    .await;
}

#[test]
fn wrong_pkcs12_password_is_named_and_not_shown() {
    let k = pki();
    for p12 in [&k.client_p12, &k.client_p12_openssl] {
        let json = connect_json(
            "127.0.0.1",
            8883,
            "SSL",
            &client_p12_tls(p12, "guessed-wrong"),
        );
        let e = match ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()) {
            Err(e) => e,
            Ok(_) => panic!("wrong password accepted"),
        };
        assert_eq!(e.setting, Some(Id::TlsClientCertPassword));
        let m = e.to_string();
        assert!(
            m.contains(&format!(
                "wrong password for PKCS#12 file '{}'",
                p12.display()
            )),
            "{m}"
        );
        assert!(
            !m.contains("guessed-wrong") && !m.contains(P12_PASSWORD),
            "{m}"
        );
        assert!(!format!("{e:?}").contains("guessed-wrong"));
    }
}

#[test]
fn missing_files_name_the_path() {
    let k = pki();
    let missing = k.dir.join("no-such-file.pem");
    let cases = [
        (
            format!(r#""caFile":"{}""#, json_str(&missing)),
            Id::TlsCaFile,
            "cannot read CA file",
        ),
        (
            format!(
                r#""clientCert":true,"clientCertFile":"{}""#,
                json_str(&missing)
            ),
            Id::TlsClientCertFile,
            "cannot read client certificate file",
        ),
        (
            format!(
                r#""clientCert":true,"clientCertFile":"{}","clientKeyFile":"{}""#,
                json_str(&k.client.0),
                json_str(&missing)
            ),
            Id::TlsClientKeyFile,
            "cannot read client key file",
        ),
    ];
    for (tls, field, phrase) in cases {
        let json = connect_json("127.0.0.1", 8883, "SSL", &tls);
        let e = match ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()) {
            Err(e) => e,
            Ok(_) => panic!("missing file accepted: {tls}"),
        };
        assert_eq!(e.setting, Some(field), "{e}");
        let m = e.to_string();
        assert!(
            m.contains(&format!("{phrase} '{}'", missing.display())),
            "{m}"
        );
        assert!(m.contains("No such file or directory"), "{m}");
    }
    // A key that does not belong to the certificate.
    let tls = format!(
        r#""clientCert":true,"clientCertFile":"{}","clientKeyFile":"{}""#,
        json_str(&k.client.0),
        json_str(&k.stranger.1)
    );
    let json = connect_json("127.0.0.1", 8883, "SSL", &tls);
    let e = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap())
        .err()
        .expect("mismatched key accepted");
    assert_eq!(e.setting, Some(Id::TlsClientKeyFile), "{e}");
}

#[tokio::test]
async fn tls_handshake_timeout_is_named() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s); // accept, then never answer
        }
    });
    let json = connect_json("127.0.0.1", port, "SSL", &ca_tls())
        .replace(r#""connTimeoutSecs":5"#, r#""connTimeoutSecs":1"#);
    let started = Instant::now();
    connect_fails(
        &json,
        &format!("TLS handshake with 127.0.0.1:{port} timed out after 1000 ms"),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn websocket_upgrade_refused_shows_the_status() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
                .await;
        }
    });
    connect_fails(
        &connect_json("127.0.0.1", port, "WS", ""),
        "WebSocket upgrade refused: HTTP 404",
    )
    .await;
}

#[tokio::test]
async fn custom_ws_path_connects() {
    // Mosquitto serves MQTT on any path; this checks that a custom path makes a valid request.
    let (_b, ports) = broker();
    let json = connect_json("127.0.0.1", ports.ws, "WS", "").replace("/mqtt", "/other");
    connect_ok(&json).await;
}

#[tokio::test]
async fn trust_all_accepts_the_wrong_name_and_says_insecure() {
    let (_b, ports) = broker();
    let json = connect_json("127.0.0.1", ports.wrong_name, "SSL", r#""trustAll":true"#);
    let (_, o) = connect_ok(&json).await;
    assert!(
        o.message.ends_with(" (INSECURE: certificate not verified)"),
        "{}",
        o.message
    );
    // Even the expired one, and over WSS.
    connect_ok(&connect_json(
        "127.0.0.1",
        ports.expired,
        "SSL",
        r#""trustAll":true"#,
    ))
    .await;
    let (_, o) = connect_ok(&connect_json(
        "127.0.0.1",
        ports.wss,
        "WSS",
        r#""trustAll":true"#,
    ))
    .await;
    assert!(o.message.contains("INSECURE"), "{o:?}");
}

#[tokio::test]
async fn verify_hostname_off_still_checks_the_chain() {
    let (_b, ports) = broker();
    let tls = format!(r#"{},"verifyHostname":false"#, ca_tls());
    let (_, o) = connect_ok(&connect_json("127.0.0.1", ports.wrong_name, "SSL", &tls)).await;
    assert!(!o.message.contains("INSECURE"), "{o:?}");
    let other = format!(
        r#""caFile":"{}","verifyHostname":false"#,
        json_str(&pki().other_ca)
    );
    connect_fails(
        &connect_json("127.0.0.1", ports.wrong_name, "SSL", &other),
        "certificate is signed by an unknown authority",
    )
    .await;
    connect_fails(
        &connect_json("127.0.0.1", ports.expired, "SSL", &tls),
        "certificate expired",
    )
    .await;
}

#[tokio::test]
async fn tls_to_a_plain_listener_fails_clearly() {
    let b = Mosquitto::start().unwrap();
    let o = group(&connect_json("127.0.0.1", b.port, "SSL", &ca_tls()))
        .connect()
        .await;
    assert!(!o.success);
    assert!(o.message.contains("TLS"), "{o:?}");
}
