//! Pacing strategies (DESIGN §5.2, Appendix A): each a [`PacingStrategy`], a small function of a
//! [`Snapshot`] of the dialer's state to the number of lines to start now, told how each attempt
//! and each live answer ended, woken by the engine when it asks to be.
//!
//! The engine holds a [`Pacing`], an enum over the strategies whose methods forward to the one it
//! holds (static dispatch: no virtual call in the event loop). Adding a strategy is its own file
//! (a type implementing [`PacingStrategy`]) and one line in [`strategies!`]'s invocation below, plus
//! its `dialer.mode` variant in [`DialerMode`] and the line in [`Pacing::new`] that builds it.

mod adaptive;
pub mod bands;
pub mod free_agents;
pub mod lines_in_flight;
mod poisson;
mod predictive;
mod progressive;
mod ratio;

pub use adaptive::Adaptive;
pub use poisson::Poisson;
pub use predictive::Predictive;
pub use progressive::{Progressive, progressive_lines};
pub use ratio::{Ratio, ratio_lines};

use rand::rngs::ChaCha8Rng;

use crate::agents::AgentPool;
use crate::model::Model;
use crate::outcome::{DialOutcome, LiveOutcome};
use crate::scenario::DialerMode;
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

/// Defines [`Pacing`], an enum with one variant per strategy, and its [`PacingStrategy`] impl that
/// forwards every method to the strategy held.
macro_rules! strategies {
    ($($(#[doc = $doc:expr])* $variant:ident($strategy:ty),)*) => {
        /// The strategy a replication runs, with its running state.
        #[derive(Debug, Clone)]
        pub enum Pacing {
            $($(#[doc = $doc])* $variant($strategy),)*
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
    /// One line per Ready agent not yet matched.
    Progressive(Progressive),
    /// A fixed number of lines per available agent.
    Ratio(Ratio),
    /// Open loop: dials on a Poisson clock.
    Poisson(Poisson),
    /// VICIdial's adaptive level.
    Adaptive(Adaptive),
    /// The abandon-rate controller (boxed: its bands of busy agents and lines are large).
    Predictive(Box<Predictive>),
}

impl Pacing {
    /// The strategy for `mode`. `live_probability` is the campaign's expected answer rate (the
    /// predictive strategy starts from it), `look_ahead` how far ahead the predictive strategy
    /// counts agents becoming free (seconds), `window` the window's length in seconds and
    /// `lookout(look_ahead)` the predictive strategy's trackers of busy agents and ringing lines,
    /// `shift_answers` the live answers a shift is expected to connect (the predictive strategy
    /// aims lower when they are few).
    pub fn new(
        mode: &DialerMode,
        live_probability: f64,
        look_ahead: f64,
        window: f64,
        agents: u32,
        shift_answers: f64,
        lookout: impl FnOnce(f64) -> (FreeAgents, RingingLines),
    ) -> Self {
        match *mode {
            DialerMode::Progressive => Self::Progressive(Progressive),
            DialerMode::Ratio { level } => Self::Ratio(Ratio { level }),
            DialerMode::Poisson { dials_per_minute } => {
                Self::Poisson(Poisson::new(dials_per_minute))
            }
            DialerMode::Adaptive {
                variant,
                drop_target,
                max_level,
                intensity,
            } => Self::Adaptive(Adaptive::new(
                variant,
                drop_target,
                max_level,
                intensity,
                window,
            )),
            DialerMode::Predictive { abandon_target } => {
                let (free, ringing) = lookout(look_ahead);
                Self::Predictive(Box::new(
                    Predictive::new(abandon_target, live_probability, agents, free, ringing)
                        .for_shift(shift_answers),
                ))
            }
        }
    }

    /// The strategy a model's replication runs. The predictive strategy starts from the first
    /// segment's answer rate and looks ahead by the mean ring time of a live answer plus the mean
    /// patience (a call answered then can still be connected within its patience).
    /// Its predictive strategy counts AMD false positives if the model's regime does.
    pub fn for_model(model: &Model) -> Self {
        let segments = model.schedule.segments();
        let mut pacing = Self::new(
            &model.dialer,
            segments.first().map_or(0.0, |s| s.routed_probability),
            model.live_ring_mean + model.detect_mean + model.patience_mean,
            model.window,
            model.agents,
            shift_answers(model),
            |look_ahead| {
                (
                    FreeAgents::new(
                        model.schedule.talk_laws(),
                        &model.wrap,
                        model.wrap_mean,
                        look_ahead,
                    ),
                    RingingLines::new(&model.live_ring, &model.other_ring),
                )
            },
        );
        if let Self::Predictive(predictive) = &mut pacing {
            predictive.count_false_positives(model.regime.counts_false_positives());
        }
        pacing
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
    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingStrategy::cost(&**self, inputs)
    }
}
