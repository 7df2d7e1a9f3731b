//! Anything that can run one simulation: the HTTP client here, the in-process engine elsewhere.

use std::future::Future;

use crate::client::{Attempted, SimulateClient};
use crate::error::Error;
use crate::simulate::{SimulateRequest, SimulateResponse};

// The loop that runs over any backend lives in `adjustment`; callers find it here too.
pub use crate::adjustment::{Simulated, simulate_with_adjustments};

/// Runs one simulation of a request body. The probability-adjustment loop
/// ([`simulate_with_adjustments`](crate::simulate_with_adjustments)) works on any backend.
///
/// A backend reports the server's refusals as [`Error::Status`] with the simulate endpoint, so that the
/// probability-adjustment 400 (`detail` containing "probability adjustment") is recognised whatever
/// the backend.
pub trait SimulateBackend {
    /// One simulation of `body` for `campaign_id`; `idempotency_key` identifies this body (the same key
    /// on every retry of it).
    fn simulate(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<Attempted<SimulateResponse>, Error>> + Send;
}

impl SimulateBackend for SimulateClient {
    fn simulate(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> impl Future<Output = Result<Attempted<SimulateResponse>, Error>> + Send {
        self.simulate_once(campaign_id, body, idempotency_key)
    }
}
