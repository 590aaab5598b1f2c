//! An element's settings, as one JSON document from the Java side, parsed into typed
//! configuration with an error that names the field.

mod addresses;
mod broker_stats;
mod connect;
mod disconnect;
mod json;
mod pace;
mod publish;
mod subscribe;
mod text;
mod transport;
mod unsubscribe;

pub use broker_stats::{BrokerStatsConfig, DEFAULT_FIRST_TIMEOUT_MS, DEFAULT_SYS_ROOT};
pub use connect::{ConnectConfig, ConnectV5, MAX_CONNECTIONS_PER_GROUP};
pub use disconnect::DisconnectSettings;
pub use pace::{Pace, PaceEvery};
pub use publish::{
    MessageType, PublishConfig, PublishV5, Target, TimestampFormat, MAX_MESSAGES_PER_SAMPLE,
    MAX_PAYLOAD,
};
pub use subscribe::{
    Condition, SubscribeConfig, SubscribeV5, CODE_BAD_CONDITION, CODE_BAD_QOS, CODE_BAD_TOPIC,
};
pub use transport::Protocol;
pub use unsubscribe::UnsubscribeConfig;

use json::{parse_json, Fields};
use text::mqtt_string;

use crate::codec::{Property, QoS};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field,
        message: message.into(),
    }
}

fn qos(field: &'static str, v: i64) -> Result<QoS, ConfigError> {
    u8::try_from(v)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or_else(|| bad(field, format!("QoS must be 0, 1 or 2, not {v}")))
}

fn u32_setting(field: &'static str, what: &str, v: i64) -> Result<u32, ConfigError> {
    u32::try_from(v).map_err(|_| bad(field, format!("{what} must be 0-4294967295, not {v}")))
}

fn user_properties(
    field: &'static str,
    pairs: Vec<(String, String)>,
) -> Result<Vec<Property>, ConfigError> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if k.is_empty() {
                return Err(bad(field, format!("user property '={v}' has no name")));
            }
            if k.len() > usize::from(u16::MAX) || v.len() > usize::from(u16::MAX) {
                return Err(bad(field, "a user property is longer than 65535 bytes"));
            }
            mqtt_string(field, "user property name", &k)?;
            mqtt_string(field, "user property value", &v)?;
            Ok(Property::UserProperty(k, v))
        })
        .collect()
}

fn one() -> i64 {
    1
}
fn ten_thousand() -> i64 {
    10_000
}
