//! Compliance (DESIGN §8): each regime's abandonment formula, limit and period, evaluated over the
//! simulated windows, and the report's `compliance` object.
//!
//! A regime ([`Regime`], one table entry in `regimes.rs`) is a [`ComplianceRule`]: a formula over
//! one period's [`PeriodCounts`] (a numerator and a denominator, so that windows pool into longer
//! periods as the rule counts), the limit, and the period. For each regime the report gives
//! - `rate`: the formula per window, mean and 95 % t-interval over replications (as metrics are);
//! - `windows_over_limit`: the share of windows (replications) over the limit, Wilson 95 %;
//! - `share_over_limit`: the share of periods over the limit, Wilson 95 %. A period of
//!   `period_days` windows is assembled from the windows as consecutive days: consecutive blocks in
//!   replication order when the replications make at least [`MIN_PERIODS`] periods, otherwise as
//!   many periods as there are windows, each of `period_days` windows drawn with replacement (a
//!   fixed stream of the run's seed, so the figure is reproducible). Resampled periods share
//!   windows, so their interval is narrower than independent periods' would be. A one-day period is
//!   the window itself: `share_over_limit` then equals `windows_over_limit`.

mod regimes;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use serde::ser::SerializeMap;

pub use regimes::Regime;

use crate::estimate::{Accumulator, Estimate, t_critical_95};
use crate::metrics::estimate_over;
use crate::tally::Tally;

/// Fewest periods assembled from consecutive windows before periods are resampled instead.
pub const MIN_PERIODS: usize = 20;

/// The stream of the run's seed the period resampling draws from (replications use streams
/// `0..replications`, at most 10 000).
const RESAMPLING_STREAM: u64 = u64::MAX;

/// The two-sided 95 % normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// What a regime's formula reads: one window's (or one period's pooled) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeriodCounts {
    /// Live answers recognised as people (connected, late or abandoned).
    pub live: u64,
    /// Live answers that reached no agent.
    pub abandoned: u64,
    /// Live answers connected after `connect_within_seconds`.
    pub late: u64,
    /// People hung up on because detection judged them machines (0 until AMD is simulated).
    pub false_positives: u64,
    /// Calls an agent handled (connected live answers and machines sent to agents).
    pub handled: u64,
    /// Machines detection let through to an agent (0 until AMD is simulated).
    pub machines_to_agents: u64,
}

impl PeriodCounts {
    /// The counts of one replication's tally.
    pub fn from_tally(tally: &Tally) -> Self {
        Self {
            live: tally.live_answers,
            abandoned: tally.abandoned,
            late: tally.late,
            false_positives: tally.amd_false_positives,
            handled: tally.connected + tally.machines_to_agents,
            machines_to_agents: tally.machines_to_agents,
        }
    }

    /// Adds another period's counts (pooling numerators and denominators).
    pub fn add(&mut self, other: &Self) {
        self.live += other.live;
        self.abandoned += other.abandoned;
        self.late += other.late;
        self.false_positives += other.false_positives;
        self.handled += other.handled;
        self.machines_to_agents += other.machines_to_agents;
    }
}

/// A regime's rule: what it counts, how much it allows, over what period.
#[derive(Debug, Clone, Copy)]
pub struct ComplianceRule {
    /// Key in the `compliance` object (`fcc`).
    pub key: &'static str,
    /// The most the rate may be, as a fraction.
    pub limit: f64,
    /// The period the law counts over, in words (`30 days, per campaign`).
    pub period: &'static str,
    /// Simulated windows (days) that make one period.
    pub period_days: u32,
    /// The formula: the numerator and denominator of the rate over some counts.
    pub counts: fn(&PeriodCounts) -> (u64, u64),
}

impl ComplianceRule {
    /// The rate over `counts`, or `None` when its denominator is 0.
    pub fn rate(&self, counts: &PeriodCounts) -> Option<f64> {
        let (numerator, denominator) = (self.counts)(counts);
        (denominator > 0).then(|| numerator as f64 / denominator as f64)
    }

    /// Whether `counts` break the limit (`None` when the rate is undefined).
    pub fn breached(&self, counts: &PeriodCounts) -> Option<bool> {
        self.rate(counts).map(|rate| rate > self.limit)
    }
}

/// A share of windows or periods, with its Wilson 95 % interval and how many it is over.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// The share, in [0, 1] (0 when `n` is 0).
    pub share: f64,
    /// Wilson 95 % interval; `None` when `n` is 0.
    pub ci95: Option<[f64; 2]>,
    /// How many windows or periods it is over.
    pub n: u64,
}

