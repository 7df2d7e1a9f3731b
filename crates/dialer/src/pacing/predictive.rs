//! The predictive dialer: an abandon-rate controller (Appendix A).
//!
//! At each pacing run it looks ahead by `W` (the mean ring time of a live answer plus the mean
//! patience: a call answered then can still be connected within its patience) and models
//! - the agents free within `W`: the Ready agents plus, for every busy agent, the chance `q` that
//!   it is Ready again within `W` given how long its current talk or wrap has lasted. A wrapping
//!   agent needs its wrap to end; a talking agent needs its talk *and* the wrap after it to end,
//!   `P(remaining talk + wrap ≤ W)`: exactly `P(remaining talk ≤ W − w)` for a fixed wrap `w`, and
//!   the same with `w` the wrap's mean for other wrap laws (an approximation: it ignores the wrap's
//!   spread, which matters little when the wrap is short against the talk);
//! - the live answers coming: the waiting ones plus each ringing or new line live with probability
//!   `p̂`, the live-answer rate measured online (an exponential average over about the last 100
//!   attempts, starting from the campaign's configured answer rate).
//!
//! Agents with a pause due when their call ends are still counted as becoming free: the
//! [`Snapshot`] does not say which agents those are.
//!
//! Treating the excess `E = lives − free` as normal (mean and variance summed over the lines and
//! the busy agents), it starts the most new lines `n` for which the expected drops `E[E⁺]` stay
//! within `τ` of the expected lives, `τ = target · e^α`. This is Appendix A's over-dial rule
//! (`expected_free · (1 + α)` lines' worth of lives) with the over-dial set by the risk it takes.
//! It never starts fewer lines than progressive dialling would, since those carry no risk.
//!
//! `α` comes from a proportional-integral controller on the drop rate (abandoned or late) over a
//! rolling window of the last [`WINDOW`] live answers. Its error is the relative shortfall
//! `e = (target − rate) / target`; `α = KP · e + I`. The integral `I` moves by `KI · (target − x) /
//! target` per live answer, `x` 1 for a drop and 0 otherwise: the increments of the windowed
//! error without the window's lag (integrating the windowed error itself lags by half a window,
//! which at hundreds of answers a minute makes the loop oscillate), so it settles where the drop
//! rate equals the target. The integral is held (anti-windup) while `α` sits at a bound and the
//! step pushes it further out, and while the dialer is in fallback (dialling progressively, no
//! drops come, and an integral left running would rise all along and over-dial when it ends). When the windowed rate passes the legal limit (FCC/FTC), the dialer falls back
//! to progressive dialling until the rate is back under the target.
//!
//! Until the window has seen [`MIN_ANSWERS`] live answers, the rate is drops over `MIN_ANSWERS`
//! rather than over the few answers seen: the first drop of a run would otherwise read as a 100 %
//! rate and force progressive dialling for the next 39 answers. Early on this counts drops against
//! a budget of 3 in the first 100 answers.

use super::{CostInputs, PacingCost, PacingStrategy, Snapshot, progressive_lines};
use crate::agents::AgentState;
use crate::compliance::Regime;
use crate::distribution::{Sampler, erfc};

