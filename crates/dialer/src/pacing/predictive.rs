//! The predictive dialer: an abandon-rate controller (Appendix A).
//!
//! At each pacing run it looks ahead by `W` (the mean ring time of a live answer plus the mean
//! patience: a call answered then can still be connected within its patience) and models
//! - the agents free within `W` ([`FreeAgents`], O(K) per decision): the Ready agents plus, for
//!   every busy agent, the chance `q` that
//!   it is Ready again within `W` given how long its current talk or wrap has lasted. A wrapping
//!   agent needs its wrap to end; a talking agent needs its talk *and* the wrap after it to end,
//!   `P(remaining talk + wrap ≤ W)`: exactly `P(remaining talk ≤ W − w)` for a fixed wrap `w`, and
//!   the same with `w` the wrap's mean for other wrap laws (an approximation: it ignores the wrap's
//!   spread, which matters little when the wrap is short against the talk);
//! - the live answers coming: the waiting ones, each ringing line live with the probability its
//!   age leaves it ([`RingingLines`]: a line that has outlasted the live rings is probably
//!   unanswered), and each new line live with probability `p̂`, the live-answer rate measured
//!   online by cohort of dial time ([`AnswerRate`]: an exponential average, in dial order,
//!   starting from the first bucket's configured answer rate, over about the last 100 attempts of a
//!   team of up to [`RATE_TEAM`] agents and over as long in time for a larger one: 100 attempts are
//!   half a second of 1 000 agents, too few live answers for an estimate that steers thousands of
//!   lines).
//!
//! Like progressive dialling, it has the engine hold back a Ready agent whose pause comes due while
//! the calls in flight are at least the Ready agents: the agent takes the next of them and pauses
//! when it is done (the pause keeps its length, and the agent's share of paused time stays
//! `1 − e`). Held agents count as free. Without this, a call dialled for the one Ready agent of a
//! small team dropped whenever that agent paused while it rang (five agents at efficiency 0.5:
//! 0.9 % of live answers, enough to put one-hour shifts over 3 %, and no fixed ratio did better).
//! Busy agents with a pause due still count as becoming free when their call ends (leaving them
//! out changed nothing measurable).
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
//! step pushes it further out, and while the dialer is in fallback (an integral left running there
//! would rise all along and over-dial when it ends). A team larger than [`INTEGRAL_TEAM`] agents
//! moves the integral less per answer (its answers come faster, and a gain per answer would make
//! the loop's gain in time grow with the team). When the windowed rate passes the legal limit
//! (FCC/FTC), the dialer falls back to the least risk `α` allows — still counting agents about to be
//! free, unlike progressive dialling, which at low answer rates leaves agents idle for minutes —
//! until the rate is back under the target.
//!
//! The law is checked per shift, and a shift with few live answers cannot average out its risk
//! (five agents for an hour connect about 100: four drops put the shift over 3 %). So the target is
//! lowered to the drop share whose shift stays under the limit by [`SHIFT_SPREAD`] standard
//! deviations ([`shift_target`], from the live answers the shift is expected to connect), and a
//! shift of fewer than [`SHORT_SHIFT`]'s answers caps `α` (at 0 under 1 000 answers): its few drops
//! cannot show that it may risk more than the model says. Such a shift also starts cautious:
//! its integral starts at [`ALPHA_START`] (at most 1 000 answers; rising to 0 at 5 000), a twelfth
//! of the model's risk, and each clean answer earns back [`KI`] of it. A small team's lives come in
//! bursts the normal excess does not foresee (five agents at p 0.05 dropped 2.7 % of their answers
//! at `α` = 0, four times the 0.7 % aimed at), and a burst of three drops is a lost hour. Large
//! teams keep the target as it is, start at `α` = 0 and learn their model's bias from their own
//! drops within minutes.
//!
//! The start of a shift is counted by the law like the rest: the lines in use are bounded by one
//! per available agent at first, the bound rising to its full value over the first
//! [`RAMP_ANSWERS`] live answers and [`RAMP_SECONDS`] (whichever is slower).
//!
//! The rate it measures is the regime's: a person AMD hangs up on as a machine (a false positive,
//! [`LiveOutcome::HungUpAsMachine`]) enters the window as a drop, in the numerator and the
//! denominator as in `(abandoned + late + fp) / (live + fp)`, unless the run's regime leaves false
//! positives out (CXone's report; [`Predictive::count_false_positives`]). Without AMD there are
//! none, and nothing changes.
//!
//! Until the window has seen [`MIN_ANSWERS`] live answers, the rate is drops over `MIN_ANSWERS`
//! rather than over the few answers seen: the first drop of a run would otherwise read as a 100 %
//! rate and force progressive dialling for the next 39 answers. Early on this counts drops against
//! a budget of 3 in the first 100 answers.

