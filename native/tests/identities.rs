//! A fleet's identities against a real Mosquitto that knows each device: one group of 1,000
//! connections, each with its own client id, user name and password from templates.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use mqttload::sampler::{ConnectConfig, ConnectionGroup};
use mqttload_testkit::Mosquitto;

const DEVICES: usize = 1_000;

/// A Mosquitto password file for `users`, each with the password `pw-<user>`, hashed by
/// `mosquitto_passwd -U` as a broker team would make it.
fn password_file(dir: &Path, users: impl Iterator<Item = String>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("passwords");
    let mut f = std::fs::File::create(&path).unwrap();
    for u in users {
        writeln!(f, "{u}:pw-{u}").unwrap();
    }
    drop(f);
    let status = Command::new("mosquitto_passwd")
        .arg("-U")
        .arg(&path)
        .status()
        .expect("mosquitto_passwd (Debian package mosquitto)");
    assert!(status.success());
    path
}

fn broker_knowing(name: &str, users: impl Iterator<Item = String>) -> (Mosquitto, PathBuf) {
    let dir = std::env::temp_dir().join(format!("mqttload-{name}-{}", std::process::id()));
    let file = password_file(&dir, users);
    let broker = Mosquitto::start_with(&format!(
        "allow_anonymous false\npassword_file {}",
        file.display()
    ))
    .unwrap();
    (broker, dir)
}

fn fleet(port: u16, connections: usize) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":10,
        "clientIdPrefix":"dev-{{{{conn:6}}}}","clientIdSuffix":false,
        "username":"{{{{client_id}}}}","password":"pw-{{{{client_id}}}}",
        "connAttemptMax":1,"reconnAttemptMax":0,"connections":{connections}}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap()
}

fn device(i: usize) -> String {
    format!("dev-{i:06}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_device_connects_with_its_own_credentials() {
    let (broker, dir) = broker_knowing("fleet", (0..DEVICES).map(device));
    let g = fleet(broker.port, DEVICES);
    let o = g.connect().await;
    assert!(o.success, "{}", o.message);
    assert!(
        o.message
            .starts_with(&format!("Connected {DEVICES} connection(s)")),
        "{}",
        o.message
    );
    let ids: Vec<String> = (0..DEVICES).map(device).collect();
    assert_eq!(g.client_ids(), &ids[..]);
    let data = String::from_utf8(o.response_data.unwrap_or_default()).unwrap();
    assert!(!data.contains("pw-"), "passwords stay out of sample data");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_the_broker_refuses_is_named() {
    // The broker knows every device but the eighth.
    let (broker, dir) = broker_knowing("refused", (0..20).filter(|i| *i != 7).map(device));
    let g = fleet(broker.port, 20);
    let o = g.connect().await;
    assert!(!o.success);
    assert!(
        o.message
            .starts_with("1 of 20 connection(s) failed; first error (client id dev-000007): "),
        "{}",
        o.message
    );
    assert!(o.message.contains("not authorized"), "{}", o.message);
    assert!(!o.message.contains("pw-"), "{}", o.message);
    let _ = std::fs::remove_dir_all(dir);
}
