//! Soak load for `make soak` (tools/bench/soak.py starts the broker, runs this, watches it).
//!
//! `mqttload-soak <host> <tcp port> <ws port> <minutes> <messages/s> <connections per churn group>`
//!
//! For `minutes`, through the same sampler operations the JMeter elements use:
//! - steady: one publisher connection sends `messages/s` QoS 1 messages with the precise
//!   timestamp, in ten samples a second, to one subscriber connection that counts them;
//! - churn: groups of N connections, alternating TCP/WebSocket and 3.1.1/5.0, connect,
//!   subscribe, publish a few messages to themselves, receive them and disconnect (every other
//!   group is dropped without DISCONNECT, as at a thread's end after a failure), five a second.
//!
//! Once a minute the churn pauses between groups and this prints `QUIET <minute> <counters>`,
//! then waits for a line on stdin: the watcher measures the process then, when no churn
//! connection is open, so the open-file count is comparable from one minute to the next.
//! Ends with `DONE <counters>`; exit status 1 when the steady stream lost messages.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqttload::sampler::outcome::figure;
use mqttload::sampler::ConnectionGroup;
use mqttload_testkit::soak::{gather, main_of, minute_by_minute, publisher, runtime, subscriber};

/// A churn group starts at most this often: steady churn (50 connections/s with groups of 10)
/// that leaves the 2-core machine room for the broker and the steady stream.
const CHURN_EVERY: Duration = Duration::from_millis(200);

#[derive(Default)]
struct Counters {
    published: AtomicU64,
    received: AtomicU64,
    lost: AtomicU64,
    duplicates: AtomicU64,
    failed_samples: AtomicU64,
    churn_groups: AtomicU64,
    churn_connections: AtomicU64,
    churn_failures: AtomicU64,
    churn_short: AtomicU64,
}

impl Counters {
    fn line(&self) -> String {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "published={} received={} lost={} duplicates={} failed_samples={} churn_groups={} \
             churn_connections={} churn_failures={} churn_short={}",
            g(&self.published),
            g(&self.received),
            g(&self.lost),
            g(&self.duplicates),
            g(&self.failed_samples),
            g(&self.churn_groups),
            g(&self.churn_connections),
            g(&self.churn_failures),
            g(&self.churn_short),
        )
    }
}

struct Settings {
    host: String,
    tcp_port: u16,
    ws_port: u16,
    minutes: u64,
    rate: u64,
    churn_size: u32,
}

fn parse_args() -> Result<Settings, String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [host, tcp, ws, minutes, rate, churn] = a.as_slice() else {
        return Err(
            "usage: mqttload-soak <host> <tcp port> <ws port> <minutes> <messages/s> \
                    <connections per churn group>"
                .into(),
        );
    };
    let num = |what: &str, v: &str| {
        v.parse::<u64>()
            .map_err(|_| format!("{what} must be a number, not '{v}'"))
    };
    let port = |what: &str, v: &str| {
        v.parse::<u16>()
            .map_err(|_| format!("{what} must be a port, not '{v}'"))
    };
    Ok(Settings {
        host: host.clone(),
        tcp_port: port("tcp port", tcp)?,
        ws_port: port("ws port", ws)?,
        minutes: num("minutes", minutes)?.max(1),
        rate: num("messages/s", rate)?.max(10),
        churn_size: u32::try_from(num("churn group size", churn)?.clamp(1, 1000)).unwrap_or(10),
    })
}

