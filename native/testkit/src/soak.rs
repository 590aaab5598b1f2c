//! What the soak binaries share: samplers made from their settings' JSON, and the quiet point at
//! which the watcher (tools/bench/soak.py) measures the process.

use std::io::BufRead;

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
