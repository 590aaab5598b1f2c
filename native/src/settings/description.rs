//! The settings description (contract/settings.json), compiled in by build.rs: for every element,
//! each setting's property key, identity, type, default, range and label. The only place in the
//! engine that knows JMeter's property keys and labels.

use crate::sampler::config::Id;

/// What a setting holds, and the values it accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text (trimmed when the description says so).
    Text,
    /// Text never quoted in a message, log or result.
    Secret,
    /// A file or folder; the Java side has made a relative path absolute.
    Path,
    Bool,
    /// A whole number in min..=max.
    Int {
        min: i64,
        max: i64,
    },
    /// A number in low..=max (above `low` when exclusive).
    Decimal {
        low: f64,
        exclusive: bool,
        max: f64,
    },
    /// One of the choices, in its canonical spelling.
    Choice(&'static [Choice]),
    /// `name=value` lines (MQTT 5.0 user properties).
    Pairs,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// What is saved and what the engine reads.
    pub value: &'static str,
    /// What a GUI shows instead of the value, when it differs ("" = the value); accepted too.
    pub label: &'static str,
    /// Other spellings accepted for it (older plans, other tools).
    pub aliases: &'static [&'static str],
}

/// The value a setting has when its property is absent (or blank, see `Blank`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    /// Not set: the element decides (e.g. "auto").
    None,
    Text(&'static str),
    Int(i64),
    Decimal(f64),
    Bool(bool),
}

/// What a present but blank value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Text keeps it (an empty text is a value); anything else takes its default.
    Usual,
    /// Takes the default, text too.
    Default,
    /// Text keeps it.
    Keep,
    /// Refused: a field emptied in the GUI is not silently replaced by the default.
    Error,
}

/// A test on another setting of the same element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub key: &'static str,
    pub test: Test,
    /// For `requires`: why the setting needs it ("needs MQTT 5.0").
    pub why: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// Its value is one of these (compared without regard to case).
    In(&'static [&'static str]),
    NotIn(&'static [&'static str]),
    /// Its value is not blank.
    Set,
}

/// One setting as one element has it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub element: Element,
    /// The JMeter property key.
    pub key: &'static str,
    pub id: Id,
    pub kind: Kind,
    pub default: Default,
    pub trim: bool,
    pub blank: Blank,
    /// The GUI's label (without the unit).
    pub label: &'static str,
    pub unit: &'static str,
    /// The response code of a sample that this setting fails.
    pub bad_code: &'static str,
    /// The setting is read only when all hold; otherwise it keeps its default, unchecked.
    pub used_when: &'static [Condition],
    /// A value other than the default is refused unless all hold.
    pub requires: &'static [Condition],
}

include!(concat!(env!("OUT_DIR"), "/setting_table.rs"));

/// `element`'s settings, in the description's order.
pub fn specs(element: Element) -> impl Iterator<Item = &'static Spec> {
    SPECS.iter().filter(move |s| s.element == element)
}

pub fn spec(element: Element, id: Id) -> Option<&'static Spec> {
    specs(element).find(|s| s.id == id)
}

pub fn by_key(element: Element, key: &str) -> Option<&'static Spec> {
    specs(element).find(|s| s.key == key)
}

/// The setting named `id` as `element` has it, else as any element has it (a Broker Statistics
/// connection reads the Connect element's settings it does not show).
pub fn describe(element: Element, id: Id) -> Option<&'static Spec> {
    spec(element, id).or_else(|| SPECS.iter().find(|s| s.id == id))
}

impl Spec {
    /// How a message names it: the GUI label and the property key.
    pub fn title(&self) -> String {
        format!("{} ({})", self.label, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_has_settings_and_ids_are_unique_within_one() {
        for e in Element::ALL {
            let mut ids: Vec<Id> = specs(*e).map(|s| s.id).collect();
            assert!(!ids.is_empty(), "{e:?}");
            let n = ids.len();
            ids.dedup();
            ids.sort_by_key(|i| i.name());
            ids.dedup();
            assert_eq!(ids.len(), n, "{e:?}: an id used twice");
        }
        for id in Id::ALL {
            assert!(SPECS.iter().any(|s| s.id == *id), "{id:?}");
        }
    }

    #[test]
    fn defaults_fit_their_kind_and_range() {
        for s in SPECS {
            match (s.kind, s.default) {
                (_, Default::None) => {}
                (Kind::Int { min, max }, Default::Int(v)) => {
                    assert!((min..=max).contains(&v), "{}", s.key)
                }
                (Kind::Decimal { low, max, .. }, Default::Decimal(v)) => {
                    assert!(v >= low && v <= max, "{}", s.key)
                }
                (Kind::Bool, Default::Bool(_)) => {}
                (Kind::Choice(c), Default::Text(v)) => {
                    assert!(c.iter().any(|c| c.value == v), "{}", s.key)
                }
                (Kind::Text | Kind::Secret | Kind::Path | Kind::Pairs, Default::Text(_)) => {}
                (k, d) => panic!("{}: default {d:?} does not fit {k:?}", s.key),
            }
        }
    }

    #[test]
    fn conditions_name_settings_of_the_same_element() {
        for s in SPECS {
            for c in s.used_when.iter().chain(s.requires) {
                // A condition on a setting the element lacks holds (see document.rs); a typo
                // would make it hold silently, so every key must exist somewhere.
                assert!(SPECS.iter().any(|o| o.key == c.key), "{}: {}", s.key, c.key);
            }
        }
    }
}
