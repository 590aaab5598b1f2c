//! What the soak binaries share: samplers made from their settings' JSON, and the quiet point at
//! which the watcher (tools/bench/soak.py) measures the process.

use std::io::BufRead;
use std::time::Duration;

use mqttload::sampler::{
    ConnectConfig, ConnectionGroup, PublishConfig, Publisher, RequestConfig, Requester, Responder,
    ResponderConfig, SubscribeConfig, Subscriber,
};

pub fn group(json: &str) -> Result<ConnectionGroup, String> {
    let config = ConnectConfig::from_json(json).map_err(|e| e.to_string())?;
    ConnectionGroup::new(config).map_err(|e| e.to_string())
}

pub fn publisher(json: &str) -> Result<Publisher, String> {
    Ok(Publisher::new(
        PublishConfig::from_json(json).map_err(|e| e.to_string())?,
    ))
}

pub fn subscriber(json: &str) -> Result<Subscriber, String> {
    Ok(Subscriber::new(
        SubscribeConfig::from_json(json).map_err(|e| e.to_string())?,
    ))
}

pub fn requester(json: &str) -> Result<Requester, String> {
    Ok(Requester::new(
        RequestConfig::from_json(json).map_err(|e| e.to_string())?,
    ))
}

pub fn responder(json: &str) -> Result<Responder, String> {
    Ok(Responder::new(
        ResponderConfig::from_json(json).map_err(|e| e.to_string())?,
    ))
}

/// Prints `QUIET <minute> <counters>` and waits until the watcher answers with a line (it has
/// measured the process); a closed stdin means nobody watches, and the run goes on.
pub async fn quiet_point(minute: u64, counters: String) {
    // The reading thread exists before the line is out, so the watcher counts the same threads
    // at every quiet point.
    let answered = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)
    });
    println!("QUIET {minute} {counters}");
    let _ = answered.await;
}

/// The multi-threaded runtime a soak runs on, as the plugin's engine has one.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// A quiet point at the end of each of `minutes` minutes (of `minute`, counted from `start`):
/// each waits for `churn` (held by whatever churns while its connections are away), then
/// `settle` for dropped sockets to close on their own tasks, so every point finds the same
/// connections open.
pub async fn minute_by_minute(
    start: tokio::time::Instant,
    minute: Duration,
    minutes: u64,
    churn: &tokio::sync::Mutex<()>,
    settle: Duration,
    counters: impl Fn() -> String,
) {
    for m in 1..=minutes {
        tokio::time::sleep_until(start + minute * u32::try_from(m).unwrap_or(u32::MAX)).await;
        let quiet = churn.lock().await;
        tokio::time::sleep(settle).await;
        quiet_point(m, counters()).await;
        drop(quiet);
    }
}

/// Waits for every task, in order, and gathers their errors (a panicked task's too).
pub async fn gather(
    tasks: impl IntoIterator<Item = tokio::task::JoinHandle<Result<(), String>>>,
) -> Result<(), String> {
    let mut errors = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(format!("task: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// A soak binary's `main`: its settings from the arguments (exit status 2 when they do not
/// parse), the run, then `DONE <counters>` and exit status 0 only when `whole` says nothing was
/// lost, or `FAILED <why>` and 1. The watcher (tools/bench/soak.py) reads these lines.
pub fn main_of<S, C>(
    parse: impl FnOnce() -> Result<S, String>,
    run: impl FnOnce(S) -> Result<C, String>,
    counters: impl Fn(&C) -> String,
    whole: impl Fn(&C) -> bool,
) -> ! {
    crate::run_with_the_plugins_allocator_settings();
    let settings = match parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match run(settings) {
        Ok(c) => {
            println!("DONE {}", counters(&c));
            std::process::exit(i32::from(!whole(&c)));
        }
        Err(e) => {
            println!("FAILED {e}");
            std::process::exit(1);
        }
    }
}