/// Live answers in the rolling window the drop rate is measured over.
///
/// At a 2.5 % target the rate over 1 000 answers has a standard error of half a point, the margin
/// between the target and the 3 % limit, so chance alone seldom trips the fallback; each fallback
/// costs occupancy and, as agents sit idle, invites a surge of lines when it ends. (With 300 answers
/// — a few minutes of a 300-agent campaign — the seed payload at 300 agents over a day ran at
/// 3.2 % from such fallbacks; with 1 000 at 2.9 %, against 2.8 % for the share since the start.)
/// It is still short enough that the rate follows the last quarter hour of a 300-agent campaign
/// or the last few hours of a dozen agents, where the share since the start would barely move late
/// in a long run.
pub const WINDOW: usize = 1_000;
/// Fewest live answers the windowed rate divides by (see the module notes).
pub const MIN_ANSWERS: usize = 100;
/// Weight of the newest attempt in the live-answer rate estimate.
const RATE_WEIGHT: f64 = 0.01;
/// Lowest live-answer rate estimate used (so that a run of unanswered attempts cannot ask for
/// unbounded lines).
const MIN_RATE: f64 = 0.02;
/// Proportional gain: `α` per unit of relative error.
const KP: f64 = 0.5;
/// Integral gain: change of the integral per live answer, per unit of relative error.
const KI: f64 = 0.02;
/// Most negative relative error used (a rate of 4 × the target), so that a burst of drops in a
/// short window does not swing `α` by more than its range.
const MIN_ERROR: f64 = -3.0;
/// Highest drop share of the lines in flight it will risk, whatever `α` says (at 1 or more the
/// risk would bound nothing).
const MAX_RISK: f64 = 0.5;
/// Most lines in flight per agent, over the live-answer rate estimate.
const LINES_PER_AGENT_OVER_RATE: f64 = 4.0;
/// Bounds of `α`.
const ALPHA_RANGE: (f64, f64) = (-6.0, 3.0);

/// Words of the ring of outcomes, one bit each.
const WORDS: usize = WINDOW.div_ceil(64);

/// The outcomes (dropped or not) of the last [`WINDOW`] live answers, in a fixed-size ring of bits.
#[derive(Debug, Clone)]
struct Outcomes {
    /// Bit `i` set: the outcome in slot `i` was a drop.
    dropped: [u64; WORDS],
    /// Slot of the next outcome.
    next: usize,
    /// Outcomes held (at most `WINDOW`).
    len: usize,
    /// Drops among them.
    drops: usize,
}

impl Outcomes {
    fn new() -> Self {
        Self {
            dropped: [0; WORDS],
            next: 0,
            len: 0,
            drops: 0,
        }
    }

    fn push(&mut self, dropped: bool) {
        let (word, bit) = (self.next / 64, 1u64 << (self.next % 64));
        if self.len == WINDOW {
            if self.dropped[word] & bit != 0 {
                self.drops -= 1;
            }
        } else {
            self.len += 1;
        }
        if dropped {
            self.dropped[word] |= bit;
            self.drops += 1;
        } else {
            self.dropped[word] &= !bit;
        }
        self.next = (self.next + 1) % WINDOW;
    }

    /// Drops over the answers held, or over [`MIN_ANSWERS`] while fewer are held.
    fn rate(&self) -> f64 {
        self.drops as f64 / self.len.max(MIN_ANSWERS) as f64
    }
}

