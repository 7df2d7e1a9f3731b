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
///
/// A Ready agent whose pause is due but who is held back for a call already ringing for it (see
/// [`AgentPool::hold`]) sits in a separate stack: it is taken only when no other agent is Ready, and
/// [`AgentPool::ready`] does not count it, so pacing does not dial for it again.
#[derive(Debug, Clone)]
pub struct AgentPool {
    state: Vec<AgentState>,
    /// When the agent's current talk or wrap began (for the predictive look-ahead).
    since: Vec<f64>,
    /// The agent's pause has come due while it was busy (or held back): it pauses as soon as it is
    /// free (or no longer needed).
    pause_due: Vec<bool>,
    /// Ready agents with no pause due.
    ready: Vec<u32>,
    /// Ready agents with a pause due, held back for calls ringing for them.
    held: Vec<u32>,
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
            held: Vec::new(),
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

    /// What `agent` is doing.
    pub fn state(&self, agent: u32) -> AgentState {
        self.state[agent as usize]
    }

    /// When `agent`'s current talk or wrap began.
    #[inline]
    pub fn since(&self, agent: u32) -> f64 {
        self.since[agent as usize]
    }

    /// Ready agents with no pause due (the agents pacing may dial for).
    #[inline]
    pub fn ready(&self) -> u32 {
        self.ready.len() as u32
    }

    /// Ready agents with a pause due, held back for calls already ringing for them.
    #[inline]
    pub fn held(&self) -> u32 {
        self.held.len() as u32
    }

    /// The most recently held agent, if any.
    pub fn last_held(&self) -> Option<u32> {
        self.held.last().copied()
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

    /// Whether `agent`'s pause has come due while it could not take it.
    pub fn pause_due(&self, agent: u32) -> bool {
        self.pause_due[agent as usize]
    }

    /// Marks `agent` (busy, or paused with its next pause already due) as pausing when it is free.
    pub fn set_pause_due(&mut self, agent: u32) {
        debug_assert!(self.state[agent as usize] != AgentState::Ready);
        self.pause_due[agent as usize] = true;
    }

    /// `agent` (Ready, no pause due) has its pause due but is held back for a call ringing for it:
    /// it stays Ready, leaves [`AgentPool::ready`]'s count and is taken only after the others.
    pub fn hold(&mut self, agent: u32) {
        debug_assert!(self.state[agent as usize] == AgentState::Ready);
        debug_assert!(!self.pause_due[agent as usize]);
        self.leave_ready_stack(agent);
        self.pause_due[agent as usize] = true;
        self.held.push(agent);
    }

    /// Takes the most recently freed Ready agent, if any; a held agent only when no other is Ready
    /// (it keeps its due pause and takes it when free).
    #[inline]
    pub fn take_ready(&mut self) -> Option<u32> {
        self.ready.pop().or_else(|| self.held.pop())
    }

    /// `agent` (not Ready, no pause due) becomes Ready.
    #[inline]
    pub fn make_ready(&mut self, agent: u32) {
        debug_assert!(!self.pause_due[agent as usize]);
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

    /// `agent` pauses (its due pause, if any, is taken); a Ready or held agent leaves its stack.
    pub fn pause(&mut self, agent: u32) {
        let a = agent as usize;
        if self.state[a] == AgentState::Ready {
            if self.pause_due[a] {
                // Held agents are few (those of a progressive dialer with calls ringing for them);
                // the one paused is usually the last.
                if let Some(at) = self.held.iter().rposition(|&h| h == agent) {
                    self.held.swap_remove(at);
                }
            } else {
                self.leave_ready_stack(agent);
            }
        } else {
            self.leave(agent);
        }
        self.pause_due[a] = false;
        self.state[a] = AgentState::Paused;
        self.paused += 1;
    }

    /// Removes a Ready agent with no pause due from the Ready stack.
    fn leave_ready_stack(&mut self, agent: u32) {
        let at = self.slot[agent as usize] as usize;
        self.ready.swap_remove(at);
        if let Some(&moved) = self.ready.get(at) {
            self.slot[moved as usize] = at as u32;
        }
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

    #[test]
    fn held_agents_are_not_counted_ready_and_are_taken_last() {
        let mut pool = AgentPool::new(3);
        pool.hold(2);
        pool.hold(0);
        assert_eq!((pool.ready(), pool.held(), pool.available()), (1, 2, 3));
        assert_eq!(pool.last_held(), Some(0));
        // The agent with no pause due goes first; then the held ones, keeping their due pause.
        assert_eq!(pool.take_ready(), Some(1));
        let held = pool.take_ready().unwrap();
        assert!(pool.pause_due(held));
        pool.start_talking(held, 1.0);
        pool.pause(held);
        assert!(!pool.pause_due(held));
        // The remaining held agent pauses from the held stack.
        let other = pool.last_held().unwrap();
        pool.pause(other);
        assert_eq!((pool.ready(), pool.held(), pool.available()), (0, 0, 1));
        assert_eq!(pool.take_ready(), None);
    }
}
