//! The shape of a JSON document, as a table of its fields, and the check that walks a parsed document
//! against it and reports every type, range, missing-field and unknown-field problem at once, in
//! plain words (`agents: must be a whole number from 1 to 10 000 (got "12")`).
//!
//! A type describes itself once, field by field ([`Field`]: name, [`Kind`] with its range,
//! [`Presence`], help), and that table is the one home of its per-field rules: the typed checks call
//! [`Kind::check_number`], [`Kind::check_whole`] and [`Kind::check_text`] on the same entries. Rules
//! that span fields stay with the type. [`decode`] checks a document and reads the typed value when
//! its types are right.
//!
//! ```
//! use violation::shape::{Field, Kind, Shape, check};
//!
//! static CAMPAIGN: Shape = Shape::new(&[
//!     Field::required("campaign_id", Kind::TEXT, "the outbound campaign's ID"),
//!     Field::optional("agents", Kind::Whole { min: 1, max: 10_000 }, "agents on the campaign"),
//! ]);
//! let found = check(&serde_json::json!({"agents": "12", "agnets": 3}), &CAMPAIGN, "payload");
//! let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
//! assert_eq!(lines, [
//!     "campaign_id: missing; the outbound campaign's ID",
//!     r#"agents: must be a whole number from 1 to 10 000 (got "12")"#,
//!     "agnets: unknown field; did you mean agents?",
//! ]);
//! ```

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::Violation;

/// The fields of one JSON object.
#[derive(Debug)]
pub struct Shape {
    /// Every field the object may hold, in the order problems are reported.
    pub fields: &'static [Field],
}

impl Shape {
    /// A shape of these fields.
    pub const fn new(fields: &'static [Field]) -> Self {
        Self { fields }
    }

    /// The field called `name` (or with `name` as an alias).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.aliases.contains(&name))
    }
}

/// Whether a field must be there, may be left out, or may also be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Must be given.
    Required,
    /// May be left out (a default applies), but not `null`.
    Defaulted,
    /// May be left out or `null`.
    Optional,
}

/// A text field's own rule: `Err` says what is wrong, worded to follow the field's name.
pub type TextRule = fn(&str) -> Result<(), String>;

/// What a field holds, with its allowed range.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// An integer from `min` to `max` (a `max` of `u32::MAX` or more reads as "≥ min").
    Whole {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A number from `min` to `max` (infinite bounds are left unsaid); above `min` when `above_min`.
    Number {
        /// Smallest allowed (or the bound it must be above).
        min: f64,
        /// Largest allowed.
        max: f64,
        /// `min` itself is not allowed.
        above_min: bool,
    },
    /// A string, with its own rule if it has one.
    Text {
        /// The rule, if any (a pattern, a length).
        rule: Option<TextRule>,
    },
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An object of this shape.
    Object(&'static Shape),
    /// A list of `min` to `max` items of `item`, each called `noun` in messages.
    List {
        /// Each item's kind.
        item: &'static Kind,
        /// Fewest items.
        min: usize,
        /// Most items.
        max: usize,
        /// What an item is (`time buckets`).
        noun: &'static str,
    },
    /// An object whose `tag` field picks one of `variants`, each with the rest of its fields.
    Tagged {
        /// The field that names the variant (`mode`, `dist`).
        tag: &'static str,
        /// Each variant's tag value and other fields.
        variants: &'static [(&'static str, &'static Shape)],
    },
}

/// One field of an object.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The field's name.
    pub name: &'static str,
    /// Other names the field is accepted under (`timeBucket` for `time_bucket`).
    pub aliases: &'static [&'static str],
    /// What it holds.
    pub kind: Kind,
    /// Whether it must be there.
    pub presence: Presence,
    /// What the field is, for a user who left it out.
    pub help: &'static str,
}

impl Field {
    /// A field that must be given.
    pub const fn required(name: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            name,
            aliases: &[],
            kind,
            presence: Presence::Required,
            help,
        }
    }

    /// A field that may be left out or `null`.
    pub const fn optional(name: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            presence: Presence::Optional,
            ..Self::required(name, kind, help)
        }
    }

    /// A field that may be left out (a default applies), but not `null`.
    pub const fn defaulted(name: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            presence: Presence::Defaulted,
            ..Self::required(name, kind, help)
        }
    }

    /// The same field, also accepted under these names.
    pub const fn aka(self, aliases: &'static [&'static str]) -> Self {
        Self { aliases, ..self }
    }

    /// The same field under another name (the wire's `answerRate` for the payload's `answer_rate`).
    pub const fn named(self, name: &'static str) -> Self {
        Self {
            name,
            aliases: &[],
            ..self
        }
    }
}

impl Kind {
    /// Text without a rule of its own.
    pub const TEXT: Kind = Kind::Text { rule: None };

