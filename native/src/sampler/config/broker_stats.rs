//! A Broker Statistics element: the `$SYS` tree it reads on its own connection.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerStatsConfig {
    /// Without a trailing '/': the element subscribes to `<root>/#`.
    pub topic_root: String,
    /// How long a sample waits for the broker's first `$SYS` message.
    pub first_timeout: Duration,
}

impl BrokerStatsConfig {
    pub fn filter(&self) -> String {
        format!("{}/#", self.topic_root)
    }
}
