//! The window's timeline: the schedule buckets laid back to back (repeating when the window outlasts
//! them), or one-hour buckets when the scenario has no schedule. Each segment carries the call shape
//! in force and is also one bucket of the report.

use crate::distribution::{Distribution, Sampler};
use crate::scenario::Scenario;

/// Length of a report bucket when the scenario has no schedule, in minutes.
pub const DEFAULT_BUCKET_MINUTES: f64 = 60.0;

/// One stretch of the window with a constant call shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Start, in seconds from the window's start.
    pub start: f64,
    /// End (exclusive), in seconds from the window's start.
    pub end: f64,
    /// Probability that a dial attempt started in this segment reaches a live person.
    pub live_probability: f64,
    /// Talk time of conversations that start in this segment.
    pub talk: Distribution,
    /// `talk`, prepared for sampling.
    pub talk_sampler: Sampler,
    /// Index of `talk_sampler` among the schedule's distinct talk laws ([`Schedule::talk_laws`]).
    pub talk_law: u16,
}

/// The segments covering `[0, window)`, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    segments: Vec<Segment>,
    talk_laws: Vec<Sampler>,
}

impl Schedule {
    /// Lays out the scenario's buckets (or hours) over its window. The scenario must be valid.
    pub fn new(scenario: &Scenario) -> Self {
        let window = scenario.window_minutes * 60.0;
        let buckets = scenario.bucket_list();
        let mut segments = Vec::new();
        let mut start = 0.0;
        let mut next = 0;
        while start < window {
            let (minutes, probability, talk) = match buckets.get(next) {
                Some(bucket) => (
                    bucket.minutes,
                    bucket
                        .live_answer_probability
                        .unwrap_or(scenario.live_answer_probability),
                    bucket.talk_seconds.unwrap_or(scenario.talk_seconds),
                ),
                None => (
                    DEFAULT_BUCKET_MINUTES,
                    scenario.live_answer_probability,
                    scenario.talk_seconds,
                ),
            };
            if !buckets.is_empty() {
                next = (next + 1) % buckets.len();
            }
            // Validation refuses buckets of zero length, so the loop always advances; the guard
            // below only protects an unvalidated scenario from looping for ever.
            let end = (start + minutes * 60.0).min(window);
            segments.push(Segment {
                start,
                end,
                live_probability: probability,
                talk,
                talk_sampler: talk.sampler(),
                talk_law: 0,
            });
            if end <= start {
                break;
            }
            start = end;
        }
        if segments.is_empty() {
            // An empty (or invalid) window still gets one segment, so the engine always has a
            // call shape in force.
            segments.push(Segment {
                start: 0.0,
                end: window.max(0.0),
                live_probability: scenario.live_answer_probability,
                talk: scenario.talk_seconds,
                talk_sampler: scenario.talk_seconds.sampler(),
                talk_law: 0,
            });
        }
        // Repeating buckets share their laws; validation bounds the segments (and so the laws)
        // well within `u16`.
        let mut talk_laws: Vec<Sampler> = Vec::new();
        for segment in &mut segments {
            let law = match talk_laws.iter().position(|l| *l == segment.talk_sampler) {
                Some(at) => at,
                None => {
                    talk_laws.push(segment.talk_sampler);
                    talk_laws.len() - 1
                }
            };
            segment.talk_law = law as u16;
        }
        Self {
            segments,
            talk_laws,
        }
    }

    /// The distinct talk-time laws of the segments, in order of first use.
    pub fn talk_laws(&self) -> &[Sampler] {
        &self.talk_laws
    }

    /// The segments, in time order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Bucket;

    fn scenario(window_minutes: f64, buckets: Option<Vec<Bucket>>) -> Scenario {
        serde_json::from_value::<Scenario>(serde_json::json!({
            "agents": 10, "window_minutes": window_minutes, "dialer": {"mode": "progressive"},
            "live_answer_probability": 0.3,
            "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
            "talk_seconds": {"dist": "exp", "mean": 100}
        }))
        .map(|s| Scenario { buckets, ..s })
        .unwrap()
    }

    #[test]
    fn hours_without_a_schedule_last_one_partial() {
        let schedule = Schedule::new(&scenario(150.0, None));
        let ends: Vec<f64> = schedule.segments().iter().map(|s| s.end).collect();
        assert_eq!(ends, vec![3600.0, 7200.0, 9000.0]);
        assert!(
            schedule
                .segments()
                .iter()
                .all(|s| s.live_probability == 0.3)
        );
    }

    #[test]
    fn buckets_repeat_and_fall_back_to_scalars() {
        let buckets = vec![
            Bucket {
                minutes: 30.0,
                live_answer_probability: Some(0.5),
                talk_seconds: None,
            },
            Bucket {
                minutes: 60.0,
                live_answer_probability: None,
                talk_seconds: Some(Distribution::Fixed { mean: 10.0 }),
            },
        ];
        let schedule = Schedule::new(&scenario(120.0, Some(buckets)));
        let got: Vec<(f64, f64, f64)> = schedule
            .segments()
            .iter()
            .map(|s| (s.end / 60.0, s.live_probability, s.talk.mean()))
            .collect();
        assert_eq!(
            got,
            vec![(30.0, 0.5, 100.0), (90.0, 0.3, 10.0), (120.0, 0.5, 100.0)]
        );
        // Two distinct talk laws; the repeated bucket shares the first.
        let laws: Vec<u16> = schedule.segments().iter().map(|s| s.talk_law).collect();
        assert_eq!(laws, vec![0, 1, 0]);
        assert_eq!(schedule.talk_laws().len(), 2);
    }
}
