//! The only module that knows JNI (DESIGN.md layer 5): thin exports of `io.mqttload.jni.NativeLib`,
//! results turned into `io.mqttload.jni.Outcome`, errors and panics into Java exceptions.

mod exports;
mod handles;
mod log;
mod runtime;

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
