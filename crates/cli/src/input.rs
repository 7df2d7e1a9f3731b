//! Reading the JSON files users give: a path or `-` for stdin, with errors that name the file, the
//! field path and the line.

use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use serde::de::DeserializeOwned;

use crate::failure::Failure;

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

/// Parses JSON into `T`, naming the field path, line and column of the first problem.
pub fn parse_json<T: DeserializeOwned>(
    text: &str,
    what: &str,
    source: &Path,
) -> Result<T, Failure> {
    // serde reads a struct from a JSON array too (fields by position): every file we take is an object.
    if !text.trim_start().starts_with('{') {
        return Err(Failure::invalid(anyhow!(
            "{} is not a valid {what}: it must be a JSON object ({{ … }})",
            source_name(source)
        ))
        .hint(
            "see examples/seed_payload.json and examples/ratio_scenario.json for the two shapes",
        ));
    }
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

/// How a source is named in messages.
pub fn source_name(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}
