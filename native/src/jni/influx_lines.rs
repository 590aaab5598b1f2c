//! `static native` methods of `io.mqttload.jni.InfluxLines`: the live figures as InfluxDB points,
//! for the Backend Listener client. Each client has its own writer (its own interval for the
//! histograms' quantiles).

use std::sync::Mutex;

use jni::objects::JString;
use jni::sys::jlong;
use once_cell::sync::Lazy;

use super::handles::Registry;
use super::native_lib::record_live_figures;
use crate::metrics::{LineWriter, METRICS};

static WRITERS: Lazy<Registry<Mutex<LineWriter>>> =
    Lazy::new(|| Registry::new("InfluxDB line writer"));

export! {
    /// A writer whose points are tagged `engine`; from now on the samplers record live figures.
    fn Java_io_mqttload_jni_InfluxLines_nativeCreate(env, engine: JString<'caller>) -> jlong {
        let engine = engine.try_to_string(env)?;
        record_live_figures();
        Ok(WRITERS.insert(Mutex::new(LineWriter::new(engine))))
    }
}

export! {
    /// Every series as a point at `at_ns` (nanoseconds since the epoch), one line each.
    fn Java_io_mqttload_jni_InfluxLines_nativeWrite(
        env,
        writer: jlong,
        at_ns: jlong,
    ) -> JString<'caller> {
        let writer = WRITERS.live(writer)?;
        let text = writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .write(&METRICS, at_ns);
        Ok(env.new_string(text)?)
    }
}

export! {
    fn Java_io_mqttload_jni_InfluxLines_nativeFree(_, writer: jlong) {
        WRITERS.remove(writer);
        Ok(())
    }
}
