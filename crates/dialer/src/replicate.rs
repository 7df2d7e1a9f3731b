//! Replications in parallel and the report: counter-based ChaCha8 streams from one seed, results
//! folded in replication order, so the report is bit-identical for any thread count.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{ReplicationTally, run_replication};
use crate::estimate::t_critical_95;
use crate::metrics::{METRIC_COUNT, Metrics, MetricsAccumulator, metric_values};
use crate::model::Model;
use crate::scenario::Scenario;
use crate::tally::Tally;
use crate::validation::Violation;

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

/// Runs the scenario's replications (in parallel, on the current rayon pool) and reports.
///
/// The scenario should be valid ([`Scenario::validate`]); an invalid one gives an empty report with
/// `replications` 0 (use [`try_simulate`] to get the violations instead).
pub fn simulate(scenario: &Scenario) -> Report {
    simulate_with_progress(scenario, &|_, _| {})
}

/// Like [`simulate`], calling `progress(done, total)` after each replication (from any thread).
pub fn simulate_with_progress(scenario: &Scenario, progress: &(dyn Fn(u64, u64) + Sync)) -> Report {
    try_simulate_with_progress(scenario, progress).unwrap_or_else(|_| Report {
        replications: 0,
        seed: scenario.seed,
        metrics: MetricsAccumulator::default().metrics(),
        buckets: Vec::new(),
    })
}

/// Validates the scenario, then simulates it.
pub fn try_simulate(scenario: &Scenario) -> Result<Report, Vec<Violation>> {
    try_simulate_with_progress(scenario, &|_, _| {})
}

/// Validates the scenario, then simulates it, reporting progress.
pub fn try_simulate_with_progress(
    scenario: &Scenario,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Report, Vec<Violation>> {
    scenario.validate()?;
    let model = Model::new(scenario);
    let segments = model.schedule.segments();
    let reported: Vec<usize> = (0..segments.len())
        .filter(|&i| segments[i].end > model.warmup)
        .collect();
    let total = u64::from(scenario.replications);
    let done = AtomicU64::new(0);
    let mut window = MetricsAccumulator::default();
    let mut buckets = vec![MetricsAccumulator::default(); reported.len()];
    let mut first = 0;
    while first < total {
        let last = (first + CHUNK).min(total);
        let values: Vec<([f64; METRIC_COUNT], Vec<[f64; METRIC_COUNT]>)> = (first..last)
            .into_par_iter()
            .map(|index| {
                let tally = run_replication(&model, scenario.seed, index);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(finished, total);
                summarise(&tally, &reported)
            })
            .collect();
        for (whole, per_bucket) in &values {
            window.add(whole);
            for (acc, v) in buckets.iter_mut().zip(per_bucket) {
                acc.add(v);
            }
        }
        first = last;
    }
    let critical = t_critical_95(total.max(2) - 1);
    Ok(Report {
        replications: scenario.replications,
        seed: scenario.seed,
        metrics: window.metrics_with(critical),
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
    })
}

/// One replication's values over the window and per reported bucket.
fn summarise(
    tally: &ReplicationTally,
    reported: &[usize],
) -> ([f64; METRIC_COUNT], Vec<[f64; METRIC_COUNT]>) {
    let mut whole = Tally::default();
    for bucket in &tally.buckets {
        whole.merge(bucket);
    }
    let per_bucket = reported
        .iter()
        .map(|&i| metric_values(&tally.buckets[i]))
        .collect();
    (metric_values(&whole), per_bucket)
}

/// The raw counters of replication `index` of a valid scenario, one [`Tally`] per timeline segment
/// (for checks of the engine's bookkeeping).
pub fn replication_tally(scenario: &Scenario, index: u64) -> ReplicationTally {
    run_replication(&Model::new(scenario), scenario.seed, index)
}
