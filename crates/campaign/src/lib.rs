//! The campaign model over the engine: a payload or simulate request becomes a
//! [`dialer::Scenario`], and the engine's report becomes the wire's typed answer. No HTTP: the
//! emulator, the CLI's `simulate`, the planner and the Python package all call it.
//!
//! # Layout
//! - [`plan`]: [`CampaignPlan`] (a request in plain numbers), [`plan_to_scenario`] (DESIGN §5.5),
//!   [`infer_agents`] and [`predicted_accuracy`].
//! - [`report`]: the engine's metrics to [`contract::SimulatedMetrics`], its `compliance` object to
//!   [`contract::ComplianceReport`], and [`report::answer`], the simulate answer.
//! - [`request`]: a simulate request checked and mapped to its scenario ([`prepare`],
//!   [`scenario_for_request`]), or [`Refused`] with the reason.
//! - [`limits`]: [`WorkLimits`], the engine work one request may ask for.
//! - [`seed`]: [`derive_seed`] (the engine seed of a request) and [`simulation_id`].
//!
//! The arrows: `contract` (wire, rules) ← `campaign` → `dialer` (engine). The engine knows nothing
//! of the wire; the wire knows nothing of the engine.
//!
//! # Example
//! ```
//! use contract::{Payload, ValidRequest};
//!
//! let payload: Payload = serde_json::from_str(r#"{
//!     "campaign_id": "spring-renewals", "answer_rate": 0.38, "agent_efficiency": 0.82,
//!     "max_simulation_window_minutes": 60, "compliance_threshold_variance": 0.10,
//!     "historical_matrix": [{"time_bucket": "09:00-10:00", "calls_attempted": 500,
//!                            "calls_answered": 190, "avg_talk_time_seconds": 145}]
//! }"#).unwrap();
//! let request = ValidRequest::from_payload(&payload.into_valid().unwrap());
//! let plan = campaign::CampaignPlan::from_request(&request, 2, 7);
//! let scenario = campaign::plan_to_scenario(&plan).unwrap();
//! assert_eq!(scenario.agents, 10);
//! let report = dialer::simulate(&scenario, dialer::Options::default());
//! let answer = campaign::report::answer(&request, "spring-renewals", "sim-1".into(), &plan,
//!                                       scenario.agents, &report);
//! assert_eq!(answer.status, "COMPLETED");
//! assert!(answer.metrics.unwrap().occupancy.unwrap().mean > 0.0);
//! ```

pub mod limits;
pub mod plan;
pub mod report;
pub mod request;
pub mod seed;

pub use limits::{DEFAULT_REGIME, WorkLimits};
pub use request::{Prepared, Refused, check_campaign_id, prepare, scenario_for_request};
pub use seed::{derive_seed, simulation_id};

pub use plan::{
    AmdSettings, CampaignPlan, DialerType, HistoryBucket, infer_agents, mean_rate,
    plan_to_scenario, predicted_accuracy, predicted_live_accuracy,
};
