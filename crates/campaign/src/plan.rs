//! From a campaign's plan and call history to a scenario, and back to an accuracy score
//! (DESIGN §5.5). Plain numbers only: the wire format is parsed elsewhere.
//!
//! Choices the design leaves open:
//! - The history buckets run back to back in time order from the first bucket's start; a gap
//!   between two buckets is closed up, so report bucket `i` is history bucket `i mod len`.
//! - A bucket with no attempts has no rate of its own: it is dialled at `answer_rate`.
//! - The ring time of a live answer is lognormal with mean 8 s and coefficient of variation 0.5
//!   (most people answer within 4–14 s); an unanswered attempt rings for a fixed 20 s.
//! - No warm-up: a campaign starts cold at the window's start, with every agent Ready, and the
//!   dialer's start-up is part of what the window measures.
//! - POWER dials at `min(maxCalls / agents, 3.0)` lines per agent (at least 1.0); without
//!   `maxCalls`, at 3.0.
//! - Answering machines (DESIGN §9): without a machine share or AMD the scenario has no `outcomes`
//!   block and runs exactly as before. With them, attempts end in a live answer (`answer_rate`, the
//!   bucket's shape applied as usual), a machine (`answering_machine_share`, ringing as a person
//!   does but a little later: lognormal mean 9 s, cv 0.5) or no answer (the rest, 20 s); the
//!   engine scales the machine and no-answer shares of a bucket in proportion to what its live
//!   share leaves. AMD's detection time is fixed; an agent who gets a machine spends the engine's
//!   default 5–15 s on it. Without `amd`, machines are recognised at once and without error.
//! - When history's answered calls count machines, each bucket's live-answer rate (for the shape
//!   and for the accuracy) is its answered rate minus the machine share.

use serde::{Deserialize, Serialize};

pub use contract::AmdSettings;
pub use contract::DialerType;
pub use contract::model::{
    DROP_TIMER_SECONDS, LIVE_RING_CV, LIVE_RING_MEAN_SECONDS, NO_ANSWER_SECONDS, TALK_CV,
};
use contract::variance::live_rate;
use contract::{ValidRequest, Violation};
use dialer::{
    Amd, Bucket, DialerMode, Distribution, OutcomeRings, Outcomes, Report, RingTimes, Scenario,
    ValidScenario,
};

/// Mean ring time of an answering machine, in seconds: a machine answers after about as many
/// rings as a person, a little later.
pub const MACHINE_RING_MEAN_SECONDS: f64 = 9.0;

/// Abandon target of the predictive dialer.
pub const PREDICTIVE_ABANDON_TARGET: f64 = 0.025;
/// Highest POWER (ratio) level.
pub const MAX_POWER_LEVEL: f64 = 3.0;
/// Highest live-answer probability a bucket is given.
pub const MAX_LIVE_PROBABILITY: f64 = 0.99;

/// One bucket of call history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistoryBucket {
    /// Start, in minutes after midnight.
    pub start_minute: u32,
    /// End, in minutes after midnight (after the start).
    pub end_minute: u32,
    /// Dial attempts.
    pub calls_attempted: u64,
    /// Live answers.
    pub calls_answered: u64,
    /// Mean talk time, in seconds.
    pub avg_talk_seconds: f64,
    /// Live answers abandoned, when the history records them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandons: Option<u64>,
}

impl HistoryBucket {
    /// The bucket's answer rate, when it has attempts.
    pub fn rate(&self) -> Option<f64> {
        (self.calls_attempted > 0).then(|| self.calls_answered as f64 / self.calls_attempted as f64)
    }

    fn minutes(&self) -> u32 {
        self.end_minute.saturating_sub(self.start_minute)
    }
}

