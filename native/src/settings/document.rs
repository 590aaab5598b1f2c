//! An element's settings document read against the description: every value parsed by its kind,
//! checked against its range or choices, blank and absent values replaced by defaults, settings
//! that do not apply left at their defaults, and settings that need another one refused without
//! it. The one place values are validated; the elements only add what a range cannot say.

use serde_json::Value as Json;

use super::description::{specs, Blank, Default, Element, Kind, Spec, Test};
use super::json::parse_json;
use crate::sampler::config::{bad, refer, ConfigError, Id};

/// A setting's value after reading.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not set (a default of null): the element decides what that means.
    None,
    Text(String),
    Int(i64),
    Decimal(f64),
    Bool(bool),
    Pairs(Vec<(String, String)>),
}

/// An element's settings, read and checked, by identity.
#[derive(Debug, Clone)]
pub struct Values {
    element: Element,
    items: Vec<(Id, Value)>,
}

/// Longest excerpt of a bad value quoted in a message.
const MAX_QUOTED_CHARS: usize = 80;

impl Values {
    /// Reads `json` (an object of setting identities to values: strings as JMeter holds them, or
    /// JSON numbers and booleans; nested objects join their keys with '.') as `element`'s.
    pub fn read(element: Element, json: &str) -> Result<Values, ConfigError> {
        let what = element.label();
        let doc: Json = parse_json(what, json)?;
        let Json::Object(map) = doc else {
            return Err(document(what, "the settings are not a JSON object"));
        };
        let mut raw = Vec::new();
        flatten("", &map, &mut raw);
        for (name, _) in &raw {
            if !specs(element).any(|s| s.id.name() == name) {
                return Err(document(what, format!("unknown setting '{name}'")));
            }
        }
        let mut reader = Reader {
            element,
            raw,
            done: Vec::new(),
            busy: Vec::new(),
        };
        for spec in specs(element) {
            reader.value(spec)?;
        }
        Ok(Values {
            element,
            items: reader.done,
        })
    }

    pub fn element(&self) -> Element {
        self.element
    }

    /// Adds `other`'s settings that this element lacks, at their defaults: an element that opens a
    /// connection of its own without showing every Connect setting.
    pub fn with_defaults_of(mut self, other: Element) -> Values {
        for s in specs(other) {
            if !self.items.iter().any(|(id, _)| *id == s.id) {
                self.items.push((s.id, default_value(s)));
            }
        }
        self
    }

    fn get(&self, id: Id) -> Result<&Value, ConfigError> {
        self.items
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, v)| v)
            .ok_or_else(|| bad(id, format!("is not a setting of {}", self.element.label())))
    }

    fn mismatch(&self, id: Id, wanted: &str) -> ConfigError {
        bad(id, format!("is not {wanted} in the settings description"))
    }

    pub fn text(&self, id: Id) -> Result<&str, ConfigError> {
        Ok(self.opt_text(id)?.unwrap_or(""))
    }

    pub fn opt_text(&self, id: Id) -> Result<Option<&str>, ConfigError> {
        match self.get(id)? {
            Value::Text(s) => Ok(Some(s)),
            Value::None => Ok(None),
            _ => Err(self.mismatch(id, "text")),
        }
    }

    pub fn opt_int(&self, id: Id) -> Result<Option<i64>, ConfigError> {
        match self.get(id)? {
            Value::Int(n) => Ok(Some(*n)),
            Value::None => Ok(None),
            _ => Err(self.mismatch(id, "a whole number")),
        }
    }

    pub fn int(&self, id: Id) -> Result<i64, ConfigError> {
        self.opt_int(id)?
            .ok_or_else(|| self.mismatch(id, "a number with a default"))
    }

    /// A whole number as the type the engine keeps it in; the description's range fits it.
    pub fn num<T: TryFrom<i64>>(&self, id: Id) -> Result<T, ConfigError> {
        T::try_from(self.int(id)?).map_err(|_| self.mismatch(id, "in a range that fits"))
    }

    pub fn opt_num<T: TryFrom<i64>>(&self, id: Id) -> Result<Option<T>, ConfigError> {
        self.opt_int(id)?
            .map(|n| T::try_from(n).map_err(|_| self.mismatch(id, "in a range that fits")))
            .transpose()
    }

    pub fn opt_decimal(&self, id: Id) -> Result<Option<f64>, ConfigError> {
        match self.get(id)? {
            Value::Decimal(d) => Ok(Some(*d)),
            Value::None => Ok(None),
            _ => Err(self.mismatch(id, "a decimal number")),
        }
    }

    pub fn decimal(&self, id: Id) -> Result<f64, ConfigError> {
        self.opt_decimal(id)?
            .ok_or_else(|| self.mismatch(id, "a decimal with a default"))
    }

    pub fn bool(&self, id: Id) -> Result<bool, ConfigError> {
        match self.get(id)? {
            Value::Bool(b) => Ok(*b),
            _ => Err(self.mismatch(id, "true or false")),
        }
    }

    pub fn pairs(&self, id: Id) -> Result<Vec<(String, String)>, ConfigError> {
        match self.get(id)? {
            Value::Pairs(p) => Ok(p.clone()),
            Value::Text(t) if t.is_empty() => Ok(Vec::new()),
            _ => Err(self.mismatch(id, "name=value lines")),
        }
    }
}

