//! The scenario's `outcomes` block (DESIGN §9) and the outcome mix the engine draws each attempt
//! from.
//!
//! Without the block a scenario tells a live answer (`live_answer_probability`) from everything
//! else ([`DialOutcome::Other`], rung for `ring_seconds.other`). With it, an attempt ends in a live
//! answer, an answering machine, a busy line, no answer or an invalid number, each with its own
//! share and ring time, and answering-machine detection decides what the dialer does with an
//! answer:
//!
//! - no `amd` block: a machine ends its attempt at its ring time, as an "other" attempt does
//!   without the block (the dialer's machine handling is not modelled), so a scenario whose machine,
//!   busy, no-answer and invalid ring times equal `ring_seconds.other` runs exactly as the same
//!   scenario without outcomes;
//! - `amd.enabled: false`: nothing is detected; every answer, person or machine, is routed to an
//!   agent, and an agent who gets a machine spends `machine_handle_seconds` on it;
//! - `amd.enabled: true`: detection runs for `detect_seconds` after the answer, then a person is
//!   judged a machine with probability `false_positive` (hung up on: an AMD false positive, which
//!   the regimes count as abandoned) and a machine judged a person with probability
//!   `false_negative` (routed to an agent, who spends `machine_handle_seconds` on it).
//!
//! A bucket's `live_answer_probability` sets the live share and scales the other shares in
//! proportion, so that they still sum to 1.

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::distribution::{Distribution, Sampler};
use crate::outcome::{AmdVerdict, DialOutcome};
use crate::scenario::Bucket;
use crate::validation::Checker;

/// How far the shares of an `outcomes` block may sum from 1.
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// Time an agent spends on a machine routed to it, when the scenario does not say: uniform 5–15 s
/// (DESIGN Appendix A).
pub const DEFAULT_MACHINE_HANDLE: Distribution = Distribution::Uniform {
    min: 5.0,
    max: 15.0,
};

/// The scenario's `outcomes` block: the share of each way an attempt ends, their ring times, and
/// what the dialer does with answering machines.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// Share of attempts a person answers.
    pub live: f64,
    /// Share an answering machine answers. Default 0.
    #[serde(default)]
    pub machine: f64,
    /// Share that find the line busy. Default 0.
    #[serde(default)]
    pub busy: f64,
    /// Share no one answers before the no-answer timeout. Default 0.
    #[serde(default)]
    pub no_answer: f64,
    /// Share dialled to numbers that do not exist. Default 0.
    #[serde(default)]
    pub invalid: f64,
    /// Ring time of each outcome (from dial to the answer, or to the end of the attempt).
    pub ring_seconds: OutcomeRings,
    /// Answering-machine detection; absent: machines end their attempt unheard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amd: Option<Amd>,
    /// Time an agent spends on a machine routed to it. Default uniform 5–15 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_handle_seconds: Option<Distribution>,
}

/// Ring times by outcome; each is required when its outcome has a share above 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRings {
    /// From dial to a person's answer.
    pub live: Distribution,
    /// From dial to a machine's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<Distribution>,
    /// From dial to the busy signal's end of the attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy: Option<Distribution>,
    /// The no-answer timeout (FCC/FTC: at least 15 s or four rings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_answer: Option<Distribution>,
    /// From dial to the network's refusal of an invalid number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<Distribution>,
}

/// Answering-machine detection settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amd {
    /// Whether detection runs; `false` routes every answer to an agent. Default true.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// How long detection listens after the answer before routing; required when enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_seconds: Option<Distribution>,
    /// P(machine verdict | a person answered). Default 0.
    #[serde(default)]
    pub false_positive: f64,
    /// P(person verdict | a machine answered). Default 0.
    #[serde(default)]
    pub false_negative: f64,
}

fn enabled() -> bool {
    true
}

/// The outcomes an `outcomes` block shares attempts between, in drawing order.
pub const OUTCOME_KINDS: [DialOutcome; 5] = [
    DialOutcome::Live,
    DialOutcome::Machine,
    DialOutcome::Busy,
    DialOutcome::NoAnswer,
    DialOutcome::Invalid,
];

impl Outcomes {
    /// The shares in `OUTCOME_KINDS` order.
    pub fn shares(&self) -> [f64; 5] {
        [
            self.live,
            self.machine,
            self.busy,
            self.no_answer,
            self.invalid,
        ]
    }