use super::bands::floor_time;
use super::decision::{Decision, Outlook};
use super::free_agents::FreeAgents;
use super::lines_in_flight::{AnswerRate, RingingLines};
use super::{
    CostInputs, PacingCost, PacingStrategy, Setup, Snapshot, percent, progressive_lines,
};
use crate::scenario_shape::NUMBER;
use crate::validation::Checker;
use violation::shape::{Field, Shape};
use crate::compliance::Regime;
use crate::outcome::LiveOutcome;

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
/// Weight of the newest attempt in the live-answer rate estimate, for a team of up to
/// [`RATE_TEAM`] agents.
const RATE_WEIGHT: f64 = 0.01;
/// Team size up to which the live-answer rate estimate weighs each attempt by the full
/// [`RATE_WEIGHT`] (a memory of about 100 attempts); a larger team's attempts weigh
/// `RATE_WEIGHT · RATE_TEAM / agents`, so that the memory in time stays that of a team of this size.
///
/// A memory counted in attempts alone lasts half a second at 1 000 agents and p 0.035 (180 attempts
/// a second, fewer than 4 live answers among the last 100): the estimate then swung between 0.02 and 0.05 second by
/// second, each low reading over-dialled by half, and the drops came in bursts of tens (one-hour
/// shifts, 1 000 agents at p 0.05 on a shaped day: 4 of 80 over 3 %; with the memory in time,
/// 0 of 80 at a higher occupancy).
const RATE_TEAM: f64 = 25.0;
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
/// Live answers over which the bound on lines ramps up from one per available agent.
const RAMP_ANSWERS: u64 = 100;
/// Seconds over which it ramps up (whichever of the two is slower).
const RAMP_SECONDS: f64 = 300.0;
/// Team size up to which every live answer moves the integral by the full [`KI`]; a larger team's
/// answers move it by `KI · INTEGRAL_TEAM / agents`, so that the integral's speed in time stays
/// that of a team of this size.
const INTEGRAL_TEAM: f64 = 25.0;
/// Bounds of `α`.
const ALPHA_RANGE: (f64, f64) = (-6.0, 3.0);
/// Live answers per shift from which `α` may rise above 0 at all, and from which it may reach the
/// top of [`ALPHA_RANGE`] (linearly between): a shift with few answers has too few drops for the
/// controller to tell that it may risk more than its model says.
const SHORT_SHIFT: (f64, f64) = (1_000.0, 5_000.0);
/// Standard deviations of a shift's drop share the aim keeps under the legal limit (see
/// [`shift_target`]).
const SHIFT_SPREAD: f64 = 3.0;
/// `α` a shift of at most [`SHORT_SHIFT`]'s first figure of live answers starts from (rising to 0
/// at its second, linearly between): until its own drops say otherwise, such a shift takes a
/// twelfth of the risk its model reckons with. The integral earns it back at [`KI`] per clean
/// answer (in about 125 of them, an hour of five agents), and each drop sets it back by about 3.
///
/// The model's risk is not the realised rate in a small team: its lives come in bursts (at p 0.05
/// with five agents, three Ready and 0.4 lives expected from the 28 lines ringing, five lives came
/// within seven seconds), which a normal excess does not foresee, and one burst of three drops puts
/// an hour's shift over 3 %. Starting at 0 there, five agents at p 0.05 dropped 2.7 % of their
/// answers at `α` = 0 against an aim of 0.7 %, and 9 of 80 one-hour shifts went over 3 %.
const ALPHA_START: f64 = -2.5;

