//! Statistics of received messages: latency distribution and sequence checks.

use std::collections::{BTreeSet, HashMap};

use hdrhistogram::Histogram;

/// Latencies in microseconds, 1 µs to 1 hour at 3 significant digits.
pub struct Latencies {
    hist: Option<Histogram<u64>>,
    sum_us: u128,
}

const MAX_TRACKABLE_US: u64 = 3_600_000_000;

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            hist: Histogram::new_with_bounds(1, MAX_TRACKABLE_US, 3).ok(),
            sum_us: 0,
        }
    }
}

/// A sample's microseconds as the live metrics take them: (value, how many) and their sum.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Distribution {
    pub values: Vec<(u64, u64)>,
    pub sum: u64,
}

/// Summary in microseconds; `None` when no message carried a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencySummary {
    pub count: u64,
    pub mean: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    pub min: u64,
}

impl Latencies {
    /// Negative latencies (clocks of two machines disagree) count as 0 µs rather than vanish.
    pub fn record(&mut self, micros: i128) {
        let us = u64::try_from(micros.max(0)).unwrap_or(u64::MAX);
        self.sum_us += u128::from(us);
        if let Some(h) = self.hist.as_mut() {
            h.saturating_record(us.clamp(1, MAX_TRACKABLE_US));
        }
    }

    /// The distribution for the live metrics: (value, count) pairs and the exact sum, in µs;
    /// None when they are off or nothing was recorded (it costs a walk of the histogram).
    pub fn distribution(&self) -> Option<Distribution> {
        if !crate::metrics::enabled() {
            return None;
        }
        let h = self.hist.as_ref().filter(|h| !h.is_empty())?;
        Some(Distribution {
            values: h
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect(),
            sum: u64::try_from(self.sum_us).unwrap_or(u64::MAX),
        })
    }

    pub fn summary(&self) -> Option<LatencySummary> {
        let h = self.hist.as_ref()?;
        let count = h.len();
        if count == 0 {
            return None;
        }
        Some(LatencySummary {
            count,
            mean: u64::try_from(self.sum_us / u128::from(count)).unwrap_or(u64::MAX),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            max: h.max(),
            min: h.min(),
        })
    }
}

/// Gaps larger than this are counted as lost without remembering each missing number.
const MAX_TRACKED_GAP: u64 = 100_000;

#[derive(Default)]
struct PublisherSeq {
    next: u64,
    /// Numbers below this were sent before the subscription and are not expected.
    baseline: u64,
    missing: BTreeSet<u64>,
}

/// Loss, duplicate and order checks over (publisher, sequence) pairs, since the subscription
/// started. A publisher's baseline is where its stream stood when the subscription started
/// (`expect`, for publishers of this engine), else the first number seen: a subscriber that
/// joins late does not count earlier messages as lost.
#[derive(Default)]
pub struct SequenceTracker {
    publishers: HashMap<u64, PublisherSeq>,
    /// Missing numbers not individually tracked (from very large gaps).
    untracked_lost: u64,
    /// Missing numbers ever found in gaps (a late arrival later counts as out of order).
    pub gaps_found: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    /// Publishers that said how many messages they sent in all (end markers).
    pub ends: HashMap<u64, u64>,
}

impl SequenceTracker {
    /// An end marker: `publisher` sent `sent` messages in all. One never heard from before is
    /// expected from its first message (nothing of it arrived, or this is all of it).
    pub fn ended(&mut self, publisher: u64, sent: u64) {
        self.expect(publisher, 0);
        self.ends.insert(publisher, sent);
    }

    /// Messages of `publisher` are expected from `from` on (its stream's position when the
    /// subscription started); no effect once the publisher is known.
    pub fn expect(&mut self, publisher: u64, from: u64) {
        self.publishers.entry(publisher).or_insert(PublisherSeq {
            next: from,
            baseline: from,
            missing: BTreeSet::new(),
        });
    }

    pub fn knows(&self, publisher: u64) -> bool {
        self.publishers.contains_key(&publisher)
    }

    /// The number after the highest received (or the baseline): what a publisher that sent
    /// more than this has sent beyond what arrived.
    pub fn next_expected(&self, publisher: u64) -> Option<u64> {
        self.publishers.get(&publisher).map(|p| p.next)
    }

    /// Numbers missing in gaps from `publisher` now.
    pub fn missing_of(&self, publisher: u64) -> u64 {
        self.publishers
            .get(&publisher)
            .map_or(0, |p| p.missing.len() as u64)
    }

    pub fn record(&mut self, publisher: u64, seq: u64) {
        let Some(p) = self.publishers.get_mut(&publisher) else {
            self.publishers.insert(
                publisher,
                PublisherSeq {
                    next: seq.saturating_add(1),
                    baseline: seq,
                    missing: BTreeSet::new(),
                },
            );
            return;
        };
        if seq == p.next {
            p.next += 1;
        } else if seq > p.next {
            let gap = seq - p.next;
            self.gaps_found += gap;
            if gap > MAX_TRACKED_GAP {
                self.untracked_lost += gap;
            } else {
                p.missing.extend(p.next..seq);
            }
            p.next = seq + 1;
        } else if p.missing.remove(&seq) {
            self.out_of_order += 1;
        } else if seq >= p.baseline {
            self.duplicates += 1;
        }
        // Below the baseline: sent before the subscription, delivered anyway; not expected.
    }

    /// Messages missing in gaps now (a late arrival moves one from lost to out-of-order).
    pub fn lost(&self) -> u64 {
        self.untracked_lost
            + self
                .publishers
                .values()
                .map(|p| p.missing.len() as u64)
                .sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_stream_is_clean() {
        let mut t = SequenceTracker::default();
        for s in 5..100 {
            t.record(1, s);
        }
        assert_eq!((t.lost(), t.duplicates, t.out_of_order), (0, 0, 0));
    }

    #[test]
    fn gaps_duplicates_and_late_arrivals() {
        let mut t = SequenceTracker::default();
        for s in [0, 1, 3, 4, 4, 2, 7] {
            t.record(9, s);
        }
        // 2 arrived late (out of order), 4 twice, 5 and 6 never.
        assert_eq!(t.lost(), 2);
        assert_eq!(t.duplicates, 1);
        assert_eq!(t.out_of_order, 1);
    }

    #[test]
    fn expected_start_counts_head_loss_and_ignores_older_messages() {
        let mut t = SequenceTracker::default();
        t.expect(3, 10);
        t.record(3, 9); // sent before the subscription: not a duplicate
        t.record(3, 12);
        assert_eq!((t.lost(), t.duplicates, t.gaps_found), (2, 0, 2));
        assert_eq!(t.next_expected(3), Some(13));
        t.record(3, 10);
        assert_eq!((t.lost(), t.out_of_order, t.missing_of(3)), (1, 1, 1));
    }

    #[test]
    fn publishers_are_independent() {
        let mut t = SequenceTracker::default();
        t.record(1, 0);
        t.record(2, 10);
        t.record(1, 1);
        t.record(2, 11);
        assert_eq!(t.lost(), 0);
    }

    #[test]
    fn latency_summary() {
        let mut l = Latencies::default();
        assert!(l.summary().is_none());
        for us in 1..=100 {
            l.record(us);
        }
        l.record(-5);
        let s = l.summary().unwrap();
        assert_eq!(s.count, 101);
        assert_eq!(s.max, 100);
        assert_eq!(s.min, 1);
        assert!((49..=51).contains(&s.p50), "{s:?}");
        assert!((98..=100).contains(&s.p99), "{s:?}");
    }
}
