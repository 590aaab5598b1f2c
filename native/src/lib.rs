//! mqttload: the MQTT engine behind the JMeter plugin.
//! Layers, data flowing one way: codec -> transport -> client -> sampler -> settings -> jni; the
//! engine's clock (`clock`) is below them all.

pub mod client;
pub mod clock;
pub mod codec;
mod jni;
pub mod log;
pub mod metrics;
pub mod sampler;
pub mod settings;
pub mod transport;

// Many small, long-lived allocations spread over the runtime's worker threads: glibc's per-thread
// arenas leave much of an idle connection's memory stranded. Only the engine's allocations use it;
// the JVM keeps its own malloc.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The environment variable of the setting below, as mimalloc reads it at start (a user's wins).
#[cfg(feature = "mimalloc")]
pub const ARENA_EAGER_COMMIT_VAR: &std::ffi::CStr = c"MIMALLOC_ARENA_EAGER_COMMIT";
/// `mi_option_arena_eager_commit` in mimalloc.h's `mi_option_t` (v2).
#[cfg(feature = "mimalloc")]
const ARENA_EAGER_COMMIT: std::ffi::c_int = 4;

/// Allocator settings, made before the engine's first allocation (JNI_OnLoad; the bench and soak
/// binaries re-run themselves with them, see mqttload-testkit). On
/// Linux mimalloc commits its arenas up front and advises the
/// kernel to back them with transparent huge pages; with THP in `madvise` mode (Debian's default)
/// a few live bytes then keep whole 2 MiB pages resident: 15,000 idle connections measured 64 MiB
/// of huge pages and 4.0 KiB per connection, against 3.0 KiB with arenas committed as used.
/// A MIMALLOC_ARENA_EAGER_COMMIT set by the user is left as it is.
pub fn configure_allocator() {
    #[cfg(feature = "mimalloc")]
    {
        extern "C" {
            fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
        }
        // getenv, not std::env: reading the variable must not allocate before the option is set
        // SAFETY: a NUL-terminated name; the result is only compared with null.
        let user_set = unsafe { !libc::getenv(ARENA_EAGER_COMMIT_VAR.as_ptr()).is_null() };
        if !user_set {
            // SAFETY: mimalloc's documented option setter, a valid option and value.
            unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) }
        }
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod allocator_tests {
    use super::{ARENA_EAGER_COMMIT, ARENA_EAGER_COMMIT_VAR};

    #[test]
    fn arenas_are_committed_as_used() {
        extern "C" {
            fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
        }
        super::configure_allocator();
        let var = ARENA_EAGER_COMMIT_VAR.to_string_lossy();
        if std::env::var_os(var.as_ref()).is_none() {
            // SAFETY: mimalloc's documented option getter.
            assert_eq!(unsafe { mi_option_get(ARENA_EAGER_COMMIT) }, 0);
        }
    }
}
