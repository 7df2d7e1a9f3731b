//! A fast, exact discrete-event simulator of a predictive dialer, its pacing strategies and the
//! queueing formulas it is checked against.
//!
//! Give it a [`Scenario`] (agents, a pacing strategy, the call population, the run) and it tells you
//! what the dialer does: dials, live answers, abandonment (and the FCC/FTC compliance figure held
//! against the 3 % limit), agent occupancy and waits, each as a mean with a 95 % confidence
//! interval over independent replications, over the window and per bucket of it.
//!
//! The crate is pure: no I/O, no async, no environment, no wall clock. Time is `f64` seconds from
//! the window's start. A run is fixed by its seed: replication `i` draws from stream `i` of a
//! ChaCha8 generator seeded with it, and results are folded in replication order, so the report is
//! bit-identical for any number of threads.
//!
//! # Layout
//!
//! - [`scenario`]: the scenario file (DESIGN §5.6); [`scenario_shape`]: its fields' table for the
//!   document check; [`validation`]: its checks and work limits.
//! - `outcome_mix`: the scenario's `outcomes` block ([`Outcomes`]: live, machine, busy, no answer,
//!   invalid; answering-machine detection) and the mix each attempt is drawn from; `outcome`: the
//!   [`DialOutcome`], [`AmdVerdict`] and [`LiveOutcome`] the engine tells strategies about.
//! - `compliance`: the [`Regime`]s (FCC/FTC, Ofcom, CRTC, CXone's report) over the windows.
//! - [`distribution`]: fixed, exponential, lognormal and uniform times and their samplers.
//! - [`schedule`]: the window's timeline of call shapes (time-varying buckets) and report buckets.
//! - [`pacing`]: the strategies — progressive, ratio, Poisson, adaptive (VICIdial), predictive.
//! - [`engine`]: one replication's event loop, over [`event`] (the (time, sequence) queue),
//!   [`agents`] (the agent pool) and [`tally`] (streaming counters, with [`histogram`] for waits);
//!   [`model`] is a scenario prepared for it.
//! - [`metrics`]: counters to rates; [`estimate`]: means and t-intervals over replications.
//! - [`replicate`]: parallel replications and the [`Report`].
//! - [`quality`]: per-shift compliance of a strategy against progressive and the best fixed ratio.
//! - [`erlang`]: Erlang B, C, A, fixed-patience M/M/n+D and Engset closed forms.
//!
//! # Example
//!
//! ```
//! let scenario: dialer::Scenario = serde_json::from_str(r#"{
//!     "agents": 10, "window_minutes": 120, "warmup_minutes": 15,
//!     "dialer": {"mode": "progressive"},
//!     "live_answer_probability": 0.25,
//!     "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
//!     "talk_seconds": {"dist": "exp", "mean": 150},
//!     "replications": 4, "seed": 7
//! }"#).unwrap();
//! let valid = scenario.validate().unwrap();
//! let report = dialer::simulate(&valid, dialer::Options::default());
//! // Progressive dialling holds an agent for every call: nothing is abandoned.
//! assert_eq!(report.metrics.abandoned.mean, 0.0);
//! assert!(report.metrics.occupancy.mean > 0.5);
//! assert_eq!(report.buckets.len(), 2);
//! ```

mod agents;
mod compliance;
mod distribution;
mod engine;
pub mod erlang;
mod estimate;
mod event;
mod histogram;
mod metrics;
mod model;
mod outcome;
mod outcome_mix;
mod pacing;
pub mod quality;
mod replicate;
mod scenario;
pub mod scenario_shape;
mod schedule;
mod tally;
mod validation;

pub use compliance::{
    Compliance, ComplianceRule, MIN_PERIODS, PeriodCounts, Regime, RegimeReport, Share,
};
pub use distribution::Distribution;
pub use engine::ReplicationTally;
pub use estimate::{Estimate, t_critical_95};
pub use metrics::{MetricSet, MetricValues, Metrics, UNDEFINED};
pub use outcome::{AmdVerdict, DialOutcome, LiveOutcome};
pub use outcome_mix::{Amd, MachineRouting, OutcomeMix, OutcomeRings, Outcomes};
pub use replicate::{BucketReport, Options, Report, replication_tally, simulate};
pub use scenario::{AdaptiveVariant, Bucket, DialerMode, RingTimes, Scenario};
pub use tally::Tally;
pub use validation::{MAX_WORK_SECONDS, ValidScenario, Violation, WorkEstimate};
