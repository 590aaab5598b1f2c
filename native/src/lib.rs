//! mqttload: the MQTT engine behind the JMeter plugin.
//! Layers, data flowing one way: codec -> transport -> client -> sampler -> jni.

pub mod client;
pub mod codec;
mod jni;
pub mod log;
pub mod sampler;
#[doc(hidden)]
pub mod testkit;
pub mod transport;
