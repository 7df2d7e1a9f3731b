//! Engine throughput on the reference scenario, in dial attempts per second.
//!
//! Reference scenario: 100 agents, ratio 1.2, p = 0.3, live ring uniform 1.6–14.4 s, other rings
//! uniform 10–30 s, lognormal talk (mean 120 s, cv 0.8), fixed patience 2 s, pacing after every
//! event. `cargo bench -p dialer --bench engine`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dialer::{DialerMode, Distribution, RingTimes, Scenario};

fn reference(agents: u32, window_minutes: f64, replications: u32) -> Scenario {
    Scenario {
        agents,
        agent_efficiency: 1.0,
        window_minutes,
        warmup_minutes: 0.0,
        dialer: DialerMode::Ratio { level: 1.2 },
        max_lines: None,
        pacing_interval_seconds: 0.0,
        live_answer_probability: 0.3,
        ring_seconds: RingTimes {
            live: Distribution::Uniform {
                min: 1.6,
                max: 14.4,
            },
            other: Distribution::Uniform {
                min: 10.0,
                max: 30.0,
            },
        },
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

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    for threads in [1, 2] {
        let scenario = reference(100, 240.0, 4);
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
            return;
        };
        // The run is deterministic, so its dial count is known before timing it.
        let report = pool.install(|| dialer::simulate(&scenario));
        let dials = report.metrics.dials.mean * f64::from(report.replications);
        group.throughput(Throughput::Elements(dials as u64));
        group.bench_function(
            format!("reference_100_agents_4h_x4_{threads}_threads"),
            |b| {
                b.iter(|| pool.install(|| dialer::simulate(black_box(&scenario))));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
