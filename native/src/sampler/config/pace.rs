//! A Publish element's pacing: open-loop publishing, one message per connection every interval
//! for a duration, instead of a burst as fast as possible.

use std::time::Duration;

/// How often each connection publishes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaceEvery {
    /// One message per connection every this long.
    Interval(Duration),
    /// Messages per second per connection.
    RatePerConnection(f64),
    /// Messages per second for the whole group, shared evenly by its connections.
    RatePerGroup(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub every: PaceEvery,
    /// The schedule's length; zero = until `messages` are sent.
    pub duration: Duration,
    /// At most this many messages in the sample, all connections together; 0 = no cap.
    pub messages: u64,
}

impl Pace {
    /// Nanoseconds between two messages of one connection, when `connections` are publishing.
    pub fn interval_nanos(&self, connections: usize) -> u128 {
        let n = connections.max(1) as f64;
        let nanos = match self.every {
            PaceEvery::Interval(d) => return d.as_nanos().max(1),
            PaceEvery::RatePerConnection(r) => 1e9 / r,
            PaceEvery::RatePerGroup(r) => 1e9 * n / r,
        };
        // Validated rates keep this finite and positive; at least 1 ns either way.
        (nanos.round() as u128).max(1)
    }
}
