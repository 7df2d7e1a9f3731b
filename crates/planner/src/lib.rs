//! `cxone-sim plan`: which dialer setting and how many agents give the most connects while the
//! risk of a breach stays small, for any answer rate the list may really have (DESIGN §10).
//!
//! A plan sweeps a grid — answer rates (the band), agent counts, and strategies with their
//! parameters — and runs the engine at every point. Each point is a **row** carrying its complete
//! scenario, so `cxone-sim simulate` reproduces it. Rows share random numbers: every row runs with
//! the same seed, so replication `i` draws the same stream in every row and rows differ by their
//! settings, not by luck. The **recommendation** is the setting with the most connects per agent
//! hour at the planning answer rate (or the fewest agents reaching a target) among the settings
//! whose breach risk's Wilson upper bound stays within the risk at *every* answer rate of the band.
//!
//! The crate is pure: it reads no files and writes only into what its caller passes.
//!
//! # Layout
//!
//! - [`spec`]: the grid from flags and input defaults ([`PlanSpec`]), units and shards;
//!   [`range`] and [`strategy`] parse `LO..HI[:STEP]` and `--strategy` lists.
//! - [`regime`]: the one place `--regime` meets the engine's regimes (whose `compliance` object
//!   gives each row's breach shares and Wilson intervals), and the windows a risk needs.
//! - [`simulation`]: one grid point on the engine; [`sweep`]: every unit, with the ratio bisection.
//! - [`row`]: a row's JSON and the summary read back from it; [`recommend`]: the recommendation
//!   and the frontier.
//! - [`document`]: the `--json` document, CSV lines and shard files; [`merge`]: checking and
//!   merging shard files.
//! - [`error`]: [`PlanError`], naming the flag to fix.
//!
//! # Example
//!
//! ```
//! use planner::{Collector, PlanFlags, PlanInput, PlanSpec, run_plan};
//!
//! let at = |rate: f64| -> Result<dialer::Scenario, String> {
//!     serde_json::from_value(serde_json::json!({
//!         "agents": 4, "window_minutes": 30, "dialer": {"mode": "progressive"},
//!         "live_answer_probability": rate,
//!         "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
//!         "talk_seconds": {"dist": "exp", "mean": 60},
//!         "patience_seconds": {"dist": "fixed", "mean": 2}
//!     })).map_err(|e| e.to_string())
//! };
//! let input = PlanInput {
//!     name: "example".into(), answer_rate: 0.3, agents: 4,
//!     dialer: dialer::DialerMode::Progressive, bucket_rates: vec![0.3], scenario_at: &at,
//! };
//! let flags = PlanFlags {
//!     strategy: Some("progressive,ratio:1.5".into()),
//!     agents: Some("4".into()),
//!     ..PlanFlags::default()
//! };
//! let spec = PlanSpec::build(&flags, &input).unwrap();
//! let mut collector = Collector::default();
//! run_plan::<planner::PlanError>(&spec, None, &mut |_text, row| { collector.add(row); Ok(()) }, &mut |_| {}).unwrap();
//! // Two settings at three answer rates.
//! assert_eq!(collector.rows(), 6);
//! let outcome = collector.finish(&spec);
//! // Progressive never abandons: it qualifies whatever ratio 1.5 does.
//! assert!(outcome.recommendation.is_ok());
//! ```

pub mod document;
pub mod error;
pub mod merge;
pub mod range;
pub mod recommend;
pub mod regime;
pub mod row;
pub mod simulation;
pub mod spec;
pub mod strategy;
pub mod sweep;

pub use error::PlanError;
pub use recommend::{Collector, Outcome, Recommendation, Setting};
pub use row::RowSummary;
pub use spec::{PlanFlags, PlanInput, PlanSpec, RiskBasis, Shard};
pub use sweep::{Progress, run_plan};
