//! Scenario validation: every violation at once, each with the path of the field at fault, and the
//! work limits that keep one request from taking hours or exhausting memory.

use std::ops::Deref;

use crate::distribution::Distribution;
use crate::model::PAUSE_CYCLE_SECONDS;
use crate::outcome_mix::MachineRouting;
use crate::pacing::free_agents::FreeAgents;
use crate::pacing::lines_in_flight::RingingLines;
use crate::pacing::{CostInputs, Pacing, PacingStrategy, Setup};
use crate::scenario::{Bucket, DialerMode, Scenario};
use crate::scenario_shape::{AGENT_EFFICIENCY, AGENTS, MAX_LINES_FIELD, PACING_INTERVAL};

/// Most agents in a scenario.
pub const MAX_AGENTS: u32 = 10_000;
/// Most replications in a run.
pub const MAX_REPLICATIONS: u32 = 10_000;
/// Longest window: seven days, in minutes.
pub const MAX_WINDOW_MINUTES: f64 = 7.0 * 24.0 * 60.0;
/// Most dial attempts a run may be expected to make, over all replications.
pub const MAX_TOTAL_DIALS: f64 = 2e9;
/// Most pacing runs a run may be expected to make, over all replications.
pub const MAX_TOTAL_PACING_TICKS: f64 = 2e9;
/// Most clock events (agent pauses, adaptive samples) a run may be expected to make, over all
/// replications.
pub const MAX_TOTAL_CLOCK_EVENTS: f64 = 2e9;
/// Most work a run may be expected to take, over all replications, in seconds of one reference
/// core (see [`Scenario::work_estimate`]): ten minutes.
pub const MAX_WORK_SECONDS: f64 = 600.0;
/// Work of one dial attempt and the events it brings (ring, answer, talk, wrap, pacing at a few
/// nanoseconds a run), in nanoseconds of a reference core: the ratio strategy on the throughput
/// reference (8 hours, paced after every event) took 80–110 ns of CPU time per dial attempt at 100
/// and at 1 000 agents on one core of the build host (BENCHMARKS.md, "Predictive pacing"); this
/// allows half as much again.
pub const DIAL_NANOS: f64 = 150.0;
/// Work of one clock event (an agent pause, a strategy's wake), in nanoseconds of a reference core.
pub const CLOCK_EVENT_NANOS: f64 = 60.0;
/// How many times pacing runs per dial attempt when it runs after every event (measured: 1.3 at 100
/// agents and 1.4 at 1 000 on the predictive throughput reference; each dial brings its ring's end
/// and, for a live answer, a talk's end).
const PACING_RUNS_PER_DIAL: f64 = 1.5;
/// Slack on the dial attempts of a dialer paced by its agents: the abandoned answers it risks.
const AGENT_PACED_SLACK: f64 = 1.1;
/// Most report buckets in one window (each holds its own counters and wait histogram).
pub const MAX_REPORT_BUCKETS: f64 = 1_440.0;
/// Longest duration a distribution may give (about 116 days), so that event times stay finite.
pub const MAX_DURATION_SECONDS: f64 = 1e7;
/// Largest coefficient of variation of a lognormal.
pub const MAX_CV: f64 = 100.0;
/// Shortest mean ring time, in seconds.
pub const MIN_RING_MEAN_SECONDS: f64 = 0.01;
/// Highest ratio or adaptive level.
pub const MAX_LEVEL: f64 = 10.0;
/// Most lines a scenario may cap at.
pub const MAX_LINES: u32 = 1_000_000;
/// Most live answers an open-loop (`poisson`) dialer may be expected to hold waiting for an agent at
/// once in one replication (each costs about 60 bytes while it waits; paced dialers count waiting
/// answers as lines in use, so only the open loop can queue without bound).
pub const MAX_QUEUED_CALLS: f64 = 1e6;

/// One thing wrong with an input, with the path of the field at fault
/// (`dialer.level`, `ring_seconds.live.mean`, `buckets[2].live_answer_probability`): the one type
/// every crate of the workspace reports input problems with.
pub use violation::Violation;

