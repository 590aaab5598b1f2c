//! Fleet soak for `make soak-fleet` (tools/bench/soak.py --fleet starts the broker, runs this,
//! watches it).
//!
//! `mqttload-soak-fleet <host> <port> <minutes> <devices> <interval s> <churn % per minute> [minute s]`
//!
//! Through the same sampler operations the JMeter elements use:
//! - telemetry: the devices, in groups of `churn %` of the fleet, each publish one QoS 1 message
//!   every `interval` on the paced schedule (samples a minute long), persistent sessions, to
//!   `fleet/t/<client id>`; one subscriber with a persistent session counts every message;
//! - churn: at the end of each minute one group (in turn) goes away, every other time with
//!   DISCONNECT and otherwise dropped, and comes back with the same client ids;
//! - commands: 100 more devices answer requests (MQTT Responder), a commander sends them 10 a
//!   second (MQTT Request) and times each reply.
//!
//! Once a minute, with no group between going and coming back, this prints `QUIET <minute>
//! <counters>` and waits for the watcher's line. Ends with `DONE <counters>`; exit status 1 when a
//! message or a reply was lost, or a sample failed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mqttload::sampler::outcome::figure;
use mqttload::sampler::{ConnectionGroup, SampleOutcome};
use mqttload_testkit::soak::{
    gather, group, main_of, minute_by_minute, publisher, requester, responder, runtime, subscriber,
};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Devices answering commands (not churned: the commander addresses them by number).
const COMMAND_DEVICES: u32 = 100;
const REQUESTS_PER_SECOND: u32 = 10;

struct Settings {
    host: String,
    port: u16,
    minutes: u64,
    group_size: u32,
    groups: u32,
    interval: Duration,
    minute: Duration,
}

/// Counters, printed at each quiet point and at the end in this order.
const NAMES: [&str; 14] = [
    "published",
    "intended",
    "received",
    "duplicates",
    "lost",
    "lost_total",
    "pending",
    "failed_samples",
    "churned",
    "lag_p99_max_us",
    "requests",
    "replies",
    "request_timeouts",
    "answered",
];

#[derive(Default)]
struct Counters([AtomicU64; NAMES.len()]);

#[derive(Clone, Copy)]
enum C {
    Published,
    Intended,
    Received,
    Duplicates,
    Lost,
    LostTotal,
    Pending,
    FailedSamples,
    Churned,
    LagP99Max,
    Requests,
    Replies,
    RequestTimeouts,
    Answered,
}

