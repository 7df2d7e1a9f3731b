//! Call outcomes and answering-machine detection (DESIGN §9) against closed forms: without
//! detection and with machines unheard the engine runs as without outcomes, bit for bit; machines
//! sent to agents for a fixed time mix into the Erlang B and Engset loads; detection time counts
//! against the 2-second rule; the Callmedia budget example.

use dialer::erlang;
use serde_json::{Value, json};

use crate::common::{assert_rate, assert_relative, scenario};

/// A scenario with `fields` over a base of 10 agents and exponential 60 s talk.
fn with(fields: Value) -> dialer::ValidScenario {
    let mut base = json!({
        "agents": 10, "window_minutes": 600, "warmup_minutes": 30,
        "talk_seconds": {"dist": "exp", "mean": 60},
        "replications": 4, "seed": 21
    });
    for (key, value) in fields.as_object().unwrap() {
        base[key] = value.clone();
    }
    scenario(base)
}

/// The same attempts, with and without an `outcomes` block: machines, busy lines and no-answers
/// all ring for `ring_seconds.other`, and with no `amd` block machines end unheard.
fn legacy_and_split(
    dialer: Value,
    buckets: Option<Value>,
) -> (dialer::ValidScenario, dialer::ValidScenario) {
    let other = json!({"dist": "exp", "mean": 20});
    let live = json!({"dist": "lognormal", "mean": 8, "cv": 0.5});
    let mut legacy = json!({
        "dialer": dialer,
        "live_answer_probability": 0.25,
        "ring_seconds": {"live": live, "other": other},
        "patience_seconds": {"dist": "fixed", "mean": 2},
    });
    let mut split = json!({
        "dialer": dialer,
        "outcomes": {"live": 0.25, "machine": 0.4, "busy": 0.05, "no_answer": 0.3,
                     "ring_seconds": {"live": live, "machine": other, "busy": other, "no_answer": other}},
        "patience_seconds": {"dist": "fixed", "mean": 2},
    });
    if let Some(buckets) = buckets {
        legacy["buckets"] = buckets.clone();
        split["buckets"] = buckets;
    }
    (with(legacy), with(split))
}

#[test]
fn without_detection_and_with_machines_unheard_the_run_is_unchanged_bit_for_bit() {
    let buckets = json!([{"minutes": 120, "live_answer_probability": 0.2},
                         {"minutes": 60, "live_answer_probability": 0.35},
                         {"minutes": 90}]);
    for (dialer, buckets) in [
        (json!({"mode": "ratio", "level": 2.0}), None),
        (json!({"mode": "predictive"}), Some(buckets.clone())),
        (
            json!({"mode": "adaptive", "variant": "tapered"}),
            Some(buckets),
        ),
        (json!({"mode": "progressive"}), None),
    ] {
        let (legacy, split) = legacy_and_split(dialer.clone(), buckets);
        let (a, b) = (
            dialer::simulate(&legacy, dialer::Options::default()),
            dialer::simulate(&split, dialer::Options::default()),
        );
        let names = dialer::Metrics::NAMES;
        let (a_json, b_json) = (
            serde_json::to_value(a.metrics).unwrap(),
            serde_json::to_value(b.metrics).unwrap(),
        );
        for name in names {
            let split_only = matches!(*name, "machines" | "busy" | "no_answer" | "invalid");
            if !split_only {
                assert_eq!(a_json[name], b_json[name], "{dialer}: {name}");
            }
        }
        assert_eq!(
            serde_json::to_value(&a.compliance).unwrap(),
            serde_json::to_value(&b.compliance).unwrap(),
            "{dialer}"
        );
        assert_eq!(a.buckets.len(), b.buckets.len());
        for (x, y) in a.buckets.iter().zip(&b.buckets) {
            assert_eq!(x.metrics.abandon_rate, y.metrics.abandon_rate, "{dialer}");
            assert_eq!(x.metrics.occupancy, y.metrics.occupancy, "{dialer}");
        }
        // The split counts add up to what the legacy run calls "not answered".
        let m = &b.metrics;
        assert_eq!(a.metrics.amd_false_positives.mean, 0.0);
        let split_sum = m.machines.mean + m.busy.mean + m.no_answer.mean + m.invalid.mean;
        assert!(
            (split_sum + m.live_answers.mean - m.dials.mean).abs() < 1e-6,
            "{dialer}: {split_sum} + {} vs {}",
            m.live_answers.mean,
            m.dials.mean
        );
        assert!(m.machines.mean > m.busy.mean, "{dialer}: {m:?}");
        assert_eq!(m.machines_to_agents.mean, 0.0);
    }
}

