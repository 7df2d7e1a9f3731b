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
//! The modules are private; what callers use is re-exported at the crate root.
//!
//! - `scenario`: the scenario file ([`Scenario`], DESIGN §5.6); [`scenario_shape`]: its fields'
//!   table for the document check; `validation`: its checks and work limits ([`ValidScenario`],
//!   [`WorkEstimate`]).
//! - `outcome_mix`: the scenario's `outcomes` block ([`Outcomes`]: live, machine, busy, no answer,
//!   invalid; answering-machine detection) and the mix each attempt is drawn from; `outcome`: the
//!   [`DialOutcome`], [`AmdVerdict`] and [`LiveOutcome`] the engine tells strategies about.
//! - `compliance`: the [`Regime`]s (FCC/FTC, Ofcom, CRTC, CXone's report) over the windows; the
//!   table of regimes is `compliance/regimes.rs`.
//! - `distribution`: fixed, exponential, lognormal and uniform times and their samplers.
//! - `schedule`: the window's timeline of call shapes (time-varying buckets) and report buckets.
//! - `pacing`: the strategies, one file each — progressive, ratio, Poisson, adaptive (VICIdial),
//!   predictive — behind the `PacingStrategy` trait, with the predictive strategy's trackers
//!   (`bands`, `free_agents`, `lines_in_flight`).
//! - `engine`: one replication's event loop (`engine/answer.rs`: what happens to an attempt once
//!   it is answered), over `event` (the (time, sequence) queue), `agents` (the agent pool),
//!   `pauses` (the agents' pause clocks: when a pause comes due, how long it lasts, holding for
//!   progressive dialling) and `tally` (streaming counters, with `histogram` for waits); `model`
//!   is a scenario prepared for it.
//! - `metrics`: counters to rates ([`MetricSet`], the metric list written once); `estimate`: means
//!   and t-intervals over replications ([`Estimate`]).
//! - `replicate`: parallel replications, [`simulate`] and the [`Report`].
//! - [`quality`]: per-shift compliance of a strategy against progressive and the best fixed ratio.
//! - [`erlang`]: Erlang B, C, A, fixed-patience M/M/n+D and Engset closed forms.
//!
//! # Adding a pacing strategy, a compliance regime or an outcome kind
//!
//! - **A pacing strategy**: add `pacing/<name>.rs` with a type implementing `PacingStrategy`
//!   (lines to start, the outcomes it wants, its wake clock, its cost for the work limits) and,
//!   for its parameters, `check` (their ranges), `describe` (the setting for people, which the
//!   planner shows), `build` (the strategy from the parameters and the run's `Setup`) and `SHAPE`
//!   (their field table for the document check); then add its entry to the `strategies!`
//!   invocation in `pacing/mod.rs`: `"<name>" Variant(Type) = <name> { parameters }`, with the
//!   parameters' docs and serde defaults. The entry declares the module and generates its
//!   [`DialerMode`] variant (`{"mode": "<name>", …}`), the engine's `Pacing` variant and its
//!   forwarding, `Pacing::new`'s arm, the check `validation.rs` runs, the description and the
//!   `dialer` field table; the engine, `scenario.rs`, `validation.rs`, `scenario_shape.rs` and
//!   the planner do not change. Files: 1 new, 1 changed (`pacing/mod.rs`, one entry).
//! - **A compliance regime**: `compliance/regimes.rs` only — a [`Regime`] variant, its place in
//!   [`Regime::ALL`] and its [`ComplianceRule`] (formula over the per-window counts, limit,
//!   period) in `Regime::rule`. The report, its `compliance` JSON object, `run --regime` and
//!   `serve --regime` and the Python package pick it up from the table. Files: 1 changed.
//!   (`plan --regime` still lists its names in the CLI's own flag type.)
//! - **An outcome kind**: a [`DialOutcome`] variant and its predicates in `outcome.rs`, its share
//!   and ring times in `outcome_mix.rs` and `model.rs`, and what the engine does with it in
//!   `engine/answer.rs` (plus a counter in `tally.rs` and a metric in `metrics.rs` if it is
//!   reported). No strategy changes: strategies read outcomes through predicates
//!   (`is_live`, `is_abandoned`, `is_drop`), never by matching the variants.
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
mod pauses;
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
