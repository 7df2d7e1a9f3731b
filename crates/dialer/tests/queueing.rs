//! The engine against closed forms (DESIGN §5.7): Erlang A, Erlang B, M/M/n+D, Engset, and the
//! progressive renewal argument. Each run counts at least 100 000 live answers over 8+
//! replications.

use dialer::erlang;
use serde_json::json;

use crate::common::{assert_rate, assert_relative, scenario};

/// Poisson dialling with every attempt answered: the live answers are a Poisson stream.
fn poisson(
    dials_per_minute: f64,
    patience: serde_json::Value,
    window_minutes: f64,
) -> dialer::ValidScenario {
    scenario(json!({
        "agents": 10, "window_minutes": window_minutes, "warmup_minutes": 60,
        "dialer": {"mode": "poisson", "dials_per_minute": dials_per_minute},
        "live_answer_probability": 1.0,
        "ring_seconds": {"live": {"dist": "exp", "mean": 10}, "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "patience_seconds": patience,
        "replications": 8, "seed": 11
    }))
}

#[test]
fn poisson_with_exponential_patience_is_erlang_a() {
    let oracle = erlang::erlang_a(10.0 / 60.0, 60.0, 10, 2.0);
    assert!((oracle.abandon_probability - 0.2020).abs() < 5e-5);
    assert!((oracle.occupancy - 0.7980).abs() < 5e-5);
    let s = poisson(10.0, json!({"dist": "exp", "mean": 2}), 1_560.0);
    let report = dialer::simulate(&s, dialer::Options::default());
    let m = &report.metrics;
    assert!(
        m.live_answers.mean * 8.0 >= 100_000.0,
        "{}",
        m.live_answers.mean
    );
    assert_rate(
        "abandon_rate",
        &m.abandon_rate,
        8,
        oracle.abandon_probability,
    );
    assert_relative("occupancy", &m.occupancy, oracle.occupancy, 0.01);
    // Exponential patience outlasts the 2-second rule now and then: late connects exist.
    assert!(m.late.mean > 0.0);
    assert!(m.compliance_abandon_rate.mean > m.abandon_rate.mean);
}

#[test]
fn poisson_with_no_patience_is_erlang_b() {
    let oracle = erlang::erlang_b(10, 8.0);
    assert!((oracle - 0.12166).abs() < 5e-6);
    let s = poisson(8.0, json!({"dist": "fixed", "mean": 0}), 2_000.0);
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert!(m.live_answers.mean * 8.0 >= 100_000.0);
    assert_rate("abandon_rate", &m.abandon_rate, 8, oracle);
    assert_relative("occupancy", &m.occupancy, 0.8 * (1.0 - oracle), 0.01);
    assert_eq!(m.late.mean, 0.0, "nothing waits, so nothing is late");
}

#[test]
fn poisson_with_a_fixed_drop_timer_is_mmn_plus_d() {
    let oracle = erlang::fixed_patience(10.0 / 60.0, 60.0, 10, 2.0);
    let s = poisson(10.0, json!({"dist": "fixed", "mean": 2}), 1_560.0);
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert_rate(
        "abandon_rate",
        &m.abandon_rate,
        8,
        oracle.abandon_probability,
    );
    assert_relative("occupancy", &m.occupancy, oracle.occupancy, 0.01);
    // The timer equals the 2-second rule: a connect within it is never late.
    assert_eq!(m.late.mean, 0.0);
    let waits = erlang::fixed_patience_waits(10.0 / 60.0, 60.0, 10, 2.0);
    assert_relative(
        "mean_wait_seconds",
        &m.mean_wait_seconds,
        waits.mean_seconds,
        0.03,
    );
    // Fewer than 10 % of connected calls wait at all.
    assert_eq!(waits.p90_seconds, 0.0);
    assert_eq!(m.p90_wait_seconds.mean, 0.0);
}

#[test]
fn a_longer_fixed_timer_gives_the_mmn_plus_d_waits() {
    let oracle = erlang::fixed_patience(10.0 / 60.0, 60.0, 10, 10.0);
    let waits = erlang::fixed_patience_waits(10.0 / 60.0, 60.0, 10, 10.0);
    let s = poisson(10.0, json!({"dist": "fixed", "mean": 10}), 1_560.0);
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert_rate(
        "abandon_rate",
        &m.abandon_rate,
        8,
        oracle.abandon_probability,
    );
    assert_relative(
        "mean_wait_seconds",
        &m.mean_wait_seconds,
        waits.mean_seconds,
        0.03,
    );
    // The histogram reports the middle of a bin, within 0.8 % of the value.
    assert_relative(
        "p90_wait_seconds",
        &m.p90_wait_seconds,
        waits.p90_seconds,
        0.03,
    );
    assert!(m.late.mean > 0.0, "waits past 2 s are late");
}

fn ratio_engset(talk: serde_json::Value) -> dialer::ValidScenario {
    scenario(json!({
        "agents": 10, "window_minutes": 1_860, "warmup_minutes": 60,
        "dialer": {"mode": "ratio", "level": 1.5},
        "pacing_interval_seconds": 0,
        "live_answer_probability": 0.25,
        "ring_seconds": {"live": {"dist": "exp", "mean": 20}, "other": {"dist": "exp", "mean": 20}},
        "talk_seconds": talk,
        "patience_seconds": {"dist": "fixed", "mean": 0},
        "replications": 10, "seed": 5
    }))
}

/// Ratio 1.5 on 10 agents keeps 15 lines in use. With exponential rings, patience 0 and instant
/// pacing each line is an Engset source: ringing, it turns into a live answer at rate p / 20 s
/// (an unanswered ring is redialled at once, which is the same as ringing on); a live answer is
/// served if one of the 10 agents is free and is otherwise lost, freeing its line at once. So the
/// abandon rate is the Engset call congestion with N = 15, n = 10, β = 0.25 / 20 · 60 = 0.75,
/// which is the published 0.022476, and occupancy its mean busy servers over 10, 0.634520.
#[test]
fn ratio_with_no_patience_is_engset() {
    let oracle = erlang::engset(15, 10, 0.25 / 20.0 * 60.0);
    assert!((oracle.call_congestion - 0.022_476).abs() < 5e-7);
    assert!((oracle.occupancy - 0.634_520).abs() < 5e-7);
    let m = dialer::simulate(
        &ratio_engset(json!({"dist": "exp", "mean": 60})),
        dialer::Options::default(),
    )
    .metrics;
    assert!(
        m.live_answers.mean * 10.0 >= 100_000.0,
        "{}",
        m.live_answers.mean
    );
    assert_rate("abandon_rate", &m.abandon_rate, 10, oracle.call_congestion);
    assert_relative("occupancy", &m.occupancy, oracle.occupancy, 0.01);
    assert_eq!(m.peak_lines.mean, 15.0);
}

#[test]
fn engset_holds_for_lognormal_talk() {
    let oracle = erlang::engset(15, 10, 0.75);
    let m = dialer::simulate(
        &ratio_engset(json!({"dist": "lognormal", "mean": 60, "cv": 1.5})),
        dialer::Options::default(),
    )
    .metrics;
    assert_rate("abandon_rate", &m.abandon_rate, 10, oracle.call_congestion);
    assert_relative("occupancy", &m.occupancy, oracle.occupancy, 0.01);
}

/// Progressive dialling with instant pacing: each Ready agent always has exactly one attempt
/// ringing for it, so per conversation an agent waits one live ring (8 s) and on average
/// (1 − p)/p = 3 unanswered rings (20 s each).
#[test]
fn progressive_is_a_renewal_cycle() {
    let s = scenario(json!({
        "agents": 10, "window_minutes": 3_780, "warmup_minutes": 60,
        "dialer": {"mode": "progressive"},
        "live_answer_probability": 0.25,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "exp", "mean": 150},
        "replications": 10, "seed": 9
    }));
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert!(
        m.live_answers.mean * 10.0 >= 100_000.0,
        "{}",
        m.live_answers.mean
    );
    assert_eq!(m.abandoned.mean, 0.0);
    assert_eq!(m.abandon_rate.ci95, Some([0.0, 0.0]));
    assert_relative(
        "occupancy",
        &m.occupancy,
        150.0 / (150.0 + 8.0 + 3.0 * 20.0),
        0.01,
    );
    assert!((150.0 / 218.0f64 - 0.688_073).abs() < 5e-7);
    assert_eq!(m.peak_lines.mean, 10.0);
}