fn document(what: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: None,
        message: format!("{what}: {}", message.into()),
    }
}

/// `prefix.key` for every leaf; a nested object (a group such as "tls") joins its keys to its
/// own, and a null group is no group.
fn flatten(prefix: &str, map: &serde_json::Map<String, Json>, out: &mut Vec<(String, Json)>) {
    for (k, v) in map {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let is_setting = Id::ALL.iter().any(|i| i.name() == name);
        match v {
            Json::Object(inner) if !is_setting => flatten(&name, inner, out),
            Json::Null if !is_setting => {}
            _ => out.push((name, v.clone())),
        }
    }
}

fn default_value(s: &Spec) -> Value {
    match s.default {
        Default::None => Value::None,
        Default::Text(t) => match s.kind {
            Kind::Pairs => Value::Pairs(Vec::new()),
            _ => Value::Text(t.to_string()),
        },
        Default::Int(n) => Value::Int(n),
        Default::Decimal(d) => Value::Decimal(d),
        Default::Bool(b) => Value::Bool(b),
    }
}

struct Reader {
    element: Element,
    raw: Vec<(String, Json)>,
    done: Vec<(Id, Value)>,
    /// Settings being read, for a description whose conditions would go round in a circle.
    busy: Vec<Id>,
}

impl Reader {
    fn value(&mut self, spec: &'static Spec) -> Result<Value, ConfigError> {
        if let Some((_, v)) = self.done.iter().find(|(id, _)| *id == spec.id) {
            return Ok(v.clone());
        }
        if self.busy.contains(&spec.id) {
            return Err(bad(spec.id, "its conditions depend on itself"));
        }
        self.busy.push(spec.id);
        let v = self.read(spec);
        self.busy.retain(|i| *i != spec.id);
        let v = v?;
        self.done.push((spec.id, v.clone()));
        Ok(v)
    }

    /// The value another setting's condition tests, as text; None when the element lacks it (the
    /// condition then holds).
    fn condition_value(&mut self, key: &str) -> Result<Option<(Id, String)>, ConfigError> {
        let Some(other) = specs(self.element).find(|s| s.key == key) else {
            return Ok(None);
        };
        let shown = match self.value(other)? {
            Value::None => String::new(),
            Value::Text(s) => s,
            Value::Int(n) => n.to_string(),
            Value::Decimal(d) => d.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Pairs(p) => if p.is_empty() { "" } else { "set" }.to_string(),
        };
        Ok(Some((other.id, shown)))
    }

