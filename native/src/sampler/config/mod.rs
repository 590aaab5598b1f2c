//! What each element does, as typed configuration in MQTT's terms. Reading it from the plugin's
//! settings document, and every property key, label and default, is the settings layer's job
//! (`crate::settings`); here a setting is named by its identity only.

mod broker;
mod broker_stats;
mod clock;
mod connect;
mod disconnect;
mod identity;
mod pace;
mod publish;
mod ratefinder;
mod request;
mod responder;
mod subscribe;
mod transport;
mod unsubscribe;

pub use broker::{parse_broker, parse_brokers, BrokerAddress, Placement};
pub use broker_stats::BrokerStatsConfig;
pub use clock::{ClockRole, ClockSettings};
pub use connect::{ConnectConfig, ConnectV5};
pub use disconnect::DisconnectSettings;
pub use identity::{
    CertificateSource, IdentityRow, IdentityRows, IdentityTemplates, RowSource, SecretTemplate,
};
pub use pace::{Pace, PaceEvery};
pub use publish::{
    MessageType, PublishConfig, PublishV5, Target, TimestampFormat, MAX_FOLDER_BYTES, MAX_PAYLOAD,
};
pub use ratefinder::{Guards, RateFinderConfig, StepRule, WhenDone};
pub use request::{ReplyCheck, RequestConfig};
pub use responder::ResponderConfig;
pub use subscribe::{expand_filters, Condition, SubscribeConfig, SubscribeV5};
pub use transport::Protocol;
pub use unsubscribe::UnsubscribeConfig;

include!(concat!(env!("OUT_DIR"), "/setting_ids.rs"));

/// A setting the engine cannot use: which one, and why. The settings layer turns the identity
/// into the label and property key the user knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", setting.map_or("settings", Id::name))]
pub struct ConfigError {
    /// None when the document as a whole is unreadable.
    pub setting: Option<Id>,
    pub message: String,
}

pub fn bad(id: Id, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: Some(id),
        message: message.into(),
    }
}

/// Marks where a message names another setting; the settings layer writes it as that setting's
/// label and key for the element the message is about.
pub fn refer(id: Id) -> String {
    format!("{REFER_OPEN}{}{REFER_CLOSE}", id.name())
}

pub const REFER_OPEN: char = '\u{27E6}';
pub const REFER_CLOSE: char = '\u{27E7}';
