//! The native half of the `cxone_sim` Python package: the engine, the CXone client and the
//! emulator's in-process backend, behind a few functions that trade JSON text with Python.
//!
//! The Python modules (`python/cxone_sim/*.py`) hold the seed's classes and call in here; everything
//! that decides something (validation rules, the payload → scenario mapping, the engine, the HTTP
//! client with retries, token cache and idempotency keys, the variance check) is the workspace's
//! crates, not a copy.
//!
//! # Layout
//! - `errors`: violations become `cxone_sim.ValidationError`, client failures `cxone_sim.CXoneError`.
//! - `runtime`: the one async runtime the client runs on.
//! - `payload`: payload validation, the simulate request built from a payload, the variance check.
//! - `engine`: `simulate`, the engine on a payload or a scenario.
//! - `plan`: `plan`, the planner's grid and recommendation, as `cxone-sim plan --json` prints them.
//! - `history`: `import_history`, a CXone or Genesys export (or a CSV) into a historical matrix.
//! - `backend`: `Backend`, where a simulate request runs (in process, or a CXone-compatible server).
//! - `record`: the workforce-planner webhook and the audit line, the `cli` library's.
//!
//! Every call that runs the engine, reads exports or waits on the network releases the GIL, so other Python threads
//! run meanwhile (two simulations in two threads run at the same time).

use pyo3::prelude::*;

mod backend;
mod engine;
mod errors;
mod history;
mod payload;
mod plan;
mod record;
mod runtime;

/// The module `cxone_sim._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(payload::validate_payload, m)?)?;
    m.add_function(wrap_pyfunction!(payload::simulate_request, m)?)?;
    m.add_function(wrap_pyfunction!(payload::variance, m)?)?;
    m.add_function(wrap_pyfunction!(engine::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(plan::plan, m)?)?;
    m.add_function(wrap_pyfunction!(history::import_history, m)?)?;
    m.add_function(wrap_pyfunction!(record::deliver_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(record::append_audit, m)?)?;
    m.add_class::<backend::Backend>()?;
    Ok(())
}
