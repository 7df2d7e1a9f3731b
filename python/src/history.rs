//! `import_history`: a CXone or Genesys export (or any CSV) into a historical matrix (DESIGN §11),
//! with the `history` crate `cxone-sim history import` runs.

use std::fs::File;
use std::path::PathBuf;

use history::{Answered, ImportError, Importer, Options, Source};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::errors::{self, VALUE_ERROR};

/// The name errors give an import.
const TITLE: &str = "history import";

const SOURCES: [Source; 4] = [
    Source::CxoneDialerContacts,
    Source::CxoneSkillSummary,
    Source::GenesysAggregates,
    Source::Csv,
];

/// `ValidationError` whose violations each have a location of several parts (a file name keeps
/// its dots).
fn located_error(py: Python<'_>, violations: Vec<(Vec<String>, String, &'static str)>) -> PyErr {
    let built = (|| -> PyResult<Bound<'_, PyAny>> {
        let list = violations
            .into_iter()
            .map(|(loc, msg, kind)| {
                let error = PyDict::new(py);
                error.set_item("loc", PyTuple::new(py, loc)?)?;
                error.set_item("msg", msg)?;
                error.set_item("type", kind)?;
                Ok(error)
            })
            .collect::<PyResult<Vec<_>>>()?;
        py.import("cxone_sim._errors")?
            .getattr("ValidationError")?
            .call1((TITLE, list))
    })();
    match built {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

fn import_error(py: Python<'_>, e: ImportError) -> PyErr {
    match e {
        ImportError::Options(message) => located_error(py, vec![(vec![], message, VALUE_ERROR)]),
        ImportError::Io { file, source } => {
            let message = format!("could not read {file}: {source}; check the path");
            if source.kind() == std::io::ErrorKind::NotFound {
                PyFileNotFoundError::new_err(message)
            } else {
                PyOSError::new_err(message)
            }
        }
        ImportError::Syntax {
            file,
            format,
            message,
        } => located_error(
            py,
            vec![(
                vec![file],
                format!(
                    "is not a valid {format} export: {message}; check `source`: the file must be that export, as saved"
                ),
                "syntax_error",
            )],
        ),
        ImportError::Invalid { problems } => {
            let more = problems.total - problems.listed.len();
            let mut list: Vec<_> = problems
                .listed
                .into_iter()
                .map(|p| {
                    let mut loc = vec![p.file];
                    if !p.at.is_empty() {
                        loc.push(p.at);
                    }
                    loc.extend(p.field);
                    (loc, p.message, VALUE_ERROR)
                })
                .collect();
            if more > 0 {
                list.push((vec![], format!("… and {more} more"), VALUE_ERROR));
            }
            located_error(py, list)
        }
        other => located_error(py, vec![(vec![], other.to_string(), VALUE_ERROR)]),
    }
}

/// Imports the exports at `paths` (pooled) from `source` and returns `{"historical_matrix",
/// "source"}` (JSON text), as `cxone-sim history import --json` prints it. The GIL is released
/// while the files are read.
#[pyfunction]
#[pyo3(signature = (source, paths, skills, campaign, answered, tz, bucket_minutes, columns))]
#[allow(clippy::too_many_arguments)] // one argument per flag of `cxone-sim history import`
pub fn import_history(
    py: Python<'_>,
    source: &str,
    paths: Vec<PathBuf>,
    skills: Vec<String>,
    campaign: Option<String>,
    answered: &str,
    tz: &str,
    bucket_minutes: Option<u32>,
    columns: Vec<(String, String)>,
) -> PyResult<String> {
    let mut problems = Vec::new();
    let found = SOURCES.iter().copied().find(|s| s.name() == source);
    if found.is_none() {
        let known: Vec<&str> = SOURCES.iter().map(|s| s.name()).collect();
        problems.push((
            vec!["source".to_owned()],
            format!("is {source:?}; use one of {}", known.join(", ")),
            VALUE_ERROR,
        ));
    }
    let answered = match answered {
        "connects" => Some(Answered::Connects),
        "rpc" => Some(Answered::RightParty),
        other => {
            problems.push((
                vec!["answered".to_owned()],
                format!("is {other:?}; use \"connects\" (every connect) or \"rpc\" (right-party connects)"),
                VALUE_ERROR,
            ));
            None
        }
    };
    let time_zone = match jiff::tz::db().get(tz) {
        Ok(zone) => Some(zone),
        Err(e) => {
            problems.push((
                vec!["tz".to_owned()],
                format!("{tz:?} is not a known time zone ({e}); use an IANA name such as America/New_York, Europe/London or UTC"),
                VALUE_ERROR,
            ));
            None
        }
    };
    if paths.is_empty() {
        problems.push((
            vec!["path_or_paths".to_owned()],
            "is empty; give the export file, or a list of them".to_owned(),
            VALUE_ERROR,
        ));
    }
    let (Some(source), Some(answered), Some(time_zone), true) =
        (found, answered, time_zone, problems.is_empty())
    else {
        return Err(located_error(py, problems));
    };
    let options = Options {
        time_zone,
        time_zone_name: tz.to_owned(),
        skills,
        campaign,
        answered,
        bucket_minutes,
        columns,
    };
    let mut importer = Importer::new(source, options).map_err(|e| import_error(py, e))?;
    let read = py.detach(|| -> Result<_, ImportError> {
        for path in &paths {
            let name = path.display().to_string();
            let file = File::open(path).map_err(|source| ImportError::Io {
                file: name.clone(),
                source,
            })?;
            importer.read(&name, std::io::BufReader::new(file))?;
        }
        importer.finish()
    });
    let imported = read.map_err(|e| import_error(py, e))?;
    serde_json::to_string(&imported).map_err(errors::internal)
}
