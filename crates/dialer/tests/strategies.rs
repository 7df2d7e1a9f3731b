//! How the pacing strategies behave relative to each other (DESIGN §5.2).

use dialer::simulate;
use serde_json::json;

use crate::common::scenario;

#[test]
fn progressive_never_abandons_even_with_pauses_and_patience() {
    for (efficiency, patience) in [(1.0, 0.0), (0.7, 0.0), (0.7, 3.0)] {
        let s = scenario(json!({
            "agents": 7, "agent_efficiency": efficiency, "window_minutes": 600,
            "dialer": {"mode": "progressive"}, "pacing_interval_seconds": 2,
            "live_answer_probability": 0.4,
            "ring_seconds": {"live": {"dist": "lognormal", "mean": 8, "cv": 0.5},
                             "other": {"dist": "uniform", "min": 10, "max": 30}},
            "talk_seconds": {"dist": "lognormal", "mean": 90, "cv": 1.2},
            "wrap_seconds": {"dist": "exp", "mean": 10},
            "patience_seconds": {"dist": "fixed", "mean": patience},
            "replications": 6, "seed": 3
        }));
        let m = simulate(&s, dialer::Options::default()).metrics;
        assert!(m.connected.mean > 1_000.0);
        assert_eq!(
            m.abandoned.mean, 0.0,
            "efficiency {efficiency}, patience {patience}"
        );
        assert_eq!(m.late.mean, 0.0);
    }
}

#[test]
fn ratio_abandons_more_as_the_level_rises() {
    let abandon = |level: f64| {
        let s = scenario(json!({
            "agents": 20, "window_minutes": 480, "warmup_minutes": 30,
            "dialer": {"mode": "ratio", "level": level},
            "live_answer_probability": 0.3,
            "ring_seconds": {"live": {"dist": "uniform", "min": 2, "max": 14},
                             "other": {"dist": "uniform", "min": 10, "max": 30}},
            "talk_seconds": {"dist": "lognormal", "mean": 120, "cv": 0.8},
            "patience_seconds": {"dist": "fixed", "mean": 2},
            "replications": 6, "seed": 8
        }));
        let m = simulate(&s, dialer::Options::default()).metrics;
        (m.abandon_rate, m.occupancy.mean)
    };
    let (low, occ_low) = abandon(1.2);
    let (mid, occ_mid) = abandon(1.6);
    let (high, occ_high) = abandon(2.2);
    // The intervals do not even overlap.
    let [low, mid, high] = [low, mid, high].map(|e| e.ci95.unwrap());
    assert!(low[1] < mid[0], "{low:?} {mid:?}");
    assert!(mid[1] < high[0], "{mid:?} {high:?}");
    assert!(occ_low < occ_mid && occ_mid < occ_high);
}

#[test]
/// VICIdial's ADAPT reacts to drops once they pass its target, so it hovers around the 3 % drop
/// target (measured 3.2–3.4 % here) rather than staying under it: the test pins that band.
fn adaptive_levels_hover_at_their_drop_target_and_beat_progressive() {
    for variant in ["hard", "average", "tapered"] {
        let s = scenario(json!({
            "agents": 20, "window_minutes": 240, "agent_efficiency": 0.9,
            "dialer": {"mode": "adaptive", "variant": variant},
            "live_answer_probability": 0.3,
            "ring_seconds": {"live": {"dist": "lognormal", "mean": 8, "cv": 0.5},
                             "other": {"dist": "fixed", "mean": 20}},
            "talk_seconds": {"dist": "lognormal", "mean": 120, "cv": 1.0},
            "patience_seconds": {"dist": "fixed", "mean": 2},
            "replications": 6, "seed": 4
        }));
        let adaptive = simulate(&s, dialer::Options::default()).metrics;
        let progressive = dialer::Scenario {
            dialer: dialer::DialerMode::Progressive,
            ..s.scenario().clone()
        }
        .validate()
        .unwrap();
        let progressive = simulate(&progressive, dialer::Options::default()).metrics;
        eprintln!(
            "{variant}: {:?} {:?} vs {:?}",
            adaptive.abandon_rate, adaptive.occupancy, progressive.occupancy
        );
        assert!(
            adaptive.occupancy.mean > progressive.occupancy.mean,
            "{variant}"
        );
        let rate = adaptive.abandon_rate.mean;
        assert!((0.02..0.04).contains(&rate), "{variant}: {rate}");
    }
}
