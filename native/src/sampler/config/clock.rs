//! A Connect element's clock offsets: whether this engine measures its clock against a reference
//! engine's through the group's broker (distributed runs), and how.

use std::time::Duration;

/// What this engine is in the measuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockRole {
    #[default]
    Off,
    /// Measures against the reference: the engine that is `Reference`, else one elected.
    On,
    /// The engine the others measure against.
    Reference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockSettings {
    pub role: ClockRole,
    /// Names the run's control topics: every engine of a run gives the same.
    pub run: String,
    /// Between bursts of probes.
    pub period: Duration,
    /// Subscribers correct the latency of other engines' messages by the offsets.
    pub correct_latency: bool,
}

impl Default for ClockSettings {
    fn default() -> ClockSettings {
        ClockSettings {
            role: ClockRole::Off,
            run: "default".into(),
            period: Duration::from_secs(10),
            correct_latency: false,
        }
    }
}
