//! [`LocalBackend`]: the simulate endpoint without HTTP. The same core answers, so a request gives the
//! same metrics (and the same failure status and detail) here as from the server.

use std::fmt;
use std::sync::Arc;

use contract::simulate::{SimulateRequest, SimulateResponse};

use crate::config::ConfigError;
use crate::failure::ApiFailure;
use crate::simulation;
use campaign::WorkLimits;

/// How a [`LocalBackend`] differs from a server with default settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalOptions {
    /// A fixed engine seed; `None` derives it from the request, as the server does.
    pub seed: Option<u64>,
    /// Replications per simulation; `None` for the server's 20.
    pub replications: Option<u32>,
    /// The regime the probability-adjustment rule holds simulations to; `None` for FCC/FTC.
    pub regime: Option<dialer::Regime>,
}

/// Called with (replications done, replications in all) while a simulation runs.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Runs simulations in process, on a blocking thread, with the server's rules.
///
/// `LocalBackend::default()` answers exactly as an emulator with default settings: same metrics, same
/// failure status and detail. [`LocalBackend::new`] differs only in its work limits
/// ([`WorkLimits::for_local_use`]) and the options given.
#[derive(Clone, Default)]
pub struct LocalBackend {
    /// The work limits and replications, as a server with the same limits would apply them.
    limits: WorkLimits,
    /// A fixed engine seed; `None` derives it from the request, as the server does.
    seed: Option<u64>,
    /// Told how far the engine is, for a progress bar.
    progress: Option<Progress>,
}

impl fmt::Debug for LocalBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBackend")
            .field("limits", &self.limits)
            .field("seed", &self.seed)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl LocalBackend {
    /// A backend with the work limits for local use ([`WorkLimits::for_local_use`]), changed by
    /// `options`; an error if the replications are outside 1 to [`WorkLimits::max_replications`].
    pub fn new(options: LocalOptions) -> Result<Self, ConfigError> {
        let mut limits = WorkLimits::for_local_use();
        if let Some(replications) = options.replications {
            if replications == 0 || replications > limits.max_replications {
                return Err(ConfigError::Replications {
                    given: replications,
                    max: limits.max_replications,
                });
            }
            limits.replications = replications;
        }
        if let Some(regime) = options.regime {
            limits.regime = regime;
        }
        Ok(Self {
            limits,
            seed: options.seed,
            progress: None,
        })
    }

    /// A backend applying `limits`, as a server configured with them would.
    pub fn with_limits(limits: WorkLimits) -> Self {
        Self {
            limits,
            seed: None,
            progress: None,
        }
    }

    /// The same backend reporting the engine's progress to `progress`.
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The same backend with a fixed engine seed instead of the one derived from the request. Its answers
    /// then differ from a server's for the same request.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The work limits this backend applies.
    pub fn limits(&self) -> &WorkLimits {
        &self.limits
    }

    /// Simulates `request` for `campaign_id`; failures carry the status and detail the server would send.
    pub async fn run(
        &self,
        campaign_id: &str,
        request: &SimulateRequest,
    ) -> Result<SimulateResponse, ApiFailure> {
        let request = request.clone();
        let campaign_id = campaign_id.to_owned();
        let limits = self.limits.clone();
        let seed = self
            .seed
            .unwrap_or_else(|| campaign::derive_seed(&request, &campaign_id));
        let progress = self.progress.clone();
        // The engine is CPU-bound: keep it off the async runtime's worker threads.
        tokio::task::spawn_blocking(move || {
            let report = |done, total| {
                if let Some(progress) = &progress {
                    progress(done, total);
                }
            };
            simulation::simulate_with_progress(&request, &campaign_id, &limits, seed, &report)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "simulation task failed");
            ApiFailure::internal()
        })?
    }
}

/// The local backend behind the client's interface, so its adjustment loop runs in process.
#[cfg(feature = "client")]
mod client {
    use super::*;

    impl cxone::backend::SimulateBackend for LocalBackend {
        /// One in-process simulation (`attempts` is 1). The key is not needed: nothing is retried.
        async fn simulate(
            &self,
            campaign_id: &str,
            body: &SimulateRequest,
            _idempotency_key: &str,
        ) -> Result<cxone::Attempted<SimulateResponse>, cxone::Error> {
            self.run(campaign_id, body)
                .await
                .map(|value| cxone::Attempted { value, attempts: 1 })
                .map_err(status_error)
        }
    }

    /// The error the HTTP client would report for the same failure from the server: same status, same
    /// detail, the same JSON body.
    fn status_error(failure: ApiFailure) -> cxone::Error {
        let body = serde_json::to_string(&failure.body()).unwrap_or_default();
        cxone::Error::Status {
            status: failure.status,
            detail: failure.detail,
            body,
            endpoint: cxone::Endpoint::Simulate,
            attempts: 1,
        }
    }
}