    /// The ring times in `OUTCOME_KINDS` order (`None` where the block gives none).
    pub fn rings(&self) -> [Option<Distribution>; 5] {
        let r = &self.ring_seconds;
        [Some(r.live), r.machine, r.busy, r.no_answer, r.invalid]
    }

    /// The shares with the live share set to `live` and the others scaled in proportion
    /// (unchanged when `live` is the block's own share, or when nothing but live answers has a
    /// share to scale).
    pub fn shares_with_live(&self, live: f64) -> [f64; 5] {
        let mut shares = self.shares();
        let rest = 1.0 - self.live;
        if live != self.live && rest > 0.0 {
            let scale = (1.0 - live) / rest;
            for share in &mut shares[1..] {
                *share *= scale;
            }
        }
        shares[0] = live;
        shares
    }

    /// The detection the engine runs, from the `amd` block.
    pub fn machine_routing(&self) -> MachineRouting {
        match self.amd {
            None => MachineRouting::Unheard,
            Some(Amd { enabled: false, .. }) => MachineRouting::ToAgents,
            Some(amd) => MachineRouting::Detected(Detector {
                detect: amd.detect_seconds.unwrap_or(Distribution::ZERO).sampler(),
                detect_mean: amd.detect_seconds.map_or(0.0, |d| d.mean()),
                false_positive: amd.false_positive,
                false_negative: amd.false_negative,
            }),
        }
    }

    /// Share of attempts the dialer routes to an agent at `live` (the live share of a bucket):
    /// people judged people and machines judged people.
    pub fn routed_share(&self, live: f64) -> f64 {
        let shares = self.shares_with_live(live);
        let (person, machine) = (shares[0], shares[1]);
        match self.machine_routing() {
            MachineRouting::Unheard => person,
            MachineRouting::ToAgents => person + machine,
            MachineRouting::Detected(d) => {
                person * (1.0 - d.false_positive) + machine * d.false_negative
            }
        }
    }

    /// Mean ring time over the outcomes, at `live` (the live share of a bucket).
    pub fn mean_ring(&self, live: f64) -> f64 {
        self.shares_with_live(live)
            .iter()
            .zip(self.rings())
            .map(|(share, ring)| share * ring.map_or(0.0, |r| r.mean()))
            .sum()
    }
}

impl Outcomes {
    /// Checks the block (each path under `outcomes.`) and what the schedule's buckets do to it.
    pub(crate) fn check(&self, check: &mut Checker, buckets: &[Bucket]) {
        let names = ["live", "machine", "busy", "no_answer", "invalid"];
        let before = check.count();
        for (name, share) in names.iter().zip(self.shares()) {
            check.probability(&format!("outcomes.{name}"), share);
        }
        if check.count() == before {
            let sum: f64 = self.shares().iter().sum();
            if (sum - 1.0).abs() > SHARE_TOLERANCE {
                check.fail(
                    "outcomes",
                    format!(
                        "the shares live + machine + busy + no_answer + invalid must sum to 1, got \
                         {sum}"
                    ),
                );
            }
        }
        check.ring("outcomes.ring_seconds.live", &self.ring_seconds.live);
        for ((name, share), ring) in names.iter().zip(self.shares()).zip(self.rings()).skip(1) {
            let path = format!("outcomes.ring_seconds.{name}");
            match ring {
                Some(ring) => check.ring(&path, &ring),
                None if share > 0.0 => check.fail(
                    path,
                    format!("required when outcomes.{name} is above 0 (it is {share})"),
                ),
                None => {}
            }
        }
        let no_machines = self.machine <= 0.0 || self.machine.is_nan();
        if let Some(amd) = &self.amd {
            if no_machines {
                check.fail(
                    "outcomes.amd",
                    "answering-machine detection needs answering machines: set outcomes.machine \
                     above 0, or leave amd out",
                );
            }
            check.probability("outcomes.amd.false_positive", amd.false_positive);
            check.probability("outcomes.amd.false_negative", amd.false_negative);
            match (&amd.detect_seconds, amd.enabled) {
                (Some(detect), _) => check.distribution("outcomes.amd.detect_seconds", detect),
                (None, true) => check.fail(
                    "outcomes.amd.detect_seconds",
                    "required when detection is enabled (how long it listens before routing, e.g. \
                     {\"dist\": \"fixed\", \"mean\": 2.5})",
                ),
                (None, false) => {}
            }
        }
        if let Some(handle) = &self.machine_handle_seconds {
            if no_machines {
                check.fail(
                    "outcomes.machine_handle_seconds",
                    "a time agents spend on machines needs answering machines: set \
                     outcomes.machine above 0, or leave it out",
                );
            }
            check.distribution("outcomes.machine_handle_seconds", handle);
        }
        let rest: f64 = self.shares()[1..].iter().sum();
        for (i, bucket) in buckets.iter().enumerate() {
            if let Some(p) = bucket.live_answer_probability
                && p < 1.0
                && (rest <= 0.0 || rest.is_nan())
            {
                check.fail(
                    format!("buckets[{i}].live_answer_probability"),
                    format!(
                        "outcomes give every attempt to live answers, so there is no other share to \
                         scale up when a bucket's live share is {p}; give a share to another outcome"
                    ),
                );
            }
        }
    }
}