    /// What the kind allows, in plain words (`a whole number from 1 to 10 000`).
    pub fn describe(&self) -> String {
        match *self {
            Kind::Whole { min, max } if max >= u64::from(u32::MAX) => {
                format!("a whole number ≥ {}", group(min as f64))
            }
            Kind::Whole { min, max } => {
                format!(
                    "a whole number from {} to {}",
                    group(min as f64),
                    group(max as f64)
                )
            }
            Kind::Number {
                min,
                max,
                above_min,
            } => {
                let low = min.is_finite();
                let high = max.is_finite();
                match (low, high, above_min) {
                    (false, false, _) => "a number".to_owned(),
                    (true, false, false) => format!("a number ≥ {}", group(min)),
                    (true, false, true) => format!("a number above {}", group(min)),
                    (false, true, _) => format!("a number ≤ {}", group(max)),
                    (true, true, false) => {
                        format!("a number from {} to {}", group(min), group(max))
                    }
                    (true, true, true) => {
                        format!("a number above {} and at most {}", group(min), group(max))
                    }
                }
            }
            Kind::Text { .. } => "text".to_owned(),
            Kind::Bool => "true or false".to_owned(),
            Kind::Choice(choices) => format!("one of {}", choices.join(", ")),
            Kind::Object(_) | Kind::Tagged { .. } => "an object { … }".to_owned(),
            Kind::List {
                min: 0, max, noun, ..
            } if max == usize::MAX => format!("a list of {noun}"),
            Kind::List { min, max, noun, .. } => {
                format!("a list of {min} to {} {noun}", group(max as f64))
            }
        }
    }

    /// Checks a typed number against the range; the message is the document check's.
    pub fn check_number(&self, path: &str, value: f64, out: &mut Vec<Violation>) {
        if let Kind::Number {
            min,
            max,
            above_min,
        } = *self
        {
            let low_ok = if above_min { value > min } else { value >= min };
            if !(value.is_finite() && low_ok && value <= max) {
                out.push(self.violation(path, &value.to_string()));
            }
        }
    }

    /// Checks a typed whole number against the range; the message is the document check's.
    pub fn check_whole(&self, path: &str, value: u64, out: &mut Vec<Violation>) {
        if let Kind::Whole { min, max } = *self
            && !(min..=max).contains(&value)
        {
            out.push(self.violation(path, &value.to_string()));
        }
    }

    /// Checks a typed text against its rule.
    pub fn check_text(&self, path: &str, value: &str, out: &mut Vec<Violation>) {
        if let Kind::Text { rule: Some(rule) } = *self
            && let Err(message) = rule(value)
        {
            out.push(Violation::new(path, message));
        }
    }

    /// Checks a typed list's length.
    pub fn check_len(&self, path: &str, len: usize, out: &mut Vec<Violation>) {
        if let Kind::List { min, max, .. } = *self
            && !(min..=max).contains(&len)
        {
            out.push(self.violation(path, &format!("{len} items")));
        }
    }

    fn violation(&self, path: &str, got: &str) -> Violation {
        Violation::new(path, format!("must be {} (got {got})", self.describe()))
    }

    /// Checks `value` at `path`, appending every problem found.
    fn check_value(&self, path: &str, value: &Value, out: &mut Vec<Violation>) {
        let wrong = |out: &mut Vec<Violation>| out.push(self.violation(path, &shown(value)));
        match *self {
            Kind::Whole { .. } => match value.as_u64() {
                Some(n) => self.check_whole(path, n, out),
                None => wrong(out),
            },
            Kind::Number { .. } => match value.as_f64() {
                Some(x) if value.is_number() => self.check_number(path, x, out),
                _ => wrong(out),
            },
            Kind::Text { .. } => match value.as_str() {
                Some(text) => self.check_text(path, text, out),
                None => wrong(out),
            },
            Kind::Bool => {
                if !value.is_boolean() {
                    wrong(out);
                }
            }
            Kind::Choice(choices) => {
                if !value.as_str().is_some_and(|s| choices.contains(&s)) {
                    wrong(out);
                }
            }
            Kind::Object(shape) => match value.as_object() {
                Some(map) => check_object(path, map, shape, &[], out),
                None => wrong(out),
            },
            Kind::Tagged { tag, variants } => match value.as_object() {
                Some(map) => check_tagged(path, map, tag, variants, out),
                None => wrong(out),
            },
            Kind::List { item, .. } => match value.as_array() {
                Some(items) => {
                    self.check_len(path, items.len(), out);
                    for (i, v) in items.iter().enumerate() {
                        item.check_value(&format!("{path}[{i}]"), v, out);
                    }
                }
                None => wrong(out),
            },
        }
    }
}

/// A type whose JSON document is described by a [`Shape`].
pub trait Described: DeserializeOwned {
    /// The shape of its document.
    fn shape() -> &'static Shape;
}