    fn holds(
        &mut self,
        spec: &Spec,
        conditions: &[super::description::Condition],
    ) -> Result<Option<ConfigError>, ConfigError> {
        for c in conditions {
            let Some((other, value)) = self.condition_value(c.key)? else {
                continue;
            };
            let ok = match c.test {
                Test::In(values) => values.iter().any(|v| v.eq_ignore_ascii_case(&value)),
                Test::NotIn(values) => !values.iter().any(|v| v.eq_ignore_ascii_case(&value)),
                Test::Set => !value.trim().is_empty(),
            };
            if !ok {
                let shown = if value.is_empty() {
                    "empty".to_string()
                } else {
                    value
                };
                return Ok(Some(bad(
                    spec.id,
                    format!("{}, but {} is {shown}", c.why, refer(other)),
                )));
            }
        }
        Ok(None)
    }

    fn read(&mut self, spec: &'static Spec) -> Result<Value, ConfigError> {
        // A setting that needs another is checked even where it does not apply: a 5.0 will
        // property on a 3.1.1 connection is refused whether or not there is a will.
        if spec.requires.is_empty() && self.holds(spec, spec.used_when)?.is_some() {
            return Ok(default_value(spec));
        }
        let raw = self
            .raw
            .iter()
            .find(|(n, _)| n == spec.id.name())
            .map(|(_, v)| v.clone());
        let (value, shown) = match raw {
            None | Some(Json::Null) => (default_value(spec), None),
            Some(raw) => parse(spec, &raw)?,
        };
        if value != default_value(spec) {
            if let Some(mut e) = self.holds(spec, spec.requires)? {
                if let (Some(s), false) = (shown, spec.kind == Kind::Secret) {
                    e.message.push_str(&got(&s));
                }
                return Err(e);
            }
        }
        if self.holds(spec, spec.used_when)?.is_some() {
            return Ok(default_value(spec));
        }
        Ok(value)
    }
}

/// " (got 'value')", shortened.
fn got(value: &str) -> String {
    let mut v: String = value.chars().take(MAX_QUOTED_CHARS).collect();
    if value.chars().count() > MAX_QUOTED_CHARS {
        v.push_str("...");
    }
    format!(" (got '{v}')")
}

/// The value and the text it was given as (for messages).
fn parse(spec: &Spec, raw: &Json) -> Result<(Value, Option<String>), ConfigError> {
    if let Kind::Pairs = spec.kind {
        let shown = match raw {
            Json::String(s) => Some(s.trim().replace('\n', ", ")),
            _ => None,
        };
        return pairs(spec, raw).map(|p| (p, shown));
    }
    let text = as_text(spec, raw)?;
    let textual = matches!(spec.kind, Kind::Text | Kind::Secret | Kind::Path);
    let value = if textual && !spec.trim && !matches!(spec.kind, Kind::Path) {
        text.as_str()
    } else {
        text.trim()
    };
    if value.trim().is_empty() {
        let blank_is_default = match spec.blank {
            Blank::Default => true,
            Blank::Keep => false,
            Blank::Usual => !textual,
            Blank::Error => {
                return Err(bad(spec.id, format!("is empty; give {}", wanted(spec))));
            }
        };
        if blank_is_default {
            return Ok((default_value(spec), None));
        }
    }
    Ok((scalar(spec, value)?, Some(value.to_string())))
}

/// A value as the text JMeter would hold it: strings as they are, numbers and booleans (from other
/// writers of the document) written out, for the kinds that take them.
fn as_text(spec: &Spec, raw: &Json) -> Result<String, ConfigError> {
    let textual = matches!(spec.kind, Kind::Text | Kind::Secret | Kind::Path);
    match raw {
        Json::String(s) => Ok(s.clone()),
        Json::Number(n) if !textual => Ok(n.to_string()),
        Json::Bool(b) if !textual => Ok(b.to_string()),
        other => Err(bad(
            spec.id,
            format!(
                "unreadable value: {} is not {}",
                kind_of(other),
                wanted(spec)
            ),
        )),
    }
}

