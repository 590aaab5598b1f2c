//! NTP's arithmetic (RFC 5905, section 8) for one engine's clock against a reference engine's: a
//! probe's four timestamps give an offset and the round trip that bounds its error; of a burst of
//! probes the one with the smallest round trip (the least queueing) is kept, and of the bursts kept
//! the one whose bound, grown with its age, is tightest now.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How fast an estimate's bound grows with its age: two quartz clocks drift apart by at most
/// this many parts per million (NTP assumes 15).
pub const DRIFT_PPM: i64 = 15;

/// One probe, epoch nanoseconds: `t1` when the prober sent it and `t4` when the answer came, on the
/// prober's clock; `t2` when the reference received it and `t3` when it answered, on the
/// reference's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub t1: i64,
    pub t2: i64,
    pub t3: i64,
    pub t4: i64,
}

impl Sample {
    /// How far the prober's clock is ahead of the reference's (negative: behind), assuming the
    /// way there took as long as the way back. (NTP's theta is the opposite sign: server minus
    /// client.)
    pub fn offset(&self) -> i64 {
        let there = i128::from(self.t1) - i128::from(self.t2);
        let back = i128::from(self.t4) - i128::from(self.t3);
        clamp((there + back) / 2)
    }

    /// Time on the wire and in the broker, both ways: the prober's wait less the reference's
    /// answering time. Whatever the split between the two ways, the true offset is within half of
    /// it of `offset()`.
    pub fn round_trip(&self) -> i64 {
        let waited = i128::from(self.t4) - i128::from(self.t1);
        let answering = i128::from(self.t3) - i128::from(self.t2);
        clamp(waited - answering)
    }
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// An offset and how sure it is, as of when it was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub offset_ns: i64,
    pub round_trip_ns: i64,
    pub measured: Instant,
}

impl Estimate {
    /// The bound on the error at `now`: half the round trip (rounded up), plus the drift since it
    /// was measured.
    pub fn uncertainty_ns(&self, now: Instant) -> i64 {
        let age = now.saturating_duration_since(self.measured);
        (self.round_trip_ns.max(0) + 1) / 2 + drift_ns(age)
    }
}

/// How far two clocks may have drifted apart in `age`.
pub fn drift_ns(age: Duration) -> i64 {
    i64::try_from(age.as_nanos().saturating_mul(DRIFT_PPM as u128) / 1_000_000).unwrap_or(i64::MAX)
}

/// The best sample of each of the last few bursts, and the estimate they give.
#[derive(Debug)]
pub struct Estimator {
    bursts: VecDeque<Estimate>,
    keep: usize,
}

impl Estimator {
    /// Keeps the best sample of the last `keep` bursts (at least one).
    pub fn new(keep: usize) -> Estimator {
        Estimator {
            bursts: VecDeque::new(),
            keep: keep.max(1),
        }
    }

    /// The sample of smallest round trip: the one that queued least, so its bound is tightest. A
    /// negative round trip (a clock stepped during the probe) is no measurement.
    pub fn best_of(samples: &[Sample]) -> Option<Sample> {
        samples
            .iter()
            .filter(|s| s.round_trip() >= 0)
            .min_by_key(|s| s.round_trip())
            .copied()
    }

    /// A burst measured at `at`; false when none of its samples was usable.
    pub fn add_burst(&mut self, samples: &[Sample], at: Instant) -> bool {
        let Some(best) = Estimator::best_of(samples) else {
            return false;
        };
        self.bursts.push_back(Estimate {
            offset_ns: best.offset(),
            round_trip_ns: best.round_trip(),
            measured: at,
        });
        while self.bursts.len() > self.keep {
            self.bursts.pop_front();
        }
        true
    }

    /// Of the bursts kept, the one with the tightest bound at `now`.
    pub fn estimate(&self, now: Instant) -> Option<Estimate> {
        self.bursts
            .iter()
            .min_by_key(|e| e.uncertainty_ns(now))
            .copied()
    }

