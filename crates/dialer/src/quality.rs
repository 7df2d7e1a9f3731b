//! Strategy quality: how well a pacing strategy keeps every shift within the law, measured against
//! progressive dialling and against the best fixed ratio found by hindsight.
//!
//! A [`Case`] is one campaign (team size, live-answer rate, wrap, efficiency, day shape) simulated
//! from minute 0 (no warm-up excluded: the law counts every call). [`evaluate`] runs its
//! replications and reports per-shift figures: the share of shifts whose own FCC/FTC rate
//! (abandoned and late over live answers) passes the 3 % limit, with its Wilson 95 % interval.
//! [`best_static_ratio`] bisects on the VICIdial RATIO level for the highest one whose share of
//! shifts over the limit has an upper bound within [`MAX_SHARE_OVER_LIMIT`] — an oracle no real
//! dialer has, since it needs the campaign's outcome in advance.
//!
//! The quality suite's fast subset runs in the tests (`tests/quality.rs`); the whole grid, with
//! teams up to 2 000 agents, in `cargo run --release -p dialer --example quality`.

use crate::compliance::Share;
use crate::distribution::Distribution;
use crate::replicate::{Options, simulate};
use crate::scenario::{Bucket, DialerMode, RingTimes, Scenario};
use crate::validation::{ValidScenario, Violation};

/// Highest share of shifts over the limit the suite accepts (for the oracle, on the upper bound of
/// its Wilson interval).
pub const MAX_SHARE_OVER_LIMIT: f64 = 0.05;

/// What a strategy did on a case, per shift (one replication is one shift).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Mean agent occupancy (busy over available time) over the shifts.
    pub occupancy: f64,
    /// Mean FCC/FTC rate over the shifts.
    pub rate: f64,
    /// The FCC/FTC `windows_over_limit`: the share of shifts over the limit, Wilson interval.
    pub windows_over_limit: Share,
    /// Mean peak of lines in use over the shifts.
    pub peak_lines: f64,
}

impl Outcome {
    /// Shifts whose own rate passed the limit.
    pub fn shifts_over_limit(&self) -> u64 {
        (self.windows_over_limit.share * self.windows_over_limit.n as f64).round() as u64
    }

    /// The upper bound of the Wilson 95 % interval of the share of shifts over the limit.
    pub fn windows_over_limit_upper(&self) -> f64 {
        self.windows_over_limit.ci95.map_or(1.0, |[_, high]| high)
    }
}

/// Simulates a valid scenario (the result does not depend on the thread count) and reports per
/// shift.
pub fn evaluate(scenario: &ValidScenario) -> Outcome {
    let report = simulate(scenario, Options::default());
    let fcc = report.compliance.fcc();
    Outcome {
        occupancy: report.metrics.occupancy.mean,
        rate: fcc.rate.mean,
        windows_over_limit: fcc.windows_over_limit,
        peak_lines: report.metrics.peak_lines.mean,
    }
}

/// The same scenario with another dialer, validated.
pub fn with_dialer(
    scenario: &Scenario,
    dialer: DialerMode,
) -> Result<ValidScenario, Vec<Violation>> {
    Scenario {
        dialer,
        ..scenario.clone()
    }
    .validate()
}

/// Whether an outcome is compliant enough to count as the oracle's answer.
fn oracle_compliant(outcome: &Outcome) -> bool {
    outcome.windows_over_limit_upper() <= MAX_SHARE_OVER_LIMIT
}

/// The highest RATIO level (to within `tolerance`) whose share of shifts over the limit has a Wilson
/// upper bound within [`MAX_SHARE_OVER_LIMIT`], with its outcome; none when even level 1 is not.
///
/// Every level runs the same seed (common random numbers), so the comparison between levels is
/// not blurred by the draw.
pub fn best_static_ratio(
    scenario: &Scenario,
    tolerance: f64,
) -> Result<Option<(f64, Outcome)>, Vec<Violation>> {
    let run = |level: f64| {
        with_dialer(scenario, DialerMode::Ratio { level }).map(|valid| evaluate(&valid))
    };
    let bottom = run(1.0)?;
    if !oracle_compliant(&bottom) {
        return Ok(None);
    }
    let mut best = (1.0, bottom);
    // The most lines per agent worth trying: enough for every agent to find a live answer at once.
    let mut high = (1.5 / scenario.live_answer_probability.max(0.01)).clamp(1.0, 10.0);
    let top = run(high)?;
    if oracle_compliant(&top) {
        return Ok(Some((high, top)));
    }
    let mut low = 1.0;
    while high - low > tolerance {
        let mid = 0.5 * (low + high);
        let outcome = run(mid)?;
        if oracle_compliant(&outcome) {
            low = mid;
            best = (mid, outcome);
        } else {
            high = mid;
        }
    }
    Ok(Some(best))
}

