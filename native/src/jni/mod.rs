//! The only module that knows JNI: the exports of the `io.mqttload.jni` classes' `static native`
//! methods, one file per class, each a thin call into the engine through the shared frame (errors
//! and panics into Java exceptions, blocking on the runtime, results into `Outcome`).

mod failure;
#[macro_use]
mod frame;
mod broker_stats;
mod clock_sync;
mod group;
mod handles;
mod influx_lines;
mod log;
mod native_lib;
mod outcome;
mod publisher;
mod rate_finder;
mod requester;
mod responder;
mod runtime;
mod strings;
mod subscriber;

/// Called by the JVM when it loads the library, before any other export: the allocator is set up
/// before the engine allocates anything.
#[no_mangle]
pub extern "system" fn JNI_OnLoad(
    _vm: *mut ::jni::sys::JavaVM,
    _reserved: *mut std::ffi::c_void,
) -> ::jni::sys::jint {
    crate::configure_allocator();
    ::jni::sys::JNI_VERSION_1_8
}
