//! Reading an element's JSON document, with errors that name the setting whose value could not
//! be read instead of only a line and column of a document the user never sees.

use serde::Deserialize;

use crate::sampler::config::{ConfigError, Id};

/// `json` as `T`; on error the setting is the one at the error's position when there is one,
/// else the message names `what` ("MQTT Connect").
pub(super) fn parse_json<'a, T: Deserialize<'a>>(
    what: &str,
    json: &'a str,
) -> Result<T, ConfigError> {
    serde_json::from_str(json).map_err(|e| {
        let at = offset(json, e.line(), e.column());
        let (path, string) = locate(json, at);
        let setting = Id::ALL.iter().copied().find(|id| id.name() == path);
        let fail = |text: String| match setting {
            Some(id) => ConfigError {
                setting: Some(id),
                message: text,
            },
            None if path.is_empty() => ConfigError {
                setting: None,
                message: format!("{what}: {text}"),
            },
            None => ConfigError {
                setting: None,
                message: format!("{what}: \"{path}\" {text}"),
            },
        };
        // The Java elements send what JMeter holds; this is for any other writer of the document.
        if let Some((unit, position)) = string.and_then(lone_surrogate) {
            return fail(format!(
                "contains a lone UTF-16 surrogate (U+{unit:04X}) at character {position}, which is not valid text"
            ));
        }
        fail(format!("unreadable settings: {e}"))
    })
}

/// Byte offset of serde_json's (line, column): the bytes before it are the ones it had read.
fn offset(json: &str, line: usize, column: usize) -> usize {
    let line_start = json
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    (line_start + column).min(json.len())
}

struct Frame {
    object: bool,
    key: Option<String>,
    expecting_key: bool,
}

/// The key path of the value being read when `at` bytes had been read, and the raw text (escapes
/// kept) of the string literal read last if it spans or ends right before `at`.
fn locate(json: &str, at: usize) -> (String, Option<&str>) {
    let bytes = json.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut string = None;
    let mut i = 0;
    while i < at {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i + 1);
                if let Some(f) = stack.last_mut().filter(|f| f.object && f.expecting_key) {
                    f.key = Some(json[i + 1..end].to_string());
                    f.expecting_key = false;
                }
                string = (end + 1 >= at).then(|| &json[i + 1..end]);
                i = end;
            }
            b'{' | b'[' => stack.push(Frame {
                object: bytes[i] == b'{',
                key: None,
                expecting_key: bytes[i] == b'{',
            }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(f) = stack.last_mut().filter(|f| f.object) {
                    f.key = None;
                    f.expecting_key = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let path: Vec<&str> = stack.iter().filter_map(|f| f.key.as_deref()).collect();
    (path.join("."), string)
}

/// Index of the closing quote of the string whose text starts at `start` (or the end).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The first unpaired surrogate escape in a string literal's raw text: (code unit, 1-based
/// character position in the decoded text).
fn lone_surrogate(raw: &str) -> Option<(u16, usize)> {
    let unit_at = |i: usize| {
        raw.get(i..i + 6)
            .and_then(|s| s.strip_prefix("\\u"))
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let mut chars = 0;
    let mut i = 0;
    while i < raw.len() {
        chars += 1;
        match unit_at(i) {
            Some(u @ 0xD800..=0xDBFF) => match unit_at(i + 6) {
                Some(0xDC00..=0xDFFF) => i += 12,
                _ => return Some((u, chars)),
            },
            Some(u @ 0xDC00..=0xDFFF) => return Some((u, chars)),
            Some(_) => i += 6,
            None if raw[i..].starts_with('\\') => i += 2,
            None => i += raw[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_are_found_with_their_position() {
        assert_eq!(lone_surrogate(r"a/\ud800"), Some((0xD800, 3)));
        assert_eq!(lone_surrogate(r"\udc00x"), Some((0xDC00, 1)));
        assert_eq!(lone_surrogate(r"é\n\ud83d\ude00\ud83dx"), Some((0xD83D, 4)));
        assert_eq!(lone_surrogate(r"\ud800\u0041"), Some((0xD800, 1)));
        assert_eq!(lone_surrogate(r#"ok \" \\ud800 \ud83d\ude00"#), None);
    }

    #[test]
    fn the_value_at_an_error_is_located() {
        let json = r#"{"a":1,"tls":{"caFile":"x","n":[1,{"b":"y"}]},"c":"zz"}"#;
        let at = |s: &str| json.find(s).unwrap();
        assert_eq!(locate(json, at("1,")).0, "a");
        assert_eq!(
            locate(json, at("\"x\"") + 2),
            ("tls.caFile".into(), Some("x"))
        );
        assert_eq!(
            locate(json, at("\"x\"") + 3),
            ("tls.caFile".into(), Some("x"))
        );
        assert_eq!(locate(json, at("\"y\"") + 1).0, "tls.n.b");
        assert_eq!(locate(json, at("\"zz\"") + 1), ("c".into(), Some("zz")));
        assert_eq!(offset("{\n  \"a\": x}", 2, 7), 9);
    }

    #[test]
    fn errors_name_the_setting() {
        let parse = |j: &str| parse_json::<serde_json::Value>("MQTT Publish", j).unwrap_err();
        let e = parse(r#"{"qos":1,"topic":"a/\ud800"}"#);
        assert_eq!(e.setting, Some(Id::Topic));
        assert_eq!(
            e.message,
            "contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        // a flat document names nested settings by their whole name
        let e = parse(r#"{"tls.caFile":"\udfffa/b"}"#);
        assert_eq!(e.setting, Some(Id::TlsCaFile));
        assert!(e.message.contains("(U+DFFF) at character 1"), "{e}");
        let e = parse(r#"{"topic":"t","x":"\ud800"}"#);
        assert_eq!(e.setting, None);
        assert!(e.message.starts_with("MQTT Publish: \"x\" contains"), "{e}");
        let e = parse("{not json");
        assert_eq!(e.setting, None);
        assert!(
            e.message.starts_with("MQTT Publish: unreadable settings"),
            "{e}"
        );
    }
}