/// One campaign of the quality grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Agents staffed.
    pub agents: u32,
    /// Live-answer probability (the day's mean when `day_shape`).
    pub live_answer_probability: f64,
    /// Whether agents wrap up (exponential, mean 10 s) after each call.
    pub wrap: bool,
    /// Share of their time agents are available.
    pub efficiency: f64,
    /// Whether the answer rate and talk time change hour by hour over the day.
    pub day_shape: bool,
}

/// Hourly multipliers of the live-answer rate and talk time over a day shape (mean 1 each).
const DAY_SHAPE: [(f64, f64); 8] = [
    (0.7, 0.9),
    (0.9, 1.0),
    (1.2, 1.1),
    (1.3, 1.2),
    (1.1, 1.0),
    (0.9, 0.9),
    (1.0, 1.0),
    (0.9, 0.9),
];

impl Case {
    /// A short label (`500 agents, p 0.30, wrap, e 0.82, shaped`).
    pub fn label(&self) -> String {
        format!(
            "{} agents, p {:.2}{}, e {:.2}{}",
            self.agents,
            self.live_answer_probability,
            if self.wrap { ", wrap 10 s" } else { "" },
            self.efficiency,
            if self.day_shape { ", day shape" } else { "" }
        )
    }

    /// The case as a scenario: lognormal talk (mean 120 s, cv 0.9), live ring lognormal (mean 8 s,
    /// cv 0.5), other rings uniform 15–25 s, fixed patience 2 s, no warm-up.
    pub fn scenario(
        &self,
        dialer: DialerMode,
        window_minutes: f64,
        pacing_interval_seconds: f64,
        replications: u32,
        seed: u64,
    ) -> Scenario {
        let p = self.live_answer_probability;
        let talk = |mean: f64| Distribution::Lognormal { mean, cv: 0.9 };
        let buckets = self.day_shape.then(|| {
            DAY_SHAPE
                .iter()
                .map(|&(rate, length)| Bucket {
                    minutes: 60.0,
                    live_answer_probability: Some((p * rate).min(0.99)),
                    talk_seconds: Some(talk(120.0 * length)),
                })
                .collect()
        });
        Scenario {
            agents: self.agents,
            agent_efficiency: self.efficiency,
            window_minutes,
            warmup_minutes: 0.0,
            dialer,
            max_lines: None,
            pacing_interval_seconds,
            live_answer_probability: p,
            ring_seconds: RingTimes {
                live: Distribution::Lognormal { mean: 8.0, cv: 0.5 },
                other: Distribution::Uniform {
                    min: 15.0,
                    max: 25.0,
                },
            },
            talk_seconds: talk(120.0),
            wrap_seconds: if self.wrap {
                Distribution::Exp { mean: 10.0 }
            } else {
                Distribution::ZERO
            },
            patience_seconds: Distribution::Fixed { mean: 2.0 },
            connect_within_seconds: 2.0,
            replications,
            seed,
            buckets,
        }
    }
}

/// The grid of campaigns: team sizes 5 to 2 000, answer rates 0.05 to 0.7, with and without wrap,
/// efficiency 0.5 to 1, flat and shaped days.
pub fn grid() -> Vec<Case> {
    let case = |agents, p, wrap, efficiency, day_shape| Case {
        agents,
        live_answer_probability: p,
        wrap,
        efficiency,
        day_shape,
    };
    vec![
        case(5, 0.05, false, 1.0, false),
        case(5, 0.30, true, 0.82, false),
        case(5, 0.70, false, 0.5, true),
        case(20, 0.10, true, 0.82, false),
        case(20, 0.70, false, 1.0, true),
        case(100, 0.05, true, 0.5, false),
        case(100, 0.30, false, 0.82, true),
        case(200, 0.10, true, 0.82, false),
        case(500, 0.30, false, 1.0, false),
        case(500, 0.70, true, 0.82, true),
        case(1_000, 0.05, false, 1.0, true),
        case(1_000, 0.30, true, 0.82, false),
        case(2_000, 0.10, true, 0.82, true),
        case(2_000, 0.30, false, 1.0, false),
    ]
}