/// Collects violations while walking an input.
#[derive(Default)]
pub(crate) struct Checker {
    found: Vec<Violation>,
}

impl Checker {
    /// Violations found so far.
    pub(crate) fn count(&self) -> usize {
        self.found.len()
    }

    pub(crate) fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.found.push(Violation::new(path, message));
    }

    pub(crate) fn finite(&mut self, path: &str, value: f64) -> bool {
        if value.is_finite() {
            true
        } else {
            self.fail(path, format!("must be a finite number, got {value}"));
            false
        }
    }

    pub(crate) fn range(&mut self, path: &str, value: f64, min: f64, max: f64) {
        if self.finite(path, value) && !(min..=max).contains(&value) {
            self.fail(
                path,
                format!("must be between {min} and {max}, got {value}"),
            );
        }
    }

    pub(crate) fn probability(&mut self, path: &str, value: f64) {
        self.range(path, value, 0.0, 1.0);
    }

    pub(crate) fn non_negative(&mut self, path: &str, value: f64) {
        if self.finite(path, value) && value < 0.0 {
            self.fail(path, format!("must not be negative, got {value}"));
        }
    }

    /// A duration in seconds: finite, not negative, at most [`MAX_DURATION_SECONDS`].
    pub(crate) fn duration(&mut self, path: &str, value: f64) {
        if self.finite(path, value) {
            if value < 0.0 {
                self.fail(path, format!("must not be negative, got {value}"));
            } else if value > MAX_DURATION_SECONDS {
                self.fail(
                    path,
                    format!("must be at most {MAX_DURATION_SECONDS:.0e} s, got {value}"),
                );
            }
        }
    }

    pub(crate) fn distribution(&mut self, path: &str, dist: &Distribution) {
        match *dist {
            Distribution::Fixed { mean } | Distribution::Exp { mean } => {
                self.duration(&format!("{path}.mean"), mean);
            }
            Distribution::Lognormal { mean, cv } => {
                let mean_path = format!("{path}.mean");
                if self.finite(&mean_path, mean) && mean <= 0.0 {
                    self.fail(
                        mean_path,
                        format!("a lognormal mean must be above 0, got {mean}"),
                    );
                } else {
                    self.duration(&mean_path, mean);
                }
                let cv_path = format!("{path}.cv");
                if self.finite(&cv_path, cv) && !(cv > 0.0 && cv <= MAX_CV) {
                    self.fail(
                        cv_path,
                        format!("must be above 0 and at most {MAX_CV}, got {cv}"),
                    );
                }
            }
            Distribution::Uniform { min, max } => {
                self.duration(&format!("{path}.min"), min);
                let max_ok = self.finite(&format!("{path}.max"), max);
                if max_ok && max > MAX_DURATION_SECONDS {
                    self.duration(&format!("{path}.max"), max);
                } else if max_ok && min.is_finite() && min > max {
                    self.fail(
                        format!("{path}.max"),
                        format!("must not be below min ({min}), got {max}"),
                    );
                }
            }
        }
    }

    pub(crate) fn ring(&mut self, path: &str, dist: &Distribution) {
        let before = self.found.len();
        self.distribution(path, dist);
        if self.found.len() == before && dist.mean() < MIN_RING_MEAN_SECONDS {
            // Attempts that end at once would redial at the same instant for ever.
            self.fail(
                path,
                format!(
                    "a ring time must have a mean of at least {MIN_RING_MEAN_SECONDS} s, got {}",
                    dist.mean()
                ),
            );
        }
    }
}

/// A scenario that passed [`Scenario::validate`]: every field sane and the run within the work
/// limits. Only a `ValidScenario` can be simulated, so a simulation never runs on bad input.
///
/// It reads like the scenario it holds (`valid.agents`, `valid.seed`); to change a field, take the
/// scenario back with [`ValidScenario::into_scenario`] and validate again.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidScenario(Scenario);