/// What the dialer does with an answering machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MachineRouting {
    /// Not modelled: a machine ends its attempt at its ring time, unheard (no `amd` block).
    Unheard,
    /// No detection: every answer goes to an agent (`amd.enabled: false`).
    ToAgents,
    /// Detection decides (`amd.enabled: true`).
    Detected(Detector),
}

/// Answering-machine detection, prepared for the event loop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detector {
    /// How long it listens after the answer.
    pub detect: Sampler,
    /// Mean of `detect`.
    pub detect_mean: f64,
    /// P(machine verdict | person).
    pub false_positive: f64,
    /// P(person verdict | machine).
    pub false_negative: f64,
}

impl Detector {
    /// Draws the verdict on an answer by a person (`person` true) or a machine.
    #[inline]
    pub fn verdict<R: Rng + ?Sized>(&self, person: bool, rng: &mut R) -> AmdVerdict {
        let u = rng.random::<f64>();
        match (person, u) {
            (true, u) if u < self.false_positive => AmdVerdict::Machine,
            (true, _) => AmdVerdict::Person,
            (false, u) if u < self.false_negative => AmdVerdict::Person,
            (false, _) => AmdVerdict::Machine,
        }
    }
}

/// The outcome shares in force in one stretch of the window, ready for drawing: one uniform draw
/// per attempt, a live answer when it falls below the live share (so a scenario with and without
/// an `outcomes` block draws its live answers alike).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeMix {
    /// Share of live answers.
    live: f64,
    /// The other outcomes with the cumulative share up to and including each, in drawing order;
    /// the last with a share above 0 takes the rest, so rounding never leaves a gap.
    rest: [(DialOutcome, f64); 4],
    /// How many of `rest` are in use.
    rest_len: usize,
}

impl OutcomeMix {
    /// A live share and everything else "other" (a scenario without an `outcomes` block).
    pub fn live_or_other(live: f64) -> Self {
        Self {
            live,
            rest: [(DialOutcome::Other, 1.0); 4],
            rest_len: 1,
        }
    }

    /// The shares of an `outcomes` block, in `OUTCOME_KINDS` order.
    pub fn from_shares(shares: [f64; 5]) -> Self {
        let mut rest = [(DialOutcome::Other, 1.0); 4];
        let mut rest_len = 0;
        let mut cumulative = shares[0];
        for (&kind, &share) in OUTCOME_KINDS[1..].iter().zip(&shares[1..]) {
            if share > 0.0 {
                cumulative += share;
                rest[rest_len] = (kind, cumulative);
                rest_len += 1;
            }
        }
        if rest_len > 0 {
            rest[rest_len - 1].1 = 1.0;
        } else {
            // Only live answers: an attempt drawn above the live share (none, when it is 1)
            // reaches no one.
            rest_len = 1;
        }
        Self {
            live: shares[0],
            rest,
            rest_len,
        }
    }

    /// Share of live answers.
    pub fn live(&self) -> f64 {
        self.live
    }

