//! Rates over zero denominators: a replication where a bucket has no live answers is left out of
//! that bucket's abandon rate instead of counting as 0.

use dialer::{MetricValues, replication_tally, simulate};
use serde_json::json;

use crate::common::scenario;

#[test]
fn a_bucket_abandon_rate_is_the_mean_over_replications_with_live_answers() {
    let replications: u32 = 12;
    let s = scenario(json!({
        "agents": 2, "window_minutes": 60,
        "dialer": {"mode": "ratio", "level": 4},
        "live_answer_probability": 0.3,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 6}, "other": {"dist": "fixed", "mean": 25}},
        "talk_seconds": {"dist": "exp", "mean": 60},
        "patience_seconds": {"dist": "fixed", "mean": 1},
        "replications": replications, "seed": 21,
        "buckets": [
            {"minutes": 3, "live_answer_probability": 0.4},
            {"minutes": 3, "live_answer_probability": 0.01}
        ]
    }));
    let report = simulate(&s, dialer::Options::default());
    let mut sparse_with_drops = 0;
    for bucket in &report.buckets {
        let defined: Vec<f64> = (0..u64::from(replications))
            .map(|r| {
                MetricValues::from_tally(&replication_tally(&s, r).buckets[bucket.index])
                    .abandon_rate
            })
            .filter(|v| !v.is_nan())
            .collect();
        let rate = bucket.metrics.abandon_rate;
        assert_eq!(rate.n, defined.len() as u64, "bucket {}", bucket.index);
        if defined.is_empty() {
            assert_eq!((rate.mean, rate.ci95), (0.0, None));
            continue;
        }
        let mean = defined.iter().sum::<f64>() / defined.len() as f64;
        assert!(
            (rate.mean - mean).abs() < 1e-12,
            "bucket {}: {rate:?} vs {mean}",
            bucket.index
        );
        assert_eq!(rate.ci95.is_some(), defined.len() >= 2);
        if defined.len() < replications as usize && mean > 0.0 {
            // Counting the replications without live answers as 0 would have given less.
            let padded = defined.iter().sum::<f64>() / f64::from(replications);
            assert!(padded < rate.mean);
            sparse_with_drops += 1;
        }
        // The counts are defined in every replication.
        assert_eq!(bucket.metrics.dials.n, u64::from(replications));
    }
    assert!(
        sparse_with_drops > 0,
        "no bucket lacked live answers in some replications while dropping in others"
    );
}
