//! Open-loop dialling at a fixed rate (a Poisson process), so that the engine can be checked
//! against queueing formulas: pacing never adds lines; the strategy wakes at exponential gaps and
//! starts one line each time (within `max_lines`).

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::Exp1;

use violation::shape::{Field, Shape};

use super::{CostInputs, PacingCost, PacingStrategy, Setup, Snapshot};
use crate::scenario_shape::NUMBER;
use crate::validation::Checker;

/// The open-loop strategy.
#[derive(Debug, Clone)]
pub struct Poisson {
    /// Mean seconds between attempts; `None` when the rate is 0 (it never dials).
    mean_gap: Option<f64>,
}

impl Poisson {
    /// Dialling `dials_per_minute` attempts a minute on average.
    pub fn new(dials_per_minute: f64) -> Self {
        Self {
            mean_gap: (dials_per_minute > 0.0).then(|| 60.0 / dials_per_minute),
        }
    }

    fn gap(&self, rng: &mut ChaCha8Rng) -> Option<f64> {
        self.mean_gap.map(|mean| mean * rng.sample::<f64, _>(Exp1))
    }
}

impl PacingStrategy for Poisson {
    #[inline]
    fn lines_to_start(&mut self, _snapshot: &Snapshot<'_>) -> u32 {
        0
    }

    fn first_wake(&mut self, rng: &mut ChaCha8Rng) -> Option<f64> {
        self.gap(rng)
    }

    #[inline]
    fn on_wake(&mut self, _snapshot: &Snapshot<'_>) -> u32 {
        1
    }

    #[inline]
    fn next_wake(&mut self, now: f64, rng: &mut ChaCha8Rng) -> Option<f64> {
        self.gap(rng).map(|gap| now + gap)
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        let rate = self.mean_gap.map_or(0.0, |gap| 1.0 / gap);
        PacingCost {
            lines: inputs.agents / inputs.lowest_live_probability,
            run_nanos: 0.0,
            wakes_per_second: rate,
            open_loop_dials_per_second: Some(rate),
            paced_by_agents: false,
        }
    }
}
/// `dials_per_minute`: not negative.
pub(super) fn check(out: &mut Checker, dials_per_minute: f64) {
    out.non_negative("dialer.dials_per_minute", dials_per_minute);
}

/// `poisson 30/min`.
pub(super) fn describe(dials_per_minute: f64) -> String {
    format!("poisson {dials_per_minute}/min")
}

/// The strategy at `dials_per_minute`.
pub(super) fn build(_setup: &Setup<'_>, dials_per_minute: f64) -> Poisson {
    Poisson::new(dials_per_minute)
}

/// Its `dials_per_minute`.
pub(super) static SHAPE: Shape = Shape::new(&[Field::required(
    "dials_per_minute",
    NUMBER,
    "mean dial attempts per minute",
)]);

