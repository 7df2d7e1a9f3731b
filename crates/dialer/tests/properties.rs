//! Invariants over random valid scenarios: every dial ends in exactly one outcome, counts add up,
//! rates stay in [0, 1], the same seed gives the same result. (Time running backwards would trip
//! the engine's debug assertion, which these test builds keep on.)

use dialer::replication_tally;
use dialer::{AdaptiveVariant, Bucket, DialerMode, Distribution, RingTimes, Scenario};
use proptest::prelude::*;

fn duration(max_mean: f64) -> impl Strategy<Value = Distribution> {
    prop_oneof![
        (0.0..max_mean).prop_map(|mean| Distribution::Fixed { mean }),
        (0.0..max_mean).prop_map(|mean| Distribution::Exp { mean }),
        (0.1..max_mean, 0.05..2.0).prop_map(|(mean, cv)| Distribution::Lognormal { mean, cv }),
        (0.0..max_mean, 0.0..max_mean).prop_map(|(min, width)| Distribution::Uniform {
            min,
            max: min + width
        }),
    ]
}

/// A ring time: never a mean of 0.
fn ring() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        (0.5..30.0).prop_map(|mean| Distribution::Fixed { mean }),
        (0.5..30.0).prop_map(|mean| Distribution::Exp { mean }),
        (0.5..30.0, 0.05..1.5).prop_map(|(mean, cv)| Distribution::Lognormal { mean, cv }),
        (0.5..20.0, 0.0..20.0).prop_map(|(min, width)| Distribution::Uniform {
            min,
            max: min + width
        }),
    ]
}

fn dialer_mode() -> impl Strategy<Value = DialerMode> {
    prop_oneof![
        Just(DialerMode::Progressive),
        (1.0..3.0).prop_map(|level| DialerMode::Ratio { level }),
        (0.0..30.0).prop_map(|dials_per_minute| DialerMode::Poisson { dials_per_minute }),
        (
            prop_oneof![
                Just(AdaptiveVariant::Hard),
                Just(AdaptiveVariant::Tapered),
                Just(AdaptiveVariant::Average)
            ],
            0.0..0.1,
            1.0..4.0,
            -40.0..40.0
        )
            .prop_map(|(variant, drop_target, max_level, intensity)| {
                DialerMode::Adaptive {
                    variant,
                    drop_target,
                    max_level,
                    intensity,
                }
            }),
        (0.0..0.1).prop_map(|abandon_target| DialerMode::Predictive { abandon_target }),
    ]
}

fn buckets() -> impl Strategy<Value = Option<Vec<Bucket>>> {
    proptest::option::of(proptest::collection::vec(
        (
            5.0..60.0,
            proptest::option::of(0.0..1.0),
            proptest::option::of(duration(200.0)),
        )
            .prop_map(|(minutes, live_answer_probability, talk_seconds)| Bucket {
                minutes,
                live_answer_probability,
                talk_seconds,
            }),
        1..4,
    ))
}

prop_compose! {
    fn scenario()(
        agents in 1u32..25,
        agent_efficiency in prop_oneof![Just(1.0), 0.5..1.0],
        window_minutes in 5.0..90.0,
        warmup_share in 0.0..0.5,
        dialer in dialer_mode(),
        max_lines in proptest::option::of(1u32..60),
        pacing_interval_seconds in prop_oneof![Just(0.0), 0.5..5.0],
        live_answer_probability in prop_oneof![Just(0.0), Just(1.0), 0.0..1.0],
        live in ring(),
        other in ring(),
        talk_seconds in duration(300.0),
        wrap_seconds in duration(30.0),
        patience_seconds in duration(10.0),
        connect_within_seconds in 0.0..5.0,
        replications in 1u32..4,
        seed in any::<u64>(),
        buckets in buckets(),
    ) -> Scenario {
        Scenario {
            agents,
            agent_efficiency,
            window_minutes,
            warmup_minutes: window_minutes * warmup_share,
            dialer,
            max_lines,
            pacing_interval_seconds,
            live_answer_probability,
            ring_seconds: RingTimes { live, other },
            talk_seconds,
            wrap_seconds,
            patience_seconds,
            connect_within_seconds,
            replications,
            seed,
            buckets,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // Failing cases are printed; nothing is written into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_dial_ends_in_exactly_one_outcome(s in scenario()) {
        let s = s.validate().map_err(|v| TestCaseError::fail(format!("{v:?}")))?;
        let tally = replication_tally(&s, 0);
        for (i, b) in tally.buckets.iter().enumerate() {
            prop_assert_eq!(b.dials, b.live_answers + b.not_answered, "bucket {}", i);
            prop_assert_eq!(b.live_answers, b.connected + b.abandoned, "bucket {}", i);
            prop_assert!(b.late <= b.connected);
            prop_assert_eq!(b.waits.total(), b.connected);
            prop_assert!(b.busy_seconds <= b.available_seconds * (1.0 + 1e-9) + 1e-6);
            prop_assert!(b.available_seconds <= b.staffed_seconds * (1.0 + 1e-9) + 1e-6);
            if matches!(s.dialer, DialerMode::Progressive) {
                prop_assert_eq!(b.abandoned, 0);
            }
            if let Some(cap) = s.max_lines {
                prop_assert!(b.peak_lines <= cap);
            }
        }
        // Counted time covers the window after warm-up, for every agent.
        let staffed: f64 = tally.buckets.iter().map(|b| b.staffed_seconds).sum();
        let expected = f64::from(s.agents) * (s.window_minutes - s.warmup_minutes) * 60.0;
        prop_assert!((staffed - expected).abs() <= 1e-6 * expected.max(1.0));
    }

    #[test]
    fn rates_stay_in_range_and_runs_repeat(s in scenario()) {
        let s = s.validate().map_err(|v| TestCaseError::fail(format!("{v:?}")))?;
        let report = dialer::simulate(&s, dialer::Options::default());
        prop_assert_eq!(report.replications, s.replications);
        let mut all = vec![report.metrics];
        all.extend(report.buckets.iter().map(|b| b.metrics));
        for m in &all {
            for rate in [m.answer_rate, m.abandon_rate, m.compliance_abandon_rate, m.occupancy] {
                prop_assert!((0.0..=1.0).contains(&rate.mean), "{:?}", rate);
            }
            for (_, e) in m.named() {
                prop_assert!(e.mean.is_finite() && e.n <= u64::from(s.replications));
                prop_assert!(e.ci95.is_none_or(|[low, high]| low <= e.mean && e.mean <= high));
            }
            prop_assert!(m.compliance_abandon_rate.mean >= m.abandon_rate.mean);
        }
        prop_assert_eq!(dialer::simulate(&s, dialer::Options::default()), report);
    }
}
