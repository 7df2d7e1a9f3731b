//! Progressive dialling: one line per Ready agent not yet matched to a ringing or waiting call.
//! Every live answer therefore finds an agent, so it never abandons.

use violation::shape::Shape;

use super::{CostInputs, PacingCost, PacingStrategy, SIMPLE_RUN_NANOS, Setup, Snapshot};
use crate::validation::Checker;

/// The progressive strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progressive;

impl PacingStrategy for Progressive {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        progressive_lines(snapshot)
    }

    fn reserves_agents(&self) -> bool {
        true
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingCost {
            lines: inputs.agents,
            run_nanos: SIMPLE_RUN_NANOS,
            wakes_per_second: 0.0,
            open_loop_dials_per_second: None,
            paced_by_agents: true,
        }
    }
}

/// Ready agents minus the calls already dialling or waiting for them.
#[inline]
pub fn progressive_lines(snapshot: &Snapshot<'_>) -> u32 {
    snapshot
        .agents
        .ready()
        .saturating_sub(snapshot.dialling + snapshot.waiting)
}

/// Progressive has no parameters to check.
pub(super) fn check(_out: &mut Checker) {}

/// `progressive`.
pub(super) fn describe() -> String {
    "progressive".into()
}

/// The strategy.
pub(super) fn build(_setup: &Setup<'_>) -> Progressive {
    Progressive
}

/// No parameters.
pub(super) static SHAPE: Shape = Shape::new(&[]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentPool;

    #[test]
    fn one_line_per_unmatched_ready_agent() {
        let agents = AgentPool::new(5);
        let snapshot = |dialling| Snapshot {
            now: 0.0,
            agents: &agents,
            waiting: 0,
            dialling,
        };
        assert_eq!(progressive_lines(&snapshot(0)), 5);
        assert_eq!(progressive_lines(&snapshot(3)), 2);
        assert_eq!(progressive_lines(&snapshot(7)), 0);
    }
}
