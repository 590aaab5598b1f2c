//! Engine benchmarks, no JMeter in between.
//!
//! `mqttload-bench [messages]`: publish -> subscribe rates through a real broker, QoS 0 and 1.
//! Uses the broker named by MQTT_BROKER=host:port, else starts a Mosquitto of its own.
//!
//! `mqttload-bench inflight [messages]`: QoS 1 and 2 rates with the 3.x in-flight window at its auto
//! value (20) and at 65,535, alternating in one run (the broker sets no limit of its own).
//!
//! `mqttload-bench templates [messages]`: the cost of templates: nanoseconds per expansion of a
//! short templated payload, and QoS 0 and 1 rates with a plain and a templated 32-byte body,
//! alternating in three rounds.
//!
//! `mqttload-bench connections <connect settings> <count>`: opens `count` connections in one group,
//! prints connects/s and resident memory per idle connection (tools/bench/connections.py runs it
//! for TCP, TLS, WS and WSS side by side).
//!
//! `mqttload-bench round-robin [samples]`: a round-robin sample's cost in groups of 1 to 5,000.
//!
//! `mqttload-bench paced <connections> <interval ms> <seconds> [qos]`: one group of `connections`
//! each publishing every `interval ms` for `seconds` (paced mode, one sample), a subscriber
//! counting what arrives; prints the schedule's lag p50/p99/max and the achieved rate.

use std::time::{Duration, Instant};

use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, Shutdown, SubscribeConfig, Subscriber,
};
use mqttload_testkit::meters::{load_average, Meter};
use mqttload_testkit::Mosquitto;

/// BENCH_CONNECT_JSON: connect settings laid over the bench's own (a protocol and its TLS
/// settings: `make bench-connections` runs the throughput over each protocol with it).
fn group(host: &str, port: u16, prefix: &str, inflight: u16) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"{host}","port":{port},"version":"3.1.1","clientIdPrefix":"{prefix}","connections":1,"maxInflight":{inflight}}}"#
    );
    let mut settings: serde_json::Value = serde_json::from_str(&json).expect("bench settings");
    if let Ok(extra) = std::env::var("BENCH_CONNECT_JSON") {
        let extra: serde_json::Value =
            serde_json::from_str(&extra).expect("BENCH_CONNECT_JSON is a JSON object");
        if let (Some(settings), Some(extra)) = (settings.as_object_mut(), extra.as_object()) {
            settings.extend(extra.clone());
        }
    }
    let config = ConnectConfig::from_json(&settings.to_string()).expect("bench connect settings");
    ConnectionGroup::new(config).expect("bench group")
}

struct Rate {
    messages: u64,
    seconds: f64,
    p50_us: i64,
    p99_us: i64,
}

/// The 32-byte body of the throughput runs.
const BODY: &str = "0123456789abcdef0123456789abcdef";
/// A templated body of the same length once expanded (with a 13-character client id and seq < 10^4).
const TEMPLATED_BODY: &str = r#"{\"c\":\"{{client_id}}\",\"n\":{{seq}}}"#;

async fn run(
    host: &str,
    port: u16,
    qos: u8,
    messages: u64,
    batch: u64,
    inflight: u16,
) -> Result<Rate, String> {
    run_with(host, port, qos, messages, batch, inflight, BODY).await
}

/// As `run`, publishing `body` (the message setting as JSON text: quotes escaped).
async fn run_with(
    host: &str,
    port: u16,
    qos: u8,
    messages: u64,
    batch: u64,
    inflight: u16,
    body: &str,
) -> Result<Rate, String> {
    let topic = format!("bench/qos{qos}");
    let sub_group = group(host, port, "bsub_", inflight);
    let pub_group = group(host, port, "bpub_", inflight);
    for g in [&sub_group, &pub_group] {
        let o = g.connect().await;
        if !o.success {
            return Err(o.message);
        }
    }
    let sub = Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":{qos},"condition":"time","conditionValue":1,"addTimestamp":true}}"#
        ))
        .map_err(|e| e.to_string())?,
    );
    let _ = sub.subscribe(&sub_group).await;
    let publisher = Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"{body}","timestamp":"precise","messagesPerSample":{batch}}}"#
        ))
        .map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let receiver = async {
        let mut got = 0u64;
        let mut p50 = Vec::new();
        let mut p99 = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while got < messages && Instant::now() < deadline {
            let o = sub.subscribe(&sub_group).await;
            got += o.stats[figure::MESSAGES].max(0) as u64;
            if o.stats[figure::P50_US] >= 0 {
                p50.push(o.stats[figure::P50_US]);
                p99.push(o.stats[figure::P99_US]);
            }
        }
        (got, started.elapsed(), median(&mut p50), median(&mut p99))
    };
    let sender = async {
        let mut sent = 0u64;
        while sent < messages {
            let o = publisher.publish(&pub_group).await;
            if !o.success {
                return Err(o.message);
            }
            sent += o.stats[figure::MESSAGES].max(0) as u64;
        }
        Ok(())
    };
    let (sent, (got, elapsed, p50_us, p99_us)) = tokio::join!(sender, receiver);
    sent?;
    sub_group.disconnect().await;
    pub_group.disconnect().await;
    if got < messages {
        return Err(format!("received {got} of {messages}"));
    }
    Ok(Rate {
        messages: got,
        seconds: elapsed.as_secs_f64(),
        p50_us,
        p99_us,
    })
}

