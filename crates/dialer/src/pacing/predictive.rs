//! The predictive dialer: an abandon-rate controller (Appendix A).
//!
//! At each pacing run it looks ahead by `W` (the mean ring time of a live answer plus the mean
//! patience: a call answered then can still be connected within its patience) and models
//! - the agents free within `W`: the Ready agents plus, for every busy agent, the chance `q` that
//!   its talk (or wrap) ends within `W` given how long it has lasted, from the talk-time law;
//! - the live answers coming: the waiting ones plus each ringing or new line live with probability
//!   `p̂`, the live-answer rate measured online (an exponential average over about the last 100
//!   attempts, starting from the campaign's configured answer rate).
//!
//! Treating the excess `E = lives − free` as normal (mean and variance summed over the lines and
//! the busy agents), it starts the most new lines `n` for which the expected drops `E[E⁺]` stay
//! within `τ` of the expected lives, `τ = target · e^α`. This is Appendix A's over-dial rule
//! (`expected_free · (1 + α)` lines' worth of lives) with the over-dial set by the risk it takes.
//! It never starts fewer lines than progressive dialling would, since those carry no risk.
//!
//! `α` is the integral term of a controller on the drop share of live answers (abandoned or
//! late): each live answer moves it by `GAIN · (target − dropped) / target`, so it settles where the
//! drop share equals the target. When the drop share of the run so far passes the legal limit
//! (3 %), the dialer falls back to progressive dialling until the share is back under the target.

use super::{LEGAL_ABANDON_LIMIT, Snapshot, progressive_lines};
use crate::agents::AgentState;
use crate::distribution::erfc;

/// Weight of the newest attempt in the live-answer rate estimate.
const RATE_WEIGHT: f64 = 0.01;
/// Lowest live-answer rate estimate used (so that a run of unanswered attempts cannot ask for
/// unbounded lines).
const MIN_RATE: f64 = 0.02;
/// Change of `α` per live answer, per unit of relative error.
const GAIN: f64 = 0.02;
/// Highest drop share of the lines in flight it will risk, whatever `α` says (at 1 or more the
/// risk would bound nothing).
const MAX_RISK: f64 = 0.5;
/// Most lines in flight per agent, over the live-answer rate estimate.
const LINES_PER_AGENT_OVER_RATE: f64 = 4.0;
/// Bounds of `α`.
const ALPHA_RANGE: (f64, f64) = (-6.0, 3.0);

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
    /// `live_probability`, looking ahead by `look_ahead` seconds.
    pub fn new(target: f64, live_probability: f64, look_ahead: f64) -> Self {
        Self {
            target,
            look_ahead,
            live_rate: live_probability.max(MIN_RATE),
            alpha: 0.0,
            live_answers: 0,
            drops: 0,
            fallback: false,
        }
    }

    /// The controller's term `α` (the risk taken is `target · e^α`).
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
        if self.target > 0.0 {
            self.alpha = (self.alpha + GAIN * (self.target - x) / self.target)
                .clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
        }
        let share = self.drops as f64 / self.live_answers as f64;
        if share > LEGAL_ABANDON_LIMIT {
            self.fallback = true;
        } else if share <= self.target {
            self.fallback = false;
        }
    }

    /// Agents expected free within the look-ahead, and the variance of that number.
    pub fn expected_free(&self, snapshot: &Snapshot<'_>) -> (f64, f64) {
        let horizon = self.look_ahead;
        let now = snapshot.now;
        let (mut mean, mut variance) = (f64::from(snapshot.agents.ready()), 0.0);
        for (state, since) in snapshot.agents.busy_agents() {
            let q = match state {
                AgentState::Wrap => snapshot.wrap.ends_within(now - since, horizon),
                _ => snapshot.talk.ends_within(now - since, horizon),
            };
            mean += q;
            variance += q * (1.0 - q);
        }
        (mean, variance)
    }

    /// Lines to start now.
    pub fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        if self.fallback {
            return progressive_lines(snapshot);
        }
        if self.target <= 0.0 {
            return progressive_lines(snapshot);
        }
        let (free, free_variance) = self.expected_free(snapshot);
        let p = self.live_rate;
        let waiting = f64::from(snapshot.waiting);
        let ringing = f64::from(snapshot.dialling);
        let risk = (self.target * self.alpha.exp()).min(MAX_RISK);
        // Expected drops over expected lives with `n` more lines.
        let acceptable = |n: f64| {
            let lines = ringing + n;
            let lives = waiting + p * lines;
            if lives <= 0.0 {
                return true;
            }
            let mean = lives - free;
            let sd = (lines * p * (1.0 - p) + free_variance).sqrt();
            expected_positive_part(mean, sd) <= risk * lives
        };
        // Progressive's lines carry no risk (every one has a Ready agent), so never dial fewer.
        let floor = progressive_lines(snapshot);
        if !acceptable(1.0) {
            return floor;
        }
        // The drop ratio grows with `n`: double, then bisect, for the largest acceptable `n`.
        let mut low = 1u32;
        let mut high = 2u32;
        // Lines in flight stay bounded even when the risk allows more.
        let most_ringing =
            (LINES_PER_AGENT_OVER_RATE * f64::from(snapshot.agents.len()) / p).ceil();
        let ceiling = (most_ringing - ringing).max(0.0) as u32;
        if ceiling == 0 {
            return floor;
        }
        while high < ceiling && acceptable(f64::from(high)) {
            low = high;
            high = high.saturating_mul(2);
        }
        let mut high = high.min(ceiling);
        if acceptable(f64::from(high)) {
            return high.max(floor);
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if acceptable(f64::from(mid)) {
                low = mid;
            } else {
                high = mid;
            }
        }
        low.max(floor)
    }
}

