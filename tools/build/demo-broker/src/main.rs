//! `make demo`'s broker: rumqttd on 127.0.0.1:<port>. A small Rust broker keeps the quickstart's latency the
//! engine's (a cold JVM broker added ~100 ms per message), and needs nothing installed.
//!
//! Usage: mqttload-demo-broker <port>. Runs until killed; tools/build/demo.sh waits for the port to accept.

use std::process::ExitCode;

fn config(port: u16) -> String {
    // Limits sized for demo plans: large payloads and deep in-flight windows must not be the broker's bottleneck.
    format!(
        r#"
id = 0
[router]
id = 0
max_connections = 10010
max_outgoing_packet_count = 200
max_segment_size = 104857600
max_segment_count = 10
[v4.1]
name = "demo"
listen = "127.0.0.1:{port}"
next_connection_delay_ms = 0
    [v4.1.connections]
    connection_timeout_ms = 60000
    max_payload_size = 16777216
    max_inflight_count = 100
    dynamic_filters = true
"#
    )
}

fn main() -> ExitCode {
    let Some(port) = std::env::args().nth(1).and_then(|p| p.parse::<u16>().ok()) else {
        eprintln!("usage: mqttload-demo-broker <port>");
        return ExitCode::from(2);
    };
    let parsed = config::Config::builder()
        .add_source(config::File::from_str(&config(port), config::FileFormat::Toml))
        .build()
        .and_then(|c| c.try_deserialize::<rumqttd::Config>());
    let cfg = match parsed {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("demo broker: bad configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("demo broker: rumqttd on 127.0.0.1:{port}");
    match rumqttd::Broker::new(cfg).start() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo broker: {e}");
            ExitCode::FAILURE
        }
    }
}
