//! The engine's clock: the wall clock every timestamp it writes or reads is taken from (precise and
//! XMeter headers, `{{time_ms}}`, arrival times, clock probes), this engine's tag (its name in the
//! clock probes and the high bits of its publisher ids), and the NTP arithmetic that estimates one
//! engine's clock against another's (`ntp`). Below every other layer: it knows nothing of MQTT.

mod ntp;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use once_cell::sync::Lazy;
use rand::Rng;

pub use ntp::{drift_ns, Estimate, Estimator, Sample, DRIFT_PPM};

/// Test only: how far this engine's clock is shifted from the system's, nanoseconds. One shift for
/// everything the engine stamps and reads, so a skewed engine behaves as if its machine's clock
/// were wrong by that much (and nothing else is).
static TEST_SKEW_NS: AtomicI64 = AtomicI64::new(0);

/// The engine's wall clock: the system's, shifted by the test-only skew.
#[inline]
pub fn now() -> SystemTime {
    shifted(SystemTime::now(), TEST_SKEW_NS.load(Ordering::Relaxed))
}

/// Test only: shifts the engine's clock by `ns` from now on (0: the system's clock).
pub fn set_test_skew(ns: i64) {
    TEST_SKEW_NS.store(ns, Ordering::Relaxed);
}

pub fn test_skew() -> i64 {
    TEST_SKEW_NS.load(Ordering::Relaxed)
}

/// `t` moved by `ns` (either way); `t` itself when that leaves what `SystemTime` can hold.
#[inline]
pub fn shifted(t: SystemTime, ns: i64) -> SystemTime {
    if ns == 0 {
        return t;
    }
    let by = Duration::from_nanos(ns.unsigned_abs());
    let moved = if ns >= 0 {
        t.checked_add(by)
    } else {
        t.checked_sub(by)
    };
    moved.unwrap_or(t)
}

/// Epoch nanoseconds as a signed number (clock arithmetic subtracts them); 0 before the epoch,
/// saturated after 2262.
pub fn epoch_nanos(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Bits of an engine tag: the top bits of a publisher id (`publisher_tag`), 24 of 64, so two
/// engines of a run share one with odds of one in 16 million.
pub const TAG_BITS: u32 = 24;
const TAG_SHIFT: u32 = 64 - TAG_BITS;

static TAG: Lazy<u32> = Lazy::new(|| rand::rng().random_range(1..1u32 << TAG_BITS));

/// This engine's tag, random per process (never 0).
pub fn engine_tag() -> u32 {
    *TAG
}

/// The engine tag a publisher id carries in its high bits.
pub fn publisher_tag(publisher: u64) -> u32 {
    (publisher >> TAG_SHIFT) as u32
}

/// A publisher id of engine `tag` whose low bits are `low` (cut to what the tag leaves).
pub fn tagged(tag: u32, low: u64) -> u64 {
    (u64::from(tag) << TAG_SHIFT) | (low & ((1u64 << TAG_SHIFT) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_moves_either_way() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            epoch_nanos(shifted(t, 250_000_000)) - epoch_nanos(t),
            250_000_000
        );
        assert_eq!(epoch_nanos(shifted(t, -1_000)) - epoch_nanos(t), -1_000);
    }

    #[test]
    fn publisher_ids_carry_the_engine_tag() {
        let tag = engine_tag();
        assert!(tag > 0 && tag < 1 << TAG_BITS);
        let id = tagged(tag, 0xdead_beef_1234);
        assert_eq!(publisher_tag(id), tag);
        assert_eq!(id & 0xff_ffff_ffff, 0xad_beef_1234);
        // an old publisher id (random 64 bits) still reads as some tag, just not a known one
        assert_eq!(publisher_tag(u64::MAX), (1 << TAG_BITS) - 1);
    }
}
