//! Reading the JSON files users give: a path or `-` for stdin, with errors that name the file, the
//! field path and the line.

use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use contract::Payload;
use serde::de::DeserializeOwned;
use serde_json::Value;
use violation::shape::{self, Described};

use crate::config;
use crate::failure::Failure;
use crate::output;

/// Reads a file, or stdin for `-`.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::runtime(anyhow!("could not read stdin: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| {
        let failure = Failure::invalid(anyhow!("could not read {}: {e}", path.display()));
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                failure.hint("check the path; `-` reads the payload from stdin")
            }
            _ => failure,
        }
    })
}

/// Parses JSON into `T`, naming the field path, line and column of the first problem. For a type
/// with a field table, [`parse_value`] and [`decode`] name every problem at once instead.
pub fn parse_json<T: DeserializeOwned>(
    text: &str,
    what: &str,
    source: &Path,
) -> Result<T, Failure> {
    require_object(text, what, source)?;
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Failure::invalid(anyhow!(
            "{} is not a valid {what}{at}: {inner}",
            source_name(source)
        ))
    })
}

/// Parses JSON text, naming the line and column of a syntax error; every file we take is an object.
pub fn parse_value(text: &str, what: &str, source: &Path) -> Result<Value, Failure> {
    require_object(text, what, source)?;
    serde_json::from_str(text)
        .map_err(|e| Failure::invalid(anyhow!("{} is not valid JSON: {e}", source_name(source))))
}

// serde reads a struct from a JSON array too (fields by position): refuse anything but an object.
fn require_object(text: &str, what: &str, source: &Path) -> Result<(), Failure> {
    if text.trim_start().starts_with('{') {
        return Ok(());
    }
    Err(Failure::invalid(anyhow!(
        "{} is not a valid {what}: it must be a JSON object ({{ … }})",
        source_name(source)
    ))
    .hint("see examples/seed_payload.json and examples/ratio_scenario.json for the two shapes"))
}

/// Checks a parsed document against `T`'s field table and reads it: every type, range, missing-field
/// and unknown-field problem is listed at once (exit 2), followed by `hint`.
pub fn decode<T: Described>(
    value: Value,
    what: &str,
    source: &Path,
    hint: &str,
) -> Result<T, Failure> {
    shape::decode(value, what)
        .map_err(|found| output::listed_violations(&source_name(source), &found).hint(hint))
}

/// A payload document with `CXONE_CAMPAIGN_ID` (when set) in place of its `campaign_id`.
pub fn with_campaign_override(mut value: Value) -> Value {
    if let (Some(id), Some(map)) = (config::var("CXONE_CAMPAIGN_ID"), value.as_object_mut()) {
        map.insert("campaign_id".to_owned(), Value::String(id));
    }
    value
}

/// A payload document, read with [`with_campaign_override`]; the payload's rules are left to
/// [`Payload::validate`].
pub fn payload(value: Value, source: &Path) -> Result<Payload, Failure> {
    decode(
        with_campaign_override(value),
        "payload",
        source,
        output::PAYLOAD_HINT,
    )
}

/// How a source is named in messages.
pub fn source_name(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}
