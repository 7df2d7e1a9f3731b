//! Pacing strategies (DESIGN §5.2, Appendix A): each a [`PacingStrategy`], a small function of a
//! [`Snapshot`] of the dialer's state to the number of lines to start now, told how each attempt
//! and each live answer ended, woken by the engine when it asks to be.
//!
//! The engine holds a [`Pacing`], an enum over the strategies whose methods forward to the one it
//! holds (static dispatch: no virtual call in the event loop). Adding a strategy is its own file
//! (a type implementing [`PacingStrategy`], and the checks, description, constructor and field
//! table of its parameters) and one entry in `strategies!`'s invocation below, with its `mod`
//! line: the entry generates its `dialer.mode` variant of [`DialerMode`] and everything that
//! dispatches over the strategies.

pub mod bands;
mod decision;
pub mod free_agents;
pub mod lines_in_flight;

pub use adaptive::{Adaptive, AdaptiveVariant};
pub use poisson::Poisson;
pub use predictive::Predictive;
pub use progressive::{Progressive, progressive_lines};
pub use ratio::{Ratio, ratio_lines};

use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use violation::shape::Shape;

use crate::agents::AgentPool;
use crate::model::Model;
use crate::outcome::{DialOutcome, LiveOutcome};
use crate::validation::Checker;
use free_agents::FreeAgents;
use lines_in_flight::RingingLines;

/// Work of one run of a strategy that reads a few counters, in nanoseconds of a reference core.
pub(crate) const SIMPLE_RUN_NANOS: f64 = 5.0;

/// What a strategy sees when it runs.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// Seconds since the window's start.
    pub now: f64,
    /// The agents.
    pub agents: &'a AgentPool,
    /// Live answers waiting for an agent.
    pub waiting: u32,
    /// Attempts dialling or ringing.
    pub dialling: u32,
}

impl Snapshot<'_> {
    /// Lines in use: dialling or ringing, waiting for an agent, talking.
    pub fn lines_in_use(&self) -> u32 {
        self.dialling + self.waiting + self.agents.talking()
    }
}

/// What a strategy is expected to cost in one replication, for the engine's work limits
/// ([`crate::validation::WorkEstimate`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingCost {
    /// Most lines it keeps in flight (dialling, waiting or talking), before `max_lines`; the
    /// engine's estimate of dial attempts follows from it.
    pub lines: f64,
    /// Work of one pacing run, in nanoseconds of a reference core.
    pub run_nanos: f64,
    /// Wake events it asks for per second of window (its own clock).
    pub wakes_per_second: f64,
    /// Dial attempts per second it starts on its own clock (open loop), if it does.
    pub open_loop_dials_per_second: Option<f64>,
    /// Whether it dials only for agents it expects free (so that dial attempts are bounded by
    /// what the agents can take, not only by its lines).
    pub paced_by_agents: bool,
}

/// What the work estimate of a strategy reads from a scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostInputs {
    /// Agents staffed.
    pub agents: f64,
    /// Lowest live-answer probability of the day (at least 0.05).
    pub lowest_live_probability: f64,
}

/// A pacing strategy: its running state and its rules.
pub trait PacingStrategy {
    /// Lines to start now (before the `max_lines` cap, which the engine applies).
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32;

    /// Whether it follows each line from its start ([`PacingStrategy::on_dial`]).
    fn follows_lines(&self) -> bool {
        false
    }

    /// An attempt starts ringing at `at` (told only to strategies that follow lines).
    fn on_dial(&mut self, _at: f64) {}

    /// The attempt dialled at `dialled_at` stopped ringing with `outcome`.
    fn on_dial_end(&mut self, _outcome: DialOutcome, _dialled_at: f64) {}

    /// Its tracker of busy agents, if it looks at how long each has been busy (the engine reports
    /// every talk and wrap to it).
    fn busy_agents(&mut self) -> Option<&mut FreeAgents> {
        None
    }

