//! How a Connect element reaches the broker.

/// How the connection reaches the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    /// TLS ("SSL" in the XMeter plugin's settings).
    Tls,
    Ws,
    Wss,
}

impl Protocol {
    pub fn uses_tls(self) -> bool {
        matches!(self, Protocol::Tls | Protocol::Wss)
    }
}
