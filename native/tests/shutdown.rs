//! JMeter's Shutdown at the engine level: every long wait of a sample ends soon after the signal
//! is raised, with what it has (the JNI layer raises it; see `jni::exports::block_on_watching`).

mod support;

use std::time::{Duration, Instant};

use mqttload::codec::ProtocolVersion;
use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, Shutdown, SubscribeConfig, Subscriber,
};
use mqttload_testkit::Mosquitto;
use support::{accept_connect, fake_broker, read_packet_as};

const RAISE_AFTER: Duration = Duration::from_millis(300);
/// How long after the signal an operation may take to end (a busy 2-core machine included).
const SOON: Duration = Duration::from_millis(700);

fn connect_json(port: u16, attempts: i64) -> String {
    format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":5,"keepAliveSecs":30,
        "clientIdPrefix":"sd_","clientIdSuffix":true,"username":"","password":"","cleanSession":true,
        "connAttemptMax":{attempts},"reconnAttemptMax":0,"connections":1,"will":null}}"#
    )
}

fn group(port: u16, attempts: i64) -> ConnectionGroup {
    ConnectionGroup::new(ConnectConfig::from_json(&connect_json(port, attempts)).unwrap()).unwrap()
}

async fn connected(port: u16) -> ConnectionGroup {
    let g = group(port, 0);
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    g
}

fn subscriber(topic: &str, condition: &str, value: u64) -> Subscriber {
    Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":1,"condition":"{condition}","conditionValue":{value},"timeoutMs":600000}}"#
        ))
        .unwrap(),
    )
}

fn publisher(topic: &str, n: u32) -> Publisher {
    Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":1,"message":"hello","messagesPerSample":{n},"ackTimeoutMs":600000}}"#
        ))
        .unwrap(),
    )
}

/// A Shutdown that is raised RAISE_AFTER from now, and when it was raised.
fn raised_soon() -> (Shutdown, tokio::task::JoinHandle<Instant>) {
    let (trigger, shutdown) = Shutdown::channel();
    let raised = tokio::spawn(async move {
        tokio::time::sleep(RAISE_AFTER).await;
        trigger.raise();
        // Kept until the test is over: a dropped trigger would be "never".
        let at = Instant::now();
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(trigger);
        at
    });
    (shutdown, raised)
}

fn assert_soon(started: Instant) {
    let took = started.elapsed();
    assert!(
        took < RAISE_AFTER + SOON,
        "ended {took:?} after the start (Shutdown came at {RAISE_AFTER:?})"
    );
}

/// A broker that accepts one client, CONNACKs it and answers nothing else.
async fn mute_broker() -> u16 {
    fake_broker(|mut s, mut buf| async move {
        let v = ProtocolVersion::V311;
        accept_connect(v, &mut s, &mut buf).await;
        while read_packet_as(v, &mut s, &mut buf).await.is_some() {}
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_subscribe_ends_with_what_it_received() {
    let broker = Mosquitto::start().unwrap();
    let g = connected(broker.port).await;
    let sub = subscriber("sd/count", "count", 1_000_000);
    // The first sample subscribes; it ends by its (short) Shutdown with nothing yet.
    let (first, _keep) = raised_soon();
    assert_eq!(
        sub.subscribe_until(&g, &first).await.stats[figure::MESSAGES],
        0
    );
    let p = connected(broker.port).await;
    assert!(publisher("sd/count", 3).publish(&p).await.success);
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = sub.subscribe_until(&g, &shutdown).await;
    assert_soon(started);
    assert!(!o.success);
    assert_eq!(o.code, "502");
    assert_eq!(
        o.message,
        "Received 3 of message. Ended by JMeter shutdown before 1000000 arrived"
    );
    assert_eq!(o.stats[figure::MESSAGES], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_that_is_there_is_not_failed_by_a_late_shutdown() {
    let broker = Mosquitto::start().unwrap();
    let g = connected(broker.port).await;
    let sub = subscriber("sd/enough", "count", 2);
    let (first, _keep) = raised_soon();
    sub.subscribe_until(&g, &first).await;
    let p = connected(broker.port).await;
    assert!(publisher("sd/enough", 2).publish(&p).await.success);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (trigger, shutdown) = Shutdown::channel();
    trigger.raise();
    let o = sub.subscribe_until(&g, &shutdown).await;
    assert!(o.success, "{o:?}");
    assert_eq!(o.message, "Received 2 of message.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_window_is_cut_short_and_stays_successful() {
    let broker = Mosquitto::start().unwrap();
    let g = connected(broker.port).await;
    let sub = subscriber("sd/window", "time", 600_000);
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = sub.subscribe_until(&g, &shutdown).await;
    assert_soon(started);
    assert!(o.success, "{o:?}");
    assert!(
        o.message
            .starts_with("Received 0 of message. Window cut short by JMeter shutdown after "),
        "{o:?}"
    );
    assert!(o.message.ends_with(" of 600000 ms"), "{o:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_suback_is_not_waited_for() {
    let port = mute_broker().await;
    let g = connected(port).await;
    let sub = subscriber("sd/suback", "count", 1);
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = sub.subscribe_until(&g, &shutdown).await;
    assert_soon(started);
    assert_eq!(o.code, "502");
    assert_eq!(
        o.message,
        "Subscribe failed: ended by JMeter shutdown before SUBACK"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_stops_waiting_for_acknowledgements() {
    let port = mute_broker().await;
    let g = connected(port).await;
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = publisher("sd/acks", 4).publish_until(&g, &shutdown).await;
    assert_soon(started);
    assert_eq!(o.code, "502");
    assert_eq!(
        o.message,
        "Published 0 of 4 message(s); 4 not acknowledged when JMeter shutdown ended the wait"
    );
    assert_eq!(o.sample_count, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_retrying_forever_names_its_last_error() {
    let port = mqttload_testkit::free_port().unwrap();
    let g = group(port, -1);
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = g.connect_until(&shutdown).await;
    assert_soon(started);
    assert!(!o.success);
    assert_eq!(o.code, "502");
    assert!(
        o.message.starts_with("Connect failed: ")
            && o.message.contains(&format!("127.0.0.1:{port}"))
            && o.message
                .contains("JMeter shutdown ended the retries after "),
        "{o:?}"
    );
    assert!(!g.is_connected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_without_an_answer_yet_says_so() {
    // Accepts TCP, never answers CONNECT: the first attempt is still waiting for CONNACK.
    let port = fake_broker(|s, _| async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(s);
    })
    .await;
    let g = group(port, 0);
    let (shutdown, _keep) = raised_soon();
    let started = Instant::now();
    let o = g.connect_until(&shutdown).await;
    assert_soon(started);
    assert_eq!(o.code, "502");
    assert_eq!(
        o.message,
        "Connect failed: ended by JMeter shutdown before the broker answered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_shutdown_nothing_changes() {
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 0);
    let o = g.connect_until(&Shutdown::never()).await;
    assert!(o.success, "{o:?}");
    let sub = subscriber("sd/none", "time", 300);
    let started = Instant::now();
    let o = sub.subscribe_until(&g, &Shutdown::never()).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(o.message, "Received 0 of message.");
}