fn median(v: &mut [i64]) -> i64 {
    if v.is_empty() {
        return -1;
    }
    v.sort_unstable();
    v[v.len() / 2]
}

/// Resident set size of this process, from /proc (Linux).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn connections(json: &str, count: u32) -> Result<(), String> {
    // BENCH_GROUPS groups connecting at once (as JMeter threads do), BENCH_HOLD_SECS held after the
    // connect (with a keep-alive shorter than that in the settings: the idle state after keep-alive
    // traffic), BENCH_CONCURRENCY handshakes in flight, BENCH_WARMUP connections up before the
    // baseline, BENCH_EXIT_HOLDING=1
    // exits while holding (a heap profiler then reports what an idle connection keeps as "leaked").
    let env_num = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(default)
    };
    if let Some(n) = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        mqttload::sampler::set_connect_concurrency(n);
    }
    let groups = env_num("BENCH_GROUPS", 1).clamp(1, count.max(1));
    let hold = env_num("BENCH_HOLD_SECS", 0);
    let per_group = count / groups;
    let mut settings: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    settings["connections"] = per_group.into();
    let config = ConnectConfig::from_json(&settings.to_string()).map_err(|e| e.to_string())?;
    let prefix = settings["clientIdPrefix"]
        .as_str()
        .unwrap_or("")
        .to_string();
    settings["clientIdPrefix"] = format!("w{prefix}").into();
    settings["connections"] = env_num("BENCH_WARMUP", 500).max(1).into();
    let warmup_config =
        ConnectConfig::from_json(&settings.to_string()).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    // A warm-up group first, held open: the runtime's threads, their stacks and the allocator's
    // per-thread heaps exist before the baseline, so what is measured is what one more connection
    // costs (without it the figure moved between 4.5 and 12 KiB per connection from run to run).
    let metrics = std::env::var("BENCH_METRICS").is_ok_and(|v| v == "1");
    let warmup = ConnectionGroup::new(warmup_config).map_err(|e| e.to_string())?;
    let o = rt.block_on(warmup.connect());
    if !o.success {
        return Err(o.message);
    }
    std::thread::sleep(Duration::from_secs(1));
    let before = rss_bytes().unwrap_or(0);
    let mut all = Vec::new();
    for _ in 0..groups {
        all.push(std::sync::Arc::new(
            ConnectionGroup::new(config.clone())
                .map_err(|e| e.to_string())?
                .labelled("bench"),
        ));
    }
    if metrics {
        serve_and_scrape_metrics(&rt, all.clone())?;
    }
    let started = Instant::now();
    let outcomes = rt.block_on(async {
        let mut tasks = Vec::new();
        for g in &all {
            let g = g.clone();
            tasks.push(tokio::spawn(async move { g.connect().await }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await);
        }
        out
    });
    let elapsed = started.elapsed();
    for o in outcomes {
        match o {
            Ok(o) if o.success => {}
            Ok(o) => return Err(o.message),
            Err(e) => return Err(e.to_string()),
        }
    }
    let count = per_group * groups;
    // Let keep-alive timers and buffers settle: this is the idle cost.
    std::thread::sleep(Duration::from_secs(1).max(Duration::from_secs(u64::from(hold))));
    let after = rss_bytes().unwrap_or(0);
    println!(
        "connections: {count} in {:.2} s = {:.0} connects/s; resident memory {:.1} KiB per idle connection",
        elapsed.as_secs_f64(),
        f64::from(count) / elapsed.as_secs_f64(),
        after.saturating_sub(before) as f64 / 1024.0 / f64::from(count)
    );
    if std::env::var("BENCH_EXIT_HOLDING").is_ok_and(|v| v == "1") {
        std::process::exit(0);
    }
    rt.block_on(async {
        for g in &all {
            g.disconnect().await;
        }
        warmup.disconnect().await;
    });
    Ok(())
}

