//! The Disconnect element's settings (disconnectJson).

use serde::Deserialize;

use super::{bad, parse_json, u32_setting, ConfigError, Fields};
use crate::codec::ReasonCode;

/// disconnectJson's keys and the properties they carry.
const FIELDS: Fields = &[
    ("reasonCode", "mqtt.disconnect_reason_code"),
    ("sessionExpiry", "mqtt.disconnect_session_expiry"),
];

/// disconnectJson (contract, issue 4): `{"reasonCode":0,"sessionExpiry":-1}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct DisconnectJson {
    reason_code: i64,
    session_expiry: i64,
}

impl Default for DisconnectJson {
    fn default() -> Self {
        DisconnectJson {
            reason_code: 0,
            session_expiry: -1,
        }
    }
}

/// The Disconnect element's MQTT 5.0 settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisconnectSettings {
    pub reason: ReasonCode,
    /// None = not sent (the session expiry of CONNECT stays).
    pub session_expiry: Option<u32>,
}

impl DisconnectSettings {
    pub fn from_json(json: &str) -> Result<DisconnectSettings, ConfigError> {
        let j: DisconnectJson = parse_json("disconnect settings", FIELDS, json)?;
        let reason = u8::try_from(j.reason_code)
            .ok()
            .and_then(ReasonCode::from_u8)
            .filter(|r| r.is_valid_for(crate::codec::PacketKind::Disconnect))
            .ok_or_else(|| {
                bad(
                    "mqtt.disconnect_reason_code",
                    format!("{} is not a DISCONNECT reason code", j.reason_code),
                )
            })?;
        let session_expiry = match j.session_expiry {
            v if v < 0 => None,
            v => Some(u32_setting(
                "mqtt.disconnect_session_expiry",
                "session expiry",
                v,
            )?),
        };
        Ok(DisconnectSettings {
            reason,
            session_expiry,
        })
    }

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

#[cfg(test)]
mod tests {
    use super::super::json::tests::assert_fields_named;
    use super::*;

    #[test]
    fn unreadable_values_name_their_property() {
        assert_fields_named(
            FIELDS,
            &[],
            r#"{"reasonCode":0,"sessionExpiry":-1}"#,
            DisconnectSettings::from_json,
        );
    }

    #[test]
    fn v5_settings_parse() {
        let d = DisconnectSettings::from_json(r#"{"reasonCode":4,"sessionExpiry":-1}"#).unwrap();
        assert_eq!(d.reason, ReasonCode::DisconnectWithWillMessage);
        assert_eq!(d.session_expiry, None);
    }

    #[test]
    fn v5_errors_name_the_java_key() {
        let e = DisconnectSettings::from_json(r#"{"reasonCode":132}"#).unwrap_err();
        assert_eq!(e.field, "mqtt.disconnect_reason_code");
    }
}
