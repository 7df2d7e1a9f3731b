//! A CXone-compatible simulate server answered by the dialer engine, and the in-process local backend.
//!
//! Both share one code path from request to response ([`simulation::simulate`]): the campaign id, body
//! and work limits are checked, the request becomes the engine's campaign plan, the engine runs 20
//! replications with a seed derived from the request, and the probability-adjustment rule (simulated
//! compliance abandon rate over 3 % → 400) applies. So the same request gives the same answer from the
//! server and from [`LocalBackend`].
//!
//! # Layout
//! - [`config`]: [`EmulatorConfig`] (clients, token lifetime, limits, faults) and [`load_clients_toml`].
//! - [`failure`]: [`ApiFailure`], a failed request as status and `detail`.
//! - [`simulation`]: the core, request → engine → response, over the campaign model's checks, work
//!   limits, seed and mapping ([`campaign::prepare`]; [`WorkLimits`], [`derive_seed`] and
//!   [`scenario_for_request`] are re-exported from there).
//! - [`local`]: [`LocalBackend`], the core in process.
//! - [`state`]: [`AppState`], what the handlers share.
//! - `tokens`, `oauth`: issued tokens and `POST /api/v2/oauth/token`.
//! - `rate_limit`, `idempotency`, `faults`: per-client token buckets, `Idempotency-Key` replay, injected
//!   faults.
//! - `simulate_endpoint`: `POST /api/v2/outbound/campaigns/{campaignId}/simulate`; `json_path` names
//!   the field of a malformed body.
//! - `framing`: `Content-Length`, `Transfer-Encoding` and `Content-Encoding` checked before any
//!   handler.
//! - `operations`, [`openapi`]: `/healthz`, `/openapi.json`, JSON 404/405.
//! - [`server`]: [`app`] (the router) and [`run`] (serve until shutdown).
//!
//! # Example
//! ```
//! use emulator::{AppState, EmulatorConfig, app};
//! use axum::body::Body;
//! use axum::http::Request;
//! use tower::ServiceExt as _;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let response = app(AppState::new(EmulatorConfig::default()))
//!     .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
//!     .await
//!     .unwrap();
//! assert_eq!(response.status(), 200);
//! assert!(response.headers().contains_key("x-request-id"));
//! # });
//! ```
//!
//! The local backend answers the seed's example in process, as the server would:
//! ```
//! use emulator::{LocalBackend, LocalOptions};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let request: contract::SimulateRequest = serde_json::from_str(r#"{
//!     "predictiveDialerSettings": {"answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3,
//!                                  "maxCalls": 50, "dialerType": "PREDICTIVE"},
//!     "simulationWindowMinutes": 120,
//!     "historicalData": [
//!         {"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190, "avg_talk_time_seconds": 145},
//!         {"time_bucket": "10:00-11:00", "calls_attempted": 620, "calls_answered": 245, "avg_talk_time_seconds": 138},
//!         {"time_bucket": "11:00-12:00", "calls_attempted": 480, "calls_answered": 175, "avg_talk_time_seconds": 152}
//!     ]}"#).unwrap();
//! let backend = LocalBackend::new(LocalOptions::default()).unwrap();
//! let response = backend.run("spring-renewals", &request).await.unwrap();
//! assert_eq!(response.status, "COMPLETED");
//! assert!((response.answer_rate_or(0.0) - 0.38).abs() < 0.03);
//! assert!(response.metrics.unwrap().compliance_abandon().unwrap() <= emulator::simulation::COMPLIANCE_ABANDON_LIMIT);
//! # });
//! ```

pub mod config;
pub mod failure;
mod faults;
mod framing;
mod idempotency;
mod json_path;
pub mod local;
mod oauth;
pub mod openapi;
mod operations;
mod rate_limit;
pub mod server;
mod simulate_endpoint;
pub mod simulation;
pub mod state;
mod tokens;

pub use config::{
    ConfigError, DEV_CLIENT_ID, DEV_CLIENT_SECRET, EmulatorConfig, RegisteredClient,
    load_clients_toml,
};
pub use failure::ApiFailure;
pub use local::{LocalBackend, LocalOptions, Progress};
pub use server::{app, run, run_with_state};
pub use simulation::{simulate, simulate_with_progress, simulate_with_seed};
// The campaign model's own, here too so that callers of the emulator keep their paths.
pub use campaign::{Refused, WorkLimits, derive_seed, scenario_for_request};
pub use state::AppState;
