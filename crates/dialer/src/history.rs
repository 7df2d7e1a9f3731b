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

use serde::{Deserialize, Serialize};

use crate::distribution::Distribution;
use crate::replicate::Report;
use crate::scenario::{Bucket, DialerMode, RingTimes, Scenario};
use crate::validation::{ValidScenario, Violation};

/// Mean ring time of a live answer, in seconds.
pub const LIVE_RING_MEAN_SECONDS: f64 = 8.0;
/// Coefficient of variation of the ring time of a live answer.
pub const LIVE_RING_CV: f64 = 0.5;
/// Ring time of an attempt that reaches no one (the no-answer timeout), in seconds.
pub const NO_ANSWER_SECONDS: f64 = 20.0;
/// Coefficient of variation of talk time.
pub const TALK_CV: f64 = 1.0;
/// The dialer's drop timer: a live answer it cannot connect within this is released.
pub const DROP_TIMER_SECONDS: f64 = 2.0;
/// Abandon target of the predictive dialer.
pub const PREDICTIVE_ABANDON_TARGET: f64 = 0.025;
/// Highest POWER (ratio) level.
pub const MAX_POWER_LEVEL: f64 = 3.0;
/// Highest live-answer probability a bucket is given.
pub const MAX_LIVE_PROBABILITY: f64 = 0.99;

/// The dialer type of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DialerType {
    /// An abandon-rate controller.
    #[default]
    Predictive,
    /// One line per free agent.
    Progressive,
    /// A fixed number of lines per agent.
    Power,
}

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

/// What a simulate request asks for, in plain numbers.
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
}

/// The unweighted mean answer rate over buckets with attempts (the seed's `mean_rate`).
pub fn mean_rate(history: &[HistoryBucket]) -> Option<f64> {
    let rates: Vec<f64> = history.iter().filter_map(HistoryBucket::rate).collect();
    (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
}

/// Agents needed for the busiest bucket's talk load at this efficiency:
/// `ceil(max_b(answered_b × talk_b / bucket_seconds_b) / efficiency)`, at least 1.
pub fn infer_agents(history: &[HistoryBucket], agent_efficiency: f64) -> u32 {
    let load = history
        .iter()
        .filter(|b| b.minutes() > 0)
        .map(|b| b.calls_answered as f64 * b.avg_talk_seconds / (f64::from(b.minutes()) * 60.0))
        .fold(0.0, f64::max);
    let agents = (load / agent_efficiency).ceil();
    if agents.is_finite() && agents >= 1.0 {
        agents.min(f64::from(u32::MAX)) as u32
    } else {
        1
    }
}

fn in_time_order(history: &[HistoryBucket]) -> Vec<HistoryBucket> {
    let mut sorted = history.to_vec();
    sorted.sort_by_key(|b| b.start_minute);
    sorted
}

fn check_plan(plan: &CampaignPlan) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut fail = |path: String, message: String| found.push(Violation::new(path, message));
    if !(0.0..=1.0).contains(&plan.answer_rate) {
        fail(
            "answer_rate".into(),
            format!("must be between 0 and 1, got {}", plan.answer_rate),
        );
    }
    if !(plan.agent_efficiency > 0.0 && plan.agent_efficiency <= 1.0) {
        fail(
            "agent_efficiency".into(),
            format!(
                "must be above 0 and at most 1, got {}",
                plan.agent_efficiency
            ),
        );
    }
    if plan.history.is_empty() {
        fail("history".into(), "must hold at least one bucket".into());
    } else if mean_rate(&plan.history).is_none() {
        fail(
            "history".into(),
            "needs at least one bucket with attempts".into(),
        );
    }
    for (i, b) in plan.history.iter().enumerate() {
        if b.end_minute <= b.start_minute {
            fail(
                format!("history[{i}].end_minute"),
                "must be after the start".into(),
            );
        }
        if b.calls_answered > b.calls_attempted {
            fail(
                format!("history[{i}].calls_answered"),
                format!("must not exceed calls_attempted ({})", b.calls_attempted),
            );
        }
        if !(b.avg_talk_seconds.is_finite() && b.avg_talk_seconds > 0.0) {
            fail(
                format!("history[{i}].avg_talk_seconds"),
                format!("must be a number above 0, got {}", b.avg_talk_seconds),
            );
        }
    }
    found
}

/// Builds the engine scenario for a plan (DESIGN §5.5); every violation, of the plan or of the
/// scenario it gives, is reported at once.
pub fn plan_to_scenario(plan: &CampaignPlan) -> Result<ValidScenario, Vec<Violation>> {
    let found = check_plan(plan);
    if !found.is_empty() {
        return Err(found);
    }
    let history = in_time_order(&plan.history);
    let mean = mean_rate(&history).unwrap_or(plan.answer_rate);
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
            live_answer_probability: Some(match b.rate() {
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
    let scenario = Scenario {
        agents,
        agent_efficiency: plan.agent_efficiency,
        window_minutes: f64::from(plan.window_minutes),
        warmup_minutes: 0.0,
        dialer,
        max_lines: plan.max_lines,
        pacing_interval_seconds: plan.pacing_interval_seconds,
        live_answer_probability: plan.answer_rate.min(MAX_LIVE_PROBABILITY),
        ring_seconds: RingTimes {
            live: Distribution::Lognormal {
                mean: LIVE_RING_MEAN_SECONDS,
                cv: LIVE_RING_CV,
            },
            other: Distribution::Fixed {
                mean: NO_ANSWER_SECONDS,
            },
        },
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
    let history = in_time_order(history);
    if history.is_empty() {
        return 0.0;
    }
    let errors: Vec<f64> = report
        .buckets
        .iter()
        .filter(|b| b.metrics.dials.mean > 0.0)
        .filter_map(|b| {
            let rate = history[b.index % history.len()].rate()?;
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
            },
            HistoryBucket {
                start_minute: 600,
                end_minute: 660,
                calls_attempted: 620,
                calls_answered: 245,
                avg_talk_seconds: 138.0,
            },
            HistoryBucket {
                start_minute: 660,
                end_minute: 720,
                calls_attempted: 480,
                calls_answered: 175,
                avg_talk_seconds: 152.0,
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
    fn bad_plans_name_every_field() {
        let mut history = seed_history();
        history[1].calls_answered = 700;
        history[2].end_minute = 600;
        let err = plan_to_scenario(&CampaignPlan {
            answer_rate: 1.5,
            history,
            ..seed_plan()
        })
        .unwrap_err();
        let paths: Vec<&str> = err.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "answer_rate",
                "history[1].calls_answered",
                "history[2].end_minute"
            ]
        );
    }
}
