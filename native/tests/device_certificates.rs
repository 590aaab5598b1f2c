//! A client certificate per device against a real Mosquitto that requires one and takes its
//! common name as the user name (`require_certificate true`, `use_identity_as_username true`):
//! 200 devices from a folder of certificate pairs and from path templates, each seen by the broker
//! as itself; an ACL lets each device publish on its own topics only, and the devices do, with no
//! refusal; a missing certificate fails only its device, named.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mqttload::sampler::{ConnectConfig, ConnectionGroup, PublishConfig, Publisher};
use mqttload_testkit::Mosquitto;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

const DEVICES: usize = 200;

fn device(i: usize) -> String {
    format!("dev-{i:03}")
}

fn named(name: &str, sans: Vec<String>) -> CertificateParams {
    let mut p = CertificateParams::new(sans).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    p
}

/// A CA, the broker's certificate, and `devices` device pairs `<dir>/devices/dev-NNN.{crt,key}`
/// with the device's name as common name.
fn pki(dir: &Path, devices: usize) -> PathBuf {
    std::fs::create_dir_all(dir.join("devices")).unwrap();
    let mut ca = named("mqttload fleet CA", Vec::new());
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    let key = KeyPair::generate().unwrap();
    let server = named("broker", vec!["127.0.0.1".into(), "localhost".into()])
        .signed_by(&key, &ca)
        .unwrap();
    std::fs::write(dir.join("server.pem"), server.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    for i in 0..devices {
        let key = KeyPair::generate().unwrap();
        let cert = named(&device(i), Vec::new()).signed_by(&key, &ca).unwrap();
        let base = dir.join("devices").join(device(i));
        std::fs::write(base.with_extension("crt"), cert.pem()).unwrap();
        std::fs::write(base.with_extension("key"), key.serialize_pem()).unwrap();
    }
    dir.join("devices")
}

struct Fleet {
    broker: Mosquitto,
    tls_port: u16,
    dir: PathBuf,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A broker requiring device certificates on a TLS listener, with an ACL: each device may
/// publish and subscribe under `devices/<its name>/` only.
fn fleet(name: &str, devices: usize) -> Fleet {
    let dir = std::env::temp_dir().join(format!("mqttload-{name}-{}", std::process::id()));
    pki(&dir, devices);
    let acl = dir.join("acl");
    std::fs::write(&acl, "pattern readwrite devices/%u/#\n").unwrap();
    let (broker, ports) = Mosquitto::start_with_ports(1, |ports| {
        format!(
            "log_type notice\nconnection_messages true\nacl_file {acl}\n\
             listener {tls_port} 127.0.0.1\ncafile {d}/ca.pem\ncertfile {d}/server.pem\n\
             keyfile {d}/server.key\nrequire_certificate true\nuse_identity_as_username true\n",
            acl = acl.display(),
            d = dir.display(),
            tls_port = ports[0],
        )
    })
    .unwrap();
    let tls_port = ports[0];
    Fleet {
        broker,
        tls_port,
        dir,
    }
}

impl Fleet {
    fn group(&self, connections: usize, cert: &str, key: &str, version: &str) -> ConnectionGroup {
        let json = format!(
            r#"{{"server":"127.0.0.1","port":{port},"version":"{version}","protocol":"SSL",
                "tls":{{"caFile":"{d}/ca.pem","clientCert":true,"clientCertFile":"{cert}",
                "clientKeyFile":"{key}"}},"connTimeoutSecs":10,"connections":{connections},
                "clientIdPrefix":"dev-{{{{conn:3}}}}","clientIdSuffix":false,"connAttemptMax":0}}"#,
            port = self.tls_port,
            d = self.dir.display(),
        );
        ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
    }

    /// (client id, user name) of every client the broker logged connecting.
    fn identities(&self) -> BTreeSet<(String, String)> {
        self.broker
            .log()
            .lines()
            .filter_map(|l| {
                let rest = l.split("New client connected from ").nth(1)?;
                let id = rest.split(" as ").nth(1)?.split(' ').next()?;
                let user = rest.split("u'").nth(1)?.split('\'').next()?;
                Some((id.to_string(), user.to_string()))
            })
            .collect()
    }
}

fn every_device() -> BTreeSet<(String, String)> {
    (0..DEVICES).map(|i| (device(i), device(i))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_from_a_folder_of_certificates_are_each_themselves() {
    let f = fleet("certfolder", DEVICES);
    let folder = f.dir.join("devices");
    let g = f.group(DEVICES, &folder.display().to_string(), "", "3.1.1");
    let o = g.connect().await;
    assert!(o.success, "{}", o.message);
    assert_eq!(f.identities(), every_device());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_from_path_templates_publish_on_their_own_topics_only() {
    let f = fleet("certtemplate", DEVICES);
    let d = f.dir.join("devices").display().to_string();
    let g = f.group(
        DEVICES,
        &format!("{d}/dev-{{{{conn:3}}}}.crt"),
        &format!("{d}/dev-{{{{conn:3}}}}.key"),
        "5.0",
    );
    let o = g.connect().await;
    assert!(o.success, "{}", o.message);
    assert_eq!(f.identities(), every_device());

    // The ACL allows each device its own topics: no refusal (a 5.0 PUBACK would say).
    let own = Publisher::new(
        PublishConfig::from_json(
            r#"{"topic":"devices/{{client_id}}/telemetry","qos":1,"message":"t"}"#,
        )
        .unwrap(),
    );
    let o = own.publish(&g).await;
    assert!(o.success, "{}", o.message);
    // ... and refuses another's, which shows the ACL is on.
    let other = Publisher::new(
        PublishConfig::from_json(r#"{"topic":"devices/dev-999/telemetry","qos":1,"message":"t"}"#)
            .unwrap(),
    );
    let o = other.publish(&g).await;
    assert!(!o.success, "{}", o.message);
    assert!(o.message.contains("Not authorized"), "{}", o.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_certificate_fails_only_its_device() {
    let f = fleet("certmissing", 20);
    let d = f.dir.join("devices");
    std::fs::remove_file(d.join("dev-007.crt")).unwrap();
    let d = d.display().to_string();
    let g = f.group(
        20,
        &format!("{d}/dev-{{{{conn:3}}}}.crt"),
        &format!("{d}/dev-{{{{conn:3}}}}.key"),
        "3.1.1",
    );
    let o = g.connect().await;
    assert!(!o.success);
    assert!(
        o.message.starts_with(&format!(
            "1 of 20 connection(s) failed; first error (client id dev-007): cannot read client \
             certificate file '{d}/dev-007.crt'"
        )),
        "{}",
        o.message
    );
    assert_eq!(f.identities().len(), 19);
}
