//! `static native` methods of `io.mqttload.jni.NativeLib`: starting the engine once the library
//! is loaded.

use jni::objects::JString;
use jni::sys::jint;

use super::failure::Failure;
use super::runtime::{configure, runtime};
use crate::metrics::MetricsServer;

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
        rt.spawn(server.run());
        Ok(jint::from(bound))
    }
}
