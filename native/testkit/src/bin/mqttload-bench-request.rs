//! Request/response at scale, the engine alone (`make bench-request`).
//!
//! `mqttload-bench-request <devices> <interval ms> <seconds> [qos] [commander connections]`: one
//! group of `devices` connections (client ids dev-000000...) answers requests on
//! devices/<client id>/req with an MQTT Responder; a commander group sends MQTT Request samples
//! addressed with devices/dev-{{target:6}}/req over every device in turn, paced so that each device
//! gets one request every `interval ms` (devices x 1000 / interval requests per second in all),
//! for `seconds`. Against a Mosquitto of its own, started after this process raised its open-files
//! limit (Mosquitto inherits it: it holds one file per client).
//!
//! Every few seconds a line: requests answered by the devices, the answer delay, this process's
//! CPU (cores busy) and resident memory, Mosquitto's, and the load average beside them. At the end:
//! requests, matched, timeouts, late/duplicate/unmatched replies, round-trip p50/p90/p99/max.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, RequestConfig, Requester, Responder, ResponderConfig,
};
use mqttload_testkit::meters::{load_average, one_minute_load, Meter};
use mqttload_testkit::Mosquitto;

/// How often a progress line is printed (also the responder's sample window): every 5 s, every
/// second in runs too short for that.
fn report_every(seconds: u64) -> Duration {
    Duration::from_secs(if seconds >= 20 { 5 } else { 1 })
}

fn group(port: u16, prefix: &str, suffix: bool, connections: u32) -> ConnectionGroup {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","clientIdPrefix":"{prefix}","clientIdSuffix":{suffix},
           "connections":{connections},"keepAliveSecs":300,"connTimeoutSecs":60}}"#
    );
    ConnectionGroup::new(ConnectConfig::from_json(&json).expect("bench connect settings"))
        .expect("bench group")
}

