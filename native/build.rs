//! Turns the contract shared with the Java plugin (../contract/*.json) into Rust: the setting
//! identities and their per-element table, and the outcome's figure indices. Generated, so that
//! the description stays the one place a setting or a figure is written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

fn main() {
    let contract = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contract");
    let settings = contract.join("settings.json");
    let results = contract.join("results.json");
    println!("cargo:rerun-if-changed={}", settings.display());
    println!("cargo:rerun-if-changed={}", results.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let settings = read(&settings);
    let (ids, table) = settings_code(&settings);
    write(&out.join("setting_ids.rs"), &ids);
    write(&out.join("setting_table.rs"), &table);
    write(&out.join("figures.rs"), &figures_code(&read(&results)));
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn write(path: &Path, code: &str) {
    std::fs::write(path, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// "tls.caFile" -> "TlsCaFile", "connect" -> "Connect".
fn variant(name: &str) -> String {
    name.split(['.', '_'])
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// "pubLagP50Us" -> "PUB_LAG_P50_US".
fn constant(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn obj<'a>(v: &'a Value, what: &str) -> &'a Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what}: an object expected"))
}

fn string<'a>(v: &'a Map<String, Value>, key: &str, what: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{what}: \"{key}\" (a string) is required"))
}

/// A setting as one element sees it: the shared entry with that element's overrides applied.
fn resolved(setting: &Map<String, Value>, overrides: &Map<String, Value>) -> Map<String, Value> {
    let mut s = setting.clone();
    s.remove("in");
    for (k, v) in overrides {
        s.insert(k.clone(), v.clone());
    }
    s
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn conditions(v: Option<&Value>, what: &str) -> String {
    let mut out = String::from("&[");
    for c in v.and_then(Value::as_array).into_iter().flatten() {
        let c = obj(c, what);
        let key = string(c, "key", what);
        let test = if let Some(values) = c.get("in") {
            format!("Test::In(&{:?})", str_list(Some(values)))
        } else if let Some(values) = c.get("notIn") {
            format!("Test::NotIn(&{:?})", str_list(Some(values)))
        } else if c.get("set") == Some(&Value::Bool(true)) {
            "Test::Set".to_string()
        } else {
            panic!("{what}: a condition needs \"in\", \"notIn\" or \"set\": true")
        };
        let why = c.get("why").and_then(Value::as_str).unwrap_or("");
        let _ = write!(
            out,
            "Condition {{ key: {key:?}, test: {test}, why: {why:?} }}, "
        );
    }
    out.push(']');
    out
}

fn settings_code(doc: &Value) -> (String, String) {
    let doc = obj(doc, "settings.json");
    let elements = obj(
        doc.get("elements").expect("settings.json: \"elements\""),
        "elements",
    );
    let settings = doc
        .get("settings")
        .and_then(Value::as_array)
        .expect("settings.json: \"settings\" (an array)");

    let mut ids: Vec<String> = Vec::new();
    let mut rows = String::new();
    for s in settings {
        let s = obj(s, "a setting");
        let key = string(s, "key", "a setting");
        let what = format!("setting {key}");
        let in_ = obj(
            s.get("in")
                .unwrap_or_else(|| panic!("{what}: \"in\" is required")),
            &what,
        );
        for (element, overrides) in in_ {
            assert!(
                elements.contains_key(element),
                "{what}: unknown element {element}"
            );
            let r = resolved(s, obj(overrides, &what));
            let id = string(&r, "id", &what).to_string();
            if !ids.contains(&id) {
                ids.push(id.clone());
            }
            rows.push_str(&spec_row(element, key, &id, &r, elements, &what));
        }
    }

    let mut id_code = String::from(
        "/// A setting's identity: the engine's own name for it, the key of the settings document.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Id {\n",
    );
    for id in &ids {
        let _ = writeln!(id_code, "    {},", variant(id));
    }
    id_code.push_str("}\n\nimpl Id {\n    pub const ALL: &'static [Id] = &[");
    for id in &ids {
        let _ = write!(id_code, "Id::{}, ", variant(id));
    }
    id_code.push_str(
        "];\n\n    /// The name in the settings document (nested groups joined by '.').\n    \
         pub const fn name(self) -> &'static str {\n        match self {\n",
    );
    for id in &ids {
        let _ = writeln!(id_code, "            Id::{} => {id:?},", variant(id));
    }
    id_code.push_str("        }\n    }\n}\n");

    let mut table = String::from(
        "/// The elements, as the description names them.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Element {\n",
    );
    for name in elements.keys() {
        let _ = writeln!(table, "    {},", variant(name));
    }
    table.push_str("}\n\nimpl Element {\n    pub const ALL: &'static [Element] = &[");
    for name in elements.keys() {
        let _ = write!(table, "Element::{}, ", variant(name));
    }
    table.push_str("];\n\n    pub const fn name(self) -> &'static str {\n        match self {\n");
    for name in elements.keys() {
        let _ = writeln!(table, "            Element::{} => {name:?},", variant(name));
    }
    table.push_str("        }\n    }\n\n    pub const fn label(self) -> &'static str {\n        match self {\n");
    for (name, e) in elements {
        let label = string(obj(e, name), "label", name);
        let _ = writeln!(
            table,
            "            Element::{} => {label:?},",
            variant(name)
        );
    }
    table.push_str("        }\n    }\n\n    /// The response code of a sample whose settings are refused.\n    pub const fn bad_code(self) -> &'static str {\n        match self {\n");
    for (name, e) in elements {
        let code = string(obj(e, name), "badSettingCode", name);
        let _ = writeln!(table, "            Element::{} => {code:?},", variant(name));
    }
    table.push_str("        }\n    }\n}\n\n");
    table.push_str("/// Every (element, setting) pair, in the description's order.\npub static SPECS: &[Spec] = &[\n");
    table.push_str(&rows);
    table.push_str("];\n");
    (id_code, table)
}

fn spec_row(
    element: &str,
    key: &str,
    id: &str,
    r: &Map<String, Value>,
    elements: &Map<String, Value>,
    what: &str,
) -> String {
    let kind = string(r, "type", what);
    let default = match r.get("default") {
        None => panic!("{what}: \"default\" is required (null for none)"),
        Some(Value::Null) => "Default::None".to_string(),
        Some(Value::Bool(b)) => format!("Default::Bool({b})"),
        Some(Value::String(s)) => format!("Default::Text({s:?})"),
        Some(Value::Number(n)) if kind == "decimal" => {
            format!("Default::Decimal({:?})", n.as_f64().expect("a number"))
        }
        Some(Value::Number(n)) => format!(
            "Default::Int({})",
            n.as_i64()
                .unwrap_or_else(|| panic!("{what}: a whole default"))
        ),
        Some(other) => panic!("{what}: default {other} is not a value"),
    };
    let kind_code = match kind {
        "text" => "Kind::Text".to_string(),
        "secret" => "Kind::Secret".to_string(),
        "path" => "Kind::Path".to_string(),
        "bool" => "Kind::Bool".to_string(),
        "pairs" => "Kind::Pairs".to_string(),
        "int" => {
            let n = |k: &str| {
                r.get(k)
                    .and_then(Value::as_i64)
                    .unwrap_or_else(|| panic!("{what}: int needs \"{k}\""))
            };
            format!("Kind::Int {{ min: {}, max: {} }}", n("min"), n("max"))
        }
        "decimal" => {
            let max = r
                .get("max")
                .and_then(Value::as_f64)
                .unwrap_or_else(|| panic!("{what}: decimal needs \"max\""));
            let (low, exclusive) = match (r.get("min"), r.get("above")) {
                (Some(m), None) => (m.as_f64().expect("min"), false),
                (None, Some(a)) => (a.as_f64().expect("above"), true),
                _ => panic!("{what}: decimal needs one of \"min\" or \"above\""),
            };
            format!("Kind::Decimal {{ low: {low:?}, exclusive: {exclusive}, max: {max:?} }}")
        }
        "choice" => {
            let mut c = String::from("Kind::Choice(&[");
            for ch in r
                .get("choices")
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{what}: choice needs \"choices\""))
            {
                let ch = obj(ch, what);
                let value = string(ch, "value", what);
                let label = ch.get("label").and_then(Value::as_str).unwrap_or("");
                let aliases = str_list(ch.get("aliases"));
                let _ = write!(
                    c,
                    "Choice {{ value: {value:?}, label: {label:?}, aliases: &{aliases:?} }}, "
                );
            }
            c.push_str("])");
            c
        }
        other => panic!("{what}: unknown type {other}"),
    };
    let trim = r.get("trim") == Some(&Value::Bool(true));
    let blank = match r.get("blank").and_then(Value::as_str) {
        None => "Blank::Usual",
        Some("default") => "Blank::Default",
        Some("error") => "Blank::Error",
        Some("keep") => "Blank::Keep",
        Some(other) => panic!("{what}: unknown blank handling {other}"),
    };
    let label = string(r, "label", what);
    let unit = r.get("unit").and_then(Value::as_str).unwrap_or("");
    let element_code = obj(&elements[element], element);
    let code = r
        .get("badSettingCode")
        .and_then(Value::as_str)
        .unwrap_or_else(|| string(element_code, "badSettingCode", element));
    format!(
        "    Spec {{ element: Element::{}, key: {key:?}, id: Id::{}, kind: {kind_code}, \
         default: {default}, trim: {trim}, blank: {blank}, label: {label:?}, unit: {unit:?}, \
         bad_code: {code:?}, used_when: {}, requires: {} }},\n",
        variant(element),
        variant(id),
        conditions(r.get("usedWhen"), what),
        conditions(r.get("requires"), what),
    )
}

