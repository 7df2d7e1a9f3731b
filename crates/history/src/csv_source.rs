//! Any CSV export with a header: columns are found by field name, or named with `--map
//! COLUMN=FIELD`. Rows stream through one reused record.

use std::io::Read;

use jiff::ZonedDateTime;
use serde_json::Value;

use crate::error::ImportError;
use crate::importer::{Importer, RowCheck};
use crate::pool::Observation;
use crate::time;

/// The fields a column can be mapped to.
pub const FIELDS: &[&str] = &[
    "interval_start",
    "interval_end",
    "attempts",
    "answered",
    "talk_seconds",
    "abandons",
    "skill",
    "campaign",
];

/// The fields every CSV must have a column for.
const REQUIRED: &[&str] = &["interval_start", "attempts", "answered", "talk_seconds"];

/// Where each field is: its column's index and name.
struct Columns {
    at: Vec<Option<(usize, String)>>,
}

impl Columns {
    fn get<'r>(&self, field: &str, record: &'r csv::StringRecord) -> Option<(&'r str, &str)> {
        let i = FIELDS.iter().position(|f| *f == field)?;
        let (index, name) = self.at[i].as_ref()?;
        Some((record.get(*index).unwrap_or(""), name.as_str()))
    }
}

/// Reads a CSV export.
pub fn read(importer: &mut Importer, file: &str, reader: impl Read) -> Result<(), ImportError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let syntax = |e: csv::Error| ImportError::Syntax {
        file: file.to_owned(),
        format: "csv",
        message: e.to_string(),
    };
    let header = csv.headers().map_err(syntax)?.clone();
    let Some(columns) = resolve(importer, file, &header) else {
        return Ok(());
    };
    let tz = importer.options.time_zone.clone();
    let mut record = csv::StringRecord::new();
    let mut cached: Option<(String, Result<ZonedDateTime, String>)> = None;
    let mut row = 0u64;
    while csv.read_record(&mut record).map_err(syntax)? {
        row += 1;
        let skill = columns.get("skill", &record).map(|(v, _)| v);
        let campaign = columns.get("campaign", &record).map(|(v, _)| v);
        if !importer.keep(skill, campaign) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut c = RowCheck::new(importer, file, format!("row {row} (line {line})"));
        let text = |field: &str| columns.get(field, &record);
        let value = |field: &str| text(field).map(|(v, _)| Value::String(v.to_owned()));
        let name = |field: &str| text(field).map_or(field.to_owned(), |(_, n)| n.to_owned());
        // Exports repeat each interval's start on many rows (one per skill or campaign).
        let start = match text("interval_start") {
            Some((s, column)) => {
                let parsed = match &cached {
                    Some((t, z)) if t == s => z.clone(),
                    _ => {
                        let z = time::local_time(s, &tz);
                        cached = Some((s.to_owned(), z.clone()));
                        z
                    }
                };
                parsed.map_err(|m| c.fail(column, m)).ok()
            }
            None => None,
        };
        let length = match (text("interval_end"), &start) {
            (Some((s, column)), Some(start)) if !s.is_empty() => time::local_time(s, &tz)
                .map(|end| end.timestamp().as_second() - start.timestamp().as_second())
                .map_err(|m| c.fail(column, m))
                .ok(),
            _ => None,
        };
        let dials = c.count(&name("attempts"), value("attempts").as_ref());
        let answered = c.count(&name("answered"), value("answered").as_ref());
        c.answered_within_dials(&name("answered"), answered, &name("attempts"), dials);
        let talk = if answered > 0 {
            c.seconds(&name("talk_seconds"), value("talk_seconds").as_ref())
        } else {
            0.0
        };
        let abandons = match value("abandons") {
            Some(v) => c.optional_count(&name("abandons"), Some(&v)),
            None => None,
        };
        let observation = start.map(|start| Observation {
            start,
            length_seconds: length,
            dials,
            answered,
            talk_seconds: answered as f64 * talk,
            talk_count: answered,
            abandons,
        });
        c.finish(observation);
    }
    Ok(())
}

/// Finds each field's column; every missing column is a problem, all listed.
fn resolve(importer: &mut Importer, file: &str, header: &csv::StringRecord) -> Option<Columns> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
    };
    let names: Vec<&str> = header.iter().collect();
    let mut ok = true;
    let mut at = Vec::new();
    for field in FIELDS {
        let mapped = importer
            .options
            .columns
            .iter()
            .rev()
            .find(|(_, f)| f == field)
            .map(|(c, _)| c.clone());
        let found = match &mapped {
            Some(column) => match find(column) {
                Some(i) => Some((i, header[i].to_owned())),
                None => {
                    importer.problem(
                        file,
                        "header",
                        Some(column),
                        format!(
                            "is not a column (mapped to `{field}`); the header has: {}",
                            names.join(", ")
                        ),
                    );
                    ok = false;
                    None
                }
            },
            None => find(field).map(|i| (i, header[i].to_owned())),
        };
        if found.is_none() && mapped.is_none() && REQUIRED.contains(field) {
            importer.problem(
                file,
                "header",
                Some(field),
                format!(
                    "has no column: name one with --map COLUMN={field}; the header has: {}",
                    names.join(", ")
                ),
            );
            ok = false;
        }
        at.push(found);
    }
    ok.then_some(Columns { at })
}
