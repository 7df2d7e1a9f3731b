//! VICIdial's adaptive level (`AST_VDadapt.pl`): every second it samples Ready agents, waiting live
//! answers and available agents; every 15 s it moves the level towards keeping agents busy without
//! queueing, then cuts it when drops run high (Appendix A). Lines follow the RATIO rule at that level.
//!
//! The level starts at 1.0 and "today" is the simulated window so far.

use std::collections::VecDeque;

use rand::rngs::ChaCha8Rng;

use serde::{Deserialize, Serialize};
use violation::shape::{Field, Kind, Shape};

use super::{
    CostInputs, PacingCost, PacingStrategy, SIMPLE_RUN_NANOS, Setup, Snapshot, percent, ratio_lines,
};
use crate::outcome::{DialOutcome, LiveOutcome};
use crate::scenario_shape::NUMBER;
use crate::validation::{Checker, MAX_LEVEL};

/// Samples averaged by each level update (one a second).
const SAMPLES: usize = 15;
/// Seconds of per-second dial and drop counts kept for the last-minute rule.
const LAST_MINUTE: usize = 60;

/// The inputs of one level update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelInputs {
    /// The current level.
    pub level: f64,
    /// Mean Ready agents over the last samples.
    pub ready: f64,
    /// Mean waiting live answers over the last samples.
    pub waiting: f64,
    /// Mean available agents over the last samples.
    pub agents: f64,
    /// Aggressiveness, −40…40.
    pub intensity: f64,
    /// Highest level.
    pub max_level: f64,
    /// Dial attempts in the last minute.
    pub calls_last_minute: u64,
    /// Drops in the last minute.
    pub drops_last_minute: u64,
    /// Dial attempts so far today.
    pub calls_today: u64,
    /// Live answers so far today.
    pub answers_today: u64,
    /// Drops so far today.
    pub drops_today: u64,
    /// Drop share of live answers that triggers the cut, as a fraction.
    pub drop_target: f64,
    /// How the level is cut.
    pub variant: AdaptiveVariant,
    /// Minutes left until the latest dialling time (the window's end).
    pub minutes_left: f64,
}