/// `value` (not blank) read by the setting's kind and checked against its range or choices.
fn scalar(spec: &Spec, value: &str) -> Result<Value, ConfigError> {
    let fail = |why: String| {
        let mut m = why;
        if spec.kind != Kind::Secret {
            m.push_str(&got(value));
        }
        bad(spec.id, m)
    };
    Ok(match spec.kind {
        // (name=value lines are read apart)
        Kind::Text | Kind::Secret | Kind::Path | Kind::Pairs => Value::Text(value.to_string()),
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(fail("must be true or false".into())),
        },
        Kind::Int { min, max } => {
            let n: i64 = value
                .parse()
                .map_err(|_| fail("not a whole number".into()))?;
            if n < min || n > max {
                return Err(fail(format!("must be {}", int_range(min, max))));
            }
            Value::Int(n)
        }
        Kind::Decimal {
            low,
            exclusive,
            max,
        } => {
            let d: f64 = value
                .parse()
                .ok()
                .filter(|d: &f64| d.is_finite())
                .ok_or_else(|| fail("not a number".into()))?;
            let above = if exclusive { d > low } else { d >= low };
            if !above || d > max {
                return Err(fail(format!(
                    "must be {}",
                    decimal_range(low, exclusive, max)
                )));
            }
            Value::Decimal(d)
        }
        Kind::Choice(choices) => match choices.iter().find(|c| names(c, value)) {
            Some(c) => Value::Text(c.value.to_string()),
            None => {
                let all: Vec<&str> = choices.iter().map(|c| c.value).collect();
                return Err(fail(format!("must be one of {}", all.join(", "))));
            }
        },
    })
}

/// Whether `value` names the choice: its value, its label or an alias, without regard to case.
fn names(c: &super::description::Choice, value: &str) -> bool {
    c.value.eq_ignore_ascii_case(value)
        || (!c.label.is_empty() && c.label.eq_ignore_ascii_case(value))
        || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(value))
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// What the setting takes, for "is empty; give ...".
fn wanted(spec: &Spec) -> String {
    match spec.kind {
        Kind::Int { min, max } => format!("a whole number {}", int_range(min, max)),
        Kind::Decimal {
            low,
            exclusive,
            max,
        } => {
            format!("a number {}", decimal_range(low, exclusive, max))
        }
        Kind::Bool => "true or false".into(),
        Kind::Choice(c) => {
            let all: Vec<&str> = c.iter().map(|c| c.value).collect();
            format!("one of {}", all.join(", "))
        }
        Kind::Pairs => "name=value lines".into(),
        Kind::Text | Kind::Secret | Kind::Path => "text".into(),
    }
}

fn int_range(min: i64, max: i64) -> String {
    if max - min <= 3 {
        let values: Vec<String> = (min..=max).map(|v| v.to_string()).collect();
        let (last, rest) = values
            .split_last()
            .map_or(("", &[][..]), |(l, r)| (l.as_str(), r));
        return format!("{} or {last}", rest.join(", "));
    }
    if max == i64::from(i32::MAX) {
        return format!("at least {min}");
    }
    format!("between {min} and {max}")
}

fn plain(d: f64) -> String {
    if d == d.trunc() && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else {
        d.to_string()
    }
}

fn decimal_range(low: f64, exclusive: bool, max: f64) -> String {
    if exclusive {
        format!("above {} and at most {}", plain(low), plain(max))
    } else {
        format!("between {} and {}", plain(low), plain(max))
    }
}

