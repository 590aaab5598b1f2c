//! The settings layer: JMeter's side of the engine. An element's settings arrive as one JSON
//! document (setting identity -> value, as JMeter holds it); the description (`description`,
//! compiled from contract/settings.json) says how each is read and checked (`document`), the
//! element readers build the typed configuration the samplers use, and `render` turns a setting's
//! identity in an error or message into the label and property key the user knows. Below this
//! layer the engine speaks MQTT only.

mod addresses;
mod broker_stats;
mod connect;
pub mod description;
mod disconnect;
mod document;
mod json;
mod pace;
mod payload_files;
mod publish;
mod render;
mod subscribe;
mod text;
mod tls;
mod unsubscribe;

pub use description::Element;
pub use document::{Value, Values};
pub use render::{error_code, error_message, render};

use crate::codec::Property;
use crate::sampler::config::{bad, ConfigError, Id};
use text::mqtt_string;

/// MQTT 5.0 user properties from `name=value` pairs: names may not be empty, both are MQTT
/// strings of at most 65,535 bytes.
fn user_properties(id: Id, pairs: Vec<(String, String)>) -> Result<Vec<Property>, ConfigError> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if k.is_empty() {
                return Err(bad(id, format!("user property '={v}' has no name")));
            }
            if k.len() > usize::from(u16::MAX) || v.len() > usize::from(u16::MAX) {
                return Err(bad(id, "a user property is longer than 65535 bytes"));
            }
            mqtt_string(id, "user property name", &k)?;
            mqtt_string(id, "user property value", &v)?;
            Ok(Property::UserProperty(k, v))
        })
        .collect()
}