/// BENCH_METRICS=1: the live metrics on, as the plugin has them with its endpoint on (the groups'
/// connections counted at each scrape), and scraped every second.
fn serve_and_scrape_metrics(
    rt: &tokio::runtime::Runtime,
    groups: Vec<std::sync::Arc<ConnectionGroup>>,
) -> Result<(), String> {
    use mqttload::metrics::{enable, register_process_metrics, MetricsServer, METRICS};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    enable();
    register_process_metrics();
    let up = METRICS.gauge(
        "mqttload_connections",
        "Connections up.",
        vec![("element", "bench".into())],
    );
    METRICS.on_scrape(Box::new(move || {
        let n: usize = groups
            .iter()
            .filter_map(|g| g.live_counts())
            .map(|(_, n, _)| n)
            .sum();
        up.set(n as f64);
    }));
    let server = rt
        .block_on(MetricsServer::bind(
            ([127, 0, 0, 1], 0).into(),
            "bench".into(),
        ))
        .map_err(|e| e.to_string())?;
    let addr = server.local_addr().map_err(|e| e.to_string())?;
    rt.spawn(server.run());
    rt.spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Ok(mut s) = tokio::net::TcpStream::connect(addr).await {
                let _ = s.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").await;
                let mut body = Vec::new();
                let _ = s.read_to_end(&mut body).await;
            }
        }
    });
    Ok(())
}

/// Paced publishing at scale: how late the engine's schedule runs (`make bench-paced`), with the
/// engine's and the broker's CPU over the run (which of them is the limit) and the load average.
fn paced(
    host: &str,
    port: u16,
    broker_pid: Option<u32>,
    connections: u32,
    interval_ms: u64,
    seconds: u64,
    qos: u8,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let pubs = ConnectionGroup::new(
        ConnectConfig::from_json(&format!(
            r#"{{"server":"{host}","port":{port},"version":"3.1.1","clientIdPrefix":"bpace_","connections":{connections},"keepAliveSecs":300,"connTimeoutSecs":60}}"#
        ))
        .expect("bench connect settings"),
    )
    .expect("bench group");
    let subs = group(host, port, "bpsub_", 0);
    let started = Instant::now();
    let o = rt.block_on(pubs.connect());
    if !o.success {
        println!("paced: FAILED to connect: {}", o.message);
        return;
    }
    println!(
        "paced: {connections} connections in {:.1} s; each every {interval_ms} ms for {seconds} s = {:.0} msg/s, QoS {qos}",
        started.elapsed().as_secs_f64(),
        f64::from(connections) * 1000.0 / interval_ms as f64
    );
    let topic = "bench/paced";
    let sub = Subscriber::new(
        SubscribeConfig::from_json(&format!(
            r#"{{"topics":"{topic}","qos":{qos},"condition":"time","conditionValue":1000,"addTimestamp":true}}"#
        ))
        .expect("bench subscribe settings"),
    );
    let pubs = std::sync::Arc::new(pubs);
    let publisher = std::sync::Arc::new(Publisher::new(
        PublishConfig::from_json(&format!(
            r#"{{"topic":"{topic}","qos":{qos},"message":"0123456789abcdef0123456789abcdef","timestamp":"precise",
               "pace":{{"mode":"interval","intervalMs":{interval_ms},"durationMs":{}}}}}"#,
            seconds * 1000
        ))
        .expect("bench publish settings"),
    ));
    let mut engine_cpu = Meter::new("self".into());
    let mut broker_cpu = broker_pid.map(|pid| Meter::new(pid.to_string()));
    let (o, (received, p50, p99)) = rt.block_on(async {
        let _ = subs.connect().await;
        let _ = sub.subscribe(&subs).await;
        let done = std::sync::atomic::AtomicBool::new(false);
        let publish = async {
            // as the plugin runs it: on the runtime (PACED_ON_CALLER=1: in this thread, to compare)
            let o = if std::env::var_os("PACED_ON_CALLER").is_some() {
                publisher.publish(&pubs).await
            } else {
                publisher
                    .clone()
                    .publish_on_runtime(pubs.clone(), Shutdown::never())
                    .await
            };
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            o
        };
        let receive = async {
            let (mut got, mut p50, mut p99) = (0i64, Vec::new(), Vec::new());
            let mut quiet = 0;
            // until the publisher is done and a second passes with nothing more
            while quiet < 1 {
                let s = sub.subscribe(&subs).await;
                got += s.stats[figure::MESSAGES].max(0);
                if s.stats[figure::P50_US] >= 0 {
                    p50.push(s.stats[figure::P50_US]);
                    p99.push(s.stats[figure::P99_US]);
                }
                if done.load(std::sync::atomic::Ordering::Relaxed) && s.stats[figure::MESSAGES] <= 0
                {
                    quiet += 1;
                }
            }
            (got, median(&mut p50), p99.into_iter().max().unwrap_or(-1))
        };
        tokio::join!(publish, receive)
    });
    let (engine_cores, _) = engine_cpu.read();
    let broker_cores = broker_cpu.as_mut().map(|m| m.read().0);
    use mqttload::sampler::outcome::*;
    println!(
        "paced: {} {}",
        if o.success { "OK" } else { "FAILED" },
        o.message
    );
    println!(
        "paced: sent {} of {} intended, {:.1} msg/s; lag p50 {} us, p99 {} us, max {} us; subscriber received {received}, end-to-end latency p50 {p50} us (median of 1-s batches), p99 {p99} us (worst batch)",
        o.stats[figure::PUB_SENT],
        o.stats[figure::PUB_INTENDED],
        o.stats[figure::PUB_RATE_MILLI] as f64 / 1000.0,
        o.stats[figure::PUB_LAG_P50_US],
        o.stats[figure::PUB_LAG_P99_US],
        o.stats[figure::PUB_LAG_MAX_US],
    );
    println!(
        "paced: CPU over the run: engine {engine_cores:.2} cores (publishers and subscriber), Mosquitto {}; load average {}",
        broker_cores.map_or("not measured (MQTT_BROKER)".into(), |c| format!("{c:.2} cores")),
        load_average()
    );
    rt.block_on(async {
        pubs.disconnect().await;
        subs.disconnect().await;
    });
}