impl ValidScenario {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.0
    }

    /// The scenario, to change and validate again.
    pub fn into_scenario(self) -> Scenario {
        self.0
    }
}

impl Deref for ValidScenario {
    type Target = Scenario;

    fn deref(&self) -> &Scenario {
        &self.0
    }
}

/// What a run is expected to cost, for the work limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkEstimate {
    /// Dial attempts per replication (an estimate from above).
    pub dials_per_replication: f64,
    /// Pacing runs per replication.
    pub pacing_runs_per_replication: f64,
    /// Clock events (agent pauses, the strategy's wakes) per replication.
    pub clock_events_per_replication: f64,
    /// Seconds of one reference core for the whole run, all replications.
    pub seconds: f64,
}

impl Scenario {
    /// Checks every field and the work limits; returns the scenario as a [`ValidScenario`], or
    /// every violation found.
    pub fn validate(self) -> Result<ValidScenario, Vec<Violation>> {
        self.violations().map(|()| ValidScenario(self))
    }

    /// Checks every field and the work limits without taking the scenario.
    pub fn check(&self) -> Result<(), Vec<Violation>> {
        self.violations()
    }

    fn violations(&self) -> Result<(), Vec<Violation>> {
        let mut check = Checker::default();
        let mut found = Vec::new();
        AGENTS
            .kind
            .check_whole(AGENTS.name, self.agents.into(), &mut found);
        AGENT_EFFICIENCY.kind.check_number(
            AGENT_EFFICIENCY.name,
            self.agent_efficiency,
            &mut found,
        );
        check.found.append(&mut found);
        let before = check.found.len();
        let window_ok = check.finite("window_minutes", self.window_minutes);
        if window_ok && self.window_minutes <= 0.0 {
            check.fail(
                "window_minutes",
                format!("must be above 0, got {}", self.window_minutes),
            );
        } else if window_ok && self.window_minutes > MAX_WINDOW_MINUTES {
            check.fail(
                "window_minutes",
                format!(
                    "exceeds the work limit of {MAX_WINDOW_MINUTES} minutes (7 days), got {}",
                    self.window_minutes
                ),
            );
        }
        // The warm-up is held against the window only when the window itself is sound.
        let window_ok = check.found.len() == before;
        if check.finite("warmup_minutes", self.warmup_minutes) {
            if self.warmup_minutes < 0.0 {
                check.fail("warmup_minutes", "must not be negative");
            } else if window_ok && self.warmup_minutes >= self.window_minutes {
                check.fail(
                    "warmup_minutes",
                    format!(
                        "must be shorter than the window ({} minutes), got {}",
                        self.window_minutes, self.warmup_minutes
                    ),
                );
            }
        }
        self.check_dialer(&mut check);
        let mut found = Vec::new();
        if let Some(lines) = self.max_lines {
            let field = MAX_LINES_FIELD;
            field.kind.check_whole(field.name, lines.into(), &mut found);
        }
        let field = PACING_INTERVAL;
        field
            .kind
            .check_number(field.name, self.pacing_interval_seconds, &mut found);
        check.found.append(&mut found);
        self.check_population(&mut check);
        check.distribution("talk_seconds", &self.talk_seconds);
        check.distribution("wrap_seconds", &self.wrap_seconds);
        check.distribution("patience_seconds", &self.patience_seconds);
        check.non_negative("connect_within_seconds", self.connect_within_seconds);
        if self.replications == 0 || self.replications > MAX_REPLICATIONS {
            check.fail(
                "replications",
                format!(
                    "must be between 1 and {MAX_REPLICATIONS}, got {}",
                    self.replications
                ),
            );
        }
        if let Some(buckets) = &self.buckets {
            check_buckets(&mut check, buckets);
        }
        if check.found.is_empty() {
            self.check_work(&mut check);
        }
        if check.found.is_empty() {
            Ok(())
        } else {
            Err(check.found)
        }
    }