fn figures_code(doc: &Value) -> String {
    let figures = obj(doc, "results.json")
        .get("figures")
        .and_then(Value::as_array)
        .expect("results.json: \"figures\" (an array)");
    let mut code = String::new();
    let mut names = Vec::new();
    let mut metrics = Vec::new();
    let mut unset = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let f = obj(f, "a figure");
        let name = string(f, "name", "a figure");
        let doc = f.get("doc").and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(
            code,
            "/// {doc}\npub const {}: usize = {i};",
            constant(name)
        );
        names.push(name.to_string());
        let signed = f.get("signed").and_then(Value::as_bool).unwrap_or(false);
        unset.push(if signed { "i64::MIN" } else { "-1" });
        if let Some(m) = f.get("metric") {
            let m = obj(m, "a figure's metric");
            metrics.push(format!(
                "Metric {{ figure: {i}, element: {:?}, name: {:?}, help: {:?} }}",
                string(f, "element", "a figure"),
                string(m, "name", "a figure's metric"),
                string(m, "help", "a figure's metric"),
            ));
        }
    }
    let _ = writeln!(
        code,
        "/// How many figures an outcome carries.\npub const COUNT: usize = {};\n\
         /// Each figure's name, by index.\npub const NAMES: [&str; COUNT] = {names:?};\n\
         /// The Prometheus counters figures add to, each sample.\n\
         pub const METRICS: [Metric; {}] = [{}];\n\
         /// Each figure's value when it is not available: -1, or the lowest number for a figure\n\
         /// that may be negative (`signed`).\n\
         pub const UNSET: [i64; COUNT] = [{}];",
        names.len(),
        metrics.len(),
        metrics.join(", "),
        unset.join(", ")
    );
    code
}
