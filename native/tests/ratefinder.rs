//! The Rate Finder against a real Mosquitto: a subscriber whose delivery a proxy of the test caps
//! at a known rate (the finder must stop within one step of it and name the broker), the test
//! Mosquitto uncapped (the limit found must be the load generator's own, or the maximum rate), a
//! publisher whose in-flight window is the limit (ours, not the broker's), the broker's `$SYS`
//! drops, the maximum rate, a new search, Shutdown.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mqttload::sampler::outcome::figure;
use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, RateFinder, RateFinderConfig, SampleOutcome, Shutdown,
};
use mqttload_testkit::Mosquitto;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The finder judges a step by how busy this process's runtime threads were, and every test of
/// this file runs its own: one at a time, so that one test's load is not another's verdict.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const BROKER: i64 = 1;
const SCHEDULE: i64 = 2;
const WINDOW: i64 = 3;
const MAX_RATE: i64 = 4;
const ENGINE: i64 = 5;

async fn group(port: u16, connections: u32, extra: &str) -> Arc<ConnectionGroup> {
    let json = format!(
        r#"{{"server":"127.0.0.1","port":{port},"version":"3.1.1","connTimeoutSecs":10,"keepAliveSecs":60,
        "clientIdPrefix":"rf_","clientIdSuffix":true,"cleanSession":true,"connections":{connections}{extra}}}"#
    );
    let g = ConnectionGroup::new(ConnectConfig::from_json(&json).unwrap()).unwrap();
    let o = g.connect().await;
    assert!(o.success, "{o:?}");
    Arc::new(g)
}

