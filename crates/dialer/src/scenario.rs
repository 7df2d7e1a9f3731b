//! The scenario file (DESIGN §5.6): everything one simulation needs, all times in seconds.

use serde::{Deserialize, Serialize};

use crate::distribution::Distribution;
use crate::outcome_mix::{MachineRouting, OutcomeMix, Outcomes};
pub use crate::pacing::{AdaptiveVariant, DialerMode};

/// A simulation scenario: the agents, the dialer, the call population and the run.
///
/// Deserialised from the §5.6 JSON file; unknown fields are rejected so that a typo cannot pass
/// silently. Call [`Scenario::validate`] before simulating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Agents staffed (1–10 000).
    pub agents: u32,
    /// Share of its time each agent is available (not paused), in (0, 1]. Default 1.
    #[serde(default = "one")]
    pub agent_efficiency: f64,
    /// Length of the simulated window in minutes (dialling stops at its end).
    pub window_minutes: f64,
    /// Minutes at the start of the window that are simulated but not counted. Default 0.
    #[serde(default)]
    pub warmup_minutes: f64,
    /// The pacing strategy.
    pub dialer: DialerMode,
    /// Most lines in use at once (dialling, waiting or talking); none = no cap.
    #[serde(default)]
    pub max_lines: Option<u32>,
    /// How often pacing runs, in seconds; 0 = after every state change. Default 0.
    #[serde(default)]
    pub pacing_interval_seconds: f64,
    /// Probability that a dial attempt reaches a live person (when `buckets` do not say otherwise);
    /// left out when `outcomes` gives the shares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_answer_probability: Option<f64>,
    /// Ring time of a live answer and of every other outcome; left out when `outcomes` gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_seconds: Option<RingTimes>,
    /// How attempts end, outcome by outcome, and answering-machine detection (DESIGN §9), instead
    /// of `live_answer_probability` and `ring_seconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
    /// Conversation length (when `buckets` do not say otherwise).
    pub talk_seconds: Distribution,
    /// After-call work; the line is already free. Default 0.
    #[serde(default = "zero")]
    pub wrap_seconds: Distribution,
    /// How long a live answer waits for an agent before it is abandoned. Default 0 (at once).
    #[serde(default = "zero")]
    pub patience_seconds: Distribution,
    /// A live answer connected later than this counts as late (the FCC/FTC 2-second rule). Default 2.
    #[serde(default = "two")]
    pub connect_within_seconds: f64,
    /// Independent replications (1–10 000). Default 5.
    #[serde(default = "five")]
    pub replications: u32,
    /// Seed of the whole run; replication `i` uses stream `i` of it. Default 0.
    #[serde(default)]
    pub seed: u64,
    /// A time-varying shape: these buckets run back to back from the window's start and repeat when
    /// the window outlasts them. Absent: the scalar fields apply all the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Vec<Bucket>>,
}

/// Ring times by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RingTimes {
    /// From dial to a live person's answer.
    pub live: Distribution,
    /// From dial to the end of an attempt that reaches no one (no answer, busy, machine).
    pub other: Distribution,
}

/// One bucket of a time-varying shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// Length in minutes, > 0.
    pub minutes: f64,
    /// Live-answer probability in this bucket; absent = the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_answer_probability: Option<f64>,
    /// Talk time in this bucket; absent = the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk_seconds: Option<Distribution>,
}

impl Scenario {
    /// The schedule buckets, or none when the scalar fields apply all the time.
    pub fn bucket_list(&self) -> &[Bucket] {
        self.buckets.as_deref().unwrap_or(&[])
    }

    /// The live-answer probability when no bucket says otherwise: `outcomes.live`, or
    /// `live_answer_probability` (0 when neither is given, which validation refuses).
    pub fn live_share(&self) -> f64 {
        match &self.outcomes {
            Some(outcomes) => outcomes.live,
            None => self.live_answer_probability.unwrap_or(0.0),
        }
    }

    /// The live-answer probabilities of the day: each bucket's, or the scenario's.
    pub fn live_shares(&self) -> Vec<f64> {
        let buckets = self.bucket_list();
        if buckets.is_empty() {
            return vec![self.live_share()];
        }
        buckets
            .iter()
            .map(|b| b.live_answer_probability.unwrap_or(self.live_share()))
            .collect()
    }

    /// The outcome mix at live-answer probability `live` (a bucket's, or the scenario's).
    pub fn outcome_mix(&self, live: f64) -> OutcomeMix {
        match &self.outcomes {
            Some(outcomes) => OutcomeMix::from_shares(outcomes.shares_with_live(live)),
            None => OutcomeMix::live_or_other(live),
        }
    }