/// The drop share to aim at so that a shift of about `answers` live answers stays under `limit`:
/// the highest `r` with `r + SHIFT_SPREAD · √(r / answers) ≤ limit` (drops taken as Poisson over
/// the shift), and never above `target`. A shift of 100 answers (five agents for an hour) puts
/// four drops over 3 %, so it aims at 0.6 %; one of 1 000 at 1.7 %; from about 9 000 answers the
/// target itself.
pub fn shift_target(target: f64, limit: f64, answers: f64) -> f64 {
    if !answers.is_finite() || answers <= 0.0 {
        return target;
    }
    let b = SHIFT_SPREAD / answers.sqrt();
    let root = 0.5 * (-b + (b * b + 4.0 * limit).sqrt());
    target.min(root * root)
}

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
    /// The busy agents by law and age, for the agents free within the look-ahead.
    free: FreeAgents,
    /// The lines ringing by age, for the live answers still to come from them.
    ringing: RingingLines,
    /// How strongly one live answer moves the integral: 1 for a small team, less for a large one,
    /// whose answers come so fast that a gain per answer would make the loop's gain in time grow
    /// with the team (and the loop oscillate).
    integral_scale: f64,
    /// Live answers seen since the start (for the ramp of the first minutes).
    answers_seen: u64,
    /// Whether the ramp of the first answers is over (it never starts again: both of its terms
    /// only grow), so that a decision skips its divisions.
    ramped: bool,
    /// The live-answer rate the bound on lines in flight per available agent was last worked out
    /// for after the ramp, and that bound (the rate moves once a second, decisions every event).
    full_level: (f64, f64),
    live_rate: AnswerRate,
    alpha: f64,
    /// The drop share of the lines in flight it risks at `alpha`, `target · e^α` (kept with `α`,
    /// which moves once per live answer, not once per decision).
    risk: f64,
    /// The same at the least risk `α` allows, taken in fallback.
    fallback_risk: f64,
    /// Highest `α` (lower than [`ALPHA_RANGE`]'s for a shift too short to show that it may risk
    /// more than its target).
    alpha_high: f64,
    integral: f64,
    outcomes: Outcomes,
    fallback: bool,
    /// The search for the most new lines the risk allows, with what the last decisions showed.
    decision: Decision,
    /// Whether a person hung up on as a machine enters the window as a drop (the regime's formula
    /// counts AMD false positives).
    false_positives: bool,
}

impl Predictive {
    /// A controller for a team of `agents` aiming at `target` drops per live answer, starting from
    /// the campaign's expected `live_probability`, counting the busy agents of `free` that end
    /// within its look-ahead and the answers to come from the lines of `ringing`.
    pub fn new(
        target: f64,
        live_probability: f64,
        agents: u32,
        free: FreeAgents,
        ringing: RingingLines,
    ) -> Self {
        let longest_ring = ringing.longest_ring();
        Self {
            target,
            free,
            ringing,
            integral_scale: (INTEGRAL_TEAM / f64::from(agents.max(1))).min(1.0),
            answers_seen: 0,
            ramped: false,
            full_level: (f64::NAN, 0.0),
            live_rate: AnswerRate::new(
                live_probability,
                RATE_WEIGHT * (RATE_TEAM / f64::from(agents.max(1))).min(1.0),
                MIN_RATE,
                longest_ring,
            ),
            alpha: 0.0,
            risk: risk(target, 0.0),
            fallback_risk: risk(target, ALPHA_RANGE.0),
            alpha_high: ALPHA_RANGE.1,
            integral: 0.0,
            outcomes: Outcomes::new(),
            fallback: false,
            decision: Decision::new(),
            false_positives: true,
        }
    }

