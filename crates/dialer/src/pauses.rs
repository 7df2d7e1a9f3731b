//! The agents' pauses (agent efficiency below 1): when each pause comes due, how long it lasts,
//! and what an agent does when it comes due while busy or while a progressive dialer has a call
//! ringing for it.
//!
//! Each agent has its own renewal clock: a pause comes due an exponential available period of mean
//! `e · CYCLE` after the previous pause's due time plus its length, and lasts an exponential time
//! of mean `(1 − e) · CYCLE` from when it actually begins. An agent busy when its pause comes due
//! pauses when free, in full, and the delay comes out of its next available period, so paused time
//! keeps its share `1 − e` of staffed time however busy the agents are.
//!
//! The engine routes the pause events here; the pool ([`AgentPool`]) keeps who is Paused, who has
//! a pause due and who is held back.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::Exp1;

use crate::agents::{AgentPool, AgentState};
use crate::event::{Event, EventQueue};

/// Mean length of one available-plus-paused cycle of an agent, in seconds (see the module docs):
/// a share `e` of each agent's time is available.
pub const PAUSE_CYCLE_SECONDS: f64 = 1_200.0;

/// Mean available and paused period of an agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PauseLaw {
    /// Mean available period, seconds.
    pub available: f64,
    /// Mean pause, seconds.
    pub paused: f64,
}

impl PauseLaw {
    /// The law for agent efficiency `e`; none when agents never pause (`e` = 1).
    pub fn for_efficiency(e: f64) -> Option<Self> {
        (e < 1.0).then_some(Self {
            available: e * PAUSE_CYCLE_SECONDS,
            paused: (1.0 - e) * PAUSE_CYCLE_SECONDS,
        })
    }

    /// Share of staffed time an agent is available: the efficiency the law was made for.
    pub fn available_share(&self) -> f64 {
        self.available / (self.available + self.paused)
    }
}

/// The pause clocks of one replication's agents.
#[derive(Debug, Clone)]
pub struct Pauses {
    law: Option<PauseLaw>,
    /// When each agent's current (or next) pause is due on its own cycle: pauses come due at
    /// renewal times, however late each is taken.
    due: Vec<f64>,
}

impl Pauses {
    /// The clocks of `agents` agents pausing by `law` (none: they never pause).
    pub fn new(law: Option<PauseLaw>, agents: u32) -> Self {
        Self {
            law,
            due: if law.is_some() {
                vec![0.0; agents as usize]
            } else {
                Vec::new()
            },
        }
    }

    /// Initial states at time 0: each agent paused with the stationary share, or available with its
    /// first pause scheduled.
    pub fn start(&mut self, agents: &mut AgentPool, queue: &mut EventQueue, rng: &mut ChaCha8Rng) {
        let Some(law) = self.law else {
            return;
        };
        let share_paused = law.paused / (law.available + law.paused);
        for agent in 0..agents.len() {
            // Exponential periods are memoryless, so starting each agent in its stationary state
            // with a fresh period is exact.
            if rng.random::<f64>() < share_paused {
                self.begin(agent, 0.0, agents, queue, rng);
            } else {
                let start = exp(law.available, rng);
                self.due[agent as usize] = start;
                queue.push(start, Event::PauseStart { agent });
            }
        }
    }

    /// `agent`'s pause comes due on its cycle. A Ready agent pauses at once, unless every Ready
    /// agent is `reserved` for a call ringing or waiting (progressive dialling: then it is held
    /// back, and no longer counted Ready by pacing); a busy agent pauses when it is free.
    pub fn comes_due(
        &mut self,
        agent: u32,
        now: f64,
        reserved: bool,
        agents: &mut AgentPool,
        queue: &mut EventQueue,
        rng: &mut ChaCha8Rng,
    ) {
        match agents.state(agent) {
            AgentState::Ready if reserved => agents.hold(agent),
            AgentState::Ready => self.begin(agent, now, agents, queue, rng),
            AgentState::Talking | AgentState::Wrap | AgentState::Paused => {
                agents.set_pause_due(agent);
            }
        }
    }

    /// `agent` (free, or held, or just off a pause whose successor is already due) begins its due
    /// pause at `now`, for its full length; the next one comes due a fresh available period after
    /// this one's due time plus its length, so a late pause shifts, never shortens, and the next
    /// available period absorbs the delay.
    pub fn begin(
        &mut self,
        agent: u32,
        now: f64,
        agents: &mut AgentPool,
        queue: &mut EventQueue,
        rng: &mut ChaCha8Rng,
    ) {
        let law = self.law.unwrap_or(PauseLaw {
            available: 0.0,
            paused: 0.0,
        });
        agents.pause(agent);
        let length = exp(law.paused, rng);
        queue.push(now + length, Event::PauseEnd { agent });
        let next_available = exp(law.available, rng);
        self.due[agent as usize] += length + next_available;
    }

    /// `agent`'s pause ends at `now`: its next pause is scheduled, or marked due at once if it is
    /// already due (the pause began late). The agent is then free, for the caller to route.
    pub fn ends(&mut self, agent: u32, now: f64, agents: &mut AgentPool, queue: &mut EventQueue) {
        let due = self.due[agent as usize];
        if due <= now {
            agents.set_pause_due(agent);
        } else {
            queue.push(due, Event::PauseStart { agent });
        }
    }

    /// Held agents (pause due, kept for ringing calls) pause as soon as the calls in progress no
    /// longer need them: while `reserved(agents)` is false.
    pub fn release_held(
        &mut self,
        now: f64,
        reserved: impl Fn(&AgentPool) -> bool,
        agents: &mut AgentPool,
        queue: &mut EventQueue,
        rng: &mut ChaCha8Rng,
    ) {
        while agents.held() > 0 && !reserved(agents) {
            match agents.last_held() {
                Some(agent) => self.begin(agent, now, agents, queue, rng),
                None => break,
            }
        }
    }
}

/// An exponential time of mean `mean`.
#[inline]
fn exp(mean: f64, rng: &mut ChaCha8Rng) -> f64 {
    mean * rng.sample::<f64, _>(Exp1)
}
