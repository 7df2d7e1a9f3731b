//! The agents: who is Ready, Talking, in Wrap or Paused, and since when.

/// What an agent is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentState {
    /// Available and waiting for a call.
    Ready,
    /// In a conversation.
    Talking,
    /// Doing after-call work (the line is already free).
    Wrap,
    /// On a scheduled pause (not available).
    Paused,
}

/// The agent pool, with the Ready agents kept in a stack so that taking one is O(1).
#[derive(Debug, Clone)]
pub struct AgentPool {
    state: Vec<AgentState>,
    /// When the agent's current talk or wrap began (for the predictive look-ahead).
    since: Vec<f64>,
    /// The agent's scheduled pause has begun while it was busy (or reserved): it pauses as soon as
    /// it is free, unless the pause ends first.
    pause_due: Vec<bool>,
    ready: Vec<u32>,
    /// Position of each Ready agent in `ready`, so that a pausing agent leaves it in O(1).
    slot: Vec<u32>,
    talking: u32,
    wrapping: u32,
    paused: u32,
}

impl AgentPool {
    /// `count` agents, all Ready.
    pub fn new(count: u32) -> Self {
        let n = count as usize;
        Self {
            state: vec![AgentState::Ready; n],
            since: vec![0.0; n],
            pause_due: vec![false; n],
            ready: (0..count).collect(),
            slot: (0..count).collect(),
            talking: 0,
            wrapping: 0,
            paused: 0,
        }
    }

    /// Number of agents.
    pub fn len(&self) -> u32 {
        self.state.len() as u32
    }

    /// Whether the pool has no agents.
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// What `agent` is doing.
    pub fn state(&self, agent: u32) -> AgentState {
        self.state[agent as usize]
    }

    /// Ready agents.
    pub fn ready(&self) -> u32 {
        self.ready.len() as u32
    }

    /// Agents talking (each holds a line).
    pub fn talking(&self) -> u32 {
        self.talking
    }

    /// Agents talking or wrapping up.
    pub fn busy(&self) -> u32 {
        self.talking + self.wrapping
    }

    /// Agents not paused.
    pub fn available(&self) -> u32 {
        self.len() - self.paused
    }

    /// Whether `agent`'s scheduled pause has begun while it could not take it.
    pub fn pause_due(&self, agent: u32) -> bool {
        self.pause_due[agent as usize]
    }

    /// Marks (or clears) `agent`'s pending pause.
    pub fn set_pause_due(&mut self, agent: u32, due: bool) {
        self.pause_due[agent as usize] = due;
    }

    /// Takes the most recently freed Ready agent, if any.
    #[inline]
    pub fn take_ready(&mut self) -> Option<u32> {
        self.ready.pop()
    }

    /// `agent` (not Ready) becomes Ready.
    #[inline]
    pub fn make_ready(&mut self, agent: u32) {
        self.leave(agent);
        self.slot[agent as usize] = self.ready.len() as u32;
        self.ready.push(agent);
        self.state[agent as usize] = AgentState::Ready;
    }

    /// `agent` (just taken from Ready, or freed) starts talking at `now`.
    #[inline]
    pub fn start_talking(&mut self, agent: u32, now: f64) {
        self.leave(agent);
        self.state[agent as usize] = AgentState::Talking;
        self.since[agent as usize] = now;
        self.talking += 1;
    }

    /// `agent` (Talking) starts after-call work at `now`.
    pub fn start_wrap(&mut self, agent: u32, now: f64) {
        self.leave(agent);
        self.state[agent as usize] = AgentState::Wrap;
        self.since[agent as usize] = now;
        self.wrapping += 1;
    }

    /// `agent` pauses; a Ready agent leaves the Ready stack.
    pub fn pause(&mut self, agent: u32) {
        if self.state[agent as usize] == AgentState::Ready {
            let at = self.slot[agent as usize] as usize;
            self.ready.swap_remove(at);
            if let Some(&moved) = self.ready.get(at) {
                self.slot[moved as usize] = at as u32;
            }
        } else {
            self.leave(agent);
        }
        self.state[agent as usize] = AgentState::Paused;
        self.paused += 1;
    }

    /// Marks `agent` as having left its current (non-Ready) state, or taken from the Ready stack.
    #[inline]
    fn leave(&mut self, agent: u32) {
        match self.state[agent as usize] {
            AgentState::Talking => self.talking -= 1,
            AgentState::Wrap => self.wrapping -= 1,
            AgentState::Paused => self.paused -= 1,
            // A Ready agent reaching here was already taken off the stack by `take_ready`.
            AgentState::Ready => {}
        }
    }

    /// The busy agents: their state (Talking or Wrap) and when it began.
    pub fn busy_agents(&self) -> impl Iterator<Item = (AgentState, f64)> + '_ {
        self.state
            .iter()
            .zip(&self.since)
            .filter(|(s, _)| matches!(s, AgentState::Talking | AgentState::Wrap))
            .map(|(s, t)| (*s, *t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_transitions() {
        let mut pool = AgentPool::new(3);
        assert_eq!((pool.ready(), pool.available()), (3, 3));
        let a = pool.take_ready().unwrap();
        pool.start_talking(a, 1.0);
        assert_eq!((pool.ready(), pool.talking(), pool.busy()), (2, 1, 1));
        pool.start_wrap(a, 5.0);
        assert_eq!((pool.talking(), pool.busy()), (0, 1));
        pool.pause(0);
        assert_eq!((pool.ready(), pool.available()), (1, 2));
        assert_eq!(pool.state(0), AgentState::Paused);
        pool.make_ready(a);
        pool.make_ready(0);
        assert_eq!((pool.ready(), pool.busy(), pool.available()), (3, 0, 3));
        let busy: Vec<_> = pool.busy_agents().collect();
        assert!(busy.is_empty());
    }

    #[test]
    fn pausing_from_the_middle_of_the_stack_keeps_slots_right() {
        let mut pool = AgentPool::new(4);
        pool.pause(1);
        pool.pause(3);
        let mut taken = vec![];
        while let Some(a) = pool.take_ready() {
            taken.push(a);
        }
        taken.sort_unstable();
        assert_eq!(taken, vec![0, 2]);
    }
}
