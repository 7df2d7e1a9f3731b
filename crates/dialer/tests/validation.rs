//! Every bad input is reported, each with the path of its field, all at once.

use serde_json::{Value, json};

fn good() -> Value {
    json!({
        "agents": 10, "agent_efficiency": 0.9, "window_minutes": 120, "warmup_minutes": 10,
        "dialer": {"mode": "ratio", "level": 1.5},
        "live_answer_probability": 0.25,
        "ring_seconds": {"live": {"dist": "lognormal", "mean": 8, "cv": 0.5},
                         "other": {"dist": "uniform", "min": 10, "max": 30}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "replications": 5, "seed": 42
    })
}

fn paths_of(scenario: Value) -> Vec<String> {
    let scenario: dialer::Scenario = serde_json::from_value(scenario).unwrap();
    match scenario.check() {
        Ok(()) => vec![],
        Err(violations) => violations.into_iter().map(|v| v.path).collect(),
    }
}

fn with(path: &[&str], value: Value) -> Value {
    let mut doc = good();
    let mut at = &mut doc;
    for key in &path[..path.len() - 1] {
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
    doc
}

#[test]
fn the_good_scenario_passes() {
    assert_eq!(paths_of(good()), Vec::<String>::new());
}

#[test]
fn each_bad_field_is_named() {
    let cases: Vec<(Value, &str)> = vec![
        (with(&["agents"], json!(0)), "agents"),
        (with(&["agents"], json!(10_001)), "agents"),
        (with(&["agent_efficiency"], json!(1.2)), "agent_efficiency"),
        (
            with(&["live_answer_probability"], json!(-0.1)),
            "live_answer_probability",
        ),
        (
            with(&["live_answer_probability"], json!(1.01)),
            "live_answer_probability",
        ),
        (
            with(&["ring_seconds", "live", "mean"], json!(-1)),
            "ring_seconds.live.mean",
        ),
        (
            with(&["ring_seconds", "live", "cv"], json!(0)),
            "ring_seconds.live.cv",
        ),
        (
            with(&["ring_seconds", "other", "min"], json!(40)),
            "ring_seconds.other.max",
        ),
        (
            with(&["talk_seconds", "mean"], json!(-60)),
            "talk_seconds.mean",
        ),
        (
            with(
                &["ring_seconds", "other"],
                json!({"dist": "fixed", "mean": 1e-300}),
            ),
            "ring_seconds.other",
        ),
        (
            with(&["talk_seconds"], json!({"dist": "fixed", "mean": 1e300})),
            "talk_seconds.mean",
        ),
        (
            with(
                &["talk_seconds"],
                json!({"dist": "lognormal", "mean": 60, "cv": 1e300}),
            ),
            "talk_seconds.cv",
        ),
        (
            with(
                &["patience_seconds"],
                json!({"dist": "uniform", "min": 0, "max": 1e12}),
            ),
            "patience_seconds.max",
        ),
        (
            with(&["wrap_seconds"], json!({"dist": "exp", "mean": -1})),
            "wrap_seconds.mean",
        ),
        (
            with(
                &["patience_seconds"],
                json!({"dist": "lognormal", "mean": 2, "cv": -1}),
            ),
            "patience_seconds.cv",
        ),
        (with(&["dialer", "level"], json!(0.8)), "dialer.level"),
        (with(&["dialer", "level"], json!(50)), "dialer.level"),
        (with(&["window_minutes"], json!(0)), "window_minutes"),
        (with(&["window_minutes"], json!(20_000)), "window_minutes"),
        (with(&["warmup_minutes"], json!(120)), "warmup_minutes"),
        (with(&["replications"], json!(0)), "replications"),
        (with(&["replications"], json!(10_001)), "replications"),
        (with(&["max_lines"], json!(0)), "max_lines"),
        (
            with(&["pacing_interval_seconds"], json!(-3)),
            "pacing_interval_seconds",
        ),
        (
            with(&["connect_within_seconds"], json!(-2)),
            "connect_within_seconds",
        ),
        (
            with(
                &["buckets"],
                json!([{"minutes": 60}, {"minutes": 60}, {"minutes": 30, "live_answer_probability": 2}]),
            ),
            "buckets[2].live_answer_probability",
        ),
        (
            with(&["buckets"], json!([{"minutes": 0}])),
            "buckets[0].minutes",
        ),
        (with(&["buckets"], json!([])), "buckets"),
        (
            with(&["dialer"], json!({"mode": "adaptive", "intensity": 60})),
            "dialer.intensity",
        ),
        (
            with(
                &["dialer"],
                json!({"mode": "predictive", "abandon_target": 1.5}),
            ),
            "dialer.abandon_target",
        ),
    ];
    for (scenario, path) in cases {
        let paths = paths_of(scenario);
        assert_eq!(paths, vec![path.to_string()], "expected exactly {path}");
    }
}

#[test]
fn every_violation_is_reported_at_once() {
    let mut bad = good();
    bad["agents"] = json!(0);
    bad["live_answer_probability"] = json!(3);
    bad["dialer"]["level"] = json!(0.5);
    bad["ring_seconds"]["live"]["mean"] = json!(-8);
    bad["replications"] = json!(0);
    let paths = paths_of(bad);
    for path in [
        "agents",
        "live_answer_probability",
        "dialer.level",
        "ring_seconds.live.mean",
        "replications",
    ] {
        assert!(
            paths.iter().any(|p| p == path),
            "{path} missing from {paths:?}"
        );
    }
    assert_eq!(paths.len(), 5);
}

#[test]
fn work_limits_name_the_limit_and_the_figure() {
    // 10 000 agents at level 10 for 7 days, 10 000 times: far over 2e9 dial attempts.
    let mut big = good();
    big["agents"] = json!(10_000);
    big["dialer"]["level"] = json!(10);
    big["window_minutes"] = json!(10_080);
    big["replications"] = json!(10_000);
    big["agent_efficiency"] = json!(1.0);
    let scenario: dialer::Scenario = serde_json::from_value(big).unwrap();
    let violations = scenario.validate().unwrap_err();
    assert_eq!(violations.len(), 1, "{violations:?}");
    let message = violations[0].to_string();
    assert!(message.starts_with("window_minutes: "), "{message}");
    assert!(
        message.contains("2e9") && message.contains("e1"),
        "{message}"
    );
    // A tiny pacing interval is its own work limit.
    let scenario: dialer::Scenario =
        serde_json::from_value(with(&["pacing_interval_seconds"], json!(1e-6))).unwrap();
    let violations = scenario.validate().unwrap_err();
    assert_eq!(violations[0].path, "pacing_interval_seconds");
    // A predictive dialer paced after every event costs O(1) per decision, whatever the team: a
    // 1 000-agent shift of 8 hours, 20 times, is within the limits.
    let mut predictive = good();
    predictive["agents"] = json!(1_000);
    predictive["dialer"] = json!({"mode": "predictive"});
    predictive["window_minutes"] = json!(480);
    predictive["replications"] = json!(20);
    predictive["pacing_interval_seconds"] = json!(0);
    let scenario: dialer::Scenario = serde_json::from_value(predictive).unwrap();
    assert_eq!(scenario.check(), Ok(()));
    // Agent pauses are events too: a slow dialer on a big, part-time team for a week, many times.
    let mut pauses = good();
    pauses["agents"] = json!(10_000);
    pauses["dialer"] = json!({"mode": "progressive"});
    pauses["ring_seconds"]["other"] = json!({"dist": "fixed", "mean": 86_400});
    pauses["ring_seconds"]["live"] = json!({"dist": "fixed", "mean": 86_400});
    pauses["window_minutes"] = json!(10_080);
    pauses["replications"] = json!(1_000);
    let scenario: dialer::Scenario = serde_json::from_value(pauses).unwrap();
    let violations = scenario.validate().unwrap_err();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].message.contains("pauses"), "{violations:?}");
    // Too many bucket occurrences for the report.
    let mut many = with(&["buckets"], json!([{"minutes": 1}]));
    many["window_minutes"] = json!(10_000);
    let scenario: dialer::Scenario = serde_json::from_value(many).unwrap();
    assert_eq!(scenario.validate().unwrap_err()[0].path, "buckets");
}