/// `E[max(X, 0)]` for `X` normal with this mean and standard deviation.
fn expected_positive_part(mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 {
        return mean.max(0.0);
    }
    let z = mean / sd;
    let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = 0.5 * erfc(-z / std::f64::consts::SQRT_2);
    sd * density + mean * cdf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentPool;
    use crate::distribution::Sampler;

    #[test]
    fn expected_positive_part_of_a_normal() {
        assert!((expected_positive_part(0.0, 1.0) - 0.398_942_280_4).abs() < 1e-7);
        assert!((expected_positive_part(5.0, 0.0) - 5.0).abs() < 1e-12);
        assert!(expected_positive_part(-10.0, 1.0) < 1e-20);
    }

    #[test]
    fn counts_agents_about_to_be_free() {
        let mut agents = AgentPool::new(4);
        for _ in 0..2 {
            let a = agents.take_ready().unwrap();
            agents.start_talking(a, 0.0);
        }
        let snapshot = |now| Snapshot {
            now,
            agents: &agents,
            waiting: 0,
            dialling: 0,
            talk: Sampler::Fixed(100.0),
            wrap: Sampler::Fixed(0.0),
        };
        let predictive = Predictive::new(0.025, 0.5, 8.0);
        // Fixed 100 s talks that began at 0: at 95 s both end within 8 s, at 10 s neither.
        assert_eq!(predictive.expected_free(&snapshot(95.0)), (4.0, 0.0));
        assert_eq!(predictive.expected_free(&snapshot(10.0)), (2.0, 0.0));
    }

    #[test]
    fn dials_more_for_more_free_agents_and_less_with_lines_ringing() {
        let agents = AgentPool::new(10);
        let snapshot = |dialling| Snapshot {
            now: 0.0,
            agents: &agents,
            waiting: 0,
            dialling,
            talk: Sampler::Fixed(100.0),
            wrap: Sampler::Fixed(0.0),
        };
        let mut predictive = Predictive::new(0.025, 0.4, 8.0);
        let idle = predictive.lines_to_start(&snapshot(0));
        // About 10 / 0.4 = 25 lines' worth of lives, less a margin for the variance.
        assert!((15..25).contains(&idle), "{idle}");
        let busy = predictive.lines_to_start(&snapshot(10));
        assert_eq!(busy + 10, idle);
        assert_eq!(predictive.lines_to_start(&snapshot(40)), 0);
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
