//! The async runtime the HTTP client and the local backend run on: one for the process, built on
//! first use, shared by every Python thread (each `block_on` from its own thread).

use std::sync::OnceLock;

use pyo3::PyResult;
use pyo3::exceptions::PyRuntimeError;
use tokio::runtime::Runtime;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The process's runtime.
pub fn get() -> PyResult<&'static Runtime> {
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let built = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("cxone-sim")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("could not start the async runtime: {e}")))?;
    // Two threads may race to build it: the loser's runtime is dropped, both use the winner's.
    Ok(RUNTIME.get_or_init(|| built))
}