fn group(
    s: &Settings,
    prefix: &str,
    ws: bool,
    v5: bool,
    connections: u32,
) -> Result<ConnectionGroup, String> {
    let (port, transport) = if ws {
        (s.ws_port, r#","protocol":"WS","wsPath":"/mqtt""#)
    } else {
        (s.tcp_port, "")
    };
    let version = if v5 { "5.0" } else { "3.1.1" };
    let json = format!(
        r#"{{"server":"{}","port":{port},"version":"{version}","clientIdPrefix":"{prefix}","connections":{connections},"keepAliveSecs":30{transport}}}"#,
        s.host
    );
    mqttload_testkit::soak::group(&json)
}

/// The steady stream: ten publish samples a second, one subscriber sampling every second.
async fn steady(s: Arc<Settings>, c: Arc<Counters>, stop: Arc<AtomicBool>) -> Result<(), String> {
    let sub_group = group(&s, "soak_sub_", false, false, 1)?;
    let pub_group = group(&s, "soak_pub_", false, false, 1)?;
    for g in [&sub_group, &pub_group] {
        let o = g.connect().await;
        if !o.success {
            return Err(format!("steady connect: {}", o.message));
        }
    }
    let sub = subscriber(
        r#"{"topics":"soak/steady","qos":1,"condition":"time","conditionValue":1000,"addTimestamp":true}"#,
    )?;
    let first = sub.subscribe(&sub_group).await;
    if !first.success {
        return Err(format!("steady subscribe: {}", first.message));
    }
    let per_sample = (s.rate / 10).max(1);
    let publ = publisher(&format!(
        r#"{{"topic":"soak/steady","qos":1,"message":"soak steady payload 0123456789","timestamp":"precise","messagesPerSample":{per_sample}}}"#
    ))?;
    let receiving = async {
        let mut quiet_rounds = 0;
        // After the senders stop, keep sampling until two empty seconds: everything arrived.
        while !stop.load(Ordering::Acquire) || quiet_rounds < 2 {
            let o = sub.subscribe(&sub_group).await;
            let n = o.stats[figure::MESSAGES].max(0) as u64;
            c.received.fetch_add(n, Ordering::Relaxed);
            c.lost
                .store(o.stats[figure::LOST].max(0) as u64, Ordering::Relaxed);
            c.duplicates
                .store(o.stats[figure::DUPLICATES].max(0) as u64, Ordering::Relaxed);
            if !o.success {
                c.failed_samples.fetch_add(1, Ordering::Relaxed);
            }
            quiet_rounds = if n == 0 { quiet_rounds + 1 } else { 0 };
        }
    };
    let sending = async {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !stop.load(Ordering::Acquire) {
            tick.tick().await;
            let o = publ.publish(&pub_group).await;
            c.published
                .fetch_add(o.stats[figure::MESSAGES].max(0) as u64, Ordering::Relaxed);
            if !o.success {
                c.failed_samples.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    tokio::join!(receiving, sending);
    sub_group.disconnect().await;
    pub_group.disconnect().await;
    Ok(())
}

/// One churn group's life: connect, subscribe, publish to itself, receive, go.
async fn churn_once(s: &Settings, c: &Counters, n: u64) {
    let ws = n % 2 == 1;
    let v5 = (n / 2) % 2 == 1;
    let g = match group(s, "soak_churn_", ws, v5, s.churn_size) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("churn group: {e}");
            c.churn_failures.fetch_add(1, Ordering::Relaxed);
            return;
        }
    };
    c.churn_groups.fetch_add(1, Ordering::Relaxed);
    let o = g.connect().await;
    if !o.success {
        c.churn_failures.fetch_add(1, Ordering::Relaxed);
        g.close_now();
        return;
    }
    c.churn_connections
        .fetch_add(u64::from(s.churn_size), Ordering::Relaxed);
    let topic = format!("soak/churn/{n}");
    let (Ok(sub), Ok(publ)) = (
        subscriber(&format!(
            r#"{{"topics":"{topic}","qos":1,"condition":"time","conditionValue":20,"addTimestamp":true}}"#
        )),
        publisher(&format!(
            r#"{{"topic":"{topic}","qos":1,"message":"churn","timestamp":"precise","messagesPerSample":10,"target":"round_robin"}}"#
        )),
    ) else {
        c.churn_failures.fetch_add(1, Ordering::Relaxed);
        g.close_now();
        return;
    };
    // The first sample subscribes every connection of the group.
    let first = sub.subscribe(&g).await;
    let sent = publ.publish(&g).await;
    if !first.success || !sent.success {
        c.churn_failures.fetch_add(1, Ordering::Relaxed);
    }
    // Each of the 10 messages reaches every connection of the group.
    let expected = 10 * u64::from(s.churn_size);
    let mut got = 0u64;
    let deadline = Instant::now() + Duration::from_secs(5);
    while got < expected && Instant::now() < deadline {
        got += sub.subscribe(&g).await.stats[figure::MESSAGES].max(0) as u64;
    }
    if got < expected {
        c.churn_short.fetch_add(1, Ordering::Relaxed);
    }
    drop(sub);
    if n % 4 < 2 {
        g.disconnect().await;
    } else {
        g.close_now();
    }
}

fn run(s: Settings) -> Result<Arc<Counters>, String> {
    let rt = runtime()?;
    let s = Arc::new(s);
    let c = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    // Held by the churn loop for each group's life; taking it is how a quiet point waits for
    // the churn to stand still.
    let churn_lock = Arc::new(tokio::sync::Mutex::new(()));
    rt.block_on(async {
        let steady = tokio::spawn(steady(s.clone(), c.clone(), stop.clone()));
        let churn = {
            let (s, c, stop, lock) = (s.clone(), c.clone(), stop.clone(), churn_lock.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                let mut pace = tokio::time::interval(CHURN_EVERY);
                pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while !stop.load(Ordering::Acquire) {
                    pace.tick().await;
                    let _g = lock.lock().await;
                    churn_once(&s, &c, n).await;
                    n += 1;
                }
                Ok(())
            })
        };
        // Sessions dropped without DISCONNECT close their sockets on their own task.
        let settle = Duration::from_millis(500);
        let start = tokio::time::Instant::now();
        minute_by_minute(
            start,
            Duration::from_secs(60),
            s.minutes,
            &churn_lock,
            settle,
            || c.line(),
        )
        .await;
        stop.store(true, Ordering::Release);
        gather([churn, steady]).await
    })?;
    Ok(c)
}

fn main() {
    main_of(
        parse_args,
        run,
        |c| c.line(),
        |c| c.published.load(Ordering::Relaxed) <= c.received.load(Ordering::Relaxed),
    )
}
