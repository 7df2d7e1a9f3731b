//! The run's side effects, as `cxone-sim run` has them: the workforce-planner webhook and the audit
//! line. Both are the `cli` library's code.

use cli::audit::{self, AuditEntry, PayloadSnapshot, RunOutcome, WebhookRecord};
use cli::webhook::{self, Webhook};
use contract::{SimulateResponse, VarianceAnalysis};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use serde_json::Value;

use crate::backend::checked_url;
use crate::errors::{self, VALUE_ERROR};
use crate::runtime;

/// How the package introduces itself to the planner.
const USER_AGENT: &str = concat!("cxone-sim-python/", env!("CARGO_PKG_VERSION"));

/// Posts `SIMULATION_COMPLETED` for `campaign_id` with `variance` (JSON text of the variance
/// analysis) to `url`, signed with `secret` when given, with the planner's `bearer` when given;
/// retried, never raising for a failed delivery. Returns the delivery record (JSON text). The GIL is
/// released meanwhile.
#[pyfunction]
#[pyo3(signature = (url, campaign_id, variance, secret=None, bearer=None))]
pub fn deliver_webhook(
    py: Python<'_>,
    url: &str,
    campaign_id: &str,
    variance: &str,
    secret: Option<&str>,
    bearer: Option<String>,
) -> PyResult<String> {
    let url = checked_url(py, "callback_url", url)?;
    let analysis: VarianceAnalysis = errors::decode(py, "variance_result", variance)?;
    let signing_key = secret
        .map(webhook::signing_key)
        .transpose()
        .map_err(|e| {
            errors::validation_error(
                py,
                "workforce planner",
                vec![(
                    "secret".to_owned(),
                    format!("{e}; give the secret exactly as the planner issued it (whsec_ followed by base64), or any other string"),
                    VALUE_ERROR,
                )],
            )
        })?;
    let hook = Webhook::new(url, signing_key, bearer.map(secrecy::SecretString::from));
    let http = cxone::client_builder()
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| errors::internal(format!("could not set up the HTTP client: {e}")))?;
    let runtime = runtime::get()?;
    let now = jiff::Timestamp::now().as_second();
    let record = py.detach(|| runtime.block_on(hook.deliver(&http, campaign_id, &analysis, now)));
    serde_json::to_string(&record).map_err(errors::internal)
}

fn outcome(py: Python<'_>, name: &str) -> PyResult<RunOutcome> {
    match name {
        "SUCCESS" => Ok(RunOutcome::Success),
        "REJECTED" => Ok(RunOutcome::Rejected),
        "FAILED" => Ok(RunOutcome::Failed),
        other => Err(errors::validation_error(
            py,
            "audit entry",
            vec![(
                "outcome".to_owned(),
                format!("is {other:?}; it must be SUCCESS, REJECTED or FAILED"),
                VALUE_ERROR,
            )],
        )),
    }
}

fn backend_name(py: Python<'_>, name: &str) -> PyResult<&'static str> {
    match name {
        "local" => Ok("local"),
        "cxone" => Ok("cxone"),
        other => Err(errors::validation_error(
            py,
            "audit entry",
            vec![(
                "backend".to_owned(),
                format!("is {other:?}; it must be local or cxone"),
                VALUE_ERROR,
            )],
        )),
    }
}

/// A delivery record back from Python (JSON text, as [`deliver_webhook`] gave it).
fn webhook_record(py: Python<'_>, text: &str) -> PyResult<WebhookRecord> {
    let value: Value = errors::decode(py, "webhook", text)?;
    let status = match value["status"].as_str() {
        Some("delivered") => "delivered",
        Some("failed") => "failed",
        _ => "skipped",
    };
    Ok(WebhookRecord {
        status,
        attempts: value["attempts"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        http_status: value["http_status"]
            .as_u64()
            .and_then(|n| u16::try_from(n).ok()),
        error: value["error"].as_str().map(str::to_owned),
    })
}

/// Appends one run's line to the audit log at `path` (one locked, flushed append). `snapshot` is
/// (answer rate, agent efficiency, window minutes); `response`, `variance` and `webhook` are JSON
/// text when present.
#[pyfunction]
#[pyo3(signature = (path, run_id, backend, outcome_name, campaign_id, snapshot, response, latency_ms, variance, attempts, adjustments, webhook, error))]
#[allow(clippy::too_many_arguments)] // one argument per audit field, named on the Python side
pub fn append_audit(
    py: Python<'_>,
    path: std::path::PathBuf,
    run_id: String,
    backend: &str,
    outcome_name: &str,
    campaign_id: Option<String>,
    snapshot: Option<(f64, f64, u32)>,
    response: Option<&str>,
    latency_ms: f64,
    variance: Option<&str>,
    attempts: u32,
    adjustments: u32,
    webhook: Option<&str>,
    error: Option<String>,
) -> PyResult<()> {
    let response: Option<SimulateResponse> = response
        .map(|text| errors::decode(py, "response_data", text))
        .transpose()?;
    let variance_analysis: Option<VarianceAnalysis> = variance
        .map(|text| errors::decode(py, "variance_result", text))
        .transpose()?;
    let webhook = webhook.map(|text| webhook_record(py, text)).transpose()?;
    // As `cxone-sim run` records it.
    let abandon_rate = response
        .as_ref()
        .and_then(|r| r.metrics.as_ref()?.compliance_abandon());
    let now = jiff::Timestamp::now();
    let entry = AuditEntry {
        timestamp: now
            .round(jiff::Unit::Millisecond)
            .unwrap_or(now)
            .to_string(),
        campaign_id,
        payload_snapshot: snapshot.map(|(answer_rate, agent_efficiency, window_minutes)| {
            PayloadSnapshot {
                answer_rate,
                agent_efficiency,
                window_minutes,
            }
        }),
        response_status: response
            .as_ref()
            .map_or_else(|| "UNKNOWN".to_owned(), |r| r.status.clone()),
        latency_ms,
        variance_analysis,
        // As in the seed: 0.0 when the server reports no accuracy.
        model_accuracy_rate: response
            .as_ref()
            .and_then(|r| r.predicted_accuracy)
            .unwrap_or(0.0),
        run_id,
        backend: backend_name(py, backend)?,
        outcome: outcome(py, outcome_name)?,
        attempts,
        adjustments,
        abandon_rate,
        webhook,
        error,
        truncated: None,
    };
    let written = py.detach(|| audit::append(&path, &entry));
    written.map_err(|e| {
        PyOSError::new_err(format!(
            "the run was not recorded: could not append to the audit log {}: {e}; check that the \
             file's directory is writable, or choose another log file",
            path.display()
        ))
    })
}
