//! Where a group's connections go: one broker, or the nodes of a cluster.

/// One broker of a group: its only one, or a node of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAddress {
    pub host: String,
    pub port: u16,
}

impl BrokerAddress {
    /// host:port, an IPv6 literal in brackets.
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Which of several brokers a connection goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Placement {
    /// By the connection's number in the engine: an exact spread, whatever the groups' sizes.
    #[default]
    RoundRobin,
    /// By a hash of the client id: a device with a fixed id lands on the same node every run.
    ClientIdHash,
}
