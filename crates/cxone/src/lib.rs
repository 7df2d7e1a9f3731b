//! The CXone simulate contract, from the client's side.
//!
//! # Layout
//! The wire types, their rules and the variance check live in the `contract` crate (no HTTP), and
//! are re-exported here under their old paths: [`payload`], [`validate`], [`simulate`], [`token`],
//! [`variance`], [`metrics`].
//!
//! The client:
//! - [`credentials`]: the API application's id and secret, and the access token; `Debug` redacts both.
//! - [`token_cache`]: [`TokenCache`], the OAuth 2.0 client-credentials token, cached, refreshed 60 s
//!   before expiry, one refresh shared by concurrent callers, transient failures retried.
//! - [`retry`]: [`RetryPolicy`], which answers are retried and how long to wait (exponential backoff
//!   with jitter, `Retry-After` honoured and clamped).
//! - [`client`]: [`SimulateClient`], one simulate call over HTTP with retries and a replay after a 401.
//! - [`backend`]: [`SimulateBackend`], anything that runs one simulation (this HTTP client, or the
//!   engine in process, elsewhere).
//! - [`adjustment`]: [`simulate_with_adjustments`], the probability-adjustment loop over any backend.
//! - [`clock`]: injected time ([`Clock`], [`Sleeper`]) so tests move time instead of waiting.
//! - [`error`]: [`Error`], every failure with its raw body kept and a hint of what to fix.
//!
//! This crate knows nothing of the engine: it speaks to any server that honours the contract.
//! No secret or token appears in any `Display`, `Debug` or log line.
//!
//! # Example
//! ```
//! use cxone::payload::Payload;
//! use cxone::simulate::SimulateRequest;
//!
//! let payload: Payload = serde_json::from_str(r#"{
//!     "campaign_id": "spring-renewals", "answer_rate": 0.38, "agent_efficiency": 0.82,
//!     "max_simulation_window_minutes": 120, "compliance_threshold_variance": 0.10,
//!     "historical_matrix": [{"time_bucket": "09:00-10:00", "calls_attempted": 500,
//!                            "calls_answered": 190, "avg_talk_time_seconds": 145}]
//! }"#).unwrap();
//! payload.validate().unwrap();
//! let body = SimulateRequest::from_payload(&payload);
//! assert_eq!(body.predictive_dialer_settings.max_calls, 50);
//! let check = cxone::variance::analyse(0.37, &payload.historical_matrix, 0.10).unwrap();
//! assert!(check.is_compliant);
//! ```
//!
//! Wiring the client (the `cli` crate does this from its configuration):
//! ```no_run
//! # async fn run(body: cxone::SimulateRequest) -> Result<(), cxone::Error> {
//! use cxone::{ClientCredentials, RetryPolicy, SimulateClient, TokenCache};
//! use url::Url;
//!
//! let http = cxone::client_builder().build().unwrap();
//! let base = Url::parse("https://acme.my.cxone.com").unwrap();
//! let tokens = TokenCache::new(
//!     http.clone(),
//!     base.join("api/v2/oauth/token").unwrap(),
//!     ClientCredentials::new("client-id", "client-secret"),
//! );
//! let client = SimulateClient::new(http, base, tokens, RetryPolicy::default());
//! let done = cxone::simulate_with_adjustments(&client, "spring-renewals", &body, 1).await?;
//! println!("{} after {} adjustment(s)", done.response.status, done.adjustments);
//! # Ok(())
//! # }
//! ```

pub mod adjustment;
pub mod backend;
pub mod client;
pub mod clock;
pub mod credentials;
pub mod error;
pub mod http;
pub mod retry;
pub mod token_cache;

pub use contract::{metrics, payload, simulate, token, validate, variance};

pub use adjustment::{Simulated, simulate_with_adjustments};
pub use backend::SimulateBackend;
pub use client::{Attempted, SimulateClient};
pub use clock::{Clock, ManualClock, Sleeper, SystemClock, TokioSleeper};
pub use credentials::{AccessToken, ClientCredentials};
pub use error::{Endpoint, Error};
pub use http::client_builder;

pub use contract::{
    DialerSettings, ErrorBody, SimulateRequest, SimulateResponse, SimulatedSettings,
};
pub use contract::{
    DialerType, HistoricalBucket, MetricEstimate, Payload, ReportedDialerType, SimulatedMetrics,
    ValidPayload, ValidRequest,
};
pub use contract::{VarianceAnalysis, Violation};
pub use retry::{Jitter, RetryPolicy};
pub use token_cache::TokenCache;