impl Share {
    /// `hits` out of `n`, with the Wilson score interval.
    pub fn wilson(hits: u64, n: u64) -> Self {
        if n == 0 {
            return Self {
                share: 0.0,
                ci95: None,
                n,
            };
        }
        let (k, n_f) = (hits as f64, n as f64);
        let p = k / n_f;
        let z2 = Z95 * Z95;
        let denominator = 1.0 + z2 / n_f;
        let centre = (p + z2 / (2.0 * n_f)) / denominator;
        let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denominator;
        Self {
            share: p,
            ci95: Some([(centre - half).max(0.0), (centre + half).min(1.0)]),
            n,
        }
    }
}

/// One regime's figures in a report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegimeReport {
    /// The regime's limit.
    pub limit: f64,
    /// The period it counts over, in words.
    pub period: &'static str,
    /// The rate per window, mean and 95 % interval over replications.
    pub rate: Estimate,
    /// The share of periods over the limit.
    pub share_over_limit: Share,
    /// Windows (days) per period.
    pub period_days: u32,
    /// The share of single windows over the limit.
    pub windows_over_limit: Share,
}

/// The report's `compliance` object: one [`RegimeReport`] per [`Regime`], serialised as
/// `{"fcc": {…}, …}` in [`Regime::ALL`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    /// One entry per regime, in [`Regime::ALL`] order.
    reports: Vec<RegimeReport>,
}

impl Compliance {
    /// The figures of `regime`.
    pub fn regime(&self, regime: Regime) -> &RegimeReport {
        // Built from `Regime::ALL` in order, so every regime has its entry at its index.
        &self.reports[regime.index()]
    }

    /// The FCC/FTC figures.
    pub fn fcc(&self) -> &RegimeReport {
        self.regime(Regime::Fcc)
    }

    /// Every regime with its figures, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Regime, &RegimeReport)> {
        Regime::ALL.iter().copied().zip(&self.reports)
    }

    /// Evaluates every regime over the windows (one per replication, in replication order);
    /// `seed` fixes the resampling of periods.
    pub fn assess(windows: &[PeriodCounts], seed: u64) -> Self {
        Self {
            reports: Regime::ALL
                .iter()
                .map(|regime| assess(&regime.rule(), windows, seed))
                .collect(),
        }
    }
}

impl Serialize for Compliance {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.reports.len()))?;
        for (regime, report) in self.iter() {
            map.serialize_entry(regime.key(), report)?;
        }
        map.end()
    }
}

/// One regime over the windows.
fn assess(rule: &ComplianceRule, windows: &[PeriodCounts], seed: u64) -> RegimeReport {
    let mut rate = Accumulator::default();
    let (mut over, mut defined) = (0, 0);
    for window in windows {
        if let Some(r) = rule.rate(window) {
            rate.add(r);
            defined += 1;
            over += u64::from(r > rule.limit);
        }
    }
    let replications = windows.len() as u64;
    let critical = t_critical_95(replications.max(2) - 1);
    RegimeReport {
        limit: rule.limit,
        period: rule.period,
        rate: estimate_over(&rate, replications, critical),
        share_over_limit: periods_over_limit(rule, windows, seed),
        period_days: rule.period_days,
        windows_over_limit: Share::wilson(over, defined),
    }
}