/// What a simulate request asks for, in plain numbers: made from a [`ValidRequest`]
/// ([`CampaignPlan::from_request`]), or by hand (a planner's sweep), when the engine's own scenario
/// checks are the only ones [`plan_to_scenario`] applies.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignPlan {
    /// The answer rate to simulate at (the level; history gives the shape over the day).
    pub answer_rate: f64,
    /// Share of agent time available.
    pub agent_efficiency: f64,
    /// Minutes to simulate.
    pub window_minutes: u32,
    /// Call history.
    pub history: Vec<HistoryBucket>,
    /// Agents; inferred from history when absent ([`infer_agents`]).
    pub agents: Option<u32>,
    /// The dialer type.
    pub dialer_type: DialerType,
    /// Seconds between pacing runs.
    pub pacing_interval_seconds: f64,
    /// Most lines dialling at once.
    pub max_lines: Option<u32>,
    /// Replications.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
    /// Share of attempts an answering machine answers; `None`: machines are not told apart.
    pub machine_share: Option<f64>,
    /// Answering-machine detection.
    pub amd: Option<AmdSettings>,
    /// The share of attempts machines answered that history's answered calls hold (0 when they
    /// count live answers only).
    pub machines_in_answered: f64,
}

impl CampaignPlan {
    /// The plan a valid request asks for, with `replications` and `seed`. The request was checked
    /// when it was made valid: nothing is checked again.
    pub fn from_request(request: &ValidRequest, replications: u32, seed: u64) -> Self {
        let settings = &request.predictive_dialer_settings;
        let history = request
            .historical_data
            .iter()
            .zip(request.spans())
            .map(|(bucket, span)| HistoryBucket {
                start_minute: span.start_minute,
                end_minute: span.end_minute,
                calls_attempted: bucket.calls_attempted,
                calls_answered: bucket.calls_answered,
                avg_talk_seconds: bucket.avg_talk_time_seconds,
                abandons: bucket.abandons,
            })
            .collect();
        Self {
            answer_rate: settings.answer_rate,
            agent_efficiency: settings.agent_efficiency,
            window_minutes: request.simulation_window_minutes,
            history,
            agents: settings.agents,
            dialer_type: settings.dialer_type,
            pacing_interval_seconds: f64::from(settings.interval),
            max_lines: Some(settings.max_calls),
            replications,
            seed,
            machine_share: settings.answering_machine_share,
            amd: settings.amd,
            machines_in_answered: request.machines_in_answered(),
        }
    }

    /// A history bucket's live-answer rate, when it has attempts: its answered rate, less the
    /// machine share when the answered calls count machines.
    pub fn live_rate(&self, bucket: &HistoryBucket) -> Option<f64> {
        bucket
            .rate()
            .map(|rate| live_rate(rate, self.machines_in_answered))
    }

    /// The `outcomes` block of the plan's scenario, when it has machines or detection.
    fn outcomes(&self) -> Option<Outcomes> {
        if self.machine_share.is_none() && self.amd.is_none() {
            return None;
        }
        let live = self.answer_rate.min(MAX_LIVE_PROBABILITY);
        let machine = self.machine_share.unwrap_or(0.0);
        Some(Outcomes {
            live,
            machine,
            busy: 0.0,
            no_answer: (1.0 - live - machine).max(0.0),
            invalid: 0.0,
            ring_seconds: OutcomeRings {
                live: live_ring(),
                machine: Some(Distribution::Lognormal {
                    mean: MACHINE_RING_MEAN_SECONDS,
                    cv: LIVE_RING_CV,
                }),
                busy: None,
                no_answer: Some(no_answer_ring()),
                invalid: None,
            },
            amd: self.amd.map(|amd| Amd {
                enabled: amd.enabled,
                detect_seconds: amd.detect_seconds.map(|mean| Distribution::Fixed { mean }),
                false_positive: amd.false_positive,
                false_negative: amd.false_negative,
            }),
            machine_handle_seconds: None,
        })
    }
}

fn live_ring() -> Distribution {
    Distribution::Lognormal {
        mean: LIVE_RING_MEAN_SECONDS,
        cv: LIVE_RING_CV,
    }
}

fn no_answer_ring() -> Distribution {
    Distribution::Fixed {
        mean: NO_ANSWER_SECONDS,
    }
}

/// The seed's unweighted mean answer rate over buckets with attempts
/// ([`contract::variance::mean_of_rates`]).
pub fn mean_rate(history: &[HistoryBucket]) -> Option<f64> {
    contract::variance::mean_of_rates(history.iter().filter_map(HistoryBucket::rate))
}