    /// A live answer was connected in time, connected late or abandoned.
    fn on_live_outcome(&mut self, _outcome: LiveOutcome) {}

    /// Whether the engine should hold a Ready agent back from a pause because a call was dialled
    /// for it (progressive dialling promises every ringing call an agent).
    fn reserves_agents(&self) -> bool {
        false
    }

    /// When the strategy wants its first wake event, if ever (drawing from `rng` if it must).
    fn first_wake(&mut self, _rng: &mut ChaCha8Rng) -> Option<f64> {
        None
    }

    /// The wake event it asked for, at `snapshot.now` (within the window): lines to start now.
    fn on_wake(&mut self, _snapshot: &Snapshot<'_>) -> u32 {
        0
    }

    /// After a wake's lines are started: when it wants the next one, if ever.
    fn next_wake(&mut self, _now: f64, _rng: &mut ChaCha8Rng) -> Option<f64> {
        None
    }

    /// Its expected cost, for the work limits.
    fn cost(&self, inputs: &CostInputs) -> PacingCost;
}

/// What a strategy is built from, besides its own parameters.
pub struct Setup<'a> {
    /// The campaign's expected answer rate (the predictive strategy starts from it).
    pub live_probability: f64,
    /// How far ahead the predictive strategy counts agents becoming free, in seconds.
    pub look_ahead: f64,
    /// The window's length in seconds.
    pub window: f64,
    /// Agents staffed.
    pub agents: u32,
    /// Live answers a shift is expected to connect (the predictive strategy aims lower when they
    /// are few).
    pub shift_answers: f64,
    /// Whether the regime counts AMD false positives as drops.
    pub counts_false_positives: bool,
    /// The trackers of busy agents and ringing lines that look `look_ahead` seconds ahead.
    pub lookout: &'a dyn Fn(f64) -> (FreeAgents, RingingLines),
}

/// `x` rounded to 9 decimals (for descriptions).
fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// A share as a percentage for people: `2.5 %`.
fn percent(share: f64) -> String {
    format!("{} %", round9(share * 100.0))
}

