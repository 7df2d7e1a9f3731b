//! `simulate`: the engine on a payload or a scenario (DESIGN §5.6), as `cxone-sim simulate` runs it.

use contract::SimulateRequest;
use dialer::Scenario;
use pyo3::prelude::*;
use serde_json::Value;

use crate::errors::{self, VALUE_ERROR};
use crate::payload;

/// A payload has a `historical_matrix`; a scenario has a `dialer` or a `window_minutes`.
fn is_payload(value: &Value) -> Option<bool> {
    let object = value.as_object()?;
    if object.contains_key("historical_matrix") {
        Some(true)
    } else if object.contains_key("dialer") || object.contains_key("window_minutes") {
        Some(false)
    } else {
        None
    }
}

/// The scenario a payload (mapped as the emulator maps it, DESIGN §5.5) or a scenario document gives.
fn scenario_of(py: Python<'_>, document: &str) -> PyResult<Scenario> {
    let value: Value = errors::decode(py, "scenario", document)?;
    match is_payload(&value) {
        Some(true) => {
            let payload = payload::validated_payload(py, document)?;
            let request = SimulateRequest::from_payload(&payload);
            // Checked as the emulator checks it, then opened again: the seed and replications given
            // here may still change, and the whole is checked once more before it runs.
            emulator::scenario_for_request(&request, &payload.campaign_id)
                .map(dialer::ValidScenario::into_scenario)
                .map_err(|failure| {
                    errors::rule_violations(py, payload::PAYLOAD, [(String::new(), failure.detail)])
                })
        }
        Some(false) => errors::decode(py, "scenario", document),
        None => Err(errors::validation_error(
            py,
            "scenario",
            vec![(
                String::new(),
                "is neither a payload (it has no `historical_matrix`) nor a scenario (it has no \
                 `dialer`); see examples/seed_payload.json and examples/ratio_scenario.json"
                    .to_owned(),
                VALUE_ERROR,
            )],
        )),
    }
}

/// Runs the engine on `document` (JSON text of a payload or a scenario) and returns the report
/// (JSON text, the shape of `cxone-sim simulate --json`). `replications` and `seed` override the
/// document's. The GIL is released while the engine runs.
#[pyfunction]
#[pyo3(signature = (document, replications=None, seed=None))]
pub fn simulate(
    py: Python<'_>,
    document: &str,
    replications: Option<u32>,
    seed: Option<u64>,
) -> PyResult<String> {
    let mut scenario = scenario_of(py, document)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    if let Some(replications) = replications {
        scenario.replications = replications;
    }
    let valid = scenario.validate().map_err(|violations| {
        errors::rule_violations(
            py,
            "scenario",
            violations.into_iter().map(|v| (v.path, v.message)),
        )
    })?;
    let report = py.detach(move || dialer::simulate(&valid, dialer::Options::default()));
    serde_json::to_string(&report).map_err(errors::internal)
}
