//! A Rate Finder element: the load it offers, how its rate rises from step to step, and the
//! guards a step must hold.

use std::time::Duration;

use crate::codec::QoS;

/// How each step's rate follows from the previous one's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepRule {
    /// Times this (above 1).
    Factor(f64),
    /// Plus this many messages per second.
    Add(f64),
}

impl StepRule {
    pub fn next(self, rate: f64) -> f64 {
        match self {
            StepRule::Factor(f) => rate * f,
            StepRule::Add(a) => rate + a,
        }
    }
}

/// What a step must stay within to hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guards {
    /// End-to-end latency p99, µs.
    pub max_p99_us: u64,
    /// Deliveries a step may lose.
    pub max_lost: u64,
    /// The schedule's lag p99, µs: the load generator's own guard.
    pub max_lag_us: u64,
}

/// What the sample after the search's final step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenDone {
    /// A new search from the start rate.
    NewSearch,
    StopThread,
    StopTest,
}

impl WhenDone {
    /// The `rfWhenDone` figure the plugin acts on.
    pub fn code(self) -> u64 {
        match self {
            WhenDone::NewSearch => 0,
            WhenDone::StopThread => 1,
            WhenDone::StopTest => 2,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RateFinderConfig {
    pub topic: String,
    pub qos: QoS,
    /// The group's first this many connections subscribe; the rest publish.
    pub subscribers: usize,
    /// Bytes after the precise header.
    pub padding: usize,
    pub subscribe_timeout: Duration,
    pub start_rate: f64,
    pub max_rate: f64,
    pub step: StepRule,
    pub step_duration: Duration,
    pub drain: Duration,
    pub refine_steps: u32,
    pub when_done: WhenDone,
    pub guards: Guards,
    /// Root of the broker's `$SYS` tree for its dropped-messages total; None = not watched.
    pub sys_root: Option<String>,
}
