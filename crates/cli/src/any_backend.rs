//! [`AnyBackend`]: the two places a simulation can run, behind the one `SimulateBackend` interface.

use cxone::backend::SimulateBackend;
use cxone::{SimulateRequest, SimulateResponse};

/// Where a simulation runs (`--backend` of `cxone-sim run`, `backend=` in Python).
pub enum AnyBackend {
    /// The engine, in process.
    Local(emulator::LocalBackend),
    /// A CXone-compatible server.
    Cxone(Box<cxone::SimulateClient>),
}

impl SimulateBackend for AnyBackend {
    async fn simulate(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> Result<cxone::Attempted<SimulateResponse>, cxone::Error> {
        match self {
            AnyBackend::Local(local) => local.simulate(campaign_id, body, idempotency_key).await,
            AnyBackend::Cxone(client) => client.simulate(campaign_id, body, idempotency_key).await,
        }
    }
}
