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

// Many small, long-lived allocations spread over the runtime's worker threads: glibc's per-thread
// arenas leave much of an idle connection's memory stranded. Only the engine's allocations use it;
// the JVM keeps its own malloc.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