/// `name=value` lines as the Java element has them (a JSON string: each line trimmed, blank lines
/// skipped, split at the first '='), or a JSON list of [name, value] pairs.
fn pairs(spec: &Spec, raw: &Json) -> Result<Value, ConfigError> {
    match raw {
        Json::String(text) => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let Some((name, value)) = line.split_once('=') else {
                    return Err(bad(
                        spec.id,
                        format!("line {} is not name=value{}", i + 1, got(line)),
                    ));
                };
                out.push((name.to_string(), value.to_string()));
            }
            Ok(Value::Pairs(out))
        }
        Json::Array(items) => items
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([Json::String(n), Json::String(v)]) => Ok((n.clone(), v.clone())),
                _ => Err(bad(
                    spec.id,
                    "unreadable value: each user property is a [name, value] pair of texts",
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Pairs),
        other => Err(bad(
            spec.id,
            format!(
                "unreadable value: {} is not name=value lines",
                kind_of(other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::description::SPECS;
    use super::*;

    fn read(element: Element, json: &str) -> Result<Values, ConfigError> {
        Values::read(element, json)
    }

    #[test]
    fn absent_and_blank_values_take_their_defaults() {
        let v = read(
            Element::Connect,
            r#"{"keepAliveSecs":" ","clientIdPrefix":""}"#,
        )
        .unwrap();
        assert_eq!(v.int(Id::Port).unwrap(), 1883);
        assert_eq!(v.int(Id::KeepAliveSecs).unwrap(), 300);
        // text keeps an empty value: the whole client id is then the random suffix
        assert_eq!(v.text(Id::ClientIdPrefix).unwrap(), "");
        assert_eq!(v.opt_int(Id::MaxInflight).unwrap(), None);
        let s = read(Element::Stats, r#"{"clientIdPrefix":" "}"#).unwrap();
        assert_eq!(s.text(Id::ClientIdPrefix).unwrap(), "mqttload_stats_");
    }

    #[test]
    fn strings_numbers_and_booleans_are_read_by_kind() {
        let v = read(
            Element::Connect,
            r#"{"port":"1884","cleanSession":"FALSE","connectRate":"2.5","version":"5","protocol":"tls",
                "v5":{"userProperties":"a=1\n\n b = x=y \n"}}"#,
        )
        .unwrap();
        assert_eq!(v.int(Id::Port).unwrap(), 1884);
        assert!(!v.bool(Id::CleanSession).unwrap());
        assert_eq!(v.opt_decimal(Id::ConnectRate).unwrap(), Some(2.5));
        assert_eq!(v.text(Id::Version).unwrap(), "5.0");
        assert_eq!(v.text(Id::Protocol).unwrap(), "SSL");
        assert_eq!(
            v.pairs(Id::V5UserProperties).unwrap(),
            vec![("a".into(), "1".into()), ("b ".into(), " x=y".into())]
        );
        let v = read(Element::Connect, r#"{"port":1884,"cleanSession":false}"#).unwrap();
        assert_eq!(v.int(Id::Port).unwrap(), 1884);
        assert!(!v.bool(Id::CleanSession).unwrap());
    }

    #[test]
    fn bad_values_say_what_is_wanted_and_what_came() {
        let e = |element, json| read(element, json).unwrap_err().to_string();
        assert_eq!(
            e(Element::Connect, r#"{"port":""}"#),
            "port: is empty; give a whole number between 1 and 65535"
        );
        assert_eq!(
            e(Element::Connect, r#"{"port":"18x3"}"#),
            "port: not a whole number (got '18x3')"
        );
        assert_eq!(
            e(Element::Connect, r#"{"port":"70000"}"#),
            "port: must be between 1 and 65535 (got '70000')"
        );
        assert_eq!(
            e(Element::Publish, r#"{"qos":"3"}"#),
            "qos: must be 0, 1 or 2 (got '3')"
        );
        assert_eq!(
            e(Element::Publish, r#"{"ackTimeoutMs":"0"}"#),
            "ackTimeoutMs: must be at least 1 (got '0')"
        );
        assert_eq!(
            e(Element::Connect, r#"{"cleanSession":"maybe"}"#),
            "cleanSession: must be true or false (got 'maybe')"
        );
        assert_eq!(
            e(Element::Connect, r#"{"protocol":"QUIC"}"#),
            "protocol: must be one of TCP, SSL, WS, WSS (got 'QUIC')"
        );
        assert_eq!(
            e(
                Element::Publish,
                r#"{"pace":{"mode":"interval","intervalMs":"x"}}"#
            ),
            "pace.intervalMs: not a whole number (got 'x')"
        );
        assert_eq!(
            e(
                Element::Publish,
                r#"{"pace":{"mode":"rate_per_group","rate":0}}"#
            ),
            "pace.rate: must be above 0 and at most 1000000 (got '0')"
        );
        assert!(e(Element::Connect, r#"{"nope":1}"#).contains("unknown setting 'nope'"));
        assert!(e(Element::Connect, r#"{"port":{"wrong":"type"}}"#).contains("unreadable value"));
    }

    #[test]
    fn secrets_are_never_quoted() {
        let e = read(Element::Connect, r#"{"password":{"x":"hunter2"}}"#).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn settings_that_do_not_apply_keep_their_defaults_unchecked() {
        // TLS settings of a TCP connection, pacing of a burst
        let v = read(
            Element::Connect,
            r#"{"protocol":"TCP","tls":{"minVersion":"1.1","clientCert":"x"}}"#,
        )
        .unwrap();
        assert_eq!(v.text(Id::TlsMinVersion).unwrap(), "1.2");
        let v = read(Element::Publish, r#"{"pace":{"intervalMs":"-5"}}"#).unwrap();
        assert_eq!(v.int(Id::PaceIntervalMs).unwrap(), 1000);
        assert!(read(
            Element::Publish,
            r#"{"pace":{"mode":"interval","intervalMs":"-5"}}"#
        )
        .is_err());
    }

    #[test]
    fn settings_that_need_another_are_refused_without_it() {
        let e = read(
            Element::Connect,
            r#"{"version":"3.1.1","v5":{"sessionExpiry":"60"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.setting, Some(Id::V5SessionExpiry));
        assert_eq!(
            e.message,
            format!(
                "needs MQTT 5.0, but {} is 3.1.1 (got '60')",
                refer(Id::Version)
            )
        );
        // the default is fine anywhere
        assert!(read(Element::Connect, r#"{"v5":{"receiveMaximum":65535}}"#).is_ok());
        assert!(read(
            Element::Connect,
            r#"{"version":"5.0","v5":{"sessionExpiry":60}}"#
        )
        .is_ok());
    }

    /// Each range in the description is what the engine enforces: its ends are taken, one past
    /// them refused, naming the setting.
    #[test]
    fn every_limit_in_the_description_is_enforced() {
        for s in SPECS {
            let doc = |v: String| {
                // what the setting needs to apply
                let mut parts = vec![format!("{:?}:{v}", s.id.name())];
                for c in s.used_when.iter().chain(s.requires) {
                    let Some(o) = specs(s.element).find(|o| o.key == c.key) else {
                        continue;
                    };
                    let need = match (c.test, o.kind) {
                        (Test::In(values), _) => format!("{:?}", values[0]),
                        (Test::NotIn(excluded), Kind::Choice(choices)) => {
                            let other = choices.iter().find(|ch| !excluded.contains(&ch.value));
                            format!("{:?}", other.map_or("", |ch| ch.value))
                        }
                        (Test::NotIn(_) | Test::Set, _) => "\"x\"".into(),
                    };
                    parts.push(format!("{:?}:{need}", o.id.name()));
                }
                format!("{{{}}}", parts.join(","))
            };
            let ok = |v: String| read(s.element, &doc(v.clone()));
            match s.kind {
                Kind::Int { min, max } => {
                    for v in [min, max] {
                        ok(format!("\"{v}\"")).unwrap_or_else(|e| panic!("{}={v}: {e}", s.key));
                    }
                    for v in [min - 1, max + 1] {
                        let e = ok(format!("\"{v}\"")).expect_err(s.key);
                        assert_eq!(e.setting, Some(s.id), "{}: {e}", s.key);
                    }
                }
                Kind::Decimal {
                    low,
                    exclusive,
                    max,
                } => {
                    ok(format!("\"{max}\"")).unwrap_or_else(|e| panic!("{}: {e}", s.key));
                    let e = ok(format!("\"{}\"", max * 2.0)).expect_err(s.key);
                    assert_eq!(e.setting, Some(s.id));
                    let below = if exclusive { low } else { low - 1.0 };
                    let e = ok(format!("\"{below}\"")).expect_err(s.key);
                    assert_eq!(e.setting, Some(s.id));
                }
                Kind::Choice(choices) => {
                    for c in choices {
                        ok(format!("{:?}", c.value)).unwrap_or_else(|e| panic!("{}: {e}", s.key));
                    }
                    let e = ok("\"no such choice\"".into()).expect_err(s.key);
                    assert_eq!(e.setting, Some(s.id));
                }
                _ => {}
            }
        }
    }
}