impl Counters {
    fn add(&self, c: C, n: i64) {
        self.0[c as usize].fetch_add(n.max(0) as u64, Ordering::Relaxed);
    }
    fn set(&self, c: C, n: i64) {
        self.0[c as usize].store(n.max(0) as u64, Ordering::Relaxed);
    }
    fn max(&self, c: C, n: i64) {
        self.0[c as usize].fetch_max(n.max(0) as u64, Ordering::Relaxed);
    }
    fn get(&self, c: C) -> u64 {
        self.0[c as usize].load(Ordering::Relaxed)
    }
    fn failed(&self, o: &SampleOutcome, what: &str) {
        if !o.success {
            self.add(C::FailedSamples, 1);
            eprintln!("{what}: {} {}", o.code, o.message);
        }
    }
    fn line(&self) -> String {
        NAMES
            .iter()
            .zip(&self.0)
            .map(|(n, v)| format!("{n}={}", v.load(Ordering::Relaxed)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn parse_args() -> Result<Settings, String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (host, port, minutes, devices, interval, churn, minute) = match a.as_slice() {
        [h, p, m, d, i, c] => (h, p, m, d, i, c, "60"),
        [h, p, m, d, i, c, s] => (h, p, m, d, i, c, s.as_str()),
        _ => {
            return Err(
                "usage: mqttload-soak-fleet <host> <port> <minutes> <devices> \
                        <interval s> <churn % per minute> [minute s]"
                    .into(),
            )
        }
    };
    let num = |what: &str, v: &str| {
        v.parse::<u64>()
            .map_err(|_| format!("{what} must be a whole number, not '{v}'"))
    };
    let devices = num("devices", devices)?.clamp(1, 100_000);
    let churn = num("churn %", churn)?.clamp(1, 100);
    // A group is what churns in one minute, so the fleet is whole groups of that size.
    let group_size = (devices * churn / 100).max(1);
    Ok(Settings {
        host: host.clone(),
        port: port
            .parse()
            .map_err(|_| format!("port must be a port, not '{port}'"))?,
        minutes: num("minutes", minutes)?.max(1),
        group_size: u32::try_from(group_size).map_err(|e| e.to_string())?,
        groups: u32::try_from(devices / group_size).map_err(|e| e.to_string())?,
        interval: Duration::from_secs(num("interval", interval)?.max(1)),
        minute: Duration::from_secs(num("minute", minute)?.max(5)),
    })
}

fn connect_json(s: &Settings, prefix: &str, connections: u32) -> String {
    format!(
        r#"{{"server":"{}","port":{},"version":"3.1.1","clientIdPrefix":"{prefix}","clientIdSuffix":false,
            "cleanSession":false,"connections":{connections},"keepAliveSecs":60,"connTimeoutSecs":60}}"#,
        s.host, s.port
    )
}

async fn connected(
    s: &Settings,
    prefix: &str,
    connections: u32,
) -> Result<ConnectionGroup, String> {
    let g = group(&connect_json(s, prefix, connections))?;
    let o = g.connect().await;
    if o.success {
        Ok(g)
    } else {
        g.close_now();
        Err(format!("connect {prefix}: {}", o.message))
    }
}

/// One group of devices: paced telemetry a minute at a time, and its turn to churn.
async fn devices(
    s: Arc<Settings>,
    c: Arc<Counters>,
    stop: Arc<AtomicBool>,
    churn: Arc<Mutex<()>>,
    index: u32,
    start: Instant,
) -> Result<(), String> {
    let prefix = format!("fleet-g{index}-{{{{conn:4}}}}");
    let telemetry = publisher(&format!(
        r#"{{"topic":"fleet/t/{{{{client_id}}}}","qos":1,"message":"{{\"temp\":21.5,\"n\":{{{{seq}}}}}}",
            "timestamp":"precise","ackTimeoutMs":10000,
            "pace":{{"mode":"interval","intervalMs":{},"durationMs":{}}}}}"#,
        s.interval.as_millis(),
        s.minute.as_millis()
    ))?;
    let mut g = connected(&s, &prefix, s.group_size).await?;
    // Groups start spread over a minute, so their samples (and churns) do not end together.
    tokio::time::sleep_until(start + s.minute.mul_f64(f64::from(index) / f64::from(s.groups)))
        .await;
    let mut sample = 0u64;
    while !stop.load(Ordering::Acquire) {
        let o = telemetry.publish(&g).await;
        c.add(C::Published, o.stats[figure::PUB_SENT]);
        c.add(C::Intended, o.stats[figure::PUB_INTENDED]);
        c.max(C::LagP99Max, o.stats[figure::PUB_LAG_P99_US]);
        c.failed(&o, &format!("group {index} telemetry"));
        if sample % u64::from(s.groups) == u64::from(index) && !stop.load(Ordering::Acquire) {
            let _turn = churn.lock().await;
            if (sample / u64::from(s.groups)) % 2 == 0 {
                g.disconnect().await;
            } else {
                g.close_now();
            }
            g = connected(&s, &prefix, s.group_size).await?;
            c.add(C::Churned, i64::from(s.group_size));
        }
        sample += 1;
    }
    g.disconnect().await;
    Ok(())
}

/// The backend's view: every telemetry message, counted once.
async fn receive(
    s: Arc<Settings>,
    c: Arc<Counters>,
    devices_done: Arc<AtomicBool>,
) -> Result<(), String> {
    let g = connected(&s, "fleet-backend", 1).await?;
    let sub = subscriber(
        r#"{"topics":"fleet/t/#","qos":1,"condition":"time","conditionValue":1000,"addTimestamp":true}"#,
    )?;
    let mut quiet_rounds = 0;
    // Once every device's last sample has ended (not merely been told to stop: a sample in
    // progress goes on to its minute's end, and a few devices of a small fleet leave gaps of
    // seconds), keep sampling until two empty seconds: everything arrived.
    while !devices_done.load(Ordering::Acquire) || quiet_rounds < 2 {
        let o = sub.subscribe(&g).await;
        let n = o.stats[figure::MESSAGES].max(0);
        c.add(C::Received, n);
        c.add(C::Duplicates, o.stats[figure::DUPLICATES]);
        c.add(C::Lost, o.stats[figure::LOST]);
        c.set(C::LostTotal, o.stats[figure::LOST_TOTAL]);
        c.set(C::Pending, o.stats[figure::PENDING]);
        // A time batch with no message fails by design; only other failures count.
        if n > 0 {
            c.failed(&o, "backend subscribe");
        }
        quiet_rounds = if n == 0 { quiet_rounds + 1 } else { 0 };
    }
    g.disconnect().await;
    Ok(())
}

