//! The predictive dialer: an abandon-rate controller (Appendix A).
//!
//! It expects `free` agents within a look-ahead `W` (the mean ring time of a live answer): the Ready
//! agents plus, for every busy agent, the probability that its talk (or wrap) ends within `W` given
//! how long it has already lasted. It then starts
//! `max(0, ceil((free · (1 + α) − waiting − p̂ · ringing) / p̂))` lines, where `p̂` is the live-answer
//! rate measured online (an exponential average over about the last 100 attempts, starting from the
//! campaign's configured answer rate).
//!
//! `α` is the integral term of a controller on the drop share of live answers (abandoned or late):
//! each live answer moves it by `GAIN · (target − dropped)`, so it settles where the drop share equals
//! the target. When the drop share of the run so far passes the legal limit (3 %), the dialer falls
//! back to progressive dialling until the share is back under the target.

use super::{LEGAL_ABANDON_LIMIT, Snapshot, progressive_lines};
use crate::agents::AgentState;

/// Weight of the newest attempt in the live-answer rate estimate.
const RATE_WEIGHT: f64 = 0.01;
/// Lowest live-answer rate estimate used (so that a run of unanswered attempts cannot ask for
/// unbounded lines).
const MIN_RATE: f64 = 0.02;
/// Change of `α` per live answer, per unit of error.
const GAIN: f64 = 0.05;
/// Bounds of `α`.
const ALPHA_RANGE: (f64, f64) = (-0.9, 2.0);

/// The predictive strategy's running state.
#[derive(Debug, Clone)]
pub struct Predictive {
    target: f64,
    look_ahead: f64,
    live_rate: f64,
    alpha: f64,
    live_answers: u64,
    drops: u64,
    fallback: bool,
}

impl Predictive {
    /// A controller aiming at `target` drops per live answer, starting from the campaign's expected
    /// `live_probability`, looking ahead by `live_ring_mean` seconds.
    pub fn new(target: f64, live_probability: f64, live_ring_mean: f64) -> Self {
        Self {
            target,
            look_ahead: live_ring_mean,
            live_rate: live_probability.max(MIN_RATE),
            alpha: 0.0,
            live_answers: 0,
            drops: 0,
            fallback: false,
        }
    }

    /// The over-dial term `α`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Whether it is dialling progressively until its drop share recovers.
    pub fn in_fallback(&self) -> bool {
        self.fallback
    }

    /// An attempt stopped ringing.
    pub fn on_dial_outcome(&mut self, live: bool) {
        let x = if live { 1.0 } else { 0.0 };
        self.live_rate = (self.live_rate + RATE_WEIGHT * (x - self.live_rate)).max(MIN_RATE);
    }

    /// A live answer was connected in time, or dropped (abandoned or late).
    pub fn on_live_outcome(&mut self, dropped: bool) {
        self.live_answers += 1;
        let x = if dropped {
            self.drops += 1;
            1.0
        } else {
            0.0
        };
        self.alpha = (self.alpha + GAIN * (self.target - x)).clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
        let share = self.drops as f64 / self.live_answers as f64;
        if share > LEGAL_ABANDON_LIMIT {
            self.fallback = true;
        } else if share <= self.target {
            self.fallback = false;
        }
    }

    /// Agents expected to be free within the look-ahead.
    pub fn expected_free(&self, snapshot: &Snapshot<'_>) -> f64 {
        let horizon = self.look_ahead;
        let now = snapshot.now;
        let busy: f64 = snapshot
            .agents
            .busy_agents()
            .map(|(state, since)| match state {
                AgentState::Wrap => snapshot.wrap.ends_within(now - since, horizon),
                _ => snapshot.talk.ends_within(now - since, horizon),
            })
            .sum();
        f64::from(snapshot.agents.ready()) + busy
    }

    /// Lines to start now.
    pub fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        if self.fallback {
            return progressive_lines(snapshot);
        }
        let wanted = self.expected_free(snapshot) * (1.0 + self.alpha)
            - f64::from(snapshot.waiting)
            - self.live_rate * f64::from(snapshot.dialling);
        if wanted <= 0.0 {
            0
        } else {
            (wanted / self.live_rate).ceil() as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentPool;
    use crate::distribution::Sampler;

    #[test]
    fn dials_for_expected_free_agents_over_the_live_rate() {
        let mut agents = AgentPool::new(4);
        for _ in 0..2 {
            let a = agents.take_ready().unwrap();
            agents.start_talking(a, 0.0);
        }
        // Fixed 100 s talks that began at 0: at 95 s both end within the 8 s look-ahead.
        let snapshot = Snapshot {
            now: 95.0,
            agents: &agents,
            waiting: 0,
            dialling: 2,
            talk: Sampler::Fixed(100.0),
            wrap: Sampler::Fixed(0.0),
        };
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        assert!((predictive.expected_free(&snapshot) - 4.0).abs() < 1e-12);
        // (4 − 0.5 · 2) / 0.5 = 6 lines.
        assert_eq!(predictive.lines_to_start(&snapshot), 6);
        let early = Snapshot {
            now: 10.0,
            ..snapshot
        };
        // Only the 2 Ready agents: (2 − 1) / 0.5 = 2.
        assert_eq!(predictive.lines_to_start(&early), 2);
    }

    #[test]
    fn drops_lower_alpha_and_trigger_the_fallback() {
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        for _ in 0..100 {
            predictive.on_live_outcome(false);
        }
        let raised = predictive.alpha();
        assert!(raised > 0.0);
        assert!(!predictive.in_fallback());
        for _ in 0..4 {
            predictive.on_live_outcome(true);
        }
        assert!(predictive.alpha() < raised);
        assert!(predictive.in_fallback(), "4 drops in 104 is over 3 %");
        for _ in 0..60 {
            predictive.on_live_outcome(false);
        }
        assert!(!predictive.in_fallback(), "4 drops in 164 is under 2.5 %");
    }
}