fn finder(settings: &str) -> Arc<RateFinder> {
    Arc::new(RateFinder::new(
        RateFinderConfig::from_json(&format!(r#"{{"rf":{{{settings}}}}}"#)).unwrap(),
    ))
}

/// Steps until the search says it is done (at most `most`), each as the plugin runs it.
async fn search(f: &Arc<RateFinder>, g: &Arc<ConnectionGroup>, most: usize) -> Vec<SampleOutcome> {
    let mut steps = Vec::new();
    for _ in 0..most {
        let o = f
            .clone()
            .step_on_runtime(g.clone(), Shutdown::never())
            .await;
        let done = o.stats[figure::RF_DONE] == 1;
        eprintln!("{}", o.message);
        steps.push(o);
        if done {
            break;
        }
    }
    let last = steps.last().expect("a step");
    eprintln!(
        "{}",
        String::from_utf8_lossy(last.response_data.as_deref().unwrap_or_default())
    );
    assert_eq!(last.stats[figure::RF_DONE], 1, "not done: {last:?}");
    steps
}

/// A search with a fresh finder, again (at most three times in all) while the limit it finds is
/// the load generator's own: the test's premise, a load generator faster than the limit under
/// test, does not hold while other work takes this machine's cores, and the finder says so.
async fn search_keeping_up(
    settings: &str,
    g: &Arc<ConnectionGroup>,
    most: usize,
) -> Vec<SampleOutcome> {
    let mut attempt = 1;
    loop {
        let steps = search(&finder(settings), g, most).await;
        let limit = steps.last().map_or(0, |o| o.stats[figure::RF_LIMIT]);
        if (limit != SCHEDULE && limit != ENGINE) || attempt == 3 {
            return steps;
        }
        eprintln!("the load generator fell behind (a busy machine): searching again");
        attempt += 1;
    }
}

fn rate(o: &SampleOutcome, f: usize) -> f64 {
    o.stats[f] as f64 / 1000.0
}

/// A proxy of the test in front of `broker`: what the broker sends each client goes through at
/// `bytes_per_s` at most, per connection (what clients send goes through as it comes). A
/// subscriber behind it gets its messages at a rate the test can compute, whatever the load.
async fn throttling_proxy(broker: u16, bytes_per_s: f64) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", broker)).await else {
                    return;
                };
                let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
                let (mut client_r, mut client_w) = client.into_split();
                let (mut broker_r, mut broker_w) = upstream.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_r, &mut broker_w).await;
                    let _ = broker_w.shutdown().await;
                });
                let mut buf = vec![0u8; 1024];
                let mut next = tokio::time::Instant::now();
                loop {
                    let n = match broker_r.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    // Credit is kept across the timer's coarse wake-ups, not across idle time.
                    let now = tokio::time::Instant::now();
                    if now > next + Duration::from_millis(5) {
                        next = now;
                    }
                    if client_w.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    next += Duration::from_secs_f64(n as f64 / bytes_per_s);
                    tokio::time::sleep_until(next).await;
                }
                let _ = client_w.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stops_within_one_step_of_a_throttled_subscribers_ceiling() {
    let _one = ONE_AT_A_TIME.lock().await;
    let broker = Mosquitto::start().unwrap();
    // Each delivery to the subscriber (QoS 1, topic "rf/cap", 200 bytes of padding) is 256 bytes
    // and its sequence number's digits (3 or 4 here): 260 bytes, so 520,000 bytes/s hold 2,000/s.
    let ceiling = 2_000.0;
    let proxy = throttling_proxy(broker.port, 260.0 * ceiling).await;
    // One subscriber and two publishers, all through the proxy: a publisher only gets its
    // PUBACKs back, far below the cap. Above the ceiling the queue grows by (rate - ceiling) a
    // second, so a 3-s step at 1.25 times it ends 0.75 s behind, well past the 400-ms guard, and one
    // at 0.98 times it keeps up.
    let g = group(proxy, 3, "").await;
    let factor = 1.25;
    let settings = r#""topic":"rf/cap","qos":"1","subscribers":"1","payloadBytes":"200","startRate":"1000",
        "factor":"1.25","maxRate":"100000","stepMs":"3000","drainMs":"1500","maxP99Ms":"400",
        "maxLagMs":"100","sysRoot":"""#;
    let steps = search_keeping_up(settings, &g, 12).await;
    let last = steps.last().unwrap();
    let (held, broke) = (
        rate(last, figure::RF_MAX_OK_MILLI),
        rate(last, figure::RF_FIRST_BAD_MILLI),
    );
    assert_eq!(last.stats[figure::RF_LIMIT], BROKER, "{last:?}");
    assert!(
        last.message.contains("the limit is the broker's"),
        "{last:?}"
    );
    // within one step of the ceiling, either side (10 % for the digits and the timer)
    assert!(
        held <= ceiling * 1.1 && held >= ceiling / factor * 0.9,
        "held {held}: {last:?}"
    );
    assert!(
        broke >= ceiling * 0.9 && broke <= ceiling * factor * 1.1,
        "broke {broke}: {last:?}"
    );
    // every step below held and reported its figures
    for o in &steps[..steps.len() - 1] {
        assert!(o.success, "{o:?}");
        assert_eq!(o.stats[figure::RF_BROKE], 0, "{o:?}");
        assert_eq!(o.stats[figure::RF_LOST], 0, "{o:?}");
        let sent = rate(o, figure::RF_SENT_PER_S_MILLI);
        let offered = rate(o, figure::RF_OFFERED_MILLI);
        assert!((sent - offered).abs() < offered * 0.1, "{o:?}");
    }
    // the broken step received no faster than the ceiling
    assert!(!last.success && last.code == "501", "{last:?}");
    assert!(
        rate(last, figure::RF_RECEIVED_PER_S_MILLI) <= ceiling * 1.1,
        "{last:?}"
    );
    let table = String::from_utf8_lossy(last.response_data.as_deref().unwrap_or_default());
    assert_eq!(table.matches(" held\n").count(), steps.len() - 1, "{table}");
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncapped_broker_finds_the_load_generators_own_limit_or_the_maximum() {
    let _one = ONE_AT_A_TIME.lock().await;
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 3, "").await;
    let f = finder(
        r#""topic":"rf/open","qos":"0","subscribers":"1","payloadBytes":"16","startRate":"2000",
        "factor":"4","maxRate":"2048000","stepMs":"1000","drainMs":"1000","maxP99Ms":"2000",
        "maxLagMs":"20","sysRoot":"""#,
    );
    let steps = search(&f, &g, 8).await;
    let last = steps.last().unwrap();
    let limit = last.stats[figure::RF_LIMIT];
    assert!(
        [SCHEDULE, ENGINE, MAX_RATE].contains(&limit),
        "the limit of an uncapped broker is ours or the maximum: {last:?}"
    );
    if limit == MAX_RATE {
        assert!(
            last.success && last.message.contains("no limit found"),
            "{last:?}"
        );
    } else {
        assert!(
            last.message.contains("the limit is ours, not the broker's"),
            "{last:?}"
        );
        let lag = last.stats[figure::RF_LAG_P99_US];
        let busy = last.stats[figure::RF_ENGINE_BUSY_PCT];
        assert!(
            lag > 20_000 || busy >= 90,
            "lag {lag} µs, busy {busy} %: {last:?}"
        );
    }
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_in_flight_window_is_our_limit_not_the_brokers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let broker = Mosquitto::start().unwrap();
    // one QoS 1 message in flight per publishing connection: the publisher, not the broker, is
    // what holds the rate back once the offered rate passes 1 / round trip
    let g = group(broker.port, 2, r#","maxInflight":1"#).await;
    let f = finder(
        r#""topic":"rf/window","qos":"1","startRate":"1000","factor":"4","maxRate":"1024000",
        "stepMs":"1000","drainMs":"2000","maxP99Ms":"20","maxLagMs":"1000","sysRoot":"""#,
    );
    let steps = search(&f, &g, 8).await;
    let last = steps.last().unwrap();
    let limit = last.stats[figure::RF_LIMIT];
    assert!(
        limit == WINDOW || limit == ENGINE || limit == SCHEDULE,
        "never the broker's: {last:?}"
    );
    if limit == WINDOW {
        assert!(
            last.message.contains("in-flight windows were full"),
            "{last:?}"
        );
    }
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brokers_sys_drops_break_a_step() {
    let _one = ONE_AT_A_TIME.lock().await;
    // a broker that queues at most 5 messages for a client, publishes $SYS every second, and a
    // subscriber it can reach at 100 deliveries/s only
    let broker =
        Mosquitto::start_with("sys_interval 1\nmax_queued_messages 5\nmax_inflight_messages 1\n")
            .unwrap();
    let proxy = throttling_proxy(broker.port, 100.0 * 100.0).await;
    let g = group(proxy, 2, "").await;
    let settings = r#""topic":"rf/drops","qos":"1","payloadBytes":"40","startRate":"1000","maxRate":"1000",
        "stepMs":"2500","drainMs":"1500","maxP99Ms":"60000","maxLost":"1000000000","maxLagMs":"1000""#;
    // $SYS comes through the same throttled connection as the load: on a busy machine a step may
    // end before any $SYS value got through (its drops then read "-", judged by nothing): again
    let mut attempt = 1;
    let steps = loop {
        let steps = search_keeping_up(settings, &g, 1).await;
        if steps[0].stats[figure::RF_BROKER_DROPPED] >= 0 || attempt == 3 {
            break steps;
        }
        eprintln!("no $SYS value within the step (a busy machine): searching again");
        attempt += 1;
    };
    let o = &steps[0];
    assert!(o.stats[figure::RF_BROKER_DROPPED] > 0, "{o:?}");
    assert_eq!(
        o.stats[figure::RF_BROKE] & 8,
        8,
        "the drop guard broke: {o:?}"
    );
    assert_eq!(o.stats[figure::RF_LIMIT], BROKER, "{o:?}");
    assert!(o.message.contains("message(s) ($SYS)"), "{o:?}");
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_maximum_rate_is_said_to_be_no_limit_and_the_next_sample_searches_again() {
    let _one = ONE_AT_A_TIME.lock().await;
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 2, "").await;
    let f = finder(
        r#""topic":"rf/max","startRate":"100","factor":"2","maxRate":"400","stepMs":"500",
        "drainMs":"1000","maxLagMs":"1000","sysRoot":"","whenDone":"new_search""#,
    );
    let steps = search(&f, &g, 5).await;
    let offered: Vec<f64> = steps
        .iter()
        .map(|o| rate(o, figure::RF_OFFERED_MILLI))
        .collect();
    assert_eq!(offered, [100.0, 200.0, 400.0]);
    let last = steps.last().unwrap();
    assert!(last.success, "{last:?}");
    assert_eq!(last.stats[figure::RF_LIMIT], MAX_RATE);
    assert_eq!(rate(last, figure::RF_MAX_OK_MILLI), 400.0);
    assert_eq!(last.stats[figure::RF_FIRST_BAD_MILLI], -1);
    assert_eq!(last.stats[figure::RF_WHEN_DONE], 0);
    // every message of each step arrived: 50, 100, 200
    let received: Vec<i64> = steps.iter().map(|o| o.stats[figure::RF_RECEIVED]).collect();
    assert_eq!(received, [50, 100, 200]);
    // a new search begins at the start rate, with step 1
    let again = f
        .clone()
        .step_on_runtime(g.clone(), Shutdown::never())
        .await;
    assert_eq!(
        (
            again.stats[figure::RF_STEP],
            rate(&again, figure::RF_OFFERED_MILLI)
        ),
        (1, 100.0),
        "{again:?}"
    );
    assert_eq!(again.stats[figure::RF_DONE], 0);
    g.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_a_step_at_once_and_a_group_without_publishers_is_refused() {
    let _one = ONE_AT_A_TIME.lock().await;
    let broker = Mosquitto::start().unwrap();
    let g = group(broker.port, 2, "").await;
    let f = finder(r#""topic":"rf/stop","stepMs":"60000","sysRoot":"""#);
    let (trigger, shutdown) = Shutdown::channel();
    let raise = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        trigger.raise();
        trigger
    });
    let started = Instant::now();
    let o = f.clone().step_on_runtime(g.clone(), shutdown).await;
    let _trigger = raise.await;
    assert!(started.elapsed() < Duration::from_secs(3), "{o:?}");
    assert_eq!((o.success, o.code.as_str()), (false, "502"), "{o:?}");
    assert!(
        o.message.contains("JMeter shutdown ended the step"),
        "{o:?}"
    );
    assert_eq!(o.stats[figure::RF_DONE], 0, "not judged: {o:?}");

    let lone = group(broker.port, 1, "").await;
    let o = f
        .clone()
        .step_on_runtime(lone.clone(), Shutdown::never())
        .await;
    assert!(!o.success && o.code == "502", "{o:?}");
    assert!(
        o.message.contains("rf.subscribers") && o.message.contains("none would publish"),
        "{o:?}"
    );
    g.disconnect().await;
    lone.disconnect().await;
}