/// The share of periods over the limit, periods assembled from the windows as the module notes say.
fn periods_over_limit(rule: &ComplianceRule, windows: &[PeriodCounts], seed: u64) -> Share {
    let days = rule.period_days.max(1) as usize;
    let (mut over, mut defined) = (0, 0);
    let mut count = |period: &PeriodCounts| {
        if let Some(breached) = rule.breached(period) {
            defined += 1;
            over += u64::from(breached);
        }
    };
    if days == 1 || windows.len() >= days * MIN_PERIODS {
        for block in windows.chunks_exact(days) {
            let mut period = PeriodCounts::default();
            block.iter().for_each(|w| period.add(w));
            count(&period);
        }
    } else if !windows.is_empty() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(RESAMPLING_STREAM);
        for _ in 0..windows.len() {
            let mut period = PeriodCounts::default();
            for _ in 0..days {
                period.add(&windows[rng.random_range(0..windows.len())]);
            }
            count(&period);
        }
    }
    Share::wilson(over, defined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(live: u64, abandoned: u64) -> PeriodCounts {
        PeriodCounts {
            live,
            abandoned,
            handled: live - abandoned,
            ..PeriodCounts::default()
        }
    }

    #[test]
    fn wilson_interval_matches_the_closed_form() {
        // 0 of 40: upper bound z² / (n + z²).
        let none = Share::wilson(0, 40);
        let [low, high] = none.ci95.unwrap();
        assert_eq!(low, 0.0);
        assert!(
            (high - Z95 * Z95 / (40.0 + Z95 * Z95)).abs() < 1e-12,
            "{high}"
        );
        // 1 of 40: the published interval is 0.0044–0.1288.
        let one = Share::wilson(1, 40);
        let [low, high] = one.ci95.unwrap();
        assert!((one.share - 0.025).abs() < 1e-15);
        assert!(
            (low - 0.004_43).abs() < 5e-5 && (high - 0.128_8).abs() < 5e-4,
            "{one:?}"
        );
        assert_eq!(Share::wilson(0, 0).ci95, None);
    }

    #[test]
    fn windows_over_the_limit_are_counted_one_by_one() {
        // 2 of 5 windows over 3 %; one window without live answers is left out.
        let windows = [
            window(100, 1),
            window(100, 4),
            window(200, 5),
            window(100, 7),
            window(50, 1),
            window(0, 0),
        ];
        let report = Compliance::assess(&windows, 1);
        let fcc = report.fcc();
        assert_eq!(fcc.windows_over_limit.n, 5);
        assert!((fcc.windows_over_limit.share - 0.4).abs() < 1e-15);
        assert_eq!(fcc.rate.n, 5);
        let mean = (0.01 + 0.04 + 0.025 + 0.07 + 0.02) / 5.0;
        assert!((fcc.rate.mean - mean).abs() < 1e-15, "{:?}", fcc.rate);
        assert_eq!(fcc.limit, Regime::Fcc.limit());
    }

    #[test]
    fn periods_pool_counts_from_consecutive_windows_when_there_are_enough() {
        // 30-day periods from 600 windows: 20 periods. Every window but the first of a period is
        // clean, the first carries 10 drops of 100: a period over 3 % only when pooled counts say
        // so (10 / 3 000 is 0.33 %), though one window in 30 is at 10 %.
        let days = Regime::Fcc.rule().period_days as usize;
        let windows: Vec<_> = (0..days * MIN_PERIODS)
            .map(|i| {
                if i % days == 0 {
                    window(100, 10)
                } else {
                    window(100, 0)
                }
            })
            .collect();
        let fcc = *Compliance::assess(&windows, 1).fcc();
        assert_eq!(fcc.share_over_limit.n, MIN_PERIODS as u64);
        assert_eq!(fcc.share_over_limit.share, 0.0);
        assert!((fcc.windows_over_limit.share - 1.0 / days as f64).abs() < 1e-12);
    }

    #[test]
    fn too_few_windows_are_resampled_into_periods_reproducibly() {
        let windows: Vec<_> = (0..20)
            .map(|i| {
                if i < 10 {
                    window(100, 1)
                } else {
                    window(100, 6)
                }
            })
            .collect();
        let a = Compliance::assess(&windows, 7);
        let fcc = a.fcc();
        // As many periods as windows; each pools 30 draws, about 3.5 % on average, so most are over.
        assert_eq!(fcc.share_over_limit.n, 20);
        assert!(fcc.share_over_limit.share > 0.5, "{fcc:?}");
        assert!(fcc.share_over_limit.share < 1.0, "{fcc:?}");
        assert_eq!(Compliance::assess(&windows, 7), a);
    }

    #[test]
    fn serialises_as_an_object_keyed_by_regime() {
        let report = Compliance::assess(&[window(100, 1), window(100, 2)], 1);
        let json = serde_json::to_value(&report).unwrap();
        let fcc = &json["fcc"];
        assert_eq!(fcc["limit"], serde_json::json!(Regime::Fcc.limit()));
        assert_eq!(fcc["period"], "30 days, per campaign");
        assert_eq!(fcc["period_days"], 30);
        assert_eq!(fcc["rate"]["n"], 2);
        for key in ["share", "ci95", "n"] {
            assert!(fcc["share_over_limit"].get(key).is_some(), "{key}");
            assert!(fcc["windows_over_limit"].get(key).is_some(), "{key}");
        }
    }
}