    /// Either `live_answer_probability` and `ring_seconds`, or an `outcomes` block.
    fn check_population(&self, check: &mut Checker) {
        match (
            &self.outcomes,
            self.live_answer_probability,
            &self.ring_seconds,
        ) {
            (Some(outcomes), p, rings) => {
                if p.is_some() {
                    check.fail(
                        "live_answer_probability",
                        "leave it out when outcomes are given (outcomes.live sets the live share)",
                    );
                }
                if rings.is_some() {
                    check.fail(
                        "ring_seconds",
                        "leave it out when outcomes are given (outcomes.ring_seconds sets the ring \
                         times)",
                    );
                }
                outcomes.check(check, self.bucket_list());
            }
            (None, p, rings) => {
                match p {
                    Some(p) => check.probability("live_answer_probability", p),
                    None => check.fail(
                        "live_answer_probability",
                        "required (or give an outcomes block with the share of each outcome)",
                    ),
                }
                match rings {
                    Some(r) => {
                        check.ring("ring_seconds.live", &r.live);
                        check.ring("ring_seconds.other", &r.other);
                    }
                    None => check.fail(
                        "ring_seconds",
                        "required (or give an outcomes block with the ring time of each outcome)",
                    ),
                }
            }
        }
    }

    fn check_dialer(&self, check: &mut Checker) {
        self.dialer.check(check);
    }

    /// The work limits, checked once every field is known to be sane.
    fn check_work(&self, check: &mut Checker) {
        let window_seconds = self.window_minutes * 60.0;
        let replications = f64::from(self.replications);
        let dials = self.estimated_dials_per_replication() * replications;
        if dials > MAX_TOTAL_DIALS {
            check.fail(
                "window_minutes",
                format!(
                    "the run would make about {dials:.3e} dial attempts over {} replications, over the \
                     work limit of {MAX_TOTAL_DIALS:.0e}; shorten the window or run fewer replications",
                    self.replications
                ),
            );
        }
        if let Some(queued) = self.expected_peak_queue()
            && queued > MAX_QUEUED_CALLS
        {
            check.fail(
                "dialer.dials_per_minute",
                format!(
                    "live answers could queue up to about {queued:.3e} waiting for an agent at once, \
                     over the work limit of {MAX_QUEUED_CALLS:.0e}; dial more slowly, shorten the \
                     patience or set max_lines"
                ),
            );
        }
        if self.pacing_interval_seconds > 0.0 {
            let ticks = window_seconds / self.pacing_interval_seconds * replications;
            if ticks > MAX_TOTAL_PACING_TICKS {
                check.fail(
                    "pacing_interval_seconds",
                    format!(
                        "the run would pace about {ticks:.3e} times, over the work limit of \
                         {MAX_TOTAL_PACING_TICKS:.0e}; use a longer interval (or 0, after every event)"
                    ),
                );
            }
        }
        let pauses = if self.agent_efficiency < 1.0 {
            2.0 * f64::from(self.agents) * window_seconds / PAUSE_CYCLE_SECONDS
        } else {
            0.0
        };
        let samples = if matches!(self.dialer, DialerMode::Adaptive { .. }) {
            window_seconds
        } else {
            0.0
        };
        let clock_events = (pauses + samples) * replications;
        if clock_events > MAX_TOTAL_CLOCK_EVENTS {
            check.fail(
                "window_minutes",
                format!(
                    "the run would handle about {clock_events:.3e} agent pauses and pacing samples, \
                     over the work limit of {MAX_TOTAL_CLOCK_EVENTS:.0e}; shorten the window or run \
                     fewer replications"
                ),
            );
        }
        if check.found.is_empty() {
            let work = self.work_estimate();
            if work.seconds > MAX_WORK_SECONDS {
                let pacing_share = work.pacing_runs_per_replication
                    * self.pacing().cost(&self.cost_inputs()).run_nanos
                    / (work.seconds / replications * 1e9);
                let (path, fix) = if pacing_share > 0.5 {
                    (
                        "pacing_interval_seconds",
                        "pace on an interval (e.g. 1 s), shorten the window or run fewer replications",
                    )
                } else {
                    (
                        "window_minutes",
                        "shorten the window or run fewer replications",
                    )
                };
                check.fail(
                    path,
                    format!(
                        "the run would take about {:.0} s of one core ({:.3e} dial attempts and \
                         {:.3e} pacing runs per replication, {} replications), over the work limit \
                         of {MAX_WORK_SECONDS:.0} s; {fix}",
                        work.seconds,
                        work.dials_per_replication,
                        work.pacing_runs_per_replication,
                        self.replications
                    ),
                );
            }
        }
        if let Some(buckets) = &self.buckets {
            let cycle: f64 = buckets.iter().map(|b| b.minutes).sum();
            let occurrences = (self.window_minutes / cycle).ceil() * buckets.len() as f64;
            if occurrences > MAX_REPORT_BUCKETS {
                check.fail(
                    "buckets",
                    format!(
                        "the window holds about {occurrences} bucket occurrences, over the limit of \
                         {MAX_REPORT_BUCKETS}; use longer buckets"
                    ),
                );
            }
        }
    }

