//! Time-varying shape: the schedule's buckets drive the call population and the report, and the
//! history mapping reproduces the history it came from.

use dialer::simulate;
use serde_json::json;

use crate::common::{assert_rate, scenario};

#[test]
fn each_bucket_dials_at_its_own_answer_rate_and_talk_time() {
    let s = scenario(json!({
        "agents": 20, "window_minutes": 300, "warmup_minutes": 30,
        "dialer": {"mode": "progressive"},
        "live_answer_probability": 0.3,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "replications": 6, "seed": 12,
        "buckets": [
            {"minutes": 60, "live_answer_probability": 0.2},
            {"minutes": 40, "live_answer_probability": 0.6, "talk_seconds": {"dist": "fixed", "mean": 300}}
        ]
    }));
    let report = simulate(&s, dialer::Options::default());
    // 0–60 (counted from 30), 60–100, 100–160, 160–200, 200–260, 260–300.
    let spans: Vec<(usize, f64, f64)> = report
        .buckets
        .iter()
        .map(|b| (b.index, b.start_minute, b.end_minute))
        .collect();
    assert_eq!(
        spans,
        vec![
            (0, 30.0, 60.0),
            (1, 60.0, 100.0),
            (2, 100.0, 160.0),
            (3, 160.0, 200.0),
            (4, 200.0, 260.0),
            (5, 260.0, 300.0)
        ]
    );
    for bucket in &report.buckets {
        let p = if bucket.index % 2 == 0 { 0.2 } else { 0.6 };
        assert_rate("answer_rate", &bucket.metrics.answer_rate, 6, p);
    }
    // Five-minute talks keep agents busier than one-minute ones.
    assert!(report.buckets[3].metrics.occupancy.mean > report.buckets[2].metrics.occupancy.mean);
    // The window's counts are the sum of the buckets'.
    let dials: f64 = report.buckets.iter().map(|b| b.metrics.dials.mean).sum();
    assert!((dials - report.metrics.dials.mean).abs() < 1e-6 * dials);
}

#[test]
fn a_bucket_wholly_in_the_warmup_is_left_out() {
    let s = scenario(json!({
        "agents": 3, "window_minutes": 150, "warmup_minutes": 60,
        "dialer": {"mode": "progressive"},
        "live_answer_probability": 0.3,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "replications": 2
    }));
    let report = simulate(&s, dialer::Options::default());
    let indices: Vec<usize> = report.buckets.iter().map(|b| b.index).collect();
    assert_eq!(indices, vec![1, 2]);
    assert_eq!(report.buckets[1].end_minute, 150.0);
}
