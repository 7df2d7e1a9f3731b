//! The engine's own bookkeeping: the available share of agent time and the event queue's size.

use rayon::prelude::*;
use serde_json::json;

use crate::replicate::replication_tally;
use crate::scenario::Scenario;
use crate::tally::Tally;
use crate::validation::ValidScenario;

fn scenario(value: serde_json::Value) -> ValidScenario {
    let scenario: Scenario = serde_json::from_value(value).unwrap();
    scenario.validate().unwrap()
}

/// The tallies of replications `0..replications`, merged over the buckets and replications.
fn merged(scenario: &ValidScenario, replications: u64) -> Tally {
    // The replications run on every core (each is seeded by its index, so the sum is the same).
    let tallies: Vec<_> = (0..replications)
        .into_par_iter()
        .map(|index| replication_tally(scenario, index))
        .collect();
    let mut whole = Tally::default();
    for tally in &tallies {
        for bucket in &tally.buckets {
            whole.merge(bucket);
        }
    }
    whole
}

/// Agents pause for a share `1 − e` of staffed time however busy they are when a pause comes due:
/// a pause delayed by a call is taken in full, and the delay comes out of the next available
/// period. Over about 3.5 × 10⁴ pause cycles (100 agents, 40 hours of 20-minute cycles, three
/// replications) the share's standard error is below 0.21 %, so 1 % is over four of them. Calls
/// are long (15 minutes on average), so that a pause often comes due during one and each cycle
/// costs few events; the six runs go in parallel.
#[test]
fn available_share_of_staffed_time_is_the_efficiency() {
    let runs: Vec<(f64, serde_json::Value)> = [0.5, 0.82, 0.9]
        .into_iter()
        .flat_map(|efficiency| {
            [
                json!({"mode": "ratio", "level": 1.6}),
                json!({"mode": "progressive"}),
            ]
            .map(|dialer| (efficiency, dialer))
        })
        .collect();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(efficiency, dialer)| {
                let s = scenario(json!({
                    "agents": 100, "agent_efficiency": efficiency,
                    "window_minutes": 2_400, "warmup_minutes": 60,
                    "dialer": dialer,
                    "live_answer_probability": 0.3,
                    "ring_seconds": {"live": {"dist": "lognormal", "mean": 8, "cv": 0.5},
                                     "other": {"dist": "uniform", "min": 10, "max": 30}},
                    "talk_seconds": {"dist": "lognormal", "mean": 900, "cv": 1.0},
                    "wrap_seconds": {"dist": "exp", "mean": 10},
                    "patience_seconds": {"dist": "exp", "mean": 20},
                    "replications": 3, "seed": 17
                }));
                scope.spawn(move || merged(&s, 3))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((efficiency, dialer), tally) in runs.iter().zip(&tallies) {
        let share = tally.available_seconds / tally.staffed_seconds;
        let occupancy = tally.busy_seconds / tally.available_seconds;
        assert!(
            (share / efficiency - 1.0).abs() <= 0.01,
            "efficiency {efficiency}, {dialer}: available share {share}"
        );
        // The agents are loaded, so a pause often comes due during a call.
        assert!(
            occupancy > 0.7,
            "efficiency {efficiency}, {dialer}: occupancy {occupancy}"
        );
        assert!(tally.connected > 16_000, "{}", tally.connected);
    }
}

/// Progressive dialling holds a Ready agent whose pause is due for a call already ringing for it;
/// it does not dial again for that agent, so it never abandons, and the agent still pauses its
/// share.
#[test]
fn progressive_with_pauses_never_abandons_and_keeps_the_share() {
    let s = scenario(json!({
        "agents": 20, "agent_efficiency": 0.82, "window_minutes": 7_200, "warmup_minutes": 60,
        "dialer": {"mode": "progressive"},
        "live_answer_probability": 0.9,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 20},
                         "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "lognormal", "mean": 145, "cv": 1.0},
        "patience_seconds": {"dist": "fixed", "mean": 0},
        "replications": 4, "seed": 5
    }));
    let tally = merged(&s, 4);
    assert_eq!(tally.abandoned, 0);
    assert!(tally.connected > 50_000, "{}", tally.connected);
    let share = tally.available_seconds / tally.staffed_seconds;
    assert!(
        (share / 0.82 - 1.0).abs() <= 0.015,
        "available share {share}"
    );
}

/// A connected caller's patience timer stays queued until it would have run out; with a very
/// long patience these stale timers are dropped in bulk, so the queue stays bounded by the calls
/// in progress, not by the calls made.
#[test]
fn pending_events_stay_bounded_with_long_patience() {
    let s = scenario(json!({
        "agents": 20, "window_minutes": 10_080,
        "dialer": {"mode": "ratio", "level": 3.0},
        "live_answer_probability": 0.6,
        "ring_seconds": {"live": {"dist": "exp", "mean": 5}, "other": {"dist": "exp", "mean": 10}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "patience_seconds": {"dist": "fixed", "mean": 9e6},
        "connect_within_seconds": 0,
        "replications": 1, "seed": 3
    }));
    let tally = replication_tally(&s, 0);
    let whole = tally.buckets.iter().fold(Tally::default(), |mut t, b| {
        t.merge(b);
        t
    });
    // Live events: at most 60 lines, 20 agents and a few clocks; stale timers at most
    // max(4096, live) before a compaction.
    let bound = 2 * 4_096 + 200;
    assert!(
        tally.peak_pending_events <= bound,
        "peak {} pending events",
        tally.peak_pending_events
    );
    // Far more callers waited (and left a stale timer) than the bound.
    assert!(whole.late > 10 * bound as u64, "{} waited", whole.late);
    assert_eq!(whole.abandoned, 0);
}