/// Agents needed for the busiest bucket's talk load at this efficiency
/// ([`contract::validate::agents_for_load`]), at least 1, at most `u32::MAX`.
pub fn infer_agents(history: &[HistoryBucket], agent_efficiency: f64) -> u32 {
    let agents = contract::validate::agents_for_load(
        history
            .iter()
            .map(|b| (b.calls_answered, b.avg_talk_seconds, b.minutes())),
        agent_efficiency,
    );
    u32::try_from(agents).unwrap_or(u32::MAX)
}

fn in_time_order(history: &[HistoryBucket]) -> Vec<HistoryBucket> {
    let mut sorted = history.to_vec();
    sorted.sort_by_key(|b| b.start_minute);
    sorted
}

/// Builds the engine scenario for a plan (DESIGN §5.5); the scenario's own checks (the engine's
/// work limits among them) report every violation at once.
pub fn plan_to_scenario(plan: &CampaignPlan) -> Result<ValidScenario, Vec<Violation>> {
    let history = in_time_order(&plan.history);
    let mean = contract::variance::mean_of_rates(history.iter().filter_map(|b| plan.live_rate(b)))
        .unwrap_or(plan.answer_rate);
    let agents = plan
        .agents
        .unwrap_or_else(|| infer_agents(&history, plan.agent_efficiency));
    let talk = |seconds: f64| Distribution::Lognormal {
        mean: seconds,
        cv: TALK_CV,
    };
    let buckets: Vec<Bucket> = history
        .iter()
        .map(|b| Bucket {
            minutes: f64::from(b.minutes()),
            live_answer_probability: Some(match plan.live_rate(b) {
                Some(rate) if mean > 0.0 => {
                    (plan.answer_rate * rate / mean).clamp(0.0, MAX_LIVE_PROBABILITY)
                }
                _ => plan.answer_rate.min(MAX_LIVE_PROBABILITY),
            }),
            talk_seconds: Some(talk(b.avg_talk_seconds)),
        })
        .collect();
    let mean_talk = history.iter().map(|b| b.avg_talk_seconds).sum::<f64>() / history.len() as f64;
    let dialer = match plan.dialer_type {
        DialerType::Predictive => DialerMode::Predictive {
            abandon_target: PREDICTIVE_ABANDON_TARGET,
        },
        DialerType::Progressive => DialerMode::Progressive,
        DialerType::Power => DialerMode::Ratio {
            level: plan
                .max_lines
                .map_or(MAX_POWER_LEVEL, |lines| {
                    f64::from(lines) / f64::from(agents.max(1))
                })
                .clamp(1.0, MAX_POWER_LEVEL),
        },
    };
    let outcomes = plan.outcomes();
    let scenario = Scenario {
        agents,
        agent_efficiency: plan.agent_efficiency,
        window_minutes: f64::from(plan.window_minutes),
        warmup_minutes: 0.0,
        dialer,
        max_lines: plan.max_lines,
        pacing_interval_seconds: plan.pacing_interval_seconds,
        live_answer_probability: outcomes
            .is_none()
            .then(|| plan.answer_rate.min(MAX_LIVE_PROBABILITY)),
        ring_seconds: outcomes.is_none().then(|| RingTimes {
            live: live_ring(),
            other: no_answer_ring(),
        }),
        outcomes,
        talk_seconds: talk(mean_talk),
        wrap_seconds: Distribution::ZERO,
        patience_seconds: Distribution::Fixed {
            mean: DROP_TIMER_SECONDS,
        },
        connect_within_seconds: DROP_TIMER_SECONDS,
        replications: plan.replications,
        seed: plan.seed,
        buckets: Some(buckets),
    };
    scenario.validate()
}

/// `1 − mean_b(|sim_rate_b − rate_b| / rate_b)`, clamped to [0, 1], over the report buckets that
/// dialled and whose history bucket (`index mod len`, in time order) has a rate above 0; 0 when
/// there is none to compare.
pub fn predicted_accuracy(report: &Report, history: &[HistoryBucket]) -> f64 {
    predicted_live_accuracy(report, history, 0.0)
}

