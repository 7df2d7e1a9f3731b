//! Pacing strategies: each a small function of a [`Snapshot`] of the dialer's state to the number of
//! lines to start now (DESIGN §5.2, Appendix A).

mod adaptive;
pub mod bands;
pub mod free_agents;
pub mod lines_in_flight;
mod predictive;
mod progressive;
mod ratio;

pub use adaptive::{Adaptive, LevelInputs, next_level};
pub use predictive::Predictive;
pub use progressive::progressive_lines;
pub use ratio::ratio_lines;

use crate::agents::AgentPool;
use crate::distribution::Sampler;
use crate::model::Model;
use crate::scenario::DialerMode;
use free_agents::FreeAgents;
use lines_in_flight::RingingLines;

/// The abandonment limit the law holds a campaign to (FCC/FTC, of live answers).
pub const LEGAL_ABANDON_LIMIT: f64 = 0.03;

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
    /// Talk time of conversations starting now.
    pub talk: Sampler,
    /// After-call work time.
    pub wrap: Sampler,
}

impl Snapshot<'_> {
    /// Lines in use: dialling or ringing, waiting for an agent, talking.
    pub fn lines_in_use(&self) -> u32 {
        self.dialling + self.waiting + self.agents.talking()
    }
}

/// A pacing strategy with its running state.
#[derive(Debug, Clone)]
pub enum Pacing {
    /// One line per Ready agent not yet matched.
    Progressive,
    /// A fixed number of lines per available agent.
    Ratio {
        /// Lines per available agent.
        level: f64,
    },
    /// Open loop: the engine dials on a Poisson clock; pacing never adds lines.
    Poisson,
    /// VICIdial's adaptive level.
    Adaptive(Adaptive),
    /// The abandon-rate controller (boxed: its bands of busy agents are large).
    Predictive(Box<Predictive>),
}

impl Pacing {
    /// The strategy the model's dialer asks for. The predictive strategy starts from the first
    /// segment's answer rate and looks ahead by the mean ring time of a live answer plus the mean
    /// patience (a call answered then can still be connected within its patience).
    pub fn new(model: &Model) -> Self {
        let segments = model.schedule.segments();
        let live_probability = segments.first().map_or(0.0, |s| s.live_probability);
        match model.dialer {
            DialerMode::Progressive => Self::Progressive,
            DialerMode::Ratio { level } => Self::Ratio { level },
            DialerMode::Poisson { .. } => Self::Poisson,
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
                model.window,
            )),
            DialerMode::Predictive { abandon_target } => {
                let look_ahead = model.live_ring_mean + model.patience_mean;
                Self::Predictive(Box::new(Predictive::new(
                    abandon_target,
                    live_probability,
                    model.agents,
                    FreeAgents::new(
                        model.schedule.talk_laws(),
                        &model.wrap,
                        model.wrap_mean,
                        look_ahead,
                    ),
                    RingingLines::new(&model.live_ring, &model.other_ring),
                )))
            }
        }
    }

    /// Lines to start now (before the `max_lines` cap, which the engine applies).
    #[inline]
    pub fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        match self {
            Self::Progressive => progressive_lines(snapshot),
            Self::Ratio { level } => ratio_lines(*level, snapshot),
            Self::Poisson => 0,
            Self::Adaptive(adaptive) => ratio_lines(adaptive.level(), snapshot),
            Self::Predictive(predictive) => predictive.lines_to_start(snapshot),
        }
    }

    /// Whether the engine should hold a Ready agent back from a pause because a call was dialled
    /// for it (progressive dialling promises every ringing call an agent).
    pub fn reserves_agents(&self) -> bool {
        matches!(self, Self::Progressive)
    }

    /// Whether the strategy follows each line from its start ([`Pacing::on_dial`]).
    #[inline]
    pub fn follows_lines(&self) -> bool {
        matches!(self, Self::Predictive(_))
    }

    /// An attempt starts ringing at `at`.
    #[inline]
    pub fn on_dial(&mut self, at: f64) {
        if let Self::Predictive(predictive) = self {
            predictive.on_dial(at);
        }
    }

    /// The attempt dialled at `dialled_at` stopped ringing; `live` says whether a person answered.
    #[inline]
    pub fn on_dial_outcome(&mut self, live: bool, dialled_at: f64) {
        match self {
            Self::Adaptive(adaptive) => adaptive.on_dial_outcome(live),
            Self::Predictive(predictive) => predictive.on_dial_outcome(live, dialled_at),
            _ => {}
        }
    }

    /// A live answer was connected in time (`dropped` false) or abandoned or connected late
    /// (`dropped` true); `abandoned` says which of the two drops it was.
    #[inline]
    pub fn on_live_outcome(&mut self, dropped: bool, abandoned: bool) {
        match self {
            Self::Adaptive(adaptive) => adaptive.on_live_outcome(abandoned),
            Self::Predictive(predictive) => predictive.on_live_outcome(dropped),
            _ => {}
        }
    }

    /// The tracker of busy agents, for strategies that look at how long each has been busy.
    #[inline]
    pub fn busy_agents(&mut self) -> Option<&mut FreeAgents> {
        match self {
            Self::Predictive(predictive) => Some(predictive.busy_agents()),
            _ => None,
        }
    }

    /// Whether the strategy wants a sample every second ([`Pacing::sample`]).
    pub fn samples(&self) -> bool {
        matches!(self, Self::Adaptive(_))
    }

    /// The once-a-second sample (adaptive level updates).
    pub fn sample(&mut self, snapshot: &Snapshot<'_>) {
        if let Self::Adaptive(adaptive) = self {
            adaptive.sample(snapshot);
        }
    }
}
