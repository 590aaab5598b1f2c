//! What one JMeter sample reports, before the JNI layer turns it into a Java object.

use std::time::Duration;

use super::stats::LatencySummary;

pub const OK: &str = "200";
/// No connection, or not connected (COMPAT.md).
pub const NO_CONNECTION: &str = "500";
/// Refused or failed: CONNACK refusal, SUBACK failure, timeouts.
pub const FAILED: &str = "501";
/// Exception or interruption.
pub const EXCEPTION: &str = "502";

/// Indices of `SampleOutcome::stats`, mirrored by the Java side (contract).
pub const STATS_LEN: usize = 19;
/// Publish: messages sent (written at QoS 0, acknowledged at QoS 1/2).
pub const STAT_PUB_SENT: usize = 13;
/// Publish: messages the sample meant to send (paced: its schedule's count).
pub const STAT_PUB_INTENDED: usize = 14;
/// Publish, paced: how late the schedule ran (send time - intended time), µs.
pub const STAT_PUB_LAG_P50_US: usize = 15;
pub const STAT_PUB_LAG_P99_US: usize = 16;
pub const STAT_PUB_LAG_MAX_US: usize = 17;
/// Publish: messages sent per second, times 1,000 (three decimals in an integer).
pub const STAT_PUB_RATE_MILLI: usize = 18;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOutcome {
    pub success: bool,
    pub code: String,
    pub message: String,
    pub elapsed: Duration,
    /// Messages in the sample; never 0 (JMeter divides by it), see `messages`.
    pub sample_count: u64,
    pub error_count: u64,
    pub bytes: u64,
    /// [messages, mean, p50, p90, p99, max, lost, duplicates, out-of-order, min, pending,
    /// lost total, duplicates total, then Publish's: sent, intended, lag p50, lag p99, lag max,
    /// rate x 1000 (the STAT_PUB_ indices)]; -1 = n/a. Lost, duplicates and out-of-order are this
    /// sample's; pending and the totals are since the subscription started.
    pub stats: [i64; STATS_LEN],
    pub response_data: Option<Vec<u8>>,
    /// Subscribe: what is missing from which publisher, `<id>:<n>` separated by spaces (the
    /// largest first); None when nothing is.
    pub shortfall: Option<String>,
}

impl SampleOutcome {
    pub fn ok(message: impl Into<String>, elapsed: Duration) -> SampleOutcome {
        SampleOutcome {
            success: true,
            code: OK.into(),
            message: message.into(),
            elapsed,
            sample_count: 1,
            error_count: 0,
            bytes: 0,
            stats: [-1; STATS_LEN],
            response_data: None,
            shortfall: None,
        }
    }

    pub fn failed(code: &str, message: impl Into<String>, elapsed: Duration) -> SampleOutcome {
        SampleOutcome {
            success: false,
            code: code.into(),
            message: message.into(),
            elapsed,
            sample_count: 1,
            error_count: 1,
            bytes: 0,
            stats: [-1; STATS_LEN],
            response_data: None,
            shortfall: None,
        }
    }

    pub fn interrupted(elapsed: Duration) -> SampleOutcome {
        SampleOutcome::failed(EXCEPTION, "Interrupted", elapsed)
    }

    /// Sets the message count, keeping JMeter's sample count at least 1.
    pub fn with_messages(mut self, messages: u64) -> SampleOutcome {
        self.sample_count = messages.max(1);
        self.stats[0] = i64::try_from(messages).unwrap_or(i64::MAX);
        self
    }

    pub fn with_latency(mut self, l: Option<LatencySummary>) -> SampleOutcome {
        if let Some(l) = l {
            let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
            self.stats[1] = v(l.mean);
            self.stats[2] = v(l.p50);
            self.stats[3] = v(l.p90);
            self.stats[4] = v(l.p99);
            self.stats[5] = v(l.max);
            self.stats[9] = v(l.min);
        }
        self
    }

    pub fn with_sequence(mut self, lost: u64, duplicates: u64, out_of_order: u64) -> SampleOutcome {
        let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        self.stats[6] = v(lost);
        self.stats[7] = v(duplicates);
        self.stats[8] = v(out_of_order);
        self
    }

    /// Publish figures: sent and intended counts, the rate (msg/s) and, paced, the schedule's lag.
    pub fn with_publish(
        mut self,
        sent: u64,
        intended: u64,
        rate: f64,
        lag: Option<LatencySummary>,
    ) -> SampleOutcome {
        let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        self.stats[STAT_PUB_SENT] = v(sent);
        self.stats[STAT_PUB_INTENDED] = v(intended);
        if rate.is_finite() && rate >= 0.0 {
            // `as` saturates: an absurd rate cannot wrap.
            self.stats[STAT_PUB_RATE_MILLI] = (rate * 1000.0).round() as i64;
        }
        if let Some(l) = lag {
            self.stats[STAT_PUB_LAG_P50_US] = v(l.p50);
            self.stats[STAT_PUB_LAG_P99_US] = v(l.p99);
            self.stats[STAT_PUB_LAG_MAX_US] = v(l.max);
        }
        self
    }

    pub fn with_totals(
        mut self,
        pending: u64,
        lost_total: u64,
        duplicates_total: u64,
    ) -> SampleOutcome {
        let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        self.stats[10] = v(pending);
        self.stats[11] = v(lost_total);
        self.stats[12] = v(duplicates_total);
        self
    }
}