    /// Against another reference: what was measured says nothing any more.
    pub fn clear(&mut self) {
        self.bursts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;

    /// A probe sent at `t` (true time, ns) by a prober whose clock is `skew` ahead, `there` and
    /// `back` ns on the way, `answering` ns at the reference.
    fn probe(t: i64, skew: i64, there: i64, answering: i64, back: i64) -> Sample {
        Sample {
            t1: t + skew,
            t2: t + there,
            t3: t + there + answering,
            t4: t + there + answering + back + skew,
        }
    }

    #[test]
    fn ntp_arithmetic() {
        // symmetric paths: the offset is exact
        let s = probe(1_700_000_000_000 * MS, 250 * MS, 2 * MS, MS / 10, 2 * MS);
        assert_eq!((s.offset(), s.round_trip()), (250 * MS, 4 * MS));
        // all the delay one way: off by half the round trip, and no more
        let s = probe(0, -40 * MS, 6 * MS, 0, 0);
        assert_eq!((s.offset(), s.round_trip()), (-43 * MS, 6 * MS));
        assert!((s.offset() - -40 * MS).abs() <= s.round_trip() / 2);
        // the reference's answering time is not round trip
        let s = probe(5, 0, 100, 1_000_000, 100);
        assert_eq!((s.offset(), s.round_trip()), (0, 200));
        // far apart clocks do not overflow
        let s = Sample {
            t1: i64::MAX,
            t2: i64::MIN,
            t3: i64::MIN,
            t4: i64::MAX,
        };
        assert_eq!(s.offset(), i64::MAX);
    }

    #[test]
    fn the_sample_of_smallest_round_trip_is_kept() {
        let queued = probe(0, 7 * MS, 30 * MS, 0, MS);
        let quick = probe(10 * MS, 7 * MS, MS, 0, 2 * MS);
        let stepped = Sample {
            t1: 0,
            t2: 0,
            t3: 0,
            t4: -5,
        };
        assert_eq!(Estimator::best_of(&[queued, stepped, quick]), Some(quick));
        assert_eq!(Estimator::best_of(&[stepped]), None);
        assert_eq!(Estimator::best_of(&[]), None);
        let mut e = Estimator::new(4);
        let now = Instant::now();
        assert!(!e.add_burst(&[stepped], now));
        assert!(e.estimate(now).is_none());
        assert!(e.add_burst(&[queued, quick], now));
        let best = e.estimate(now).expect("an estimate");
        assert_eq!(best.offset_ns, quick.offset());
        assert_eq!(best.uncertainty_ns(now), 3 * MS / 2);
    }

    #[test]
    fn an_old_tight_burst_gives_way_as_it_ages() {
        let t0 = Instant::now();
        let mut e = Estimator::new(2);
        e.add_burst(&[probe(0, MS, 100_000, 0, 100_000)], t0); // 0.1 ms bound
        let later = t0 + Duration::from_secs(20); // +0.3 ms of drift on the first
        e.add_burst(&[probe(0, MS, 150_000, 0, 150_000)], later); // 0.15 ms bound
        let best = e.estimate(later).expect("an estimate");
        assert_eq!(best.measured, later);
        assert_eq!(best.uncertainty_ns(later), 150_000);
        // only the last `keep` bursts count
        e.add_burst(&[probe(0, MS, 900_000, 0, 900_000)], later);
        e.add_burst(&[probe(0, MS, 800_000, 0, 800_000)], later);
        assert_eq!(e.estimate(later).map(|b| b.round_trip_ns), Some(1_600_000));
        assert_eq!(drift_ns(Duration::from_secs(1)), 15_000);
        e.clear();
        assert!(e.estimate(later).is_none());
    }

    /// Probes through a broker with random queueing each way: the estimate is within its bound of
    /// the true skew, and the bound is near the quickest round trip's half.
    #[test]
    fn a_skew_is_recovered_within_the_bound() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for skew in [250 * MS, -250 * MS, 0, 3, -1_234_567_891] {
            let t0 = Instant::now();
            let mut e = Estimator::new(6);
            for burst in 0..6i64 {
                let samples: Vec<Sample> = (0..8i64)
                    .map(|n| {
                        // 0.2 ms of wire each way, then up to 20 ms of queueing, more often one way
                        let there = 200_000 + rng.random_range(0..20 * MS);
                        let back = 200_000 + rng.random_range(0..5 * MS);
                        let at = 1_700_000_000_000 * MS + burst * 10_000 * MS + n * 20 * MS;
                        probe(at, skew, there, rng.random_range(0..50_000), back)
                    })
                    .collect();
                e.add_burst(&samples, t0 + Duration::from_secs(10 * burst as u64));
            }
            let now = t0 + Duration::from_secs(55);
            let best = e.estimate(now).expect("an estimate");
            let bound = best.uncertainty_ns(now);
            assert!(
                (best.offset_ns - skew).abs() <= bound,
                "skew {skew}: {best:?}, bound {bound}"
            );
            assert!(bound < 5 * MS, "skew {skew}: bound {bound}");
        }
    }
}