    /// For an open-loop (`poisson`) dialer, an upper estimate of the live answers waiting at once:
    /// by Little's law, the rate of live answers times how long each can wait (its mean patience,
    /// at most the window), or the `max_lines` cap if lower. `None` for paced dialers, whose waiting
    /// answers hold lines the strategy counts.
    pub fn expected_peak_queue(&self) -> Option<f64> {
        let DialerMode::Poisson { dials_per_minute } = self.dialer else {
            return None;
        };
        let highest_p = self
            .live_probabilities()
            .into_iter()
            .fold(self.routed_share(self.live_share()), f64::max);
        let wait = self.patience_seconds.mean().min(self.window_minutes * 60.0);
        let queued = dials_per_minute / 60.0 * highest_p * wait;
        Some(
            self.max_lines
                .map_or(queued, |cap| queued.min(f64::from(cap))),
        )
    }

    /// The strategy the scenario runs, fresh (for its cost estimate).
    fn pacing(&self) -> Pacing {
        let lookout = |look_ahead| {
            (
                FreeAgents::new(
                    &[self.talk_seconds.sampler()],
                    &self.wrap_seconds.sampler(),
                    self.wrap_seconds.mean(),
                    look_ahead,
                ),
                RingingLines::new(
                    &self.live_ring().sampler(),
                    &crate::model::other_ring(self).sampler(),
                ),
            )
        };
        Pacing::new(
            &self.dialer,
            &Setup {
                live_probability: self.routed_share(self.live_share()),
                look_ahead: self.live_ring().mean()
                    + self.mean_detect_seconds()
                    + self.patience_seconds.mean(),
                window: self.window_minutes * 60.0,
                agents: self.agents,
                // The cost does not depend on the aim.
                shift_answers: f64::INFINITY,
                counts_false_positives: true,
                lookout: &lookout,
            },
        )
    }

    /// The probabilities of the day that an attempt is routed to an agent (the live answers the
    /// dialer takes for people and the machines it sends on), one per bucket or the scenario's.
    fn live_probabilities(&self) -> Vec<f64> {
        self.live_shares()
            .into_iter()
            .map(|live| self.routed_share(live))
            .collect()
    }

    fn cost_inputs(&self) -> CostInputs {
        CostInputs {
            agents: f64::from(self.agents),
            lowest_live_probability: self
                .live_probabilities()
                .iter()
                .copied()
                .fold(1.0, f64::min)
                .max(0.05),
        }
    }