/// [`predicted_accuracy`] against history's live-answer rates when its answered calls hold
/// `machines_in_answered` of the attempts as machines ([`CampaignPlan::machines_in_answered`]).
pub fn predicted_live_accuracy(
    report: &Report,
    history: &[HistoryBucket],
    machines_in_answered: f64,
) -> f64 {
    let history = in_time_order(history);
    if history.is_empty() {
        return 0.0;
    }
    let errors: Vec<f64> = report
        .buckets
        .iter()
        .filter(|b| b.metrics.dials.mean > 0.0)
        .filter_map(|b| {
            let rate = live_rate(
                history[b.index % history.len()].rate()?,
                machines_in_answered,
            );
            (rate > 0.0).then(|| (b.metrics.answer_rate.mean - rate).abs() / rate)
        })
        .collect();
    if errors.is_empty() {
        return 0.0;
    }
    (1.0 - errors.iter().sum::<f64>() / errors.len() as f64).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's example history.
    pub(crate) fn seed_history() -> Vec<HistoryBucket> {
        vec![
            HistoryBucket {
                start_minute: 540,
                end_minute: 600,
                calls_attempted: 500,
                calls_answered: 190,
                avg_talk_seconds: 145.0,
                abandons: None,
            },
            HistoryBucket {
                start_minute: 600,
                end_minute: 660,
                calls_attempted: 620,
                calls_answered: 245,
                avg_talk_seconds: 138.0,
                abandons: None,
            },
            HistoryBucket {
                start_minute: 660,
                end_minute: 720,
                calls_attempted: 480,
                calls_answered: 175,
                avg_talk_seconds: 152.0,
                abandons: None,
            },
        ]
    }

    fn seed_plan() -> CampaignPlan {
        CampaignPlan {
            answer_rate: 0.38,
            agent_efficiency: 0.82,
            window_minutes: 120,
            history: seed_history(),
            agents: None,
            dialer_type: DialerType::Predictive,
            pacing_interval_seconds: 3.0,
            max_lines: Some(50),
            replications: 20,
            seed: 1,
            machine_share: None,
            amd: None,
            machines_in_answered: 0.0,
        }
    }

    #[test]
    fn infers_twelve_agents_for_the_seed() {
        assert_eq!(infer_agents(&seed_history(), 0.82), 12);
        assert_eq!(infer_agents(&[], 0.82), 1);
    }

    #[test]
    fn maps_the_seed_payload() {
        let scenario = plan_to_scenario(&seed_plan()).unwrap();
        assert_eq!(scenario.agents, 12);
        assert_eq!(
            scenario.dialer,
            DialerMode::Predictive {
                abandon_target: 0.025
            }
        );
        assert_eq!(scenario.max_lines, Some(50));
        assert_eq!(scenario.pacing_interval_seconds, 3.0);
        assert_eq!(scenario.patience_seconds, Distribution::Fixed { mean: 2.0 });
        let buckets = scenario.buckets.clone().unwrap();
        assert_eq!(buckets.len(), 3);
        let mean = (0.38 + 245.0 / 620.0 + 175.0 / 480.0) / 3.0;
        let p1 = buckets[1].live_answer_probability.unwrap();
        assert!((p1 - 0.38 * (245.0 / 620.0) / mean).abs() < 1e-12);
        assert_eq!(
            buckets[2].talk_seconds,
            Some(Distribution::Lognormal {
                mean: 152.0,
                cv: 1.0
            })
        );
        assert!(buckets.iter().all(|b| b.minutes == 60.0));
    }

    #[test]
    fn power_level_is_max_calls_per_agent_capped() {
        let power = |max_lines, agents| {
            plan_to_scenario(&CampaignPlan {
                dialer_type: DialerType::Power,
                max_lines,
                agents,
                ..seed_plan()
            })
            .unwrap()
            .dialer
        };
        assert_eq!(power(Some(50), None), DialerMode::Ratio { level: 3.0 });
        assert_eq!(power(Some(30), Some(12)), DialerMode::Ratio { level: 2.5 });
        assert_eq!(power(Some(5), Some(12)), DialerMode::Ratio { level: 1.0 });
        let progressive = plan_to_scenario(&CampaignPlan {
            dialer_type: DialerType::Progressive,
            ..seed_plan()
        })
        .unwrap();
        assert_eq!(progressive.dialer, DialerMode::Progressive);
    }

    #[test]
    fn a_plan_the_engine_cannot_run_names_the_field() {
        let err = plan_to_scenario(&CampaignPlan {
            agent_efficiency: 0.0,
            ..seed_plan()
        })
        .unwrap_err();
        assert!(err.iter().any(|v| v.path == "agent_efficiency"), "{err:?}");
    }
}
