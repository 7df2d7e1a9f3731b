//! Running a plan's units: each setting at every answer rate of the band, rows handed to the caller
//! as they are made (nothing is kept), and the ratio bisection (whose steps stop at the first
//! answer rate that breaches, so a failing level costs one row rather than one per rate).

use dialer::DialerMode;

use crate::error::PlanError;
use crate::row::{Row, RowSummary};
use crate::simulation::run_point;
use crate::spec::{PlanSpec, Shard, Unit};
use crate::strategy::Sweep;

/// Progress of a run: units done of units in all, rows written so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Units finished.
    pub units_done: usize,
    /// Units to run (this shard's).
    pub units: usize,
    /// Rows written so far.
    pub rows: usize,
}

/// Runs every unit of the plan (or of one shard), in grid order, calling `on_row` with each row's
/// JSON text and its summary, and `on_progress` after each unit. Stops at the first error `on_row`
/// returns, or at a grid point the engine refuses.
pub fn run_plan<E: From<PlanError>>(
    spec: &PlanSpec,
    shard: Option<Shard>,
    on_row: &mut dyn FnMut(&str, &RowSummary) -> Result<(), E>,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<(), E> {
    let units: Vec<Unit> = spec
        .units()
        .into_iter()
        .filter(|u| shard.is_none_or(|s| s.takes(u)))
        .collect();
    let mut progress = Progress {
        units_done: 0,
        units: units.len(),
        rows: 0,
    };
    on_progress(progress);
    for unit in &units {
        let mut unit_rows = 0;
        let mut emit = |text: &str, summary: &RowSummary| {
            unit_rows += 1;
            on_row(text, summary)
        };
        run_unit(spec, unit, &mut emit)?;
        progress.units_done += 1;
        progress.rows += unit_rows;
        on_progress(progress);
    }
    Ok(())
}

fn run_unit<E: From<PlanError>>(
    spec: &PlanSpec,
    unit: &Unit,
    on_row: &mut dyn FnMut(&str, &RowSummary) -> Result<(), E>,
) -> Result<(), E> {
    match unit.sweep {
        Sweep::Fixed { dialer } => {
            run_setting(spec, unit, 0, dialer, Rates::All, on_row).map(|_| ())
        }
        Sweep::Bisect { lo, hi, tolerance } => {
            let mut step = 0;
            let mut try_level = |level: f64, step: &mut usize| {
                let dialer = DialerMode::Ratio { level };
                let within = run_setting(spec, unit, *step, dialer, Rates::UntilBreach, on_row);
                *step += 1;
                within
            };
            // The lowest level first: if even it breaches, no level of the bracket can qualify.
            if !try_level(lo, &mut step)? {
                return Ok(());
            }
            // The high end is assumed to breach (it almost always does) and run only if the
            // bisection climbs next to it.
            let (mut good, mut bad) = (lo, hi);
            while bad - good > tolerance {
                let mid = ((good + bad) / 2.0 * 100.0).round() / 100.0;
                if mid <= good || mid >= bad {
                    break;
                }
                if try_level(mid, &mut step)? {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            if bad == hi {
                try_level(hi, &mut step)?;
            }
            Ok(())
        }
    }
}

/// Which answer rates a setting runs at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rates {
    /// Every one, in ascending order.
    All,
    /// Highest first (where over-dialling breaches first), stopping at the first that breaches:
    /// a bisection step only needs to know whether the setting holds at every rate.
    UntilBreach,
}

/// Runs one setting at the answer rates `rates` says; whether its breach risk stays within the
/// plan's risk at every one of them.
fn run_setting<E: From<PlanError>>(
    spec: &PlanSpec,
    unit: &Unit,
    step: usize,
    dialer: DialerMode,
    rates: Rates,
    on_row: &mut dyn FnMut(&str, &RowSummary) -> Result<(), E>,
) -> Result<bool, E> {
    let mut qualifies = true;
    let mut order: Vec<usize> = (0..spec.answer_rates.len()).collect();
    if rates == Rates::UntilBreach {
        order.reverse();
    }
    for i in order {
        let answer_rate = spec.answer_rates[i];
        let scenario = spec.scenario(i, unit.agents, dialer);
        let report = run_point(&scenario)?;
        let text = Row {
            unit: unit.index,
            step,
            answer_rate,
            agents: unit.agents,
            strategy: dialer,
            scenario: &scenario,
            metrics: &report.metrics,
            compliance: &report.compliance,
        }
        .to_json();
        // Invariant: the row was just written by `Row::to_json`, which has every field read.
        let summary = RowSummary::from_json(&text, spec.regime, spec.risk_basis)
            .unwrap_or_else(|e| unreachable!("a row read back: {e}"));
        qualifies &= summary.breach_upper <= spec.risk;
        on_row(&text, &summary)?;
        if !qualifies && rates == Rates::UntilBreach {
            break;
        }
    }
    Ok(qualifies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::PlanFlags;

    #[test]
    fn the_bisection_brackets_the_highest_level_within_the_risk() {
        let flags = PlanFlags {
            answer_rate: Some("0.28..0.32:0.02".into()),
            agents: Some("8".into()),
            strategy: Some("ratio:1.0..3.0".into()),
            replications: Some(20),
            risk: Some(0.3),
            ..PlanFlags::default()
        };
        let spec = crate::spec::test_spec(8, 90.0, &flags);
        let mut rows: Vec<RowSummary> = Vec::new();
        run_plan::<PlanError>(
            &spec,
            None,
            &mut |_, r| {
                rows.push(*r);
                Ok(())
            },
            &mut |_| {},
        )
        .unwrap();
        let level = |r: &RowSummary| match r.strategy {
            DialerMode::Ratio { level } => level,
            _ => f64::NAN,
        };
        let mut steps: Vec<(usize, f64, bool)> = Vec::new();
        for r in &rows {
            let within = r.breach_upper <= spec.risk;
            match steps.last_mut() {
                Some(last) if last.0 == r.step => last.2 &= within,
                _ => steps.push((r.step, level(r), within)),
            }
        }
        // A handful of levels, not a fine grid: log2(2 / 0.05) ≈ 5 halvings after the low end.
        assert!(steps.len() <= 8, "{steps:?}");
        assert_eq!(steps[0].1, 1.0);
        let best = steps
            .iter()
            .filter(|s| s.2)
            .map(|s| s.1)
            .fold(0.0, f64::max);
        let lowest_fail = steps
            .iter()
            .filter(|s| !s.2)
            .map(|s| s.1)
            .fold(f64::INFINITY, f64::min);
        assert!(best >= 1.0, "{steps:?}");
        assert!(lowest_fail > best, "{steps:?}");
        assert!(lowest_fail - best <= 0.05 + 1e-9, "{steps:?}");
        // A failing step stops at its first breach: it has fewer rows than the band.
        for (step, _, within) in &steps {
            let n = rows.iter().filter(|r| r.step == *step).count();
            if *within {
                assert_eq!(n, 3);
            }
        }
        // The high end, assumed to breach, is not run unless the bisection climbs next to it.
        assert!(steps.iter().all(|s| s.1 < 3.0) || best > 2.9, "{steps:?}");
    }
}
