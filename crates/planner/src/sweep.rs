//! Running a plan's units: each setting at every answer rate of the band, rows handed to the caller
//! as they are made (nothing is kept), and the ratio bisection.

use dialer::DialerMode;

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
/// returns.
pub fn run_plan<E>(
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

fn run_unit<E>(
    spec: &PlanSpec,
    unit: &Unit,
    on_row: &mut dyn FnMut(&str, &RowSummary) -> Result<(), E>,
) -> Result<(), E> {
    match unit.sweep {
        Sweep::Fixed { dialer } => run_setting(spec, unit, 0, dialer, on_row).map(|_| ()),
        Sweep::Bisect { lo, hi, tolerance } => {
            let ratio = |level: f64| DialerMode::Ratio { level };
            // The lowest level first: if even it breaches, no level of the bracket can qualify.
            if !run_setting(spec, unit, 0, ratio(lo), on_row)? {
                return Ok(());
            }
            if run_setting(spec, unit, 1, ratio(hi), on_row)? {
                return Ok(());
            }
            let (mut good, mut bad, mut step) = (lo, hi, 2);
            while bad - good > tolerance {
                let mid = ((good + bad) / 2.0 * 100.0).round() / 100.0;
                if mid <= good || mid >= bad {
                    break;
                }
                if run_setting(spec, unit, step, ratio(mid), on_row)? {
                    good = mid;
                } else {
                    bad = mid;
                }
                step += 1;
            }
            Ok(())
        }
    }
}

/// Runs one setting at every answer rate; whether its breach risk stays within the plan's risk at
/// every one of them.
fn run_setting<E>(
    spec: &PlanSpec,
    unit: &Unit,
    step: usize,
    dialer: DialerMode,
    on_row: &mut dyn FnMut(&str, &RowSummary) -> Result<(), E>,
) -> Result<bool, E> {
    let mut qualifies = true;
    for (i, &answer_rate) in spec.answer_rates.iter().enumerate() {
        let scenario = spec.scenario(i, unit.agents, dialer);
        let run = run_point(&scenario);
        let text = Row {
            unit: unit.index,
            step,
            answer_rate,
            agents: unit.agents,
            strategy: dialer,
            scenario: &scenario,
            metrics: &run.metrics,
            compliance: &run.compliance,
        }
        .to_json();
        // Invariant: the row was just written by `Row::to_json`, which has every field read.
        let summary = RowSummary::from_json(&text, spec.regime, spec.risk_basis)
            .unwrap_or_else(|e| unreachable!("a row read back: {e}"));
        qualifies &= summary.breach_upper <= spec.risk;
        on_row(&text, &summary)?;
    }
    Ok(qualifies)
}
