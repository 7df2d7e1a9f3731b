//! One grid point's simulation: the engine's window metrics (exactly what `dialer::simulate`
//! reports for the same scenario) and each replication's counts for the compliance object.
//!
//! This is the one place the planner runs the engine. It folds replications in index order, as
//! `dialer::simulate` does, so the metrics are bit-identical to `cxone-sim simulate` on the row's
//! scenario (a test holds it to that) and to any thread count.

use dialer::Scenario;
use dialer::engine::run_replication;
use dialer::estimate::t_critical_95;
use dialer::metrics::{Metrics, MetricsAccumulator, metric_values};
use dialer::model::Model;
use dialer::tally::Tally;
use rayon::prelude::*;

use crate::compliance::{RegimeCompliance, compliance};
use crate::regime::WindowCounts;

/// What one grid point's run gives.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRun {
    /// The engine's metrics over the window.
    pub metrics: Metrics,
    /// The compliance object: every regime, in [`crate::Regime::ALL`] order.
    pub compliance: Vec<(&'static str, RegimeCompliance)>,
}

/// Replications run together before they are folded in (any value gives the same result).
const CHUNK: u64 = 64;

/// Simulates a (valid) scenario's replications in parallel on the current rayon pool.
pub fn run_point(scenario: &Scenario) -> PointRun {
    let model = Model::new(scenario);
    let total = u64::from(scenario.replications);
    let mut metrics = MetricsAccumulator::default();
    let mut windows = Vec::with_capacity(scenario.replications as usize);
    let mut first = 0;
    while first < total {
        let last = (first + CHUNK).min(total);
        let tallies: Vec<Tally> = (first..last)
            .into_par_iter()
            .map(|index| {
                let replication = run_replication(&model, scenario.seed, index);
                let mut whole = Tally::default();
                for bucket in &replication.buckets {
                    whole.merge(bucket);
                }
                whole
            })
            .collect();
        for whole in &tallies {
            metrics.add(&metric_values(whole));
            windows.push(WindowCounts {
                live: whole.live_answers,
                abandoned: whole.abandoned,
                late: whole.late,
            });
        }
        first = last;
    }
    PointRun {
        metrics: metrics.metrics_with(t_critical_95(total.max(2) - 1)),
        compliance: compliance(&windows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_equal_the_engines_report_bit_for_bit() {
        let scenario: Scenario = serde_json::from_str(
            r#"{"agents": 6, "window_minutes": 60, "dialer": {"mode": "ratio", "level": 1.6},
                "live_answer_probability": 0.3,
                "ring_seconds": {"live": {"dist": "exp", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
                "talk_seconds": {"dist": "exp", "mean": 90},
                "patience_seconds": {"dist": "fixed", "mean": 2},
                "replications": 70, "seed": 3}"#,
        )
        .unwrap();
        scenario.validate().unwrap();
        let run = run_point(&scenario);
        assert_eq!(run.metrics, dialer::simulate(&scenario).metrics);
        let fcc = &run.compliance[0].1;
        assert_eq!(fcc.windows_over_limit.n, 70);
        assert!(run.metrics.abandoned.mean > 0.0);
    }
}
