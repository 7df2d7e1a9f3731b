//! [`Backend`]: where a simulate request runs — the emulator's core in process (`local`), or a
//! CXone-compatible server over HTTP (`cxone`: OAuth token cache, retries with backoff honouring
//! `Retry-After`, one `Idempotency-Key` per simulation, a token refresh after a 401). Either way the
//! probability-adjustment loop of the `cxone` crate runs on top.

use std::time::Duration;

use cli::any_backend::AnyBackend;
use contract::{SimulateRequest, SimulateResponse};
use pyo3::prelude::*;
use serde::Serialize;
use url::Url;

use crate::errors::{self, VALUE_ERROR};
use crate::runtime;

/// How the package introduces itself to servers.
const USER_AGENT: &str = concat!("cxone-sim-python/", env!("CARGO_PKG_VERSION"));

/// What `Backend.simulate` returns: the server's answer and what it took to get it.
#[derive(Serialize)]
struct Outcome {
    response: SimulateResponse,
    attempts: u32,
    adjustments: u32,
    answer_rate_requested: f64,
}

/// Where simulations run. Build one with `Backend.local(...)` or `Backend.cxone(...)`; it keeps its
/// token cache and connection pool for its lifetime.
#[pyclass(frozen, module = "cxone_sim._native")]
pub struct Backend {
    kind: AnyBackend,
}

/// Only https, or plain http to a loopback host (a local emulator): credentials travel in clear
/// over plain http.
pub fn checked_url(py: Python<'_>, name: &str, text: &str) -> PyResult<Url> {
    let invalid = |message: String| {
        errors::validation_error(
            py,
            "CXone settings",
            vec![(name.to_owned(), message, VALUE_ERROR)],
        )
    };
    let url = Url::parse(text)
        .map_err(|e| invalid(format!("{text:?} is not a valid URL ({e}); give a full URL such as https://example.my.cxone.com")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        other => Err(invalid(format!(
            "{text:?} uses {other}; use https (plain http is accepted only to a loopback host)"
        ))),
    }
}

#[pymethods]
impl Backend {
    /// The engine in process, with the emulator's rules and the work limits for local use. `seed`
    /// fixes the engine seed (otherwise derived from the request, as a server does); `replications`
    /// replaces the default 20.
    #[staticmethod]
    #[pyo3(signature = (seed=None, replications=None))]
    fn local(py: Python<'_>, seed: Option<u64>, replications: Option<u32>) -> PyResult<Self> {
        let options = emulator::LocalOptions {
            seed,
            replications,
            regime: None,
        };
        let local = emulator::LocalBackend::new(options).map_err(|e| {
            errors::validation_error(
                py,
                "local backend",
                vec![("replications".to_owned(), e.to_string(), VALUE_ERROR)],
            )
        })?;
        Ok(Self {
            kind: AnyBackend::Local(local),
        })
    }

    /// A CXone-compatible server at `base_url`, tokens from `token_url` for this API application.
    #[staticmethod]
    fn cxone(
        py: Python<'_>,
        base_url: &str,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> PyResult<Self> {
        let base_url = checked_url(py, "base_url", base_url)?;
        let token_url = checked_url(py, "token_url", token_url)?;
        let http = cxone::client_builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| errors::internal(format!("could not set up the HTTP client: {e}")))?;
        let credentials = cxone::ClientCredentials::new(client_id, client_secret);
        let tokens = cxone::TokenCache::new(http.clone(), token_url, credentials);
        let client =
            cxone::SimulateClient::new(http, base_url, tokens, cxone::RetryPolicy::default());
        Ok(Self {
            kind: AnyBackend::Cxone(Box::new(client)),
        })
    }

    /// `local` or `cxone`.
    #[getter]
    fn name(&self) -> &'static str {
        match self.kind {
            AnyBackend::Local(_) => "local",
            AnyBackend::Cxone(_) => "cxone",
        }
    }

    /// The current access token (cached, refreshed 60 s before it expires). Local: `None`, as the
    /// engine in process needs none.
    fn access_token(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let AnyBackend::Cxone(client) = &self.kind else {
            return Ok(None);
        };
        let runtime = runtime::get()?;
        let token = py.detach(|| runtime.block_on(client.tokens().token()));
        token
            .map(|t| Some(t.expose_secret().to_owned()))
            .map_err(|e| errors::cxone_error(py, &e))
    }

    /// Token requests sent so far (0 for local): how often the cache went to the server.
    fn token_fetches(&self) -> u64 {
        match &self.kind {
            AnyBackend::Local(_) => 0,
            AnyBackend::Cxone(client) => client.tokens().fetch_count(),
        }
    }

    /// Simulates `request` (JSON text of the simulate body) for `campaign_id`, lowering the answer
    /// rate by 0.02 on each probability-adjustment answer, at most `max_adjustments` times. Returns
    /// JSON text: `{"response", "attempts", "adjustments", "answer_rate_requested"}`. The GIL is
    /// released meanwhile.
    #[pyo3(signature = (campaign_id, request, max_adjustments=1))]
    fn simulate(
        &self,
        py: Python<'_>,
        campaign_id: &str,
        request: &str,
        max_adjustments: u32,
    ) -> PyResult<String> {
        let request: SimulateRequest = errors::decode(py, "simulate request", request)?;
        let runtime = runtime::get()?;
        let done = py.detach(|| {
            runtime.block_on(cxone::simulate_with_adjustments(
                &self.kind,
                campaign_id,
                &request,
                max_adjustments,
            ))
        });
        let done = done.map_err(|e| errors::cxone_error(py, &e))?;
        let outcome = Outcome {
            response: done.response,
            attempts: done.attempts,
            adjustments: done.adjustments,
            answer_rate_requested: done.answer_rate_requested,
        };
        serde_json::to_string(&outcome).map_err(errors::internal)
    }
}
