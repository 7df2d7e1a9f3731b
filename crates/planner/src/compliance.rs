//! The risk of a breach from the simulated windows (DESIGN §8's `compliance` object): each regime's
//! rate, the share of windows and of periods over its limit, with Wilson 95 % intervals.
//!
//! One replication is one simulated window (a shift or a day). A regime whose period is longer
//! than a window assembles periods of `period_days` consecutive windows; with fewer than
//! [`MIN_PERIODS`] such periods, it draws as many periods as there are windows, each of
//! `period_days` windows resampled with replacement with a fixed seed (the same in every row, so
//! rows stay comparable).

use dialer::Estimate;
use dialer::estimate::{Accumulator, t_critical_95};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::regime::{Regime, WindowCounts};

/// Periods below which they are resampled rather than cut from consecutive windows.
pub const MIN_PERIODS: usize = 30;
/// Seed of the period resampling.
const RESAMPLING_SEED: u64 = 0x5eed_0030;
/// The two-sided 95 % normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// A share of windows or periods over the limit, with its Wilson 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Windows (or periods) over the limit, over `n`.
    pub share: f64,
    /// Wilson 95 % interval; `[0, 1]` with `n` 0.
    pub ci95: [f64; 2],
    /// Windows (or periods) counted: those with a denominator above 0.
    pub n: u64,
}

impl Share {
    /// `over` of `n` with its Wilson interval.
    pub fn of(over: u64, n: u64) -> Self {
        if n == 0 {
            return Self {
                share: 0.0,
                ci95: [0.0, 1.0],
                n,
            };
        }
        let (k, n_f) = (over as f64, n as f64);
        let z2 = Z95 * Z95;
        let centre = (k + z2 / 2.0) / (n_f + z2);
        let half = Z95 / (n_f + z2) * (k * (n_f - k) / n_f + z2 / 4.0).sqrt();
        Self {
            share: k / n_f,
            ci95: [(centre - half).max(0.0), (centre + half).min(1.0)],
            n,
        }
    }
}

/// The smallest `n` for which 0 windows over the limit in `n` gives a Wilson upper bound below
/// `risk`: `z² / (n + z²) < risk`.
pub fn windows_needed(risk: f64) -> u32 {
    let z2 = Z95 * Z95;
    (z2 / risk - z2).floor().max(0.0) as u32 + 1
}

/// One regime's entry of the `compliance` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeCompliance {
    /// The regime's limit.
    pub limit: f64,
    /// The period the limit applies over.
    pub period: &'static str,
    /// The regime's rate per window: mean and 95 % interval over windows.
    pub rate: Estimate,
    /// The share of periods over the limit.
    pub share_over_limit: Share,
    /// Windows in one period.
    pub period_days: usize,
    /// The share of windows (each on its own) over the limit.
    pub windows_over_limit: Share,
}

/// Every regime's entry for one row's windows, keyed by regime name in [`Regime::ALL`] order.
pub fn compliance(windows: &[WindowCounts]) -> Vec<(&'static str, RegimeCompliance)> {
    Regime::ALL
        .into_iter()
        .map(|regime| (regime.name(), regime_compliance(regime, windows)))
        .collect()
}

/// One regime's entry for one row's windows.
pub fn regime_compliance(regime: Regime, windows: &[WindowCounts]) -> RegimeCompliance {
    let limit = regime.limit();
    let mut rate = Accumulator::default();
    let (mut over, mut counted) = (0, 0);
    for w in windows {
        let (num, den) = regime.fraction(w);
        if den > 0 {
            let r = num as f64 / den as f64;
            rate.add(r);
            counted += 1;
            over += u64::from(r > limit);
        }
    }
    let windows_over_limit = Share::of(over, counted);
    let days = regime.period_days();
    let share_over_limit = if days == 1 {
        windows_over_limit
    } else {
        let periods = periods(windows, days);
        let (mut over, mut counted) = (0, 0);
        for p in &periods {
            let (num, den) = regime.fraction(p);
            if den > 0 {
                counted += 1;
                over += u64::from(num as f64 / den as f64 > limit);
            }
        }
        Share::of(over, counted)
    };
    RegimeCompliance {
        limit,
        period: regime.period(),
        rate: rate.estimate_with(t_critical_95(rate.count().max(2) - 1)),
        share_over_limit,
        period_days: days,
        windows_over_limit,
    }
}

