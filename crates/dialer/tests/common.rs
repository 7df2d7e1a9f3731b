//! Helpers shared by the integration tests.

use dialer::{Estimate, Scenario, ValidScenario, t_critical_95};

/// A scenario from JSON, checked valid.
pub fn scenario(json: serde_json::Value) -> ValidScenario {
    let scenario: Scenario = serde_json::from_value(json).unwrap();
    scenario.validate().unwrap()
}

/// The standard error of an estimate over `replications`, recovered from its 95 % interval.
pub fn standard_error(estimate: &Estimate, replications: u32) -> f64 {
    estimate.half_width().unwrap() / t_critical_95(u64::from(replications) - 1)
}

/// Asserts a simulated rate is within `max(3·SE, 0.003)` of its expected value.
pub fn assert_rate(name: &str, estimate: &Estimate, replications: u32, expected: f64) {
    let tolerance = (3.0 * standard_error(estimate, replications)).max(0.003);
    assert!(
        (estimate.mean - expected).abs() <= tolerance,
        "{name}: simulated {} vs expected {expected} (tolerance {tolerance})",
        estimate.mean
    );
}

/// Asserts a simulated value is within `relative` (0.01 = 1 %) of its expected value.
pub fn assert_relative(name: &str, estimate: &Estimate, expected: f64, relative: f64) {
    assert!(
        (estimate.mean / expected - 1.0).abs() <= relative,
        "{name}: simulated {} vs expected {expected} ({relative} relative)",
        estimate.mean
    );
}
