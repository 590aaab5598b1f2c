//! The engine process's own figures (resident memory, threads), read when scraped.

use super::registry::METRICS;

/// Registers the scrape hook of `mqttload_engine_resident_bytes` and `mqttload_engine_threads`
/// (Linux: /proc/self/status; elsewhere they stay 0).
pub fn register_process_metrics() {
    let rss = METRICS.gauge(
        "mqttload_engine_resident_bytes",
        "Resident memory of the JMeter process (JVM and engine), bytes.",
        Vec::new(),
    );
    let threads = METRICS.gauge(
        "mqttload_engine_threads",
        "Threads of the JMeter process (JVM and engine).",
        Vec::new(),
    );
    METRICS.on_scrape(Box::new(move || {
        let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
            return;
        };
        for line in status.lines() {
            let mut words = line.split_whitespace();
            match (
                words.next(),
                words.next().and_then(|v| v.parse::<f64>().ok()),
            ) {
                (Some("VmRSS:"), Some(kib)) => rss.set(kib * 1024.0),
                (Some("Threads:"), Some(n)) => threads.set(n),
                _ => {}
            }
        }
    }));
}