    /// Whether it counts AMD false positives as drops of live answers (the FCC/FTC, Ofcom and CRTC
    /// formulas do, the default; CXone's report does not).
    pub fn count_false_positives(&mut self, counted: bool) {
        self.false_positives = counted;
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

    /// The same aiming at a drop share low enough that a shift of about `answers` live answers
    /// stays under the legal limit ([`shift_target`]): a small team's shift has too few answers to
    /// average out the risk the target alone would take.
    pub fn for_shift(mut self, answers: f64) -> Self {
        self.target = shift_target(self.target, Regime::Fcc.limit(), answers);
        self.risk = risk(self.target, self.alpha);
        self.fallback_risk = risk(self.target, ALPHA_RANGE.0);
        let trust = if answers.is_nan() {
            1.0
        } else {
            ((answers - SHORT_SHIFT.0) / (SHORT_SHIFT.1 - SHORT_SHIFT.0)).clamp(0.0, 1.0)
        };
        self.alpha_high = ALPHA_RANGE.1 * trust;
        self.integral = ALPHA_START * (1.0 - trust);
        self.alpha = self.integral;
        self.risk = risk(self.target, self.alpha);
        self
    }

    #[cfg(test)]
    /// The drop share it aims at.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// An attempt starts ringing at `at`.
    pub fn on_dial(&mut self, at: f64) {
        self.ringing.add(at);
        self.live_rate.dialled(at);
    }

    /// The attempt that started ringing at `dialled_at` stopped ringing.
    pub fn on_dial_outcome(&mut self, live: bool, dialled_at: f64) {
        self.ringing.remove(dialled_at);
        self.live_rate.outcome(live, dialled_at);
    }

    /// A live answer was connected in time, or dropped (abandoned, late or, if counted, hung up on
    /// as a machine).
    pub fn on_live_outcome(&mut self, dropped: bool) {
        self.outcomes.push(dropped);
        self.answers_seen += 1;
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
        let (low, high) = (ALPHA_RANGE.0, self.alpha_high);
        let proportional = KP * error;
        // This answer's own error: the increments of the windowed error without the window's lag,
        // which at hundreds of answers a minute would make the integral loop oscillate.
        let step = self.integral_scale * KI * (self.target - if dropped { 1.0 } else { 0.0 })
            / self.target;
        // Anti-windup: hold the integral in fallback, and when the output is at a bound that the
        // step pushes past.
        let saturated = (proportional + self.integral >= high && step > 0.0)
            || (proportional + self.integral <= low && step < 0.0);
        if !saturated && !self.fallback {
            self.integral = (self.integral + step).clamp(low, high);
        }
        self.alpha = (proportional + self.integral).clamp(low, high);
        self.risk = risk(self.target, self.alpha);
    }

    /// Agents expected free within the look-ahead (the Ready ones, those held back from a due
    /// pause for the calls in flight, and the busy ones expected to end), and the variance of that
    /// number.
    pub fn expected_free(&mut self, snapshot: &Snapshot<'_>) -> (f64, f64) {
        let (busy, variance) = self.free.expected(snapshot.now);
        let (ready, held) = (snapshot.agents.ready(), snapshot.agents.held());
        (f64::from(ready + held) + busy, variance)
    }

    /// Lines to start now.
    pub fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        // Progressive's lines carry no risk (every one has a Ready agent), so never dial fewer.
        let floor = progressive_lines(snapshot);
        if self.target <= 0.0 {
            return floor;
        }
        let (free, free_variance) = self.expected_free(snapshot);
        self.live_rate.settle(snapshot.now);
        let p = self.live_rate.rate();
        let (coming, coming_variance) = self.ringing.expected_lives(snapshot.now, p);
        let waiting = f64::from(snapshot.waiting);
        // In fallback it takes the least risk the controller allows: still counting the agents
        // about to be free, which progressive dialling ignores (at low answer rates that leaves
        // agents idle for minutes between calls).
        let risk = if self.fallback {
            self.fallback_risk
        } else {
            self.risk
        };
        // Lines in flight stay bounded even when the risk allows more; over the first live answers
        // of the shift the bound ramps up from one line per available agent (the controller has
        // no measure of its drops yet, and the law counts them from the first call).
        let level = if self.ramped {
            self.full_level(p)
        } else {
            let ramp = (self.answers_seen as f64 / RAMP_ANSWERS as f64)
                .min(snapshot.now / RAMP_SECONDS)
                .min(1.0);
            self.ramped = ramp >= 1.0;
            1.0 + ramp * (LINES_PER_AGENT_OVER_RATE / p - 1.0).max(0.0)
        };
        // `ceil(level · available)`, without a call into libm.
        let most_in_use = -floor_time(-level * f64::from(snapshot.agents.available()));
        let ceiling = (most_in_use - i64::from(snapshot.lines_in_use())).max(0) as u32;
        if ceiling == 0 {
            return floor;
        }
        // Expected drops over expected lives grow with `n`: the largest acceptable `n`.
        let outlook = Outlook {
            lives: waiting + coming,
            free,
            coming_variance,
            free_variance,
            p,
            risk,
        };
        let lines = self
            .decision
            .most_lines(&outlook, snapshot.dialling, ceiling);
        lines.max(floor)
    }
}

