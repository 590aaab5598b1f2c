//! `static native` methods of `io.mqttload.jni.NativeLib`: starting the engine once the library
//! is loaded.

use jni::objects::JString;
use jni::sys::jint;

use super::runtime::configure;

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
