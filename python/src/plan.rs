//! `plan`: the planner on a payload or a scenario (DESIGN §10), through the `cli` library's
//! [`cli::plan`] — the code `cxone-sim plan` runs — so a plan from Python is the `--json` document
//! of the command, row for row.

use cli::plan::{DocumentKind, PlanDocument, SpecError};
use planner::{PlanError, PlanFlags, Progress, RiskBasis};
use pyo3::prelude::*;
use serde_json::Value;

use crate::errors::{self, VALUE_ERROR};
use crate::payload::PAYLOAD;

/// The name errors give the plan's options.
const OPTIONS: &str = "plan options";

/// The Python keyword argument of a command-line flag: `--answer-rate` → `answer_rate`.
fn keyword(flag: &str) -> String {
    flag.trim_start_matches('-').replace('-', "_")
}

/// Why a run stopped: a plan error, a failed write, or the progress callback's exception (or
/// Ctrl-C).
enum Stop {
    Plan(PlanError),
    Io(std::io::Error),
    Python(PyErr),
}

impl From<PlanError> for Stop {
    fn from(e: PlanError) -> Self {
        Self::Plan(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

fn plan_error(py: Python<'_>, e: &PlanError) -> PyErr {
    let (loc, message) = match e {
        PlanError::Flag { flag, message } => (keyword(flag), message.clone()),
        other => (String::new(), other.to_string()),
    };
    errors::validation_error(py, OPTIONS, vec![(loc, message, VALUE_ERROR)])
}

/// The decoded document: a payload (checked when the spec is built) or a scenario.
fn document(py: Python<'_>, text: &str) -> PyResult<(PlanDocument, &'static str)> {
    let value: Value = errors::decode(py, "plan input", text)?;
    match DocumentKind::of(&value) {
        Some(DocumentKind::Payload) => Ok((
            PlanDocument::Payload(Box::new(errors::decode(py, PAYLOAD, text)?)),
            PAYLOAD,
        )),
        Some(DocumentKind::Scenario) => Ok((
            PlanDocument::Scenario(Box::new(errors::decode(py, "scenario", text)?)),
            "scenario",
        )),
        None => Err(errors::neither_kind(py, "plan input")),
    }
}

/// Runs the plan of `document` (JSON text of a payload or a scenario, named `name` in the output)
/// and returns the `cxone-sim plan --json` document (JSON text). The options are the command's
/// flags. `progress(units_done, units, rows)` is called after each unit (with the GIL); an
/// exception it raises, or Ctrl-C, stops the plan and is raised here. The GIL is released while
/// the rows run.
#[pyfunction]
#[pyo3(signature = (document, name, answer_rate=None, agents=None, strategy=None, regime=None, risk=None, risk_basis=None, target_connects_per_hour=None, replications=None, seed=None, progress=None))]
#[allow(clippy::too_many_arguments)] // one argument per flag of `cxone-sim plan`
pub fn plan(
    py: Python<'_>,
    document: &str,
    name: String,
    answer_rate: Option<String>,
    agents: Option<String>,
    strategy: Option<String>,
    regime: Option<String>,
    risk: Option<f64>,
    risk_basis: Option<&str>,
    target_connects_per_hour: Option<f64>,
    replications: Option<u32>,
    seed: Option<u64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let risk_basis = match risk_basis {
        None => None,
        Some("window") => Some(RiskBasis::Window),
        Some("period") => Some(RiskBasis::Period),
        Some(other) => {
            return Err(errors::validation_error(
                py,
                OPTIONS,
                vec![(
                    "risk_basis".to_owned(),
                    format!(
                        "is {other:?}; use \"window\" (each shift on its own) or \"period\" (the regime's own period)"
                    ),
                    VALUE_ERROR,
                )],
            ));
        }
    };
    let flags = PlanFlags {
        answer_rate,
        agents,
        strategy,
        regime,
        risk,
        risk_basis,
        target_connects_per_hour,
        replications,
        seed,
    };
    let (doc, title) = self::document(py, document)?;
    let spec = cli::plan::plan_spec(name, doc, &flags).map_err(|e| match e {
        SpecError::Violations(list) => {
            errors::rule_violations(py, title, list.into_iter().map(|v| (v.path, v.message)))
        }
        SpecError::Plan(e) => plan_error(py, &e),
    })?;
    let done = py.detach(|| {
        let mut on_progress = |p: Progress| -> Result<(), Stop> {
            Python::attach(|py| {
                py.check_signals()?;
                match &progress {
                    Some(callback) => callback
                        .call1(py, (p.units_done, p.units, p.rows))
                        .map(drop),
                    None => Ok(()),
                }
            })
            .map_err(Stop::Python)
        };
        cli::plan::run_document(&spec, &mut on_progress)
    });
    match done {
        Ok((text, _)) => Ok(text),
        Err(Stop::Python(e)) => Err(e),
        Err(Stop::Plan(e)) => Err(plan_error(py, &e)),
        Err(Stop::Io(e)) => Err(errors::internal(e)),
    }
}