#[test]
fn an_invalid_scenario_cannot_be_simulated() {
    // Only a `ValidScenario` simulates: validating is the one way to get one.
    let scenario: dialer::Scenario = serde_json::from_value(with(&["agents"], json!(0))).unwrap();
    let violations = scenario.validate().unwrap_err();
    assert_eq!(violations[0].path, "agents");
    let valid = serde_json::from_value::<dialer::Scenario>(good())
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(valid.agents, 10);
    let report = dialer::simulate(&valid, dialer::Options::default());
    assert_eq!(report.replications, 5);
    assert!(report.metrics.dials.mean > 0.0);
}

#[test]
fn non_finite_numbers_are_refused_by_the_checks() {
    let mut scenario: dialer::Scenario = serde_json::from_value(good()).unwrap();
    scenario.talk_seconds = dialer::Distribution::Exp { mean: f64::NAN };
    scenario.window_minutes = f64::INFINITY;
    let paths: Vec<String> = scenario
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert!(
        paths.contains(&"talk_seconds.mean".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"window_minutes".to_string()), "{paths:?}");
}

#[test]
fn an_open_loop_dialer_that_could_queue_without_bound_is_refused() {
    // 100 000 dials a minute, all answered, each caller willing to wait a day: about 1.4e8 callers
    // could wait at once.
    let mut flood = good();
    flood["dialer"] = json!({"mode": "poisson", "dials_per_minute": 100_000});
    flood["live_answer_probability"] = json!(1.0);
    flood["patience_seconds"] = json!({"dist": "fixed", "mean": 86_400});
    flood["window_minutes"] = json!(1_440);
    flood["warmup_minutes"] = json!(0);
    flood["replications"] = json!(1);
    let scenario: dialer::Scenario = serde_json::from_value(flood.clone()).unwrap();
    let violations = scenario.validate().unwrap_err();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].path, "dialer.dials_per_minute");
    assert!(
        violations[0].message.contains("1e6") && violations[0].message.contains("1.440e8"),
        "{violations:?}"
    );
    // The window bounds the wait: the same flood over 5 minutes queues at most 5e5.
    let mut short = flood.clone();
    short["window_minutes"] = json!(5);
    let scenario: dialer::Scenario = serde_json::from_value(short).unwrap();
    assert_eq!(scenario.check(), Ok(()));
    // So does a line cap (waiting answers hold lines).
    let mut capped = flood.clone();
    capped["max_lines"] = json!(500_000);
    let scenario: dialer::Scenario = serde_json::from_value(capped).unwrap();
    assert_eq!(scenario.check(), Ok(()));
    // And short patience.
    let mut patient = flood;
    patient["patience_seconds"] = json!({"dist": "exp", "mean": 30});
    let scenario: dialer::Scenario = serde_json::from_value(patient).unwrap();
    assert_eq!(scenario.check(), Ok(()));
}