/// Defines, from one entry per strategy:
/// - [`DialerMode`], the scenario's `dialer` object (`{"mode": "<name>", <parameters>}`), with
///   [`DialerMode::check`] (its parameters' ranges), [`DialerMode::describe`] (a name for people)
///   and [`DIALER_MODES`] (its field table for the document check);
/// - [`Pacing`], an enum with one variant per strategy, built by [`Pacing::new`], and its
///   [`PacingStrategy`] impl that forwards every method to the strategy held.
///
/// Each entry is `"<name>" Variant(StrategyType) = module { parameters }`; `module` is the
/// strategy's file (the macro declares it), which provides `check(out, parameters…)`, `describe(parameters…) -> String`,
/// `build(&Setup, parameters…) -> StrategyType` and `SHAPE`, the parameters' field table.
macro_rules! strategies {
    ($(
        $(#[doc = $doc:expr])*
        $name:literal $variant:ident($strategy:ty) = $module:ident $({
            $($(#[$field_attr:meta])* $field:ident: $field_ty:ty),* $(,)?
        })?,
    )*) => {
        $(mod $module;)*

        /// The pacing strategy and its parameters (`{"mode": "ratio", "level": 1.5}`).
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "mode", deny_unknown_fields)]
        pub enum DialerMode {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                $variant $({ $($(#[$field_attr])* $field: $field_ty),* })?,
            )*
        }

        impl DialerMode {
            /// Checks its parameters' ranges (field paths `dialer.<field>`).
            pub(crate) fn check(&self, out: &mut Checker) {
                match *self {
                    $(Self::$variant $({ $($field),* })? => $module::check(out $($(, $field)*)?),)*
                }
            }

            /// The setting for people: `ratio 1.35`, `predictive 2 %`, `adaptive hard 3 %`.
            pub fn describe(&self) -> String {
                match *self {
                    $(Self::$variant $({ $($field),* })? => $module::describe($($($field),*)?),)*
                }
            }
        }

        /// Each `dialer.mode` and the fields of its parameters, for the document check.
        pub(crate) static DIALER_MODES: &[(&str, &Shape)] = &[$(($name, &$module::SHAPE),)*];

        /// The strategy a replication runs, with its running state.
        #[derive(Debug, Clone)]
        pub enum Pacing {
            $($(#[doc = $doc])* $variant($strategy),)*
        }

        impl Pacing {
            /// The strategy for `mode`, fresh.
            pub fn new(mode: &DialerMode, setup: &Setup<'_>) -> Self {
                match *mode {
                    $(DialerMode::$variant $({ $($field),* })? => {
                        Self::$variant($module::build(setup $($(, $field)*)?))
                    })*
                }
            }
        }

        impl PacingStrategy for Pacing {
            #[inline]
            fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
                match self { $(Self::$variant(s) => PacingStrategy::lines_to_start(s, snapshot),)* }
            }
            #[inline]
            fn follows_lines(&self) -> bool {
                match self { $(Self::$variant(s) => PacingStrategy::follows_lines(s),)* }
            }
            #[inline]
            fn on_dial(&mut self, at: f64) {
                match self { $(Self::$variant(s) => PacingStrategy::on_dial(s, at),)* }
            }
            #[inline]
            fn on_dial_end(&mut self, outcome: DialOutcome, dialled_at: f64) {
                match self {
                    $(Self::$variant(s) => PacingStrategy::on_dial_end(s, outcome, dialled_at),)*
                }
            }
            #[inline]
            fn busy_agents(&mut self) -> Option<&mut FreeAgents> {
                match self { $(Self::$variant(s) => PacingStrategy::busy_agents(s),)* }
            }
            #[inline]
            fn on_live_outcome(&mut self, outcome: LiveOutcome) {
                match self { $(Self::$variant(s) => PacingStrategy::on_live_outcome(s, outcome),)* }
            }
            #[inline]
            fn reserves_agents(&self) -> bool {
                match self { $(Self::$variant(s) => PacingStrategy::reserves_agents(s),)* }
            }
            fn first_wake(&mut self, rng: &mut ChaCha8Rng) -> Option<f64> {
                match self { $(Self::$variant(s) => PacingStrategy::first_wake(s, rng),)* }
            }
            #[inline]
            fn on_wake(&mut self, snapshot: &Snapshot<'_>) -> u32 {
                match self { $(Self::$variant(s) => PacingStrategy::on_wake(s, snapshot),)* }
            }
            #[inline]
            fn next_wake(&mut self, now: f64, rng: &mut ChaCha8Rng) -> Option<f64> {
                match self { $(Self::$variant(s) => PacingStrategy::next_wake(s, now, rng),)* }
            }
            fn cost(&self, inputs: &CostInputs) -> PacingCost {
                match self { $(Self::$variant(s) => PacingStrategy::cost(s, inputs),)* }
            }
        }
    };
}

strategies! {
    /// One line per Ready agent not yet matched to a ringing or waiting call.
    "progressive" Progressive(Progressive) = progressive,
    /// Keep `round(level × available agents)` lines in use (VICIdial RATIO).
    "ratio" Ratio(Ratio) = ratio {
        /// Lines per available agent, 1–10.
        level: f64,
    },
    /// Open-loop dialling at a fixed rate (a Poisson process), for checks against queueing formulas.
    "poisson" Poisson(Poisson) = poisson {
        /// Mean dial attempts per minute.
        dials_per_minute: f64,
    },
    /// VICIdial's adaptive level (ADAPT_HARD_LIMIT / ADAPT_TAPERED / ADAPT_AVERAGE).
    "adaptive" Adaptive(Adaptive) = adaptive {
        /// What happens when today's drop share passes `drop_target`.
        #[serde(default)]
        variant: AdaptiveVariant,
        /// Drop share of live answers that triggers the cut, as a fraction. Default: the FCC/FTC
        /// limit ([`crate::Regime::Fcc`]).
        #[serde(default = "adaptive::default_drop_target")]
        drop_target: f64,
        /// Highest level. Default 3.0.
        #[serde(default = "adaptive::default_max_level")]
        max_level: f64,
        /// Aggressiveness, −40…40. Default 0.
        #[serde(default)]
        intensity: f64,
    },
    /// An abandon-rate controller (Appendix A); boxed, as its bands of busy agents and lines are
    /// large.
    "predictive" Predictive(Box<Predictive>) = predictive {
        /// Abandon share of live answers it steers towards, as a fraction. Default 0.025.
        #[serde(default = "predictive::default_abandon_target")]
        abandon_target: f64,
    },
}

impl Pacing {
    /// The strategy a model's replication runs. The predictive strategy starts from the first
    /// segment's answer rate and looks ahead by the mean ring time of a live answer plus the mean
    /// patience (a call answered then can still be connected within its patience).
    /// Its predictive strategy counts AMD false positives if the model's regime does.
    pub fn for_model(model: &Model) -> Self {
        let segments = model.schedule.segments();
        let lookout = |look_ahead| {
            (
                FreeAgents::new(
                    model.schedule.talk_laws(),
                    &model.wrap,
                    model.wrap_mean,
                    look_ahead,
                ),
                RingingLines::new(&model.live_ring, &model.other_ring),
            )
        };
        Self::new(
            &model.dialer,
            &Setup {
                live_probability: segments.first().map_or(0.0, |s| s.routed_probability),
                look_ahead: model.live_ring_mean + model.detect_mean + model.patience_mean,
                window: model.window,
                agents: model.agents,
                shift_answers: shift_answers(model),
                counts_false_positives: model.regime.counts_false_positives(),
                lookout: &lookout,
            },
        )
    }
}

/// Share of their available time agents are taken to talk or wrap, for [`shift_answers`].
const PLANNED_OCCUPANCY: f64 = 0.85;

/// Live answers a shift (the counted part of the window) is expected to connect: the available
/// agents at [`PLANNED_OCCUPANCY`], over each segment's mean talk plus the mean wrap.
pub fn shift_answers(model: &Model) -> f64 {
    let available = model.pauses.map_or(1.0, |law| law.available_share());
    model
        .schedule
        .segments()
        .iter()
        .map(|segment| {
            let seconds =
                (segment.end.min(model.window) - segment.start.max(model.warmup)).max(0.0);
            let handle = (segment.talk.mean() + model.wrap_mean).max(1.0);
            f64::from(model.agents) * available * PLANNED_OCCUPANCY * seconds / handle
        })
        .sum()
}

impl PacingStrategy for Box<Predictive> {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        PacingStrategy::lines_to_start(&mut **self, snapshot)
    }
    #[inline]
    fn follows_lines(&self) -> bool {
        true
    }
    #[inline]
    fn on_dial(&mut self, at: f64) {
        PacingStrategy::on_dial(&mut **self, at);
    }
    #[inline]
    fn on_dial_end(&mut self, outcome: DialOutcome, dialled_at: f64) {
        PacingStrategy::on_dial_end(&mut **self, outcome, dialled_at);
    }
    #[inline]
    fn on_live_outcome(&mut self, outcome: LiveOutcome) {
        PacingStrategy::on_live_outcome(&mut **self, outcome);
    }
    #[inline]
    fn busy_agents(&mut self) -> Option<&mut FreeAgents> {
        PacingStrategy::busy_agents(&mut **self)
    }
    #[inline]
    fn reserves_agents(&self) -> bool {
        PacingStrategy::reserves_agents(&**self)
    }
    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingStrategy::cost(&**self, inputs)
    }
}