/// What a round-robin sample (one QoS 0 message) costs the engine as its group grows: the sample
/// should cost what it sends, not the group's size (`make bench-round-robin`).
fn round_robin(host: &str, port: u16, samples: u64) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("round-robin: {samples} samples of one QoS 0 message per group size, one caller");
    for connections in [1u32, 100, 1000, 5000] {
        let g = ConnectionGroup::new(
            ConnectConfig::from_json(&format!(
                r#"{{"server":"{host}","port":{port},"version":"3.1.1","clientIdPrefix":"brr{connections}_","connections":{connections},"keepAliveSecs":300,"connTimeoutSecs":60}}"#
            ))
            .expect("bench connect settings"),
        )
        .expect("bench group");
        let o = rt.block_on(g.connect());
        if !o.success {
            println!(
                "round-robin: FAILED to connect {connections}: {}",
                o.message
            );
            return;
        }
        let p = Publisher::new(
            PublishConfig::from_json(
                r#"{"topic":"bench/rr","qos":0,"message":"0123456789abcdef","target":"round_robin"}"#,
            )
            .expect("bench publish settings"),
        );
        let started = Instant::now();
        let failed = rt.block_on(async {
            let mut failed = 0u64;
            for _ in 0..samples {
                if !p.publish(&g).await.success {
                    failed += 1;
                }
            }
            failed
        });
        println!(
            "round-robin: {connections:>5} connections: {:.2} us per sample, {failed} failed; load average {}",
            started.elapsed().as_secs_f64() * 1e6 / samples as f64,
            load_average()
        );
        rt.block_on(g.disconnect());
    }
}

/// The broker named by MQTT_BROKER=host:port, else a Mosquitto of our own.
fn broker() -> (Option<Mosquitto>, String, u16) {
    match std::env::var("MQTT_BROKER") {
        Ok(hp) => {
            let (h, p) = hp.rsplit_once(':').expect("MQTT_BROKER=host:port");
            (None, h.to_string(), p.parse().expect("MQTT_BROKER port"))
        }
        Err(_) => {
            let b = Mosquitto::start().unwrap_or_else(|e| panic!("{e}"));
            let port = b.port;
            (Some(b), "127.0.0.1".to_string(), port)
        }
    }
}

