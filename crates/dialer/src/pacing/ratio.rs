//! VICIdial RATIO: keep `round(level × available agents)` lines in use, counting lines dialling,
//! ringing, waiting for an agent and talking.

use violation::shape::{Field, Shape};

use super::{CostInputs, PacingCost, PacingStrategy, SIMPLE_RUN_NANOS, Setup, Snapshot, round9};
use crate::scenario_shape::NUMBER;
use crate::validation::{Checker, MAX_LEVEL};

/// The RATIO strategy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// Lines per available agent.
    pub level: f64,
}

impl PacingStrategy for Ratio {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        ratio_lines(self.level, snapshot)
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingCost {
            lines: (self.level * inputs.agents).ceil(),
            run_nanos: SIMPLE_RUN_NANOS,
            wakes_per_second: 0.0,
            open_loop_dials_per_second: None,
            paced_by_agents: false,
        }
    }
}

/// Lines to start so that `round(level × available agents)` are in use.
#[inline]
pub fn ratio_lines(level: f64, snapshot: &Snapshot<'_>) -> u32 {
    // `x + 0.5` truncated is `round(x)` for x ≥ 0, without a libm call in the hot loop.
    let goal = (level * f64::from(snapshot.agents.available()) + 0.5) as u32;
    goal.saturating_sub(snapshot.lines_in_use())
}

/// `level`: 1–10.
pub(super) fn check(out: &mut Checker, level: f64) {
    out.range("dialer.level", level, 1.0, MAX_LEVEL);
}

/// `ratio 1.35`.
pub(super) fn describe(level: f64) -> String {
    format!("ratio {}", round9(level))
}

/// The strategy at `level`.
pub(super) fn build(_setup: &Setup<'_>, level: f64) -> Ratio {
    Ratio { level }
}

/// Its `level`.
pub(super) static SHAPE: Shape = Shape::new(&[Field::required(
    "level",
    NUMBER,
    "lines per available agent",
)]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentPool;

    #[test]
    fn fills_up_to_the_goal_counting_every_line_in_use() {
        let mut agents = AgentPool::new(10);
        let a = agents.take_ready().unwrap();
        agents.start_talking(a, 0.0);
        agents.pause(0);
        // 9 available agents at 1.5 → 14 lines (13.5 rounds away from zero); 1 talking, 1 waiting
        // and 5 dialling leave 7 to start.
        let snapshot = Snapshot {
            now: 0.0,
            agents: &agents,
            waiting: 1,
            dialling: 5,
        };
        assert_eq!(ratio_lines(1.5, &snapshot), 7);
        assert_eq!(ratio_lines(1.0, &snapshot), 2);
    }
}
