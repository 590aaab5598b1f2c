//! `static native` methods of `io.mqttload.jni.ClockSync`: the engine's clock probes between test
//! runs (they start with a Connect sample that asks for them).

use jni::sys::jlong;

export! {
    /// A test run starts: the previous run's probes end and the engine's clock takes the
    /// test-only skew (milliseconds; 0 in a real run).
    fn Java_io_mqttload_jni_ClockSync_nativeNewTestRun(_, test_skew_ms: jlong) {
        crate::sampler::clock_sync::new_test_run(test_skew_ms.saturating_mul(1_000_000));
        Ok(())
    }
}

export! {
    /// The test has ended: the probes end (their last figures stay readable).
    fn Java_io_mqttload_jni_ClockSync_nativeEndTestRun(_) {
        crate::sampler::clock_sync::stop();
        Ok(())
    }
}
