//! The settings layer: JMeter's side of the engine. An element's settings arrive as one JSON
//! document (setting identity -> value, as JMeter holds it); the description (`description`,
//! compiled from contract/settings.json) says how each is read and checked (`document`), the
//! element readers build the typed configuration the samplers use, and `render` turns a setting's
//! identity in an error or message into the label and property key the user knows. Below this
//! layer the engine speaks MQTT only.

mod addresses;
mod broker_stats;
mod clock;
mod connect;
mod csv;
pub mod description;
mod disconnect;
mod document;
mod identity_file;
mod json;
mod pace;
mod payload_files;
mod publish;
mod ratefinder;
mod render;
mod request;
mod responder;
mod subscribe;
mod text;
mod tls;
mod unsubscribe;

pub use description::Element;
pub use document::{Value, Values};
pub use identity_file::forget_loaded as forget_identity_files;
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// JMeter's property keys live in the settings description and are named in this layer only:
    /// the layers below know a setting by its identity.
    #[test]
    fn property_keys_stay_at_the_edge() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("native/src") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    if !path.ends_with("settings") && !path.ends_with("jni") {
                        dirs.push(path);
                    }
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (n, line) in text.lines().enumerate() {
                    let key = line.match_indices("mqtt.").any(|(i, _)| {
                        line[i + 5..].starts_with(|c: char| c.is_ascii_lowercase())
                            && !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                    if key {
                        found.push(format!("{}:{}: {line}", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "property keys below the settings layer:\n{}",
            found.join("\n")
        );
    }
}
