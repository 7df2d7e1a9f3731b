//! Errors as Python sees them.
//!
//! Invalid input becomes `cxone_sim.ValidationError` (a `ValueError`, as pydantic's is) listing every
//! violation with its path; a failed simulate or token call becomes `cxone_sim.CXoneError` with the
//! HTTP status, the server's detail, the attempts made and a hint of what to fix. Both classes live in
//! `cxone_sim/_errors.py`, so Python code can catch and build them without the native module.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One violation for `ValidationError`: (field path, message, pydantic-style error type).
pub type Violation = (String, String, &'static str);

/// The error type of a rule violation (pydantic calls a failed validator `value_error`).
pub const VALUE_ERROR: &str = "value_error";

fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("cxone_sim._errors")?.getattr(name)
}

/// `ValidationError` for `title` (the model or file checked) with every violation.
pub fn validation_error(py: Python<'_>, title: &str, violations: Vec<Violation>) -> PyErr {
    let built = error_class(py, "ValidationError")
        .and_then(|cls| cls.call_method1("from_violations", (title, violations)));
    match built {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// `ValidationError` for broken rules given as (field path, message), each a `value_error`.
pub fn rule_violations(
    py: Python<'_>,
    title: &str,
    violations: impl IntoIterator<Item = (String, String)>,
) -> PyErr {
    let list = violations
        .into_iter()
        .map(|(path, message)| (path, message, VALUE_ERROR))
        .collect();
    validation_error(py, title, list)
}

/// `ValidationError` for a document that is neither a payload nor a scenario.
pub fn neither_kind(py: Python<'_>, title: &str) -> PyErr {
    validation_error(
        py,
        title,
        vec![(
            String::new(),
            "is neither a payload (it has no `historical_matrix`) nor a scenario (it has no \
             `dialer`); see examples/seed_payload.json and examples/ratio_scenario.json"
                .to_owned(),
            VALUE_ERROR,
        )],
    )
}

/// The violations of a JSON document that does not decode: its path and serde's message.
pub fn decode_violation(error: &serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let path = error.path().to_string();
    let mut path = if path == "." { String::new() } else { path };
    let inner = error.inner();
    let message = inner.to_string();
    // The position serde_json appends means nothing to a caller who passed a dict.
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    let kind = if message.starts_with("unknown field") {
        "extra_forbidden"
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        // The path names the object; the missing field belongs at its end, as pydantic puts it.
        if let Some(field) = rest.strip_suffix('`') {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
        "missing"
    } else if message.starts_with("invalid type") {
        "type_error"
    } else if message.starts_with("unknown variant") {
        "enum"
    } else {
        VALUE_ERROR
    };
    (path, message, kind)
}

/// Decodes `text` as `T`, or the `ValidationError` naming the field that does not fit.
pub fn decode<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    title: &str,
    text: &str,
) -> PyResult<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| validation_error(py, title, vec![decode_violation(&e)]))
}

/// `CXoneError` for a failed simulate or token call.
pub fn cxone_error(py: Python<'_>, error: &cxone::Error) -> PyErr {
    let kind = match error {
        cxone::Error::AdjustmentsExhausted { .. } => "adjustments_exhausted",
        e if e.status().is_some() => "status",
        _ => "transport",
    };
    let built = error_class(py, "CXoneError").and_then(|cls| {
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", kind)?;
        kwargs.set_item("status", error.status())?;
        kwargs.set_item("attempts", error.attempts())?;
        kwargs.set_item("hint", error.hint())?;
        kwargs.set_item("body", error.body())?;
        match error {
            cxone::Error::Status { detail, .. } => kwargs.set_item("detail", detail)?,
            cxone::Error::AdjustmentsExhausted {
                adjustments,
                last_answer_rate,
                detail,
                ..
            } => {
                kwargs.set_item("detail", detail)?;
                kwargs.set_item("adjustments", adjustments)?;
                kwargs.set_item("last_answer_rate", last_answer_rate)?;
            }
            _ => {}
        }
        cls.call((error.to_string(),), Some(&kwargs))
    });
    match built {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// A failure of this module itself (a result that does not encode): a bug, said plainly.
pub fn internal(what: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!("cxone_sim internal error: {what}"))
}