fn run(
    devices: u32,
    interval_ms: u64,
    seconds: u64,
    qos: u8,
    commanders: u32,
) -> Result<(), String> {
    let report = report_every(seconds);
    let broker = Mosquitto::start()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let devs = Arc::new(group(broker.port, "dev-{{conn:6}}", false, devices));
    let cmd = Arc::new(group(broker.port, "cmd_", true, commanders));
    let started = Instant::now();
    for g in [&devs, &cmd] {
        let o = rt.block_on(g.connect());
        if !o.success {
            return Err(format!("connect: {}", o.message));
        }
    }
    println!(
        "request bench: {devices} devices + {commanders} commander connection(s) connected in {:.1} s \
         (3.1.1, QoS {qos}); Mosquitto pid {}",
        started.elapsed().as_secs_f64(),
        broker.pid()
    );
    let responder = Arc::new(Responder::new(
        ResponderConfig::from_json(&format!(
            r#"{{"rsp":{{"topics":"devices/{{{{client_id}}}}/req","qos":{qos},"windowMs":{},"payload":"ok {{{{request}}}}","timeoutMs":60000}}}}"#,
            report.as_millis()
        ))
        .map_err(|e| e.to_string())?,
    ));
    // the first sample subscribes every device, then waits out its window
    let o = rt.block_on(responder.respond(&devs));
    if !o.success {
        return Err(format!("responder: {}", o.message));
    }
    let rate = f64::from(devices) * 1000.0 / interval_ms as f64;
    let requests = (rate * seconds as f64).round() as u64;
    let requester = Requester::new(
        RequestConfig::from_json(&format!(
            r#"{{"req":{{"topic":"devices/dev-{{{{target:6}}}}/req","targets":{devices},"qos":{qos},
                "perSample":{requests},"rate":{rate},"timeoutMs":5000,"payload":"{{\"command\":\"ping\",\"n\":{{{{seq}}}}}}",
                "check":"contains","checkValue":"ok"}}}}"#
        ))
        .map_err(|e| e.to_string())?,
    );
    println!(
        "request bench: {requests} requests at {rate:.0}/s over {devices} targets (each every {interval_ms} ms) for {seconds} s; load average {}",
        load_average()
    );
    let mosquitto = Meter::new(broker.pid().to_string());
    let mut meters = (Meter::new("self".into()), mosquitto);
    let done = AtomicBool::new(false);
    let began = Instant::now();
    let (outcome, (answered, loads)) = rt.block_on(async {
        let ask = async {
            let o = requester.request(&cmd).await;
            done.store(true, Ordering::Release);
            o
        };
        let watch = async {
            let mut answered = 0i64;
            let mut loads = Vec::new();
            // until the commander is done and the devices have answered everything
            loop {
                let o = responder.respond(&devs).await;
                let n = o.stats[figure::RSP_ANSWERED].max(0);
                answered += n;
                let (cpu, rss) = meters.0.read();
                let (mcpu, mrss) = meters.1.read();
                let load = one_minute_load();
                loads.push(load);
                println!(
                    "  {:>5.1} s: devices answered {n} ({:.0}/s), answer delay p99 {} us; engine {cpu:.2} cores, {} MiB; Mosquitto {mcpu:.2} cores, {} MiB; load average {}",
                    began.elapsed().as_secs_f64(),
                    n as f64 / report.as_secs_f64(),
                    o.stats[figure::RSP_DELAY_P99_US].max(0),
                    rss / 1024,
                    mrss / 1024,
                    load_average(),
                );
                if !o.success {
                    println!("    responder: {}", o.message);
                }
                if done.load(Ordering::Acquire) && n == 0 {
                    break;
                }
            }
            (answered, loads)
        };
        tokio::join!(ask, watch)
    });
    let f = |i: usize| outcome.stats[i];
    println!("request bench: {}", outcome.message);
    println!(
        "request bench: requests {}, matched {}, timeouts {}, check failed {}, late {}, duplicates {}, unmatched {}; \
         round trip p50 {} us, p90 {} us, p99 {} us, max {} us; devices answered {answered}",
        f(figure::REQ_SENT),
        f(figure::REQ_MATCHED),
        f(figure::REQ_TIMEOUTS),
        f(figure::REQ_CHECK_FAILED),
        f(figure::REQ_LATE),
        f(figure::REQ_DUPLICATES),
        f(figure::REQ_UNMATCHED),
        f(figure::REQ_RTT_P50_US),
        f(figure::REQ_RTT_P90_US),
        f(figure::REQ_RTT_P99_US),
        f(figure::REQ_RTT_MAX_US),
    );
    let (lo, hi) = loads
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), l| (lo.min(*l), hi.max(*l)));
    println!(
        "request bench: {} s sending at {:.1} req/s; load average during the run {lo:.2}-{hi:.2}, now {}",
        seconds,
        f(figure::REQ_SENT) as f64 / seconds as f64,
        load_average()
    );
    drop(requester);
    drop(responder);
    rt.block_on(async {
        cmd.disconnect().await;
        devs.disconnect().await;
    });
    Ok(())
}

fn main() {
    mqttload_testkit::run_with_the_plugins_allocator_settings();
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize, default: u64| {
        args.get(i)
            .and_then(|a| a.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let devices = u32::try_from(num(1, 10_000)).unwrap_or(u32::MAX).max(1);
    let interval_ms = num(2, 10_000).max(1);
    let seconds = num(3, 30).max(1);
    let qos = num(4, 1).min(2) as u8;
    let commanders = u32::try_from(num(5, 1)).unwrap_or(1).max(1);
    // Before the broker starts: Mosquitto inherits the raised limit (one file per client).
    match mqttload::transport::limits::raise_open_files() {
        Some((before, after)) => println!("request bench: open files limit {before} -> {after}"),
        None => println!("request bench: open files limit unchanged"),
    }
    if let Err(e) = run(devices, interval_ms, seconds, qos, commanders) {
        println!("request bench: FAILED: {e}");
        std::process::exit(1);
    }
}