/// Every problem of `document` against `shape`: the root must be an object (a `what`, such as
/// `payload`), and every field of the right kind, within its range, known, and there when required.
pub fn check(document: &Value, shape: &Shape, what: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    match document.as_object() {
        Some(map) => check_object("", map, shape, &[], &mut out),
        None => out.push(Violation::new(
            "",
            format!(
                "a {what} must be a JSON object ({{ … }}), not {}",
                shown(document)
            ),
        )),
    }
    out
}

/// Checks `document` against `T`'s shape and reads it.
///
/// Every problem the check finds is returned when the typed value cannot be read (a wrong type, a
/// missing or an unknown field). When it can, and the only problems are of range or of a field's own
/// rule, the value is returned: the type's own validation reads the same table, so it reports those
/// problems again, together with the rules that span fields.
pub fn decode<T: Described>(document: Value, what: &str) -> Result<T, Vec<Violation>> {
    let mut found = check(&document, T::shape(), what);
    match serde_json::from_value(document) {
        Ok(value) => Ok(value),
        Err(e) => {
            if found.is_empty() {
                // The shape describes every field of `T`, so this happens only if the two disagree.
                found.push(Violation::new("", e.to_string()));
            }
            Err(found)
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn check_object(
    path: &str,
    map: &Map<String, Value>,
    shape: &Shape,
    also_known: &[&str],
    out: &mut Vec<Violation>,
) {
    for field in shape.fields {
        let given: Vec<&str> = std::iter::once(field.name)
            .chain(field.aliases.iter().copied())
            .filter(|name| map.contains_key(*name))
            .collect();
        let at = join(path, field.name);
        match given.as_slice() {
            [] if field.presence == Presence::Required => {
                out.push(Violation::new(at, format!("missing; {}", field.help)));
            }
            [] => {}
            [name] => {
                let at = join(path, name);
                match &map[*name] {
                    Value::Null if field.presence == Presence::Optional => {}
                    value => field.kind.check_value(&at, value, out),
                }
            }
            names => out.push(Violation::new(
                at,
                format!("given twice, as {}; keep one", names.join(" and ")),
            )),
        }
    }
    for key in map.keys() {
        if also_known.contains(&key.as_str()) || shape.field(key).is_some() {
            continue;
        }
        let names = shape.fields.iter().map(|f| f.name);
        let message = match closest(key, names.clone()) {
            Some(name) => format!("unknown field; did you mean {name}?"),
            None => format!(
                "unknown field; the fields here are {}",
                names.collect::<Vec<_>>().join(", ")
            ),
        };
        out.push(Violation::new(join(path, key), message));
    }
}

fn check_tagged(
    path: &str,
    map: &Map<String, Value>,
    tag: &str,
    variants: &[(&str, &'static Shape)],
    out: &mut Vec<Violation>,
) {
    let names: Vec<&str> = variants.iter().map(|(name, _)| *name).collect();
    let at = join(path, tag);
    let Some(given) = map.get(tag) else {
        out.push(Violation::new(
            at,
            format!("missing; one of {}", names.join(", ")),
        ));
        return;
    };
    match variants
        .iter()
        .find(|(name, _)| given.as_str() == Some(name))
    {
        Some((_, shape)) => check_object(path, map, shape, &[tag], out),
        None => out.push(Violation::new(
            at,
            format!("must be one of {} (got {})", names.join(", "), shown(given)),
        )),
    }
}

/// The known name a misspelt `key` most likely meant: at most two edits away, ignoring case and `_`
/// (`answerRate` and `answer_rat` for `answer_rate`).
fn closest<'a>(key: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let key_squashed = squash(key);
    names
        .map(|name| {
            let d = edits(&key_squashed, &squash(name)).min(edits(key, name));
            (d, name)
        })
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A value as a message shows it: strings and numbers as written, containers by what they are.
fn shown(value: &Value) -> String {
    match value {
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::String(s) if s.chars().count() > 40 => {
            format!(
                "{:?}",
                format!("{}…", s.chars().take(40).collect::<String>())
            )
        }
        other => other.to_string(),
    }
}

/// A number with its thousands grouped by a space from 10 000 up (`10 000`, `1440`, `0.05`).
fn group(x: f64) -> String {
    if !(x.is_finite() && x.fract() == 0.0 && x.abs() >= 10_000.0 && x.abs() < 1e18) {
        return x.to_string();
    }
    let digits = (x.abs() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static ITEM: Shape = Shape::new(&[Field::required(
        "calls_answered",
        Kind::Whole {
            min: 0,
            max: u64::MAX,
        },
        "answered calls",
    )
    .aka(&["callsAnswered"])]);
    static DIST_FIXED: Shape = Shape::new(&[Field::required(
        "mean",
        Kind::Number {
            min: 0.0,
            max: f64::INFINITY,
            above_min: false,
        },
        "the value",
    )]);
    static DOC: Shape = Shape::new(&[
        Field::required("campaign_id", Kind::TEXT, "the outbound campaign's ID"),
        Field::required(
            "answer_rate",
            Kind::Number {
                min: 0.05,
                max: 0.95,
                above_min: false,
            },
            "the answer rate",
        ),
        Field::optional(
            "agents",
            Kind::Whole {
                min: 1,
                max: 10_000,
            },
            "agents",
        ),
        Field::defaulted(
            "dialer_type",
            Kind::Choice(&["PREDICTIVE", "POWER"]),
            "pacing",
        ),
        Field::required(
            "historical_matrix",
            Kind::List {
                item: &Kind::Object(&ITEM),
                min: 1,
                max: 1440,
                noun: "time buckets",
            },
            "history",
        ),
        Field::defaulted(
            "talk",
            Kind::Tagged {
                tag: "dist",
                variants: &[("fixed", &DIST_FIXED)],
            },
            "talk time",
        ),
    ]);

    fn lines(value: Value) -> Vec<String> {
        check(&value, &DOC, "payload")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_problem_is_reported_at_once_in_plain_words() {
        let found = lines(json!({
            "answer_rate": 0.99, "agents": 0, "dialer_type": null, "answer_rat": 1,
            "historical_matrix": [{"calls_answered": 1}, {"calls_answered": "12"}, {"callsAnswerd": 1}],
            "talk": {"dist": "fixed", "mean": -1, "cv": 1}
        }));
        assert_eq!(
            found,
            [
                "campaign_id: missing; the outbound campaign's ID",
                "answer_rate: must be a number from 0.05 to 0.95 (got 0.99)",
                "agents: must be a whole number from 1 to 10 000 (got 0)",
                "dialer_type: must be one of PREDICTIVE, POWER (got null)",
                r#"historical_matrix[1].calls_answered: must be a whole number ≥ 0 (got "12")"#,
                "historical_matrix[2].calls_answered: missing; answered calls",
                "historical_matrix[2].callsAnswerd: unknown field; did you mean calls_answered?",
                "talk.mean: must be a number ≥ 0 (got -1)",
                "talk.cv: unknown field; the fields here are mean",
                "answer_rat: unknown field; did you mean answer_rate?",
            ]
        );
    }

    #[test]
    fn nulls_aliases_tags_and_lists_follow_serde() {
        let ok = json!({"campaign_id": "c", "answer_rate": 0.3, "agents": null,
                        "historical_matrix": [{"callsAnswered": 3}]});
        assert!(lines(ok).is_empty());
        let found = lines(
            json!({"campaign_id": 1, "answer_rate": "0.3", "historical_matrix": [],
                                 "talk": {"dist": "normal"}}),
        );
        assert_eq!(
            found,
            [
                "campaign_id: must be text (got 1)",
                r#"answer_rate: must be a number from 0.05 to 0.95 (got "0.3")"#,
                "historical_matrix: must be a list of 1 to 1440 time buckets (got 0 items)",
                r#"talk.dist: must be one of fixed (got "normal")"#,
            ]
        );
        let twice = lines(json!({"campaign_id": "c", "answer_rate": 0.3,
            "historical_matrix": [{"calls_answered": 1, "callsAnswered": 1}]}));
        assert_eq!(
            twice,
            [
                "historical_matrix[0].calls_answered: given twice, as calls_answered and callsAnswered; keep one"
            ]
        );
    }

    #[test]
    fn a_document_that_is_not_an_object_is_refused() {
        assert_eq!(
            lines(json!([1, 2])),
            ["a payload must be a JSON object ({ … }), not a list"]
        );
    }

    #[test]
    fn typed_checks_speak_like_the_document_check() {
        let mut out = Vec::new();
        DOC.fields[1]
            .kind
            .check_number("answer_rate", f64::NAN, &mut out);
        DOC.fields[2].kind.check_whole("agents", 20_000, &mut out);
        let lines: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "answer_rate: must be a number from 0.05 to 0.95 (got NaN)",
                "agents: must be a whole number from 1 to 10 000 (got 20000)",
            ]
        );
    }

    #[test]
    fn numbers_group_from_ten_thousand() {
        assert_eq!(group(1440.0), "1440");
        assert_eq!(group(100_000.0), "100 000");
        assert_eq!(group(0.05), "0.05");
        assert_eq!(edits("answer_rat", "answer_rate"), 1);
        assert_eq!(
            closest("answerRate", ["answer_rate", "agents"].into_iter()),
            Some("answer_rate")
        );
        assert_eq!(closest("zzz", ["answer_rate"].into_iter()), None);
    }
}