impl Predictive {
    /// Most lines in flight per available agent once the ramp is over, at live-answer rate `p`
    /// (worked out again only when `p` has moved).
    #[inline]
    fn full_level(&mut self, p: f64) -> f64 {
        if p != self.full_level.0 {
            self.full_level = (p, 1.0 + (LINES_PER_AGENT_OVER_RATE / p - 1.0).max(0.0));
        }
        self.full_level.1
    }
}

/// The drop share of the lines in flight risked at `alpha`: `target · e^α`, at most [`MAX_RISK`].
fn risk(target: f64, alpha: f64) -> f64 {
    (target * alpha.exp()).min(MAX_RISK)
}

/// Work of one pacing run, in nanoseconds of a reference core: fewer than one evaluation of the
/// tabulated normal loss (the last refusal's bound settles most), and the bands' full evaluations
/// amortised over the runs between them; it does not grow with the team. Measured on the
/// throughput reference (CPU time of predictive less ratio's, per run): about 110 ns at 100
/// agents, 75 ns at 1 000 (the bands' evaluations are shared by more runs).
const RUN_NANOS: f64 = 150.0;

impl PacingStrategy for Predictive {
    #[inline]
    fn lines_to_start(&mut self, snapshot: &Snapshot<'_>) -> u32 {
        Predictive::lines_to_start(self, snapshot)
    }

    #[inline]
    fn follows_lines(&self) -> bool {
        true
    }

    #[inline]
    fn on_dial(&mut self, at: f64) {
        Predictive::on_dial(self, at);
    }

    #[inline]
    fn on_dial_end(&mut self, outcome: crate::outcome::DialOutcome, dialled_at: f64) {
        self.on_dial_outcome(outcome.is_live(), dialled_at);
    }

    #[inline]
    fn on_live_outcome(&mut self, outcome: LiveOutcome) {
        if outcome == LiveOutcome::HungUpAsMachine && !self.false_positives {
            return;
        }
        Predictive::on_live_outcome(self, outcome.is_drop());
    }

    #[inline]
    fn busy_agents(&mut self) -> Option<&mut FreeAgents> {
        Some(&mut self.free)
    }

    /// A Ready agent whose pause comes due while the calls in flight are at least the Ready agents
    /// is held back to take the next of them, as progressive dialling holds one (see the module
    /// notes).
    #[inline]
    fn reserves_agents(&self) -> bool {
        true
    }

    fn cost(&self, inputs: &CostInputs) -> PacingCost {
        PacingCost {
            lines: (inputs.agents / inputs.lowest_live_probability).ceil(),
            run_nanos: RUN_NANOS,
            wakes_per_second: 0.0,
            open_loop_dials_per_second: None,
            paced_by_agents: true,
        }
    }
}

/// The default `abandon_target`.
pub(super) fn default_abandon_target() -> f64 {
    0.025
}

/// `abandon_target`: a share.
pub(super) fn check(out: &mut Checker, abandon_target: f64) {
    out.probability("dialer.abandon_target", abandon_target);
}

/// `predictive 2.5 %`.
pub(super) fn describe(abandon_target: f64) -> String {
    format!("predictive {}", percent(abandon_target))
}

/// The controller, from the setup's answer rate, look-ahead, team, shift and regime.
pub(super) fn build(setup: &Setup<'_>, abandon_target: f64) -> Box<Predictive> {
    let (free, ringing) = (setup.lookout)(setup.look_ahead);
    let mut predictive = Predictive::new(
        abandon_target,
        setup.live_probability,
        setup.agents,
        free,
        ringing,
    )
    .for_shift(setup.shift_answers);
    predictive.count_false_positives(setup.counts_false_positives);
    Box::new(predictive)
}