/// The predictive strategy's running state.
#[derive(Debug, Clone)]
pub struct Predictive {
    target: f64,
    look_ahead: f64,
    live_rate: f64,
    alpha: f64,
    integral: f64,
    outcomes: Outcomes,
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
            integral: 0.0,
            outcomes: Outcomes::new(),
            fallback: false,
        }
    }

    #[cfg(test)]
    /// The controller's output `α` (the risk taken is `target · e^α`).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    #[cfg(test)]
    /// Whether it is dialling progressively until its drop rate recovers.
    pub fn in_fallback(&self) -> bool {
        self.fallback
    }

    #[cfg(test)]
    /// The drop rate over the rolling window of recent live answers (over [`MIN_ANSWERS`] while
    /// the window holds fewer).
    pub fn windowed_drop_rate(&self) -> f64 {
        self.outcomes.rate()
    }

    /// An attempt stopped ringing.
    pub fn on_dial_outcome(&mut self, live: bool) {
        let x = if live { 1.0 } else { 0.0 };
        self.live_rate = (self.live_rate + RATE_WEIGHT * (x - self.live_rate)).max(MIN_RATE);
    }

    /// A live answer was connected in time, or dropped (abandoned or late).
    pub fn on_live_outcome(&mut self, dropped: bool) {
        self.outcomes.push(dropped);
        let rate = self.outcomes.rate();
        if rate > Regime::Fcc.limit() {
            self.fallback = true;
        } else if rate <= self.target {
            self.fallback = false;
        }
        if self.target <= 0.0 {
            return;
        }
        let error = ((self.target - rate) / self.target).max(MIN_ERROR);
        let (low, high) = ALPHA_RANGE;
        let proportional = KP * error;
        // This answer's own error: the increments of the windowed error without the window's lag,
        // which at hundreds of answers a minute would make the integral loop oscillate.
        let step = KI * (self.target - if dropped { 1.0 } else { 0.0 }) / self.target;
        // Anti-windup: hold the integral in fallback, and when the output is at a bound that the
        // step pushes past.
        let saturated = (proportional + self.integral >= high && step > 0.0)
            || (proportional + self.integral <= low && step < 0.0);
        if !saturated && !self.fallback {
            self.integral = (self.integral + step).clamp(low, high);
        }
        self.alpha = (proportional + self.integral).clamp(low, high);
    }

    /// Agents expected free within the look-ahead, and the variance of that number.
    pub fn expected_free(&self, snapshot: &Snapshot<'_>) -> (f64, f64) {
        let horizon = self.look_ahead;
        let now = snapshot.now;
        // A talking agent is free once its talk and then its wrap have ended.
        let talk_horizon = horizon - sampler_mean(&snapshot.wrap);
        let (mut mean, mut variance) = (f64::from(snapshot.agents.ready()), 0.0);
        for (state, since) in snapshot.agents.busy_agents() {
            let q = match state {
                AgentState::Wrap => snapshot.wrap.ends_within(now - since, horizon),
                _ if talk_horizon <= 0.0 => 0.0,
                _ => snapshot.talk.ends_within(now - since, talk_horizon),
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

/// Work of one pacing run per busy agent it looks at (the talk-time survival function), in
/// nanoseconds of a reference core.
const BUSY_AGENT_NANOS: f64 = 20.0;

impl PacingStrategy for Predictive {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        Predictive::lines_to_start(self, snapshot)
    }

    #[inline]
    fn on_dial_end(&mut self, outcome: crate::outcome::DialOutcome) {
        self.on_dial_outcome(outcome.is_live());
    }

    #[inline]
    fn on_live_outcome(&mut self, outcome: crate::outcome::LiveOutcome) {
        Predictive::on_live_outcome(self, outcome.is_drop());
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingCost {
            lines: (inputs.agents / inputs.lowest_live_probability).ceil(),
            // Every run looks at every agent.
            run_nanos: BUSY_AGENT_NANOS * inputs.agents,
            wakes_per_second: 0.0,
            open_loop_dials_per_second: None,
            paced_by_agents: true,
        }
    }
}

/// The mean of a law (the fixed value for a fixed one).
fn sampler_mean(sampler: &Sampler) -> f64 {
    match *sampler {
        Sampler::Fixed(value) => value,
        Sampler::Exp(mean) => mean,
        Sampler::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
        Sampler::Uniform { min, width } => min + 0.5 * width,
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
    use crate::Distribution;
    use crate::agents::AgentPool;

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
    fn a_talking_agent_is_free_only_once_its_wrap_is_done_too() {
        let mut agents = AgentPool::new(3);
        for _ in 0..2 {
            let a = agents.take_ready().unwrap();
            agents.start_talking(a, 0.0);
        }
        let snapshot = |now, wrap| Snapshot {
            now,
            agents: &agents,
            waiting: 0,
            dialling: 0,
            talk: Sampler::Fixed(100.0),
            wrap,
        };
        let predictive = Predictive::new(0.025, 0.5, 8.0);
        // 5 s of talk left and a 5 s wrap: not Ready within 8 s, though the talk ends within it.
        assert_eq!(
            predictive.expected_free(&snapshot(95.0, Sampler::Fixed(5.0))),
            (1.0, 0.0)
        );
        // 3 s of talk left and a 5 s wrap: Ready in exactly 8 s.
        assert_eq!(
            predictive.expected_free(&snapshot(97.0, Sampler::Fixed(5.0))),
            (3.0, 0.0)
        );
        // Other wrap laws count by their mean; one longer than the look-ahead frees no one.
        assert_eq!(
            predictive.expected_free(&snapshot(95.0, Sampler::Exp(5.0))),
            (1.0, 0.0)
        );
        assert_eq!(
            predictive.expected_free(&snapshot(
                99.0,
                Sampler::Uniform {
                    min: 6.0,
                    width: 6.0
                }
            )),
            (1.0, 0.0)
        );
        assert_eq!(
            sampler_mean(&Sampler::Uniform {
                min: 6.0,
                width: 6.0
            }),
            9.0
        );
        let lognormal = Distribution::Lognormal { mean: 7.0, cv: 0.8 }.sampler();
        assert!((sampler_mean(&lognormal) - 7.0).abs() < 1e-12);
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

    #[test]
    fn the_first_drop_of_a_run_does_not_force_progressive() {
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        predictive.on_live_outcome(true);
        // Counted against the first 100 answers, not as 1 drop in 1.
        assert!((predictive.windowed_drop_rate() - 0.01).abs() < 1e-12);
        assert!(!predictive.in_fallback());
        for _ in 0..2 {
            predictive.on_live_outcome(true);
        }
        assert!(
            !predictive.in_fallback(),
            "3 drops are within the budget of 3 %"
        );
        predictive.on_live_outcome(true);
        assert!(
            predictive.in_fallback(),
            "a 4th drop in the first 100 is not"
        );
    }

    #[test]
    fn the_rate_forgets_answers_older_than_the_window() {
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        for _ in 0..20 {
            predictive.on_live_outcome(true);
        }
        assert!(predictive.in_fallback());
        for _ in 0..WINDOW {
            predictive.on_live_outcome(false);
        }
        // The early drops have left the window.
        assert_eq!(predictive.windowed_drop_rate(), 0.0);
        assert!(!predictive.in_fallback());
        for _ in 0..20_000 {
            predictive.on_live_outcome(false);
        }
        // Late in a long run, a burst of drops still trips the fallback (31 in 21 051 since the
        // start would not).
        for _ in 0..31 {
            predictive.on_live_outcome(true);
        }
        assert!((predictive.windowed_drop_rate() - 31.0 / WINDOW as f64).abs() < 1e-12);
        assert!(predictive.in_fallback());
        // Back under the target once enough clean answers push drops out.
        for _ in 0..WINDOW - 31 {
            predictive.on_live_outcome(false);
        }
        assert!(predictive.in_fallback(), "still 31 drops in the window");
        for _ in 0..5 {
            predictive.on_live_outcome(false);
        }
        assert!(predictive.in_fallback(), "26 drops in 1 000 is over 2.5 %");
        predictive.on_live_outcome(false);
        assert!(!predictive.in_fallback(), "25 drops in 1 000 is 2.5 %");
    }

    #[test]
    fn the_controller_is_proportional() {
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        predictive.on_live_outcome(false);
        // Error 1 at once: KP from the proportional term, one step from the integral.
        assert!(
            (predictive.alpha() - (KP + KI)).abs() < 1e-12,
            "{}",
            predictive.alpha()
        );
    }

    #[test]
    fn the_integral_does_not_wind_up() {
        let mut predictive = Predictive::new(0.025, 0.5, 8.0);
        for _ in 0..5_000 {
            predictive.on_live_outcome(false);
        }
        assert_eq!(predictive.alpha(), ALPHA_RANGE.1);
        // The integral stopped near 3 − KP = 2.5 when α reached its bound, so one drop (a step of
        // −0.78) brings α to about 2.2; an integral wound up to 3 would leave it at 2.7.
        predictive.on_live_outcome(true);
        assert!(predictive.alpha() < 2.3, "{}", predictive.alpha());
        // No integration in fallback: α is the same before and after a run of clean answers there.
        let mut falling = Predictive::new(0.025, 0.5, 8.0);
        for _ in 0..10 {
            falling.on_live_outcome(true);
        }
        assert!(falling.in_fallback());
        let integral = falling.integral;
        for _ in 0..50 {
            falling.on_live_outcome(false);
        }
        assert!(falling.in_fallback());
        assert_eq!(falling.integral, integral);
    }
}
