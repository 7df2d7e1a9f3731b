//! The campaign model and the CXone simulate contract, as data: what a user writes, what goes on
//! the wire, the rules both obey, and the checks made on an answer. No HTTP, no engine, so the
//! client, the emulator, the planner and the Python package all share it.
//!
//! # Layout
//! - [`payload`]: the payload file a user writes (the seed's `PredictiveSimulationPayload`, with
//!   answering machines and [`AmdSettings`]) and [`ValidPayload`], a payload that passed its
//!   checks.
//! - [`fields`]: one table per type of its fields, kinds, ranges and help: the one home of the
//!   per-field ranges, and the document check's description ([`violation::shape`]).
//! - [`validate`]: the rules of the payload and the request body; every violation with its path;
//!   the inferred agent count ([`validate::infer_agents`]).
//! - [`simulate`]: the simulate request ([`SimulateRequest`], strict) and answer ([`SimulateResponse`],
//!   tolerant), [`ValidRequest`], and the probability-adjustment signal.
//! - [`metrics`]: the engine's metrics as they travel in an answer, typed and tolerant.
//! - [`compliance`]: the answer's `compliance` object (each regime's rate and risk of a breach),
//!   typed and tolerant.
//! - [`model`]: the campaign model's fixed assumptions (ring times, drop timer, the default line cap).
//! - [`variance`]: the seed's variance check of a simulated answer rate against history.
//! - [`token`]: OAuth 2.0 client-credentials wire types.
//!
//! With the `openapi` feature the wire types derive `utoipa::ToSchema`.
//!
//! # Example
//! ```
//! use contract::{Payload, ValidRequest};
//!
//! let payload: Payload = serde_json::from_str(r#"{
//!     "campaign_id": "spring-renewals", "answer_rate": 0.38, "agent_efficiency": 0.82,
//!     "max_simulation_window_minutes": 120, "compliance_threshold_variance": 0.10,
//!     "historical_matrix": [{"time_bucket": "09:00-10:00", "calls_attempted": 500,
//!                            "calls_answered": 190, "avg_talk_time_seconds": 145}]
//! }"#).unwrap();
//! let payload = payload.into_valid().unwrap();
//! let body = ValidRequest::from_payload(&payload);
//! assert_eq!(body.predictive_dialer_settings.max_calls, 50);
//! let check = contract::variance::analyse(0.37, &payload.historical_matrix, 0.10).unwrap();
//! assert!(check.is_compliant);
//! ```

pub mod compliance;
pub mod fields;
pub mod metrics;
pub mod model;
pub mod payload;
pub mod simulate;
pub mod token;
pub mod validate;
pub mod variance;

pub use compliance::{ComplianceReport, RegimeCompliance, ShareEstimate};
pub use metrics::{METRIC_NAMES, MetricEstimate, SimulatedBucket, SimulatedMetrics};
pub use payload::{AmdSettings, DialerType, HistoricalBucket, Payload, ValidPayload};
pub use simulate::{
    DialerSettings, ErrorBody, ReportedDialerType, SimulateRequest, SimulateResponse,
    SimulatedSettings, ValidRequest,
};
pub use validate::Violation;
pub use variance::VarianceAnalysis;