/// One ADAPT level update (Appendix A), as a pure function.
pub fn next_level(inputs: &LevelInputs) -> f64 {
    let diff = inputs.ready - inputs.waiting;
    let pct = if diff == 0.0 || inputs.agents == 0.0 {
        0.0
    } else {
        100.0 * diff / inputs.agents
    };
    let idiff = if pct < 0.0 {
        pct * (inputs.intensity / 100.0 - 1.0).abs()
    } else {
        pct * (inputs.intensity / 100.0 + 1.0)
    };
    let mut level = round3(inputs.level * (1.0 + idiff / 100.0));
    level = level.min(inputs.max_level).max(1.0);
    if inputs.calls_last_minute > 20
        && inputs.drops_last_minute as f64 / inputs.calls_last_minute as f64 > 0.5
    {
        level /= 2.0;
    }
    let drop_share = inputs.drops_today as f64 / inputs.answers_today.max(1) as f64;
    if inputs.calls_today > 50 && drop_share > inputs.drop_target {
        level = match inputs.variant {
            AdaptiveVariant::Hard => 1.0,
            AdaptiveVariant::Average => level / 2.0,
            AdaptiveVariant::Tapered => {
                if inputs.minutes_left <= 0.0 {
                    1.0
                } else {
                    level * (hhmm(inputs.minutes_left) / 1_000.0).min(1.0)
                }
            }
        };
    }
    level.max(1.0)
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

/// A duration in minutes written as VICIdial's HHMM number (90 minutes → 130).
fn hhmm(minutes: f64) -> f64 {
    let whole = minutes.floor();
    (whole / 60.0).floor() * 100.0 + whole % 60.0
}

/// The adaptive strategy's running state.
#[derive(Debug, Clone)]
pub struct Adaptive {
    level: f64,
    variant: AdaptiveVariant,
    drop_target: f64,
    max_level: f64,
    intensity: f64,
    window: f64,
    /// The last samples of (ready, waiting, available agents).
    samples: VecDeque<(u32, u32, u32)>,
    /// Samples since the last update.
    since_update: usize,
    /// Dials and drops in each of the last seconds.
    last_minute: VecDeque<(u64, u64)>,
    this_second: (u64, u64),
    calls_today: u64,
    answers_today: u64,
    drops_today: u64,
}

impl Adaptive {
    /// A strategy starting at level 1.0; `window` is the window's length in seconds.
    pub fn new(
        variant: AdaptiveVariant,
        drop_target: f64,
        max_level: f64,
        intensity: f64,
        window: f64,
    ) -> Self {
        Self {
            level: 1.0,
            variant,
            drop_target,
            max_level,
            intensity,
            window,
            samples: VecDeque::with_capacity(SAMPLES),
            since_update: 0,
            last_minute: VecDeque::with_capacity(LAST_MINUTE),
            this_second: (0, 0),
            calls_today: 0,
            answers_today: 0,
            drops_today: 0,
        }
    }

    /// An attempt stopped ringing; `live` says whether a person answered.
    pub fn on_dial_outcome(&mut self, live: bool) {
        self.calls_today += 1;
        self.this_second.0 += 1;
        if live {
            self.answers_today += 1;
        }
    }

    /// A live answer was connected (in time or late) or abandoned.
    pub fn on_live_answer_end(&mut self, abandoned: bool) {
        if abandoned {
            self.drops_today += 1;
            self.this_second.1 += 1;
        }
    }

    /// The once-a-second sample; every 15th one updates the level.
    pub fn sample(&mut self, snapshot: &Snapshot<'_>) {
        if self.samples.len() == SAMPLES {
            self.samples.pop_front();
        }
        let agents = snapshot.agents;
        self.samples
            .push_back((agents.ready(), snapshot.waiting, agents.available()));
        if self.last_minute.len() == LAST_MINUTE {
            self.last_minute.pop_front();
        }
        self.last_minute.push_back(self.this_second);
        self.this_second = (0, 0);
        self.since_update += 1;
        if self.since_update < SAMPLES {
            return;
        }
        self.since_update = 0;
        let n = self.samples.len() as f64;
        let mean = |pick: fn(&(u32, u32, u32)) -> u32| {
            self.samples.iter().map(|s| f64::from(pick(s))).sum::<f64>() / n
        };
        let (calls, drops) = self
            .last_minute
            .iter()
            .fold((0, 0), |(c, d), &(sc, sd)| (c + sc, d + sd));
        self.level = next_level(&LevelInputs {
            level: self.level,
            ready: mean(|s| s.0),
            waiting: mean(|s| s.1),
            agents: mean(|s| s.2),
            intensity: self.intensity,
            max_level: self.max_level,
            calls_last_minute: calls,
            drops_last_minute: drops,
            calls_today: self.calls_today,
            answers_today: self.answers_today,
            drops_today: self.drops_today,
            drop_target: self.drop_target,
            variant: self.variant,
            minutes_left: (self.window - snapshot.now) / 60.0,
        });
    }
}

impl PacingStrategy for Adaptive {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        ratio_lines(self.level, snapshot)
    }

    #[inline]
    fn on_dial_end(&mut self, outcome: DialOutcome, _dialled_at: f64) {
        self.on_dial_outcome(outcome.is_live());
    }

    #[inline]
    fn on_live_outcome(&mut self, outcome: LiveOutcome) {
        self.on_live_answer_end(outcome.is_abandoned());
    }

    /// It samples once a second from the first second on.
    fn first_wake(&mut self, _rng: &mut ChaCha8Rng) -> Option<f64> {
        Some(1.0)
    }

    fn on_wake(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        self.sample(snapshot);
        0
    }

    fn next_wake(&mut self, now: f64, _rng: &mut ChaCha8Rng) -> Option<f64> {
        (now + 1.0 < self.window).then_some(now + 1.0)
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingCost {
            lines: (self.max_level * inputs.agents).ceil(),
            run_nanos: SIMPLE_RUN_NANOS,
            wakes_per_second: 1.0,
            open_loop_dials_per_second: None,
            paced_by_agents: false,
        }
    }
}

/// The ADAPT variant: how the level is cut when the drop target is exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdaptiveVariant {
    /// The level drops to 1.0.
    #[default]
    Hard,
    /// The level tapers towards 1.0 as the end of the dialling day approaches.
    Tapered,
    /// The level is halved.
    Average,
}

/// The default `drop_target`: the FCC/FTC limit.
pub(super) fn default_drop_target() -> f64 {
    crate::compliance::Regime::Fcc.limit()
}

/// The default `max_level`.
pub(super) fn default_max_level() -> f64 {
    3.0
}

/// `drop_target` a share, `max_level` 1–10, `intensity` −40…40.
pub(super) fn check(
    out: &mut Checker,
    _variant: AdaptiveVariant,
    drop_target: f64,
    max_level: f64,
    intensity: f64,
) {
    out.probability("dialer.drop_target", drop_target);
    out.range("dialer.max_level", max_level, 1.0, MAX_LEVEL);
    out.range("dialer.intensity", intensity, -40.0, 40.0);
}

