//! A Disconnect element: what DISCONNECT carries (MQTT 5.0).

use crate::codec::ReasonCode;

/// The Disconnect element's MQTT 5.0 settings; the default is a plain DISCONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisconnectSettings {
    pub reason: ReasonCode,
    /// None = not sent (the session expiry of CONNECT stays).
    pub session_expiry: Option<u32>,
}

impl DisconnectSettings {
    /// The first v5-only setting in use.
    pub fn first_feature(&self) -> Option<&'static str> {
        if self.reason != ReasonCode::Success {
            Some("a disconnect reason code")
        } else if self.session_expiry.is_some() {
            Some("a disconnect session expiry")
        } else {
            None
        }
    }
}
