//! The payload contract, from Python: validation, the simulate request a payload becomes, and the
//! variance check. All of it is the `contract` crate's.

use contract::{HistoricalBucket, Payload, SimulateRequest};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::{self, VALUE_ERROR, Violation};

/// The name errors give a payload: the seed's model.
pub const PAYLOAD: &str = "PredictiveSimulationPayload";

/// Every violation of a payload (JSON text), each as (field path, message, error type); empty when
/// the payload is valid. A payload that does not decode gives the one field that does not fit.
#[pyfunction]
pub fn validate_payload(payload: &str) -> Vec<Violation> {
    let mut de = serde_json::Deserializer::from_str(payload);
    let decoded: Result<Payload, _> = serde_path_to_error::deserialize(&mut de);
    match decoded {
        Err(e) => vec![errors::decode_violation(&e)],
        Ok(payload) => payload
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.path, v.message, VALUE_ERROR))
            .collect(),
    }
}

/// A payload (JSON text) that decodes and obeys every rule, or the `ValidationError` listing every
/// violation.
pub fn validated_payload(py: Python<'_>, text: &str) -> PyResult<Payload> {
    let payload: Payload = errors::decode(py, PAYLOAD, text)?;
    payload.validate().map_err(|violations| {
        errors::rule_violations(
            py,
            PAYLOAD,
            violations.into_iter().map(|v| (v.path, v.message)),
        )
    })?;
    Ok(payload)
}

/// The simulate request body (JSON text) the seed sends for a valid payload (JSON text):
/// interval 3 s, at most 50 lines, the history as given.
#[pyfunction]
pub fn simulate_request(py: Python<'_>, payload: &str) -> PyResult<String> {
    let payload = validated_payload(py, payload)?;
    serde_json::to_string(&SimulateRequest::from_payload(&payload)).map_err(errors::internal)
}

/// The seed's variance check (JSON text of its dict): the simulated rate against the unweighted
/// mean answer rate of the history buckets with attempts, held against `threshold`.
#[pyfunction]
pub fn variance(
    py: Python<'_>,
    simulated_rate: f64,
    history: &str,
    threshold: f64,
) -> PyResult<String> {
    let history: Vec<HistoricalBucket> = errors::decode(py, "historical_matrix", history)?;
    let analysis = contract::variance::analyse(simulated_rate, &history, threshold)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    serde_json::to_string(&analysis).map_err(errors::internal)
}
