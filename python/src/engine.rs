//! `simulate`: the engine on a payload or a scenario (DESIGN §5.6), as `cxone-sim simulate` runs it.

use cli::plan::DocumentKind;
use contract::SimulateRequest;
use dialer::Scenario;
use pyo3::prelude::*;
use serde_json::Value;

use crate::errors;
use crate::payload;

/// The scenario a payload (mapped as the emulator maps it, DESIGN §5.5) or a scenario document gives.
fn scenario_of(py: Python<'_>, document: &str) -> PyResult<Scenario> {
    let value: Value = errors::decode(py, "scenario", document)?;
    match DocumentKind::of(&value) {
        Some(DocumentKind::Payload) => {
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
        Some(DocumentKind::Scenario) => errors::decode(py, "scenario", document),
        None => Err(errors::neither_kind(py, "scenario")),
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
