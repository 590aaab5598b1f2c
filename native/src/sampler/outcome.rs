//! What one JMeter sample reports, before the JNI layer turns it into a Java object.

use std::time::Duration;

use super::stats::{Distribution, LatencySummary};

/// This engine's clock against the reference's, as a Subscribe sample reports it, µs (the clock
/// offsets between engines: `clock_sync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    pub offset_us: i64,
    pub uncertainty_us: i64,
}

pub const OK: &str = "200";
/// No connection, or not connected (the XMeter plugin's code for it).
pub const NO_CONNECTION: &str = "500";
/// Refused or failed: CONNACK refusal, SUBACK failure, timeouts.
pub const FAILED: &str = "501";
/// Exception or interruption.
pub const EXCEPTION: &str = "502";

/// The indices of `SampleOutcome::stats`, one constant per figure of contract/results.json (which
/// the Java side reads too), in its order.
pub mod figure {
    /// A figure that a Prometheus counter adds up over the samples of each element.
    #[derive(Debug, Clone, Copy)]
    pub struct Metric {
        pub figure: usize,
        /// The element whose samples carry it (`contract/results.json`'s name: "publish", ...).
        pub element: &'static str,
        pub name: &'static str,
        pub help: &'static str,
    }

    include!(concat!(env!("OUT_DIR"), "/figures.rs"));
}

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
    /// The figures, by `figure` index; n/a is `figure::UNSET`'s (-1, or i64::MIN for the signed
    /// ones). Lost, duplicates and out-of-order are this sample's; pending and the totals are since
    /// the subscription started.
    pub stats: [i64; figure::COUNT],
    pub response_data: Option<Vec<u8>>,
    /// Subscribe: what is missing from which publisher, `<id>:<n>` separated by spaces (the
    /// largest first); None when nothing is.
    pub shortfall: Option<String>,
    /// The sample's latencies (Subscribe), schedule lags (paced Publish), round trips (Request) or
    /// answer delays (Responder), for the live metrics' histogram; None when those are off.
    pub distribution: Option<Distribution>,
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
            stats: figure::UNSET,
            response_data: None,
            shortfall: None,
            distribution: None,
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
            stats: figure::UNSET,
            response_data: None,
            shortfall: None,
            distribution: None,
        }
    }

    pub fn interrupted(elapsed: Duration) -> SampleOutcome {
        SampleOutcome::failed(EXCEPTION, "Interrupted", elapsed)
    }

    /// Sets the message count, keeping JMeter's sample count at least 1.
    pub fn with_messages(mut self, messages: u64) -> SampleOutcome {
        self.sample_count = messages.max(1);
        self.stats[figure::MESSAGES] = i64::try_from(messages).unwrap_or(i64::MAX);
        self
    }

    pub fn with_latency(mut self, l: Option<LatencySummary>) -> SampleOutcome {
        if let Some(l) = l {
            let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
            self.stats[figure::MEAN_US] = v(l.mean);
            self.stats[figure::P50_US] = v(l.p50);
            self.stats[figure::P90_US] = v(l.p90);
            self.stats[figure::P99_US] = v(l.p99);
            self.stats[figure::MAX_US] = v(l.max);
            self.stats[figure::MIN_US] = v(l.min);
        }
        self
    }

    pub fn with_sequence(mut self, lost: u64, duplicates: u64, out_of_order: u64) -> SampleOutcome {
        let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        self.stats[figure::LOST] = v(lost);
        self.stats[figure::DUPLICATES] = v(duplicates);
        self.stats[figure::OUT_OF_ORDER] = v(out_of_order);
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
        self.stats[figure::PUB_SENT] = v(sent);
        self.stats[figure::PUB_INTENDED] = v(intended);
        if rate.is_finite() && rate >= 0.0 {
            // `as` saturates: an absurd rate cannot wrap.
            self.stats[figure::PUB_RATE_MILLI] = (rate * 1000.0).round() as i64;
        }
        if let Some(l) = lag {
            self.stats[figure::PUB_LAG_P50_US] = v(l.p50);
            self.stats[figure::PUB_LAG_P99_US] = v(l.p99);
            self.stats[figure::PUB_LAG_MAX_US] = v(l.max);
        }
        self
    }

    /// Sets one figure (`figure::*`), saturating at i64::MAX.
    pub fn set_figure(&mut self, index: usize, value: u64) {
        if let Some(f) = self.stats.get_mut(index) {
            *f = i64::try_from(value).unwrap_or(i64::MAX);
        }
    }

    /// This engine's clock against the reference's (clock offsets), and how many latencies of
    /// the batch were corrected by the engines' offsets.
    pub fn with_clock(mut self, clock: Option<ClockReading>, corrected: u64) -> SampleOutcome {
        if let Some(c) = clock {
            self.stats[figure::CLOCK_OFFSET_US] = c.offset_us;
            self.stats[figure::CLOCK_UNCERTAINTY_US] = c.uncertainty_us;
            self.set_figure(figure::CLOCK_CORRECTED, corrected);
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
        self.stats[figure::PENDING] = v(pending);
        self.stats[figure::LOST_TOTAL] = v(lost_total);
        self.stats[figure::DUPLICATES_TOTAL] = v(duplicates_total);
        self
    }
}
