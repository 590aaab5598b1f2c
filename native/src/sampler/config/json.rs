//! Reading an element's JSON document, with errors that name the property whose value could not
//! be read instead of only a line and column of a document the user never sees.

use serde::Deserialize;

use super::{bad, ConfigError};

/// JSON key path (nested keys joined by '.', arrays add nothing) -> the property it carries.
pub(super) type Fields = &'static [(&'static str, &'static str)];

/// `json` as `T`; on error the field is the property at the error's position when `fields`
/// knows it, else `what` ("connect settings").
pub(super) fn parse_json<'a, T: Deserialize<'a>>(
    what: &'static str,
    fields: Fields,
    json: &'a str,
) -> Result<T, ConfigError> {
    serde_json::from_str(json).map_err(|e| {
        let at = offset(json, e.line(), e.column());
        let (path, string) = locate(json, at);
        let field = fields.iter().find(|(p, _)| *p == path).map(|(_, f)| *f);
        // The Java elements refuse these first; this is for any other writer of the document.
        if let Some((unit, position)) = string.and_then(lone_surrogate) {
            let text = format!(
                "contains a lone UTF-16 surrogate (U+{unit:04X}) at character {position}, which is not valid text"
            );
            return match field {
                Some(f) => bad(f, text),
                None => bad(what, format!("\"{path}\" {text}")),
            };
        }
        match field {
            Some(f) => bad(f, format!("unreadable value: {e}")),
            None => bad(what, format!("unreadable settings: {e}")),
        }
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
pub(super) mod tests {
    use super::*;
    use serde_json::Value;

    /// Every leaf key path of a document.
    fn leaf_paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Value::Object(m) = v {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    Value::Object(_) => leaf_paths(v, &p, out),
                    _ => out.push(p),
                }
            }
        }
    }

    /// Every key of `full` (a document with every key) has a property in `fields` (but
    /// `unnamed`), and a value of the wrong type at each path is reported with that property.
    pub(in crate::sampler::config) fn assert_fields_named<T>(
        fields: Fields,
        unnamed: &[&str],
        full: &str,
        parse: impl Fn(&str) -> Result<T, ConfigError>,
    ) {
        if let Err(e) = parse(full) {
            panic!("the full document is refused: {e}");
        }
        let doc: Value = serde_json::from_str(full).unwrap();
        let mut paths = Vec::new();
        leaf_paths(&doc, "", &mut paths);
        for p in &paths {
            assert!(
                unnamed.contains(&p.as_str()) || fields.iter().any(|(f, _)| f == p),
                "{p} has no property"
            );
        }
        for (path, field) in fields {
            let mut d = doc.clone();
            let slot = path
                .split('.')
                .try_fold(&mut d, |v, k| v.get_mut(k))
                .unwrap_or_else(|| panic!("{path} is not in the full document"));
            *slot = serde_json::json!({"wrong": "type"});
            let Err(e) = parse(&d.to_string()) else {
                panic!("{path}: accepted");
            };
            assert_eq!(e.field, *field, "{path}: {e}");
            assert!(e.message.contains("unreadable value"), "{e}");
        }
    }

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

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        topic: String,
        n: i64,
    }

    const DOC_FIELDS: Fields = &[("topic", "mqtt.topic_name"), ("n", "mqtt.n")];

    #[test]
    fn errors_name_the_property() {
        let parse = |j: &str| parse_json::<Doc>("test settings", DOC_FIELDS, j).unwrap_err();
        let e = parse(r#"{"n":1,"topic":"a/\ud800"}"#);
        assert_eq!(
            e.to_string(),
            "mqtt.topic_name: contains a lone UTF-16 surrogate (U+D800) at character 3, which is not valid text"
        );
        let e = parse(r#"{"topic":"\udfffa/b","n":1}"#);
        assert_eq!(e.field, "mqtt.topic_name");
        assert!(e.message.contains("(U+DFFF) at character 1"), "{e}");
        let e = parse(r#"{"topic":"t","n":"x"}"#);
        assert_eq!(e.field, "mqtt.n");
        assert!(
            e.message.starts_with("unreadable value: invalid type"),
            "{e}"
        );
        let e = parse(r#"{"topic":"t","n":1,"x":"\ud800"}"#);
        assert_eq!(e.field, "test settings");
        assert!(
            e.message.starts_with("unreadable settings: unknown field"),
            "{e}"
        );
        let e = parse(r#"{"topic":"t"}"#);
        assert_eq!(e.field, "test settings");
        assert!(e.message.contains("missing field `n`"), "{e}");
        let e = parse("{not json");
        assert_eq!(e.field, "test settings");
    }
}
