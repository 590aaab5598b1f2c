//! The only module that knows JNI (DESIGN.md layer 5): thin exports of `io.mqttload.jni.NativeLib`,
//! results turned into `io.mqttload.jni.Outcome`, errors and panics into Java exceptions.

mod exports;
mod handles;
mod log;
mod runtime;