    /// Share of attempts routed to an agent at live-answer probability `live`: the live answers
    /// the dialer takes for people, and the machines it sends on.
    pub fn routed_share(&self, live: f64) -> f64 {
        match &self.outcomes {
            Some(outcomes) => outcomes.routed_share(live),
            None => live,
        }
    }

    /// Mean ring time of an attempt at live-answer probability `live`.
    pub fn mean_ring(&self, live: f64) -> f64 {
        match (&self.outcomes, &self.ring_seconds) {
            (Some(outcomes), _) => outcomes.mean_ring(live),
            (None, Some(r)) => live * r.live.mean() + (1.0 - live) * r.other.mean(),
            (None, None) => 0.0,
        }
    }

    /// Ring time of a live answer.
    pub fn live_ring(&self) -> Distribution {
        match (&self.outcomes, &self.ring_seconds) {
            (Some(outcomes), _) => outcomes.ring_seconds.live,
            (None, Some(r)) => r.live,
            (None, None) => Distribution::ZERO,
        }
    }

    /// What the dialer does with answering machines.
    pub fn machine_routing(&self) -> MachineRouting {
        self.outcomes
            .as_ref()
            .map_or(MachineRouting::Unheard, Outcomes::machine_routing)
    }

    /// Mean time detection listens before routing an answer (0 without detection).
    pub fn mean_detect_seconds(&self) -> f64 {
        match self.machine_routing() {
            MachineRouting::Detected(detector) => detector.detect_mean,
            _ => 0.0,
        }
    }
}

fn one() -> f64 {
    1.0
}
fn two() -> f64 {
    2.0
}
fn five() -> u32 {
    5
}
fn zero() -> Distribution {
    Distribution::ZERO
}
#[cfg(test)]
mod tests {
    use super::*;

    const DESIGN_EXAMPLE: &str = r#"{"agents": 10, "agent_efficiency": 1.0, "window_minutes": 1440, "warmup_minutes": 60,
     "dialer": {"mode": "ratio", "level": 1.5},
     "max_lines": null, "pacing_interval_seconds": 0,
     "live_answer_probability": 0.25,
     "ring_seconds":  {"live": {"dist": "exp", "mean": 20}, "other": {"dist": "exp", "mean": 20}},
     "talk_seconds":  {"dist": "exp", "mean": 60},
     "wrap_seconds":  {"dist": "fixed", "mean": 0},
     "patience_seconds": {"dist": "fixed", "mean": 0},
     "connect_within_seconds": 2,
     "replications": 5, "seed": 42}"#;

    #[test]
    fn parses_the_design_example_and_round_trips() {
        let scenario: Scenario = serde_json::from_str(DESIGN_EXAMPLE).unwrap();
        assert_eq!(scenario.agents, 10);
        assert_eq!(scenario.dialer, DialerMode::Ratio { level: 1.5 });
        assert_eq!(
            scenario.ring_seconds.unwrap().live,
            Distribution::Exp { mean: 20.0 }
        );
        assert!(scenario.buckets.is_none());
        let again: Scenario =
            serde_json::from_str(&serde_json::to_string(&scenario).unwrap()).unwrap();
        assert_eq!(again, scenario);
    }

    #[test]
    fn rejects_unknown_fields_everywhere() {
        let top = DESIGN_EXAMPLE.replace("\"seed\": 42", "\"seed\": 42, \"sede\": 1");
        assert!(serde_json::from_str::<Scenario>(&top).is_err());
        let dialer = DESIGN_EXAMPLE.replace("\"level\": 1.5", "\"level\": 1.5, \"levle\": 2");
        assert!(serde_json::from_str::<Scenario>(&dialer).is_err());
        let dist = DESIGN_EXAMPLE.replace(
            "{\"dist\": \"exp\", \"mean\": 60}",
            "{\"dist\": \"exp\", \"mean\": 60, \"cv\": 1}",
        );
        assert!(serde_json::from_str::<Scenario>(&dist).is_err());
    }

    #[test]
    fn dialer_defaults_apply() {
        let adaptive: DialerMode = serde_json::from_str(r#"{"mode": "adaptive"}"#).unwrap();
        assert_eq!(
            adaptive,
            DialerMode::Adaptive {
                variant: AdaptiveVariant::Hard,
                drop_target: crate::compliance::Regime::Fcc.limit(),
                max_level: 3.0,
                intensity: 0.0
            }
        );
        let predictive: DialerMode = serde_json::from_str(r#"{"mode": "predictive"}"#).unwrap();
        assert_eq!(
            predictive,
            DialerMode::Predictive {
                abandon_target: 0.025
            }
        );
    }
}