    /// Draws one attempt's outcome.
    #[inline]
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> DialOutcome {
        let u = rng.random::<f64>();
        if u < self.live {
            return DialOutcome::Live;
        }
        for &(kind, upper) in &self.rest[..self.rest_len - 1] {
            if u < upper {
                return kind;
            }
        }
        self.rest[self.rest_len - 1].0
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;

    fn block() -> Outcomes {
        serde_json::from_value(serde_json::json!({
            "live": 0.30, "machine": 0.25, "busy": 0.05, "no_answer": 0.35, "invalid": 0.05,
            "ring_seconds": {"live": {"dist": "uniform", "min": 1.6, "max": 14.4},
                             "machine": {"dist": "exp", "mean": 9},
                             "busy": {"dist": "fixed", "mean": 4},
                             "no_answer": {"dist": "fixed", "mean": 20},
                             "invalid": {"dist": "fixed", "mean": 2}},
            "amd": {"enabled": true, "detect_seconds": {"dist": "fixed", "mean": 1.0},
                    "false_positive": 0.02, "false_negative": 0.10},
            "machine_handle_seconds": {"dist": "uniform", "min": 5, "max": 15}
        }))
        .unwrap()
    }

    #[test]
    fn parses_the_design_block_and_round_trips() {
        let outcomes = block();
        assert_eq!(outcomes.shares(), [0.30, 0.25, 0.05, 0.35, 0.05]);
        assert_eq!(outcomes.amd.map(|a| a.false_negative), Some(0.10));
        let again: Outcomes =
            serde_json::from_str(&serde_json::to_string(&outcomes).unwrap()).unwrap();
        assert_eq!(again, outcomes);
        let typo = serde_json::json!({"live": 1.0, "ring_seconds": {"live": {"dist": "fixed", "mean": 1}},
                                      "amd": {"false_positve": 0.1}});
        assert!(serde_json::from_value::<Outcomes>(typo).is_err());
    }

    #[test]
    fn a_bucket_live_share_scales_the_others_in_proportion() {
        let shares = block().shares_with_live(0.5);
        assert_eq!(shares[0], 0.5);
        // The others held 0.70 and now hold 0.50, each in the same proportion.
        let scale = 0.5 / 0.7;
        for (got, was) in shares[1..].iter().zip(&block().shares()[1..]) {
            assert!(
                (got - was * scale).abs() < 1e-15,
                "{got} vs {}",
                was * scale
            );
        }
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(block().shares_with_live(0.30), block().shares());
    }

    #[test]
    fn draws_follow_the_shares() {
        let mix = OutcomeMix::from_shares(block().shares());
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut counts = [0u32; 5];
        let n = 200_000;
        for _ in 0..n {
            let kind = mix.draw(&mut rng);
            let i = OUTCOME_KINDS.iter().position(|&k| k == kind).unwrap();
            counts[i] += 1;
        }
        for (count, share) in counts.iter().zip(block().shares()) {
            let seen = f64::from(*count) / f64::from(n);
            // Four binomial standard errors at most 0.0011.
            assert!((seen - share).abs() < 0.0045, "{seen} vs {share}");
        }
    }

    #[test]
    fn a_live_draw_is_the_same_with_or_without_a_block() {
        let with = OutcomeMix::from_shares([0.25, 0.4, 0.0, 0.35, 0.0]);
        let without = OutcomeMix::live_or_other(0.25);
        let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(9), ChaCha8Rng::seed_from_u64(9));
        for _ in 0..10_000 {
            assert_eq!(with.draw(&mut a).is_live(), without.draw(&mut b).is_live());
        }
        assert_eq!(
            OutcomeMix::from_shares([1.0, 0.0, 0.0, 0.0, 0.0]).draw(&mut a),
            DialOutcome::Live
        );
    }

    #[test]
    fn routed_share_follows_the_detection() {
        let outcomes = block();
        // 0.30 · 0.98 people judged people + 0.25 · 0.10 machines judged people.
        assert!((outcomes.routed_share(0.30) - (0.294 + 0.025)).abs() < 1e-15);
        let off = Outcomes {
            amd: Some(Amd {
                enabled: false,
                ..outcomes.amd.unwrap()
            }),
            ..outcomes
        };
        assert!((off.routed_share(0.30) - 0.55).abs() < 1e-15);
        let unheard = Outcomes {
            amd: None,
            ..outcomes
        };
        assert_eq!(unheard.routed_share(0.30), 0.30);
        assert_eq!(unheard.machine_routing(), MachineRouting::Unheard);
    }

    #[test]
    fn verdicts_err_at_the_stated_rates() {
        let MachineRouting::Detected(detector) = block().machine_routing() else {
            panic!("detection is on");
        };
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let n = 100_000;
        let fp = (0..n)
            .filter(|_| detector.verdict(true, &mut rng) == AmdVerdict::Machine)
            .count();
        let fn_ = (0..n)
            .filter(|_| detector.verdict(false, &mut rng) == AmdVerdict::Person)
            .count();
        assert!((fp as f64 / n as f64 - 0.02).abs() < 0.002, "{fp}");
        assert!((fn_ as f64 / n as f64 - 0.10).abs() < 0.004, "{fn_}");
        assert_eq!(detector.detect_mean, 1.0);
    }
}
