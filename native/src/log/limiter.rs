//! Per-kind token buckets: 10,000 connections dropping at once must not write 10,000 lines.
//! A kind is one place in the code (a callsite); each has its own bucket, so a flood of one
//! kind never hides a different event. What a bucket refuses is counted and reported later as
//! one line per kind.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many events of one kind pass, and how often the suppressed ones are summed up.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Events that pass at once after a quiet period.
    pub burst: u32,
    /// One more event passes per this much time, up to `burst`.
    pub refill: Duration,
    /// A kind's suppressed events are reported at most this often.
    pub summary_every: Duration,
}

impl Default for Policy {
    /// 10 at once, then 10 a minute; a summary per kind at most every 10 s.
    fn default() -> Self {
        Policy {
            burst: 10,
            refill: Duration::from_secs(6),
            summary_every: Duration::from_secs(10),
        }
    }
}

/// "N similar events suppressed in the last Ns", for the logger and level of the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub logger: usize,
    pub level: u8,
    pub suppressed: u64,
    pub over: Duration,
    /// The last event of this kind that was shown, so the reader knows what was suppressed.
    pub example: String,
}

impl Summary {
    pub fn message(&self) -> String {
        let secs = self.over.as_secs().max(1);
        format!(
            "{} similar events suppressed in the last {secs}s (last shown: {})",
            self.suppressed, self.example
        )
    }
}

struct Bucket {
    tokens: u32,
    refilled: Instant,
    suppressed: u64,
    since: Option<Instant>,
    logger: usize,
    level: u8,
    example: String,
}

pub struct RateLimiter {
    policy: Policy,
    buckets: Mutex<HashMap<u64, Bucket>>,
}

impl RateLimiter {
    pub fn new(policy: Policy) -> RateLimiter {
        RateLimiter {
            policy,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// True when an event of `kind` may be shown now; false counts it as suppressed. Asked
    /// before the event is formatted, so a suppressed event costs a map look-up.
    pub fn admit(&self, kind: u64, logger: usize, level: u8, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return false;
        };
        let p = self.policy;
        let b = buckets.entry(kind).or_insert_with(|| Bucket {
            tokens: p.burst,
            refilled: now,
            suppressed: 0,
            since: None,
            logger,
            level,
            example: String::new(),
        });
        if b.tokens < p.burst && !p.refill.is_zero() {
            let elapsed = now.saturating_duration_since(b.refilled);
            let earned = elapsed.as_nanos() / p.refill.as_nanos();
            if earned > 0 {
                let earned = u32::try_from(earned).unwrap_or(u32::MAX);
                b.tokens = b.tokens.saturating_add(earned).min(p.burst);
                b.refilled = if b.tokens == p.burst {
                    now
                } else {
                    b.refilled + p.refill * earned
                };
            }
        }
        if b.tokens > 0 {
            if b.tokens == p.burst {
                b.refilled = now;
            }
            b.tokens -= 1;
            true
        } else {
            b.suppressed += 1;
            b.since.get_or_insert(now);
            false
        }
    }

    /// Remembers the text of an event that was admitted, for the kind's next summary.
    pub fn shown(&self, kind: u64, message: &str) {
        if let Ok(mut buckets) = self.buckets.lock() {
            if let Some(b) = buckets.get_mut(&kind) {
                b.example.clear();
                b.example.push_str(message);
            }
        }
    }

    /// The summaries due at `now` (`flush`: every kind with suppressed events, e.g. at the end).
    pub fn summaries(&self, now: Instant, flush: bool) -> Vec<Summary> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for b in buckets.values_mut() {
            let Some(since) = b.since else { continue };
            let over = now.saturating_duration_since(since);
            if flush || over >= self.policy.summary_every {
                out.push(Summary {
                    logger: b.logger,
                    level: b.level,
                    suppressed: b.suppressed,
                    over,
                    example: b.example.clone(),
                });
                b.suppressed = 0;
                b.since = None;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            burst: 3,
            refill: Duration::from_secs(6),
            summary_every: Duration::from_secs(10),
        }
    }

    #[test]
    fn a_burst_passes_then_the_rest_is_counted() {
        let l = RateLimiter::new(policy());
        let t = Instant::now();
        let passed = (0..2_000).filter(|_| l.admit(1, 1, 2, t)).count();
        assert_eq!(passed, 3);
        let s = l.summaries(t + Duration::from_secs(10), false);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].suppressed, 1_997);
        assert_eq!((s[0].logger, s[0].level), (1, 2));
        // Reported once: the count starts again.
        assert!(l.summaries(t + Duration::from_secs(30), false).is_empty());
    }

    #[test]
    fn kinds_have_their_own_buckets() {
        let l = RateLimiter::new(policy());
        let t = Instant::now();
        for _ in 0..100 {
            l.admit(1, 1, 2, t);
        }
        assert!(
            l.admit(2, 1, 2, t),
            "a flood of one kind must not hide another"
        );
    }

    #[test]
    fn tokens_come_back_with_time_up_to_the_burst() {
        let l = RateLimiter::new(policy());
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.admit(7, 0, 3, t));
        }
        assert!(!l.admit(7, 0, 3, t));
        // One refill period: one more.
        assert!(l.admit(7, 0, 3, t + Duration::from_secs(6)));
        assert!(!l.admit(7, 0, 3, t + Duration::from_secs(7)));
        // A long quiet period gives the whole burst back, not more.
        let later = t + Duration::from_secs(3_600);
        let passed = (0..10).filter(|_| l.admit(7, 0, 3, later)).count();
        assert_eq!(passed, 3);
    }

    #[test]
    fn summaries_wait_for_their_period_unless_flushed() {
        let l = RateLimiter::new(policy());
        let t = Instant::now();
        for _ in 0..5 {
            if l.admit(9, 2, 2, t) {
                l.shown(9, "connection lost: reason=x");
            }
        }
        assert!(l.summaries(t + Duration::from_secs(1), false).is_empty());
        let s = l.summaries(t + Duration::from_secs(1), true);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].message(),
            "2 similar events suppressed in the last 1s (last shown: connection lost: reason=x)"
        );
    }
}
