//! Open-loop dialling at a fixed rate (a Poisson process), so that the engine can be checked
//! against queueing formulas: pacing never adds lines; the strategy wakes at exponential gaps and
//! starts one line each time (within `max_lines`).

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::Exp1;

use super::{CostInputs, PacingCost, PacingStrategy, Snapshot};

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
