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

impl AnyBackend {
    /// The server's `host:port` for a remote backend (none for the engine in process).
    pub fn server(&self) -> Option<String> {
        match self {
            AnyBackend::Local(_) => None,
            AnyBackend::Cxone(client) => Some(client.server()),
        }
    }
}

impl SimulateBackend for AnyBackend {
    async fn simulate(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> Result<cxone::Attempted<SimulateResponse>, cxone::Error> {
        match self {
            AnyBackend::Local(local) => {
                tracing::info!(
                    campaign_id,
                    answer_rate = body.predictive_dialer_settings.answer_rate,
                    window_minutes = body.simulation_window_minutes,
                    buckets = body.historical_data.len(),
                    "simulating in process with the built-in engine"
                );
                let answer = local.simulate(campaign_id, body, idempotency_key).await;
                match &answer {
                    Ok(done) => tracing::info!(
                        status = %done.value.status,
                        simulated_answer_rate = done.value.predictive_dialer_settings.as_ref().and_then(|s| s.answer_rate),
                        "local simulation finished"
                    ),
                    Err(e) => tracing::info!(error = %e, "local simulation refused the request"),
                }
                answer
            }
            AnyBackend::Cxone(client) => client.simulate(campaign_id, body, idempotency_key).await,
        }
    }
}
