//! The reference scenario of the speed targets, shared by the criterion bench and the throughput
//! example: ratio 1.2, p = 0.3, live ring uniform 1.6–14.4 s, other rings uniform 10–30 s,
//! lognormal talk (mean 120 s, cv 0.8), fixed patience 2 s, pacing after every event.

use dialer::{DialerMode, Distribution, RingTimes, Scenario};

/// The reference scenario with `agents` agents over `window_minutes`, `replications` times.
pub fn reference(agents: u32, window_minutes: f64, replications: u32) -> Scenario {
    Scenario {
        agents,
        agent_efficiency: 1.0,
        window_minutes,
        warmup_minutes: 0.0,
        dialer: DialerMode::Ratio { level: 1.2 },
        max_lines: None,
        pacing_interval_seconds: 0.0,
        live_answer_probability: Some(0.3),
        ring_seconds: Some(RingTimes {
            live: Distribution::Uniform {
                min: 1.6,
                max: 14.4,
            },
            other: Distribution::Uniform {
                min: 10.0,
                max: 30.0,
            },
        }),
        outcomes: None,
        talk_seconds: Distribution::Lognormal {
            mean: 120.0,
            cv: 0.8,
        },
        wrap_seconds: Distribution::ZERO,
        patience_seconds: Distribution::Fixed { mean: 2.0 },
        connect_within_seconds: 2.0,
        replications,
        seed: 1,
        buckets: None,
    }
}
