//! What MQTT allows in its UTF-8 strings: topics, topic filters, client id, user name, content
//! types, user properties (MQTT 3.1.1 section 1.5.3, 5.0 section 1.5.4). U+0000 is forbidden;
//! control characters and Unicode noncharacters "should not" be sent, and brokers such as
//! Mosquitto close the connection when they are, so a load test would report a dropped
//! connection instead of its cause. (Surrogates cannot occur in a Rust string.)

use crate::sampler::config::{bad, ConfigError, Id};

/// Refuses what MQTT forbids or advises against in a UTF-8 string; `what` names the value in
/// the message ("topic", "client id prefix").
pub(super) fn mqtt_string(id: Id, what: &str, value: &str) -> Result<(), ConfigError> {
    for (i, c) in value.chars().enumerate() {
        let (name, verdict) = if c == '\0' {
            ("U+0000 (NUL)".to_string(), "does not allow")
        } else if is_control(c) {
            (
                format!("the control character {}", code_point(c)),
                ADVISES_AGAINST,
            )
        } else if is_noncharacter(c) {
            (
                format!("the Unicode noncharacter {}", code_point(c)),
                ADVISES_AGAINST,
            )
        } else {
            continue;
        };
        return Err(bad(
            id,
            format!(
                "{what} '{}' contains {name} at character {}, which MQTT {verdict}",
                printable(value),
                i + 1
            ),
        ));
    }
    Ok(())
}

const ADVISES_AGAINST: &str = "advises against (brokers such as Mosquitto close the connection)";

fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn is_noncharacter(c: char) -> bool {
    let cp = u32::from(c);
    (0xfdd0..=0xfdef).contains(&cp) || cp & 0xfffe == 0xfffe
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// `s` with control characters and BMP noncharacters written as \uXXXX, so that a message
/// quoting it stays one readable line.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if u32::from(c) < 0x10000 && (is_control(c) || is_noncharacter(c)) {
                format!("\\u{:04X}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_refused_with_the_value_escaped() {
        let e = mqtt_string(Id::Topic, "topic", "a/b\0").unwrap_err();
        assert_eq!(e.setting, Some(Id::Topic));
        assert_eq!(
            e.message,
            r"topic 'a/b\u0000' contains U+0000 (NUL) at character 4, which MQTT does not allow"
        );
    }

    #[test]
    fn control_characters_and_noncharacters_are_refused() {
        for bad in [
            "a\tb",
            "a\u{1}",
            "\u{7f}",
            "a\u{85}b",
            "x\u{ffff}",
            "\u{fdd0}",
            "\u{1fffe}",
        ] {
            let e = mqtt_string(Id::Topic, "topic", bad).unwrap_err();
            assert!(e.message.contains("advises against"), "{e}");
        }
        let e = mqtt_string(Id::Topic, "topic", "😀\u{1}").unwrap_err();
        assert!(
            e.message
                .contains(r"'😀\u0001' contains the control character U+0001 at character 2"),
            "{e}"
        );
        for good in [
            "",
            "a/b",
            "$share/g/#",
            "ünï/日本/😀",
            "a b",
            "\u{a0}",
            "\u{feff}",
        ] {
            assert!(mqtt_string(Id::Topic, "topic", good).is_ok(), "{good:?}");
        }
    }
}