/// Open-loop dialling where detection is instant, never wrong about people, and lets a share of
/// machines through to agents for a fixed 20 s: agents see a Poisson stream of people and
/// machines, and with no patience the loss system is Erlang B with the handle time mixed
/// (insensitive to its distribution): every arrival, person or machine, is lost with B(n, a).
#[test]
fn machines_sent_to_agents_mix_into_the_erlang_b_load() {
    let (dials_per_minute, live, machine, let_through) = (14.5, 0.5, 0.3, 0.5);
    let (talk, handle) = (60.0, 20.0);
    let s = with(json!({
        "window_minutes": 1_800, "warmup_minutes": 60, "replications": 8,
        "dialer": {"mode": "poisson", "dials_per_minute": dials_per_minute},
        "outcomes": {"live": live, "machine": machine, "no_answer": 0.2,
                     "ring_seconds": {"live": {"dist": "exp", "mean": 10},
                                      "machine": {"dist": "exp", "mean": 10},
                                      "no_answer": {"dist": "fixed", "mean": 20}},
                     "amd": {"detect_seconds": {"dist": "fixed", "mean": 0},
                             "false_positive": 0.0, "false_negative": let_through},
                     "machine_handle_seconds": {"dist": "fixed", "mean": handle}},
    }));
    let to_agents = live + machine * let_through;
    let mean_handle = (live * talk + machine * let_through * handle) / to_agents;
    let traffic = dials_per_minute / 60.0 * to_agents * mean_handle;
    let blocking = erlang::erlang_b(10, traffic);
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert!(
        m.live_answers.mean * 8.0 >= 100_000.0,
        "{}",
        m.live_answers.mean
    );
    assert_rate("abandon_rate", &m.abandon_rate, 8, blocking);
    assert_relative(
        "occupancy",
        &m.occupancy,
        traffic * (1.0 - blocking) / 10.0,
        0.01,
    );
    // A machine is lost as often as a person, and CXone's report counts it as abandoned.
    let machines_routed = m.machines_to_agents.mean + m.machines_abandoned.mean;
    assert_relative(
        "machines routed",
        &dialer::Estimate {
            mean: machines_routed,
            ..m.machines
        },
        m.machines.mean * let_through,
        0.01,
    );
    let machine_loss = m.machines_abandoned.mean / machines_routed;
    assert!(
        (machine_loss - blocking).abs() < 0.01,
        "{machine_loss} vs {blocking}"
    );
    assert_eq!(m.amd_false_positives.mean, 0.0);
}

/// Ratio 1.5 on 10 agents (15 lines, every ring exponential 20 s, patience 0): the Engset case of
/// DESIGN §5.7, where a ringing line now turns into an agent's work at rate (p + m·fn) / 20 s and
/// the hold time mixes talk (exp 60 s) with machines (fixed 30 s).
#[test]
fn machines_sent_to_agents_mix_into_the_engset_load() {
    let (live, machine, let_through) = (0.25, 0.3, 0.2);
    let (talk, handle) = (60.0, 30.0);
    let ring = json!({"dist": "exp", "mean": 20});
    let s = with(json!({
        "window_minutes": 2_160, "warmup_minutes": 60, "replications": 8,
        "dialer": {"mode": "ratio", "level": 1.5},
        "outcomes": {"live": live, "machine": machine, "no_answer": 0.45,
                     "ring_seconds": {"live": ring, "machine": ring, "no_answer": ring},
                     "amd": {"detect_seconds": {"dist": "fixed", "mean": 0},
                             "false_negative": let_through},
                     "machine_handle_seconds": {"dist": "fixed", "mean": handle}},
        "patience_seconds": {"dist": "fixed", "mean": 0},
    }));
    let to_agents = live + machine * let_through;
    let mean_hold = (live * talk + machine * let_through * handle) / to_agents;
    let oracle = erlang::engset(15, 10, to_agents / 20.0 * mean_hold);
    let m = dialer::simulate(&s, dialer::Options::default()).metrics;
    assert!(
        m.live_answers.mean * 8.0 >= 100_000.0,
        "{}",
        m.live_answers.mean
    );
    assert_rate("abandon_rate", &m.abandon_rate, 8, oracle.call_congestion);
    assert_relative("occupancy", &m.occupancy, oracle.occupancy, 0.01);
    assert_eq!(m.peak_lines.mean, 15.0);
}

