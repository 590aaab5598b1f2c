//! The Disconnect element's settings -> `DisconnectSettings`.

use super::description::Element;
use super::document::Values;
use crate::codec::{PacketKind, ReasonCode};
use crate::sampler::config::{bad, ConfigError, DisconnectSettings, Id};

impl DisconnectSettings {
    pub fn from_json(json: &str) -> Result<DisconnectSettings, ConfigError> {
        let v = Values::read(Element::Disconnect, json)?;
        let code: u8 = v.num(Id::ReasonCode)?;
        let reason = ReasonCode::from_u8(code)
            .filter(|r| r.is_valid_for(PacketKind::Disconnect))
            .ok_or_else(|| {
                bad(
                    Id::ReasonCode,
                    format!("{code} is not a DISCONNECT reason code"),
                )
            })?;
        Ok(DisconnectSettings {
            reason,
            session_expiry: v.opt_num(Id::SessionExpiry)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v5_settings_parse() {
        let d = DisconnectSettings::from_json(r#"{"reasonCode":4}"#).unwrap();
        assert_eq!(d.reason, ReasonCode::DisconnectWithWillMessage);
        assert_eq!(d.session_expiry, None);
        let d =
            DisconnectSettings::from_json(r#"{"reasonCode":"0","sessionExpiry":"30"}"#).unwrap();
        assert_eq!(
            (d.reason, d.session_expiry),
            (ReasonCode::Success, Some(30))
        );
        let d =
            DisconnectSettings::from_json(r#"{"connectionName":"g","sessionExpiry":""}"#).unwrap();
        assert_eq!(d, DisconnectSettings::default());
    }

    #[test]
    fn v5_errors_name_the_setting() {
        let e = DisconnectSettings::from_json(r#"{"reasonCode":132}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::ReasonCode));
        let e = DisconnectSettings::from_json(r#"{"sessionExpiry":-1}"#).unwrap_err();
        assert_eq!(e.setting, Some(Id::SessionExpiry));
    }
}