fn main() {
    mqttload_testkit::run_with_the_plugins_allocator_settings();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("paced") {
        let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
        let (Some(connections), Some(interval_ms), Some(seconds)) = (num(2), num(3), num(4)) else {
            eprintln!("usage: mqttload-bench paced <connections> <interval ms> <seconds> [qos]");
            std::process::exit(2);
        };
        // Before the broker starts: Mosquitto inherits the raised limit (one file per client).
        mqttload::transport::limits::raise_open_files();
        let (broker, host, port) = broker();
        let qos = num(5).unwrap_or(0).min(2) as u8;
        paced(
            &host,
            port,
            broker.as_ref().map(Mosquitto::pid),
            u32::try_from(connections).unwrap_or(u32::MAX),
            interval_ms.max(1),
            seconds.max(1),
            qos,
        );
        return;
    }
    if args.get(1).map(String::as_str) == Some("round-robin") {
        let samples = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50_000);
        let (_broker, host, port) = broker();
        round_robin(&host, port, samples);
        return;
    }
    if args.get(1).map(String::as_str) == Some("connections") {
        let (Some(json), Some(count)) = (args.get(2), args.get(3).and_then(|c| c.parse().ok()))
        else {
            eprintln!("usage: mqttload-bench connections <connect settings> <count>");
            std::process::exit(2);
        };
        if let Err(e) = connections(json, count) {
            println!("connections: FAILED: {e}");
            std::process::exit(1);
        }
        return;
    }
    let window_mode = args.get(1).map(String::as_str) == Some("inflight");
    let templates_mode = args.get(1).map(String::as_str) == Some("templates");
    let messages: u64 = args
        .get(if window_mode || templates_mode { 2 } else { 1 })
        .and_then(|a| a.parse().ok())
        .unwrap_or(if window_mode || templates_mode {
            50_000
        } else {
            200_000
        });
    let (_broker, host, port) = match std::env::var("MQTT_BROKER") {
        Ok(hp) => {
            let (h, p) = hp.rsplit_once(':').expect("MQTT_BROKER=host:port");
            (None, h.to_string(), p.parse().expect("MQTT_BROKER port"))
        }
        Err(_) => {
            let b = Mosquitto::start().unwrap_or_else(|e| panic!("{e}"));
            let port = b.port;
            (Some(b), "127.0.0.1".to_string(), port)
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if window_mode {
        inflight(&rt, &host, port, messages);
        return;
    }
    if templates_mode {
        templates(&rt, &host, port, messages);
        return;
    }
    println!("engine benchmark: {messages} messages per QoS, 1 publisher -> broker {host}:{port} -> 1 subscriber, 32-byte body");
    // QOS=1 runs one QoS only (tools/bench/run.py measures each run's CPU on its own)
    let qos_list: Vec<u8> = match std::env::var("QOS").ok().and_then(|q| q.parse().ok()) {
        Some(q) => vec![q],
        None => vec![0, 1],
    };
    for qos in qos_list {
        match rt.block_on(run(&host, port, qos, messages, 1000, 0)) {
            Ok(r) => println!(
                "engine qos{qos}: {:>9.0} msg/s publish->subscribe ({} messages in {:.2} s; latency p50 {} us, p99 {} us per batch median)",
                r.messages as f64 / r.seconds,
                r.messages,
                r.seconds,
                r.p50_us,
                r.p99_us
            ),
            Err(e) => println!("engine qos{qos}: FAILED: {e}"),
        }
    }
}

/// The cost of the 3.x in-flight window: the same load with 20 and with 65,535 messages in flight,
/// three interleaved rounds, medians and their ratio.
fn inflight(rt: &tokio::runtime::Runtime, host: &str, port: u16, messages: u64) {
    println!("in-flight window benchmark: {messages} messages per run, 3.1.1, 1 publisher -> 1 subscriber, 1,000 per sample, 3 rounds");
    for qos in [1u8, 2] {
        let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..3 {
            for (i, window) in [20u16, u16::MAX].into_iter().enumerate() {
                match rt.block_on(run(host, port, qos, messages, 1000, window)) {
                    Ok(r) => rates[i].push(r.messages as f64 / r.seconds),
                    Err(e) => println!("qos{qos} window {window}: FAILED: {e}"),
                }
            }
        }
        let med = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        let (w20, wmax) = (med(&mut rates[0]), med(&mut rates[1]));
        println!(
            "inflight qos{qos}: window 20 {w20:>9.0} msg/s, window 65535 {wmax:>9.0} msg/s, ratio {:.2}",
            if wmax > 0.0 { w20 / wmax } else { 0.0 }
        );
    }
}

/// Expansion alone, then plain against templated bodies through the broker.
fn templates(rt: &tokio::runtime::Runtime, host: &str, port: u16, messages: u64) {
    use bytes::{BufMut, BytesMut};
    use mqttload::sampler::template::{Template, Vars};
    const N: u64 = 2_000_000;
    let text = TEMPLATED_BODY.replace('\\', "");
    let Ok(Some(t)) = Template::parse(text.as_bytes()) else {
        println!("templates: FAILED: {text} is not a template");
        return;
    };
    let vars = |seq| Vars {
        conn: 0,
        conn_test: 0,
        client_id: "bpub_1a2b3c4d",
        seq,
    };
    let per_message = |f: &dyn Fn(u64) -> usize| {
        let started = Instant::now();
        let mut total = 0usize;
        for seq in 0..N {
            total += f(seq);
        }
        (started.elapsed().as_nanos() as f64 / N as f64, total)
    };
    let (plain_ns, _) = per_message(&|_| {
        let mut b = BytesMut::with_capacity(BODY.len() + 64);
        b.put_slice(BODY.as_bytes());
        b.freeze().len()
    });
    let (templated_ns, _) = per_message(&|seq| {
        let mut b = BytesMut::with_capacity(t.size_hint() + 64);
        t.expand(&mut b, &vars(seq));
        b.freeze().len()
    });
    println!(
        "templates: building a 32-byte body: plain {plain_ns:.0} ns, templated {templated_ns:.0} ns ({text})"
    );
    // Whole messages as a sample builds them (precise header, topic, payload), no network.
    let build = |body: &str, topic: &str| -> Result<f64, String> {
        let g = group(host, port, "bpub_", 0);
        let p = Publisher::new(
            PublishConfig::from_json(&format!(
                r#"{{"topic":"{topic}","message":"{body}","timestamp":"precise"}}"#
            ))
            .map_err(|e| e.to_string())?,
        );
        let started = Instant::now();
        let mut total = 0usize;
        for _ in 0..N {
            total += p.build_message(0, &g).payload.len();
        }
        std::hint::black_box(total);
        Ok(started.elapsed().as_nanos() as f64 / N as f64)
    };
    let mut built: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..3 {
        for (i, (body, topic)) in [
            (BODY, "bench/t"),
            (TEMPLATED_BODY, "bench/t"),
            (TEMPLATED_BODY, "bench/{{conn.test}}"),
        ]
        .into_iter()
        .enumerate()
        {
            match build(body, topic) {
                Ok(ns) => built[i].push(ns),
                Err(e) => println!("templates: FAILED: {e}"),
            }
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    println!(
        "templates: building a whole message (precise header, topic, payload), medians of 3: plain {:.0} ns, templated payload {:.0} ns, templated payload and topic {:.0} ns",
        med(&mut built[0]),
        med(&mut built[1]),
        med(&mut built[2])
    );
    println!("templates benchmark: {messages} messages per run, 1 publisher -> 1 subscriber, 1,000 per sample, precise timestamp, 3 rounds");
    for qos in [0u8, 1] {
        let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..3 {
            for (i, body) in [BODY, TEMPLATED_BODY].into_iter().enumerate() {
                match rt.block_on(run_with(host, port, qos, messages, 1000, 0, body)) {
                    Ok(r) => rates[i].push(r.messages as f64 / r.seconds),
                    Err(e) => println!("qos{qos} {body}: FAILED: {e}"),
                }
            }
        }
        let med = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        let (plain, templated) = (med(&mut rates[0]), med(&mut rates[1]));
        println!(
            "templates qos{qos}: plain {plain:>9.0} msg/s, templated {templated:>9.0} msg/s, ratio {:.2}",
            if plain > 0.0 { templated / plain } else { 0.0 }
        );
    }
}