/// Progressive dialling with detection: per attempt an agent waits for the ring and the detection
/// and works the person (talk) or the machine let through (handle), so occupancy is a renewal
/// ratio; and every person connected after a detection longer than 2 s is late.
#[test]
fn detection_time_counts_against_the_two_second_rule() {
    let (live, machine, fp, fn_) = (0.3, 0.4, 0.05, 0.1);
    let (ring_live, ring_machine, ring_other, handle, talk) = (8.0, 6.0, 20.0, 10.0, 90.0);
    let run = |detect: f64| {
        let s = with(json!({
            "window_minutes": 2_000, "warmup_minutes": 60, "replications": 4,
            "dialer": {"mode": "progressive"},
            "talk_seconds": {"dist": "fixed", "mean": talk},
            "outcomes": {"live": live, "machine": machine, "no_answer": 0.3,
                         "ring_seconds": {"live": {"dist": "fixed", "mean": ring_live},
                                          "machine": {"dist": "fixed", "mean": ring_machine},
                                          "no_answer": {"dist": "fixed", "mean": ring_other}},
                         "amd": {"detect_seconds": {"dist": "fixed", "mean": detect},
                                 "false_positive": fp, "false_negative": fn_},
                         "machine_handle_seconds": {"dist": "fixed", "mean": handle}},
        }));
        dialer::simulate(&s, dialer::Options::default())
    };
    for detect in [1.5, 2.5] {
        let report = run(detect);
        let m = &report.metrics;
        let busy = live * (1.0 - fp) * talk + machine * fn_ * handle;
        let cycle = live * (ring_live + detect)
            + machine * (ring_machine + detect)
            + 0.3 * ring_other
            + busy;
        assert_relative("occupancy", &m.occupancy, busy / cycle, 0.01);
        assert_eq!(m.abandoned.mean, 0.0, "progressive never drops");
        assert!(
            (m.mean_wait_seconds.mean - detect).abs() < 1e-9,
            "the wait runs from the answer: {}",
            m.mean_wait_seconds.mean
        );
        if detect > 2.0 {
            assert_eq!(m.late.mean, m.connected.mean, "every connect is late");
        } else {
            assert_eq!(m.late.mean, 0.0);
        }
        // People hung up on as machines count against every legal regime.
        let persons = m.live_answers.mean + m.amd_false_positives.mean;
        assert!(
            (m.amd_false_positives.mean / persons - fp).abs() < 0.005,
            "{m:?}"
        );
        let fcc = report.compliance.fcc().rate.mean;
        let expected = (m.late.mean + m.amd_false_positives.mean) / persons;
        assert!((fcc - expected).abs() < 0.002, "{fcc} vs {expected}");
    }
}

/// Callmedia's worked example: of 1 000 dials 20 % reach people and 40 % machines; detection
/// hangs up on 4 people among its 400 machine verdicts (1 %). At 3 % of the 200 people, 6 silent
/// calls are allowed and 4 are spent, so the dialer's own drops may use 1 % of live answers.
#[test]
fn the_callmedia_budget_example_holds() {
    let fcc = dialer::Regime::Fcc.rule();
    let counts = dialer::PeriodCounts {
        live: 196,
        false_positives: 4,
        handled: 196,
        ..Default::default()
    };
    assert_eq!((fcc.counts)(&counts), (4, 200));
    assert!((fcc.limit * 200.0 - 6.0).abs() < 1e-12);
    assert!((fcc.headroom(&counts).unwrap() - 0.01).abs() < 1e-15);

    // The same campaign simulated: P(person | machine verdict) = 0.2·0.02 / (0.2·0.02 + 0.4·0.99)
    // = 1 %, and progressive dialling never drops, so only false positives count.
    let s = with(json!({
        "window_minutes": 1_000, "replications": 4,
        "dialer": {"mode": "progressive"},
        "outcomes": {"live": 0.2, "machine": 0.4, "no_answer": 0.4,
                     "ring_seconds": {"live": {"dist": "fixed", "mean": 8},
                                      "machine": {"dist": "fixed", "mean": 8},
                                      "no_answer": {"dist": "fixed", "mean": 20}},
                     "amd": {"detect_seconds": {"dist": "fixed", "mean": 0.5},
                             "false_positive": 0.02, "false_negative": 0.01}},
    }));
    let report = dialer::simulate(&s, dialer::Options::default());
    let m = &report.metrics;
    let verdicts = m.amd_false_positives.mean + m.machines.mean - m.machines_to_agents.mean;
    let people_among_verdicts = m.amd_false_positives.mean / verdicts;
    assert!(
        (people_among_verdicts - 0.01).abs() < 0.002,
        "{people_among_verdicts}"
    );
    let rate = report.compliance.fcc().rate.mean;
    assert!((rate - 0.02).abs() < 0.003, "{rate}");
    assert_eq!(m.abandoned.mean, 0.0);
}