/// Commands as round trips: the commander asks, the command devices answer.
async fn commands(s: Arc<Settings>, c: Arc<Counters>, stop: Arc<AtomicBool>) -> Result<(), String> {
    let devs = connected(&s, "fleet-cmd-{{conn:3}}", COMMAND_DEVICES).await?;
    let commander = connected(&s, "fleet-commander", 1).await?;
    let answer = responder(
        r#"{"rsp":{"topics":"fleet/cmd/{{client_id}}","qos":1,"windowMs":1000,"payload":"ok {{request}}","timeoutMs":60000}}"#,
    )?;
    // The first sample subscribes every command device.
    let o = answer.respond(&devs).await;
    c.failed(&o, "responder");
    let ask = requester(&format!(
        r#"{{"req":{{"topic":"fleet/cmd/fleet-cmd-{{{{target:3}}}}","targets":{COMMAND_DEVICES},"qos":1,
            "perSample":{REQUESTS_PER_SECOND},"rate":{REQUESTS_PER_SECOND},"timeoutMs":5000,
            "payload":"reboot {{{{seq}}}}","check":"contains","checkValue":"ok"}}}}"#
    ))?;
    let asking = async {
        while !stop.load(Ordering::Acquire) {
            let o = ask.request(&commander).await;
            c.add(C::Requests, o.stats[figure::REQ_SENT]);
            c.add(C::Replies, o.stats[figure::REQ_MATCHED]);
            c.add(C::RequestTimeouts, o.stats[figure::REQ_TIMEOUTS]);
            c.failed(&o, "commander");
        }
    };
    let answering = async {
        while !stop.load(Ordering::Acquire) {
            let o = answer.respond(&devs).await;
            c.add(C::Answered, o.stats[figure::RSP_ANSWERED]);
        }
    };
    tokio::join!(asking, answering);
    commander.disconnect().await;
    devs.disconnect().await;
    Ok(())
}

fn run(s: Settings) -> Result<Arc<Counters>, String> {
    let rt = runtime()?;
    let s = Arc::new(s);
    let c = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    // Held by a group while it is away; a quiet point takes it so that every device is connected
    // when the process is measured.
    let churn = Arc::new(Mutex::new(()));
    rt.block_on(async {
        let devices_done = Arc::new(AtomicBool::new(false));
        let backend = tokio::spawn(receive(s.clone(), c.clone(), devices_done.clone()));
        let cmd = tokio::spawn(commands(s.clone(), c.clone(), stop.clone()));
        let start = Instant::now();
        let fleet: Vec<_> = (0..s.groups)
            .map(|i| {
                tokio::spawn(devices(
                    s.clone(),
                    c.clone(),
                    stop.clone(),
                    churn.clone(),
                    i,
                    start,
                ))
            })
            .collect();
        minute_by_minute(start, s.minute, s.minutes, &churn, Duration::ZERO, || {
            c.line()
        })
        .await;
        stop.store(true, Ordering::Release);
        let devices = gather(fleet.into_iter().chain([cmd])).await;
        devices_done.store(true, Ordering::Release);
        // The backend last: it drains what the devices sent last.
        let backend = gather([backend]).await;
        devices.and(backend)
    })?;
    Ok(c)
}

fn main() {
    main_of(
        || {
            let s = parse_args()?;
            println!(
                "fleet: {} groups of {} devices, a message each every {} s, one group churned per \
                 minute of {} s, {} command devices",
                s.groups,
                s.group_size,
                s.interval.as_secs(),
                s.minute.as_secs(),
                COMMAND_DEVICES
            );
            Ok(s)
        },
        run,
        |c| c.line(),
        |c| {
            let delivered = c.get(C::Received).saturating_sub(c.get(C::Duplicates));
            delivered == c.get(C::Published)
                && c.get(C::Published) == c.get(C::Intended)
                && c.get(C::LostTotal) == 0
                && c.get(C::Lost) == 0
                && c.get(C::RequestTimeouts) == 0
                && c.get(C::FailedSamples) == 0
        },
    )
}
