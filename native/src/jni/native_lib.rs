//! `static native` methods of `io.mqttload.jni.NativeLib`: starting the engine once the library
//! is loaded.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use jni::objects::JString;
use jni::sys::jint;

use super::failure::Failure;
use super::handles::GROUPS;
use super::runtime::{configure, runtime};
use crate::metrics::{MetricsServer, METRICS};

export! {
    /// Before anything runs on the runtime; `connect_concurrency` below 1 keeps the engine's
    /// default.
    fn Java_io_mqttload_jni_NativeLib_configure(
        _,
        workers: jint,
        connect_concurrency: jint,
    ) {
        configure(usize::try_from(workers).unwrap_or(0));
        if let Ok(n @ 1..) = usize::try_from(connect_concurrency) {
            crate::sampler::set_connect_concurrency(n);
        }
        Ok(())
    }
}

export! {
    fn Java_io_mqttload_jni_NativeLib_version(env) -> JString<'caller> {
        Ok(env.new_string(env!("CARGO_PKG_VERSION"))?)
    }
}

export! {
    /// Starts the Prometheus endpoint on `host`:`port` (0: a free port), every series labelled
    /// `engine`; the port it listens on. Once per JVM: the Java side asks only once.
    fn Java_io_mqttload_jni_NativeLib_startMetrics(
        env,
        host: JString<'caller>,
        port: jint,
        engine: JString<'caller>,
    ) -> jint {
        let host = host.try_to_string(env)?;
        let engine = engine.try_to_string(env)?;
        let port = u16::try_from(port)
            .map_err(|_| Failure::Native(format!("metrics port {port} is not 0 to 65535")))?;
        let ip: std::net::IpAddr = host
            .trim()
            .parse()
            .map_err(|_| Failure::Native(format!("metrics host '{host}' is not an IP address")))?;
        let rt = runtime().map_err(Failure::Native)?;
        let server = rt
            .block_on(MetricsServer::bind((ip, port).into(), engine))
            .map_err(|e| Failure::Native(format!("cannot serve metrics on {host}:{port}: {e}")))?;
        let bound = server
            .local_addr()
            .map_err(|e| Failure::Native(e.to_string()))?
            .port();
        record_live_figures();
        rt.spawn(server.run());
        Ok(jint::from(bound))
    }
}

/// From now on the samplers add to the live figures, and a read of them (a scrape, a Backend
/// Listener's write) brings the engine's own and the connections' up to date first. Once per JVM,
/// whoever reads them first.
pub(super) fn record_live_figures() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        crate::metrics::enable();
        crate::metrics::register_process_metrics();
        METRICS.on_scrape(Box::new(count_connections));
    });
}

/// Before a scrape: each Connect element's connections up now (every thread's group of it), and
/// the reconnects since the last scrape. An element whose groups are all gone shows 0.
fn count_connections() {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut up: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for g in GROUPS.all() {
        if let Some((label, n, reconnects)) = g.live_counts() {
            let e = up.entry(label.to_string()).or_default();
            e.0 += n;
            e.1 += reconnects;
        }
    }
    let mut seen = SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for label in seen.iter() {
        up.entry(label.clone()).or_default();
    }
    for (label, (n, reconnects)) in up {
        let labels = vec![
            ("element", label.clone()),
            ("sampler", "connect".to_string()),
        ];
        METRICS
            .gauge(
                "mqttload_connections",
                "Connections of a Connect element (every thread's group) up now.",
                labels.clone(),
            )
            .set(n as f64);
        METRICS
            .counter(
                "mqttload_reconnects_total",
                "Reconnects of a Connect element's connections after a lost connection.",
                labels,
            )
            .add(reconnects);
        seen.insert(label);
    }
}