/// Periods of `days` windows: consecutive when there are enough, resampled otherwise.
fn periods(windows: &[WindowCounts], days: usize) -> Vec<WindowCounts> {
    if windows.is_empty() {
        return Vec::new();
    }
    if windows.len() / days >= MIN_PERIODS {
        return windows
            .chunks_exact(days)
            .map(|chunk| {
                let mut sum = WindowCounts::default();
                chunk.iter().for_each(|w| sum.add(w));
                sum
            })
            .collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(RESAMPLING_SEED);
    (0..windows.len())
        .map(|_| {
            let mut sum = WindowCounts::default();
            for _ in 0..days {
                sum.add(&windows[rng.random_range(0..windows.len())]);
            }
            sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_known_values() {
        // 0 of 73: upper bound z²/(n+z²) just under 5 %; 0 of 72 just over.
        assert!(Share::of(0, 73).ci95[1] < 0.05);
        assert!(Share::of(0, 72).ci95[1] > 0.05);
        assert_eq!(windows_needed(0.05), 73);
        // 1 of 40 (DESIGN §8's example): [0.004, 0.128].
        let s = Share::of(1, 40);
        assert!((s.ci95[0] - 0.00443).abs() < 1e-4, "{s:?}");
        assert!((s.ci95[1] - 0.12881).abs() < 1e-4, "{s:?}");
        assert_eq!(s.share, 0.025);
        assert_eq!(Share::of(0, 0).ci95, [0.0, 1.0]);
        assert_eq!(Share::of(5, 5).ci95[1], 1.0);
    }

    fn window(live: u64, abandoned: u64) -> WindowCounts {
        WindowCounts {
            live,
            abandoned,
            late: 0,
        }
    }

    #[test]
    fn windows_and_periods_are_counted_against_the_limit() {
        // 10 windows: 2 over 3 %, one with no live answers (left out).
        let mut windows = vec![window(100, 1); 7];
        windows.extend([window(100, 5), window(100, 4), window(0, 0)]);
        let fcc = regime_compliance(Regime::Fcc, &windows);
        assert_eq!(fcc.windows_over_limit.n, 9);
        assert!((fcc.windows_over_limit.share - 2.0 / 9.0).abs() < 1e-12);
        // Pooled over 30 resampled windows, periods sit near the mean (16/900 < 3 %): rarely over.
        assert_eq!(fcc.period_days, 30);
        assert!(fcc.share_over_limit.share < 0.2, "{fcc:?}");
        assert_eq!(fcc.share_over_limit.n, 10);
        // Ofcom's period is one window: the same share.
        let ofcom = regime_compliance(Regime::Ofcom, &windows);
        assert_eq!(ofcom.share_over_limit, ofcom.windows_over_limit);
        // CRTC's 5 % limit: none over.
        assert_eq!(
            regime_compliance(Regime::Crtc, &windows)
                .windows_over_limit
                .share,
            0.0
        );
    }

    #[test]
    fn enough_windows_make_consecutive_periods() {
        let mut windows = vec![window(100, 0); 30 * 30];
        // The second period holds all the drops: 120 of 3 000 live answers = 4 %.
        for w in &mut windows[30..60] {
            w.abandoned = 4;
        }
        let fcc = regime_compliance(Regime::Fcc, &windows);
        assert_eq!(fcc.share_over_limit.n, 30);
        assert!((fcc.share_over_limit.share - 1.0 / 30.0).abs() < 1e-12);
        assert_eq!(fcc.windows_over_limit.share, 30.0 / 900.0);
    }
}