/// Its `abandon_target`.
pub(super) static SHAPE: Shape = Shape::new(&[Field::defaulted(
    "abandon_target",
    NUMBER,
    "the abandon share it steers towards",
)]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentPool;
    use crate::distribution::Sampler;

    fn no_busy() -> FreeAgents {
        FreeAgents::new(&[Sampler::Fixed(100.0)], &Sampler::Fixed(0.0), 0.0, 8.0)
    }

    fn no_lines() -> RingingLines {
        RingingLines::new(&Sampler::Fixed(8.0), &Sampler::Fixed(20.0))
    }

    /// A dialer for 10 agents with nobody busy and nothing ringing.
    fn dialer(p: f64) -> Predictive {
        Predictive::new(0.025, p, 10, no_busy(), no_lines())
    }

    /// A predictive dialer whose busy agents all talk on `talk`, with a wrap of `wrap` (mean
    /// `wrap_mean`), looking 8 s ahead; the talks began at `starts`.
    fn with_talks(talk: Sampler, wrap: Sampler, wrap_mean: f64, starts: &[f64]) -> Predictive {
        let mut free = FreeAgents::new(&[talk], &wrap, wrap_mean, 8.0);
        for &at in starts {
            free.talk_starts(0, at);
        }
        Predictive::new(0.025, 0.5, 10, free, no_lines())
    }

    fn idle(agents: &AgentPool, now: f64) -> Snapshot<'_> {
        Snapshot {
            now,
            agents,
            waiting: 0,
            dialling: 0,
        }
    }

    #[test]
    fn counts_agents_about_to_be_free() {
        let mut agents = AgentPool::new(4);
        for _ in 0..2 {
            let a = agents.take_ready().unwrap();
            agents.start_talking(a, 0.0);
        }
        let mut predictive = with_talks(Sampler::Fixed(100.0), Sampler::Fixed(0.0), 0.0, &[0.0; 2]);
        // Fixed 100 s talks that began at 0: at 95 s both end within 8 s, at 10 s neither.
        let (free, variance) = predictive.expected_free(&idle(&agents, 95.0));
        assert!((free - 4.0).abs() < 1e-9 && variance < 1e-9, "{free}");
        let (free, _) = predictive.expected_free(&idle(&agents, 10.0));
        assert!((free - 2.0).abs() < 1e-9, "{free}");
    }

    #[test]
    fn a_talking_agent_is_free_only_once_its_wrap_is_done_too() {
        let mut agents = AgentPool::new(3);
        for _ in 0..2 {
            let a = agents.take_ready().unwrap();
            agents.start_talking(a, 0.0);
        }
        let free_at = |now, wrap, wrap_mean| {
            with_talks(Sampler::Fixed(100.0), wrap, wrap_mean, &[0.0; 2])
                .expected_free(&idle(&agents, now))
                .0
        };
        // 5 s of talk left and a 5 s wrap: not Ready within 8 s, though the talk ends within it.
        assert!((free_at(95.0, Sampler::Fixed(5.0), 5.0) - 1.0).abs() < 1e-9);
        // 2 s of talk left and a 5 s wrap: Ready within 8 s.
        assert!((free_at(98.0, Sampler::Fixed(5.0), 5.0) - 3.0).abs() < 1e-9);
        // Other wrap laws count by their mean; one longer than the look-ahead frees no one.
        assert!((free_at(95.0, Sampler::Exp(5.0), 5.0) - 1.0).abs() < 1e-9);
        let uniform = Sampler::Uniform {
            min: 6.0,
            width: 6.0,
        };
        assert!((free_at(99.0, uniform, 9.0) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn wrapping_agents_count_by_their_wrap() {
        let agents = AgentPool::new(1);
        let mut free = FreeAgents::new(&[Sampler::Exp(100.0)], &Sampler::Fixed(10.0), 10.0, 8.0);
        free.wrap_starts(0.0);
        free.wrap_starts(5.0);
        let mut predictive = Predictive::new(0.025, 0.5, 10, free, no_lines());
        // At 6 s: the first wrap ends in 4 s, the second in 9 s (after the look-ahead).
        let (free, _) = predictive.expected_free(&idle(&agents, 6.0));
        assert!((free - 2.0).abs() < 1e-9, "{free}");
        predictive.free.wrap_ends(0.0);
        let (free, _) = predictive.expected_free(&idle(&agents, 6.0));
        assert!((free - 1.0).abs() < 1e-9, "{free}");
    }

    #[test]
    fn dials_more_for_more_free_agents_and_less_with_lines_ringing() {
        let agents = AgentPool::new(10);
        let snapshot = |dialling| Snapshot {
            now: RAMP_SECONDS,
            agents: &agents,
            waiting: 0,
            dialling,
        };
        let mut predictive = dialer(0.4);
        // The first lines of a shift: one per available agent.
        let start = Snapshot {
            now: 0.0,
            ..snapshot(0)
        };
        assert_eq!(predictive.lines_to_start(&start), 10);
        // Once the ramp is over (and with α held at 0), about 10 / 0.4 = 25 lines' worth of lives,
        // less a margin for the variance.
        predictive.answers_seen = RAMP_ANSWERS;
        let idle = predictive.lines_to_start(&snapshot(0));
        assert!((15..25).contains(&idle), "{idle}");
        // Ten lines just dialled (each live with p = 0.4) take ten lines' place.
        for _ in 0..10 {
            predictive.on_dial(RAMP_SECONDS);
        }
        let busy = predictive.lines_to_start(&snapshot(10));
        assert_eq!(busy + 10, idle);
        for _ in 0..30 {
            predictive.on_dial(RAMP_SECONDS);
        }
        assert_eq!(predictive.lines_to_start(&snapshot(40)), 0);
    }

    #[test]
    fn old_unanswered_lines_count_as_few_lives() {
        let agents = AgentPool::new(10);
        let snapshot = |now: f64| Snapshot {
            now: now + RAMP_SECONDS,
            agents: &agents,
            waiting: 0,
            dialling: 20,
        };
        // Live answers ring 8 s, the others 20 s: twenty lines that have rung for 10 s are all
        // unanswered attempts, and leave room for as many new lines as none at all.
        let mut predictive = dialer(0.4);
        predictive.answers_seen = RAMP_ANSWERS;
        let idle = predictive.lines_to_start(&snapshot(10.0));
        for _ in 0..20 {
            predictive.on_dial(RAMP_SECONDS);
        }
        assert_eq!(predictive.lines_to_start(&snapshot(10.0)), idle);
        // Just dialled, they may all still be live.
        let mut fresh = dialer(0.4);
        fresh.answers_seen = RAMP_ANSWERS;
        for _ in 0..20 {
            fresh.on_dial(10.0 + RAMP_SECONDS);
        }
        assert!(fresh.lines_to_start(&snapshot(10.0)) + 15 <= idle);
    }

    #[test]
    fn drops_lower_alpha_and_trigger_the_fallback() {
        let mut predictive = dialer(0.5);
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
        let mut predictive = dialer(0.5);
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
    fn false_positives_are_drops_unless_the_regime_leaves_them_out() {
        let mut counted = dialer(0.5);
        let mut blind = dialer(0.5);
        blind.count_false_positives(false);
        for _ in 0..4 {
            PacingStrategy::on_live_outcome(&mut counted, LiveOutcome::HungUpAsMachine);
            PacingStrategy::on_live_outcome(&mut blind, LiveOutcome::HungUpAsMachine);
        }
        // Counted as the law counts them: 4 drops against the first 100 answers, over 3 %.
        assert!((counted.windowed_drop_rate() - 0.04).abs() < 1e-12);
        assert!(counted.in_fallback());
        // Left out, as CXone's report leaves them: nothing seen.
        assert_eq!(blind.windowed_drop_rate(), 0.0);
        assert!(!blind.in_fallback());
        assert_eq!(blind.alpha(), 0.0);
    }

    #[test]
    fn the_rate_forgets_answers_older_than_the_window() {
        let mut predictive = dialer(0.5);
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
    fn a_short_shift_aims_lower() {
        let limit = Regime::Fcc.limit();
        for answers in [100.0, 1_000.0] {
            let r = shift_target(0.025, limit, answers);
            assert!(r < 0.025);
            assert!((r + SHIFT_SPREAD * (r / answers).sqrt() - limit).abs() < 1e-12);
        }
        // 100 answers: 0.63 %; 1 000: 1.75 %; 100 000: the target.
        assert!((shift_target(0.025, limit, 100.0) - 0.00626).abs() < 1e-4);
        assert!((shift_target(0.025, limit, 1_000.0) - 0.01746).abs() < 1e-4);
        assert_eq!(shift_target(0.025, limit, 1e5), 0.025);
        assert_eq!(shift_target(0.025, limit, 0.0), 0.025);
        let mut small = dialer(0.5).for_shift(100.0);
        let aim = small.target();
        assert_eq!(aim, shift_target(0.025, limit, 100.0));
        // Four drops in the first 100 answers are over 3 %; the fallback then lasts until the rate
        // is back under the shift's aim, not the target's 2.5 %.
        for _ in 0..4 {
            small.on_live_outcome(true);
        }
        assert!(small.in_fallback());
        for _ in 0..250 {
            small.on_live_outcome(false);
        }
        assert!(
            small.in_fallback(),
            "4 drops in 254 is under 2.5 % but over the aim"
        );
        for _ in 0..400 {
            small.on_live_outcome(false);
        }
        assert!(!small.in_fallback(), "4 drops in 654 is under {aim}");
        // And α never rises above 0 in a shift that short.
        for _ in 0..5_000 {
            small.on_live_outcome(false);
        }
        assert!(small.alpha() <= 0.0, "{}", small.alpha());
    }

    #[test]
    fn a_short_shift_starts_cautious_and_earns_its_risk() {
        let mut short = dialer(0.5).for_shift(100.0);
        assert_eq!(short.alpha(), ALPHA_START);
        // Clean answers raise α (by KP at once, then KI each), never above 0 in a shift this short.
        for _ in 0..20 {
            short.on_live_outcome(false);
        }
        let raised = short.alpha();
        assert!(raised > ALPHA_START && raised < 0.0, "{raised}");
        // A drop sets it back by more than the twenty clean answers gave.
        short.on_live_outcome(true);
        assert!(short.alpha() < ALPHA_START, "{}", short.alpha());
        for _ in 0..1_000 {
            short.on_live_outcome(false);
        }
        assert_eq!(short.alpha(), 0.0);
        // Halfway between the short-shift bounds it starts halfway; a long shift starts at 0.
        let middle = 0.5 * (SHORT_SHIFT.0 + SHORT_SHIFT.1);
        assert!((dialer(0.5).for_shift(middle).alpha() - 0.5 * ALPHA_START).abs() < 1e-12);
        assert_eq!(dialer(0.5).for_shift(1e5).alpha(), 0.0);
        assert_eq!(dialer(0.5).for_shift(f64::INFINITY).alpha(), 0.0);
    }

    #[test]
    fn agents_held_back_from_a_pause_count_as_free() {
        let mut agents = AgentPool::new(4);
        agents.hold(0);
        agents.hold(1);
        let mut predictive = dialer(0.5);
        // Two Ready and two held for the calls in flight: all four take the next calls.
        let (free, _) = predictive.expected_free(&idle(&agents, 10.0));
        assert!((free - 4.0).abs() < 1e-12, "{free}");
        assert!(PacingStrategy::reserves_agents(&predictive));
    }

    #[test]
    fn a_large_team_weighs_each_attempt_less() {
        let settled = |agents: u32| {
            let mut predictive = Predictive::new(0.025, 0.5, agents, no_busy(), no_lines());
            // 100 unanswered attempts in the first second, folded in once they are old enough.
            for _ in 0..100 {
                predictive.on_dial(0.0);
                predictive.on_dial_outcome(false, 0.0);
            }
            predictive.live_rate.settle(1_000.0);
            predictive.live_rate.rate()
        };
        // Ten agents: 100 attempts at weight 0.01 keep 0.99^100 of the prior 0.5.
        assert!((settled(10) - 0.5 * 0.99_f64.powi(100)).abs() < 1e-9);
        // A thousand: each weighs 40 times less, and the estimate has hardly moved.
        let large = settled(1_000);
        let weight = RATE_WEIGHT * RATE_TEAM / 1_000.0;
        assert!((large - 0.5 * (1.0 - weight).powi(100)).abs() < 1e-9, "{large}");
        assert!(large > 0.48);
    }

    #[test]
    fn the_controller_is_proportional() {
        let mut predictive = dialer(0.5);
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
        let mut predictive = dialer(0.5);
        for _ in 0..5_000 {
            predictive.on_live_outcome(false);
        }
        assert_eq!(predictive.alpha(), ALPHA_RANGE.1);
        // The integral stopped near 3 − KP = 2.5 when α reached its bound, so one drop (a step of
        // −0.78) brings α to about 2.2; an integral wound up to 3 would leave it at 2.7.
        predictive.on_live_outcome(true);
        assert!(predictive.alpha() < 2.3, "{}", predictive.alpha());
        // No integration in fallback: α is the same before and after a run of clean answers there.
        let mut falling = dialer(0.5);
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
