//! The CXone simulate contract, from the client's side.
//!
//! # Layout
//! - [`payload`]: the payload file a user writes (the seed's `PredictiveSimulationPayload`).
//! - [`validate`]: the rules both the payload and the request body obey; every violation with its path.
//! - [`simulate`]: the simulate request and response bodies, and the probability-adjustment signal.
//! - [`token`]: OAuth 2.0 client-credentials wire types.
//! - [`variance`]: the variance check of a simulated answer rate against history.
//!
//! This crate knows nothing of the engine: it speaks to any server that honours the contract.
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

pub mod payload;
pub mod simulate;
pub mod token;
pub mod validate;
pub mod variance;

pub use payload::{DialerType, HistoricalBucket, Payload};
pub use simulate::{DialerSettings, ErrorBody, SimulateRequest, SimulateResponse};
pub use validate::Violation;
pub use variance::VarianceAnalysis;