/// `adaptive hard 3 %`.
pub(super) fn describe(
    variant: AdaptiveVariant,
    drop_target: f64,
    _max_level: f64,
    _intensity: f64,
) -> String {
    let name = match variant {
        AdaptiveVariant::Hard => "hard",
        AdaptiveVariant::Tapered => "tapered",
        AdaptiveVariant::Average => "average",
    };
    format!("adaptive {name} {}", percent(drop_target))
}

/// The strategy, over the setup's window.
pub(super) fn build(
    setup: &Setup<'_>,
    variant: AdaptiveVariant,
    drop_target: f64,
    max_level: f64,
    intensity: f64,
) -> Adaptive {
    Adaptive::new(variant, drop_target, max_level, intensity, setup.window)
}

/// Its `variant`, `drop_target`, `max_level` and `intensity`.
pub(super) static SHAPE: Shape = Shape::new(&[
    Field::defaulted(
        "variant",
        Kind::Choice(&["hard", "tapered", "average"]),
        "how the level is cut",
    ),
    Field::defaulted(
        "drop_target",
        NUMBER,
        "the drop share that triggers the cut",
    ),
    Field::defaulted("max_level", NUMBER, "the highest level"),
    Field::defaulted("intensity", NUMBER, "aggressiveness, −40…40"),
]);

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(level: f64, ready: f64, waiting: f64, intensity: f64) -> LevelInputs {
        LevelInputs {
            level,
            ready,
            waiting,
            agents: 10.0,
            intensity,
            max_level: 3.0,
            calls_last_minute: 0,
            drops_last_minute: 0,
            calls_today: 0,
            answers_today: 0,
            drops_today: 0,
            drop_target: crate::compliance::Regime::Fcc.limit(),
            variant: AdaptiveVariant::Hard,
            minutes_left: 600.0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn the_design_examples() {
        assert!(close(next_level(&inputs(2.0, 3.0, 0.0, 0.0)), 2.60));
        assert!(close(next_level(&inputs(2.0, 3.0, 0.0, 20.0)), 2.72));
        assert!(close(next_level(&inputs(2.0, 0.0, 2.0, 20.0)), 1.68));
        assert!(close(next_level(&inputs(2.8, 2.0, 0.0, 0.0)), 3.0));
        let over_target = |variant| LevelInputs {
            calls_today: 1_000,
            answers_today: 250,
            drops_today: 10,
            variant,
            ..inputs(2.4, 1.0, 1.0, 0.0)
        };
        assert!(close(
            next_level(&over_target(AdaptiveVariant::Average)),
            1.2
        ));
        assert!(close(next_level(&over_target(AdaptiveVariant::Hard)), 1.0));
        // 90 minutes left is 0130 in HHMM: 2.4 × 0.13 = 0.312, floored at 1.0.
        let tapered = LevelInputs {
            minutes_left: 90.0,
            ..over_target(AdaptiveVariant::Tapered)
        };
        assert!(close(next_level(&tapered), 1.0));
        // 8 h 20 min left is 0820: 2.4 × 0.82 = 1.968.
        let earlier = LevelInputs {
            minutes_left: 500.0,
            ..over_target(AdaptiveVariant::Tapered)
        };
        assert!(close(next_level(&earlier), 2.4 * 0.82));
        let late = LevelInputs {
            minutes_left: 900.0,
            ..over_target(AdaptiveVariant::Tapered)
        };
        // 15 hours left is 1500 → factor 1: the level stays.
        assert!(close(next_level(&late), 2.4));
    }

    #[test]
    fn under_the_drop_target_or_with_few_calls_nothing_is_cut() {
        let few_calls = LevelInputs {
            calls_today: 50,
            answers_today: 10,
            drops_today: 5,
            ..inputs(2.4, 1.0, 1.0, 0.0)
        };
        assert!(close(next_level(&few_calls), 2.4));
        let last_minute = LevelInputs {
            calls_last_minute: 30,
            drops_last_minute: 16,
            ..inputs(2.4, 1.0, 1.0, 0.0)
        };
        assert!(close(next_level(&last_minute), 1.2));
    }

    #[test]
    fn hhmm_reads_like_a_clock() {
        assert_eq!(hhmm(90.0), 130.0);
        assert_eq!(hhmm(59.9), 59.0);
        assert_eq!(hhmm(600.0), 1000.0);
    }
}
