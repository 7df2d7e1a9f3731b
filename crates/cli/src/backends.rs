//! The two places a simulation can run, behind the one `SimulateBackend` interface, and how their
//! failures become exit codes and hints.

use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;

use crate::args::{Backend, RunArgs};
use crate::config::CxoneSettings;
use crate::failure::{ExitKind, Failure};
use crate::progress::EngineProgress;

/// How the tool introduces itself to servers.
pub const USER_AGENT: &str = concat!("cxone-sim/", env!("CARGO_PKG_VERSION"));

pub use cli::any_backend::AnyBackend;

/// Builds the backend `run` asked for.
pub fn build(args: &RunArgs) -> Result<AnyBackend, Failure> {
    match args.backend {
        Backend::Local => {
            let options = emulator::LocalOptions {
                seed: args.seed,
                replications: args.replications,
                regime: Some(args.regime),
            };
            tracing::info!(
                seed = ?args.seed,
                replications = ?args.replications,
                "local backend: no credentials, no network (seed and replications: the defaults when unset)"
            );
            let progress = EngineProgress::new();
            let local = emulator::LocalBackend::new(options).map_err(|e| {
                Failure::invalid(anyhow!("--{e}"))
                    .hint("leave out --seed and --replications for the defaults")
            })?;
            let local =
                local.with_progress(Arc::new(move |done, total| progress.update(done, total)));
            Ok(AnyBackend::Local(local))
        }
        Backend::Cxone => {
            let settings = CxoneSettings::from_env(args.allow_insecure_http)?;
            let http = cxone::client_builder()
                .user_agent(USER_AGENT)
                .connect_timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| Failure::runtime(anyhow!("could not set up the HTTP client: {e}")))?;
            let credentials = cxone::ClientCredentials {
                client_id: settings.client_id,
                client_secret: settings.client_secret,
            };
            let tokens = cxone::TokenCache::new(http.clone(), settings.token_url, credentials);
            let client = cxone::SimulateClient::new(
                http,
                settings.base_url,
                tokens,
                cxone::RetryPolicy::default(),
            );
            Ok(AnyBackend::Cxone(Box::new(client)))
        }
    }
}

/// Maps a simulate failure to an exit code: an exhausted adjustment is a compliance failure (3), a
/// 400 is invalid input (2), anything else is a runtime failure (1). The crate's hint comes along.
pub fn failure(error: cxone::Error) -> Failure {
    let hint = error.hint().map(str::to_owned);
    let kind = match &error {
        cxone::Error::AdjustmentsExhausted { .. } => ExitKind::Compliance,
        // The server rejected the body: the payload needs fixing. (A 422 is a reused idempotency
        // key, a client fault rather than bad input, so it stays a runtime failure.)
        // A 400 without the contract's JSON body is something else answering: not the input's fault.
        e if e.is_contract_refusal() => ExitKind::Invalid,
        _ => ExitKind::Runtime,
    };
    Failure {
        kind,
        error: anyhow::Error::new(error),
        hint,
    }
}
