//! Live figures of a run for Prometheus: a registry of counters, gauges and histograms that the
//! samplers add to per sample, rendered in Prometheus' text format by an HTTP endpoint of the engine,
//! or as InfluxDB's line protocol for JMeter's Backend Listener.

mod exposition;
mod influx;
mod process;
mod registry;
mod server;

pub use exposition::render;
pub use influx::LineWriter;
pub use process::register_process_metrics;
pub use registry::{
    enable, enabled, Counter, Gauge, Histogram, Kind, Labels, Pending, Registry, ScrapeHook,
    METRICS, MICROS_BUCKETS,
};
pub use server::MetricsServer;
