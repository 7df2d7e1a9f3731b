//! One grid point's simulation: the engine's report (metrics and the `compliance` object) for the
//! point's scenario, exactly what `cxone-sim simulate` reports for it.

use dialer::{Options, Report, Scenario, ValidScenario};

use crate::error::PlanError;
use crate::strategy::describe;

/// Validates and simulates one grid point (replications in parallel on the current rayon pool).
pub fn run_point(scenario: &Scenario) -> Result<Report, PlanError> {
    Ok(dialer::simulate(
        &validate_point(scenario)?,
        Options::default(),
    ))
}

/// The engine's checks (work limits among them) on one grid point.
pub fn validate_point(scenario: &Scenario) -> Result<ValidScenario, PlanError> {
    scenario
        .clone()
        .validate()
        .map_err(|violations| PlanError::Scenario {
            point: format!(
                "{} agents, {}, answer rate {}",
                scenario.agents,
                describe(&scenario.dialer),
                scenario.live_answer_probability
            ),
            message: violations
                .iter()
                .map(|v| format!("{}: {}", v.path, v.message))
                .collect::<Vec<_>>()
                .join("; "),
        })
}
