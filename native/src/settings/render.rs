//! What the user reads: a setting's identity turned into its GUI label and property key, for the
//! element the message is about.

use std::borrow::Cow;

use super::description::{describe, Element};
use crate::sampler::config::{ConfigError, Id, REFER_CLOSE, REFER_OPEN};

/// "Port (mqtt.port): must be between 1 and 65535 (got '70000')".
pub fn error_message(element: Element, e: &ConfigError) -> String {
    let text = render(element, &e.message);
    match e.setting.and_then(|id| describe(element, id)) {
        Some(spec) => format!("{}: {text}", spec.title()),
        None => match e.setting {
            Some(id) => format!("{}: {text}", id.name()),
            None => text.into_owned(),
        },
    }
}

/// The response code of a sample that `e` fails (the element's, or the setting's own).
pub fn error_code(element: Element, e: &ConfigError) -> &'static str {
    e.setting
        .and_then(|id| describe(element, id))
        .filter(|s| s.element == element)
        .map_or_else(|| element.bad_code(), |s| s.bad_code)
}

/// `text` with every reference to a setting (`sampler::config::refer`) written as that setting's
/// label and key.
pub fn render(element: Element, text: &str) -> Cow<'_, str> {
    if !text.contains(REFER_OPEN) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find(REFER_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + REFER_OPEN.len_utf8()..];
        let Some(end) = after.find(REFER_CLOSE) else {
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        let name = &after[..end];
        let spec = Id::ALL
            .iter()
            .find(|id| id.name() == name)
            .and_then(|id| describe(element, *id));
        match spec {
            Some(s) => out.push_str(&s.title()),
            None => out.push_str(name),
        }
        rest = &after[end + REFER_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::config::{bad, refer};

    #[test]
    fn settings_are_named_by_label_and_key() {
        let e = bad(Id::Port, "must be between 1 and 65535 (got '70000')");
        assert_eq!(
            error_message(Element::Connect, &e),
            "Port (mqtt.port): must be between 1 and 65535 (got '70000')"
        );
        let e = bad(
            Id::V5SessionExpiry,
            format!("needs MQTT 5.0, but {} is 3.1", refer(Id::Version)),
        );
        assert_eq!(
            error_message(Element::Connect, &e),
            "Session expiry (mqtt.session_expiry): needs MQTT 5.0, but Version (mqtt.version) is 3.1"
        );
        // the same identity, another element's label
        let e = bad(Id::Topics, "x");
        assert_eq!(
            error_message(Element::Subscribe, &e),
            "Topics (mqtt.topic_name): x"
        );
        let e = ConfigError {
            setting: None,
            message: "MQTT Connect: unknown setting 'x'".into(),
        };
        assert_eq!(
            error_message(Element::Connect, &e),
            "MQTT Connect: unknown setting 'x'"
        );
    }

    #[test]
    fn codes_come_from_the_element_or_the_setting() {
        assert_eq!(error_code(Element::Connect, &bad(Id::Port, "")), "501");
        assert_eq!(error_code(Element::Publish, &bad(Id::Topic, "")), "502");
        assert_eq!(error_code(Element::Subscribe, &bad(Id::Topics, "")), "512");
        assert_eq!(error_code(Element::Subscribe, &bad(Id::Qos, "")), "511");
        assert_eq!(
            error_code(Element::Subscribe, &bad(Id::ConditionValue, "")),
            "510"
        );
        let doc = ConfigError {
            setting: None,
            message: String::new(),
        };
        assert_eq!(error_code(Element::Stats, &doc), "501");
    }

    #[test]
    fn references_in_messages_are_rendered() {
        let m = format!(
            "set {} to precise; {} stays",
            refer(Id::Timestamp),
            "⟦nope⟧"
        );
        assert_eq!(
            render(Element::Publish, &m),
            "set Timestamp (mqtt.timestamp_format) to precise; nope stays"
        );
        assert!(matches!(
            render(Element::Publish, "plain"),
            Cow::Borrowed(_)
        ));
    }
}
