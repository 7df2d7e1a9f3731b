//! Replications in parallel and the report: counter-based ChaCha8 streams from one seed, results
//! folded in replication order, so the report is bit-identical for any thread count.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::compliance::{Compliance, PeriodCounts, Regime};
use crate::engine::{ReplicationTally, run_replication};
use crate::estimate::t_critical_95;
use crate::metrics::{MetricValues, Metrics, MetricsAccumulator};
use crate::model::Model;
use crate::tally::Tally;
use crate::validation::ValidScenario;

/// What a simulation run reports (DESIGN §5.6): metrics over the window after warm-up, and per
/// report bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Replications run.
    pub replications: u32,
    /// The run's seed.
    pub seed: u64,
    /// Metrics over the counted window.
    pub metrics: Metrics,
    /// Every compliance regime's rate and risk of a breach (DESIGN §8).
    pub compliance: Compliance,
    /// Metrics per schedule bucket occurrence (or per hour without a schedule), in time order;
    /// buckets wholly inside the warm-up are left out.
    pub buckets: Vec<BucketReport>,
}

/// The metrics of one report bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketReport {
    /// Position of the bucket on the window's timeline (0 = the first, warm-up included).
    pub index: usize,
    /// Start of the counted part of the bucket, in minutes from the window's start.
    pub start_minute: f64,
    /// End of the bucket, in minutes from the window's start.
    pub end_minute: f64,
    /// The bucket's metrics.
    pub metrics: Metrics,
}

/// Replications run together before their results are folded in; any value gives the same report.
const CHUNK: u64 = 64;

/// How to run a simulation.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Called as `progress(done, total)` after each replication (from any thread).
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// The compliance regime the run is held to, whose formula the predictive pacer's drop rate
    /// follows (whether AMD false positives count); `None` for FCC/FTC.
    pub regime: Option<Regime>,
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("progress", &self.progress.is_some())
            .field("regime", &self.regime)
            .finish()
    }
}

/// Runs the scenario's replications (in parallel, on the current rayon pool) and reports.
pub fn simulate(scenario: &ValidScenario, options: Options<'_>) -> Report {
    let progress = options.progress.unwrap_or(&|_, _| {});
    let mut model = Model::new(scenario);
    if let Some(regime) = options.regime {
        model.regime = regime;
    }
    let segments = model.schedule.segments();
    let reported: Vec<usize> = (0..segments.len())
        .filter(|&i| segments[i].end > model.warmup)
        .collect();
    let total = u64::from(scenario.replications);
    let done = AtomicU64::new(0);
    let mut window = MetricsAccumulator::default();
    let mut buckets = vec![MetricsAccumulator::default(); reported.len()];
    let mut windows = Vec::with_capacity(scenario.replications as usize);
    let mut first = 0;
    while first < total {
        let last = (first + CHUNK).min(total);
        let values: Vec<Summary> = (first..last)
            .into_par_iter()
            .map(|index| {
                let tally = run_replication(&model, scenario.seed, index);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(finished, total);
                summarise(&tally, &reported)
            })
            .collect();
        for summary in &values {
            window.add(&summary.whole);
            windows.push(summary.counts);
            for (acc, v) in buckets.iter_mut().zip(&summary.per_bucket) {
                acc.add(v);
            }
        }
        first = last;
    }
    let critical = t_critical_95(total.max(2) - 1);
    Report {
        replications: scenario.replications,
        seed: scenario.seed,
        metrics: window.metrics_with(critical),
        compliance: Compliance::assess(&windows, scenario.seed),
        buckets: reported
            .iter()
            .zip(&buckets)
            .map(|(&i, acc)| BucketReport {
                index: i,
                start_minute: segments[i].start.max(model.warmup) / 60.0,
                end_minute: segments[i].end / 60.0,
                metrics: acc.metrics_with(critical),
            })
            .collect(),
    }
}

/// What one replication contributes to the report.
struct Summary {
    /// Its metric values over the counted window.
    whole: MetricValues,
    /// Its counts over the counted window, for the compliance regimes.
    counts: PeriodCounts,
    /// Its metric values per reported bucket.
    per_bucket: Vec<MetricValues>,
}

/// One replication's values over the window and per reported bucket.
fn summarise(tally: &ReplicationTally, reported: &[usize]) -> Summary {
    let mut whole = Tally::default();
    for bucket in &tally.buckets {
        whole.merge(bucket);
    }
    Summary {
        whole: MetricValues::from_tally(&whole),
        counts: PeriodCounts::from_tally(&whole),
        per_bucket: reported
            .iter()
            .map(|&i| MetricValues::from_tally(&tally.buckets[i]))
            .collect(),
    }
}

/// The raw counters of replication `index`, one [`Tally`] per timeline segment (for checks of the
/// engine's bookkeeping).
pub fn replication_tally(scenario: &ValidScenario, index: u64) -> ReplicationTally {
    run_replication(&Model::new(scenario), scenario.seed, index)
}