    /// What the run is expected to cost: dial attempts from the strategy's lines (and, for a
    /// dialer paced by its agents, from what the agents can take), pacing runs from the interval
    /// or the events, clock events from the pauses and the strategy's own clock, each priced in
    /// nanoseconds of a reference core, the pacing runs at the strategy's own cost.
    pub fn work_estimate(&self) -> WorkEstimate {
        let window_seconds = self.window_minutes * 60.0;
        let cost = self.pacing().cost(&self.cost_inputs());
        let dials = self.estimated_dials_per_replication();
        let runs = if self.pacing_interval_seconds > 0.0 {
            window_seconds / self.pacing_interval_seconds
        } else {
            PACING_RUNS_PER_DIAL * dials
        };
        let pauses = if self.agent_efficiency < 1.0 {
            2.0 * f64::from(self.agents) * window_seconds / PAUSE_CYCLE_SECONDS
        } else {
            0.0
        };
        let clock_events = pauses + cost.wakes_per_second * window_seconds;
        let nanos = dials * DIAL_NANOS + runs * cost.run_nanos + clock_events * CLOCK_EVENT_NANOS;
        WorkEstimate {
            dials_per_replication: dials,
            pacing_runs_per_replication: runs,
            clock_events_per_replication: clock_events,
            seconds: nanos * 1e-9 * f64::from(self.replications),
        }
    }

    /// An estimate from above of the dial attempts in one replication: every line the strategy
    /// may hold, redialled after each ring (talk time ignored), or its open-loop rate; for a
    /// dialer paced by its agents, no more than the live answers its agents can take (with a
    /// slack for the ones it abandons) over the lowest live-answer probability.
    pub fn estimated_dials_per_replication(&self) -> f64 {
        let window_seconds = self.window_minutes * 60.0;
        let cost = self.pacing().cost(&self.cost_inputs());
        if let Some(rate) = cost.open_loop_dials_per_second {
            return rate * window_seconds;
        }
        let shortest_ring = self
            .live_shares()
            .into_iter()
            .map(|live| self.mean_ring(live))
            .fold(f64::INFINITY, f64::min)
            .max(1e-3);
        let lines = self
            .max_lines
            .map_or(cost.lines, |cap| cost.lines.min(f64::from(cap)));
        let by_lines = lines / shortest_ring * window_seconds;
        if !cost.paced_by_agents {
            return by_lines;
        }
        let shortest_talk = self
            .bucket_list()
            .iter()
            .filter_map(|b| b.talk_seconds.map(|t| t.mean()))
            .fold(self.talk_seconds.mean(), f64::min);
        let shortest_talk = match self.outcomes.and_then(|o| o.machine_handle_seconds) {
            Some(handle) if self.machine_routing() != MachineRouting::Unheard => {
                shortest_talk.min(handle.mean())
            }
            _ => shortest_talk,
        };
        let handle = (shortest_talk + self.wrap_seconds.mean()).max(1e-3);
        let by_agents = f64::from(self.agents) / handle * window_seconds * AGENT_PACED_SLACK
            / self.cost_inputs().lowest_live_probability;
        by_lines.min(by_agents)
    }
}

fn check_buckets(check: &mut Checker, buckets: &[Bucket]) {
    if buckets.is_empty() {
        check.fail("buckets", "must hold at least one bucket (or be left out)");
    }
    for (i, bucket) in buckets.iter().enumerate() {
        let path = format!("buckets[{i}].minutes");
        if check.finite(&path, bucket.minutes) && bucket.minutes <= 0.0 {
            check.fail(path, format!("must be above 0, got {}", bucket.minutes));
        }
        if let Some(p) = bucket.live_answer_probability {
            check.probability(&format!("buckets[{i}].live_answer_probability"), p);
        }
        if let Some(talk) = &bucket.talk_seconds {
            check.distribution(&format!("buckets[{i}].talk_seconds"), talk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_displays_path_then_message() {
        let v = Violation::new("dialer.level", "must be between 1 and 10, got 0.5");
        assert_eq!(
            v.to_string(),
            "dialer.level: must be between 1 and 10, got 0.5"
        );
    }

    #[test]
    fn uniform_with_min_above_max_is_reported_on_max() {
        let mut check = Checker::default();
        check.distribution(
            "ring_seconds.other",
            &Distribution::Uniform {
                min: 30.0,
                max: 10.0,
            },
        );
        assert_eq!(check.found.len(), 1);
        assert_eq!(check.found[0].path, "ring_seconds.other.max");
    }
}
