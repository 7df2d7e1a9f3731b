//! Engine throughput on the reference scenario, in dial attempts per second.
//!
//! Reference scenario: 100 agents, ratio 1.2, p = 0.3, live ring uniform 1.6–14.4 s, other rings
//! uniform 10–30 s, lognormal talk (mean 120 s, cv 0.8), fixed patience 2 s, pacing after every
//! event. `cargo bench -p dialer --bench engine`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
#[path = "reference.rs"]
mod reference;

use reference::reference;

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    for threads in [1, 2] {
        let Ok(scenario) = reference(100, 240.0, 4).validate() else {
            return;
        };
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
            return;
        };
        // The run is deterministic, so its dial count is known before timing it.
        let report = pool.install(|| dialer::simulate(&scenario, dialer::Options::default()));
        let dials = report.metrics.dials.mean * f64::from(report.replications);
        group.throughput(Throughput::Elements(dials as u64));
        group.bench_function(
            format!("reference_100_agents_4h_x4_{threads}_threads"),
            |b| {
                b.iter(|| {
                    pool.install(|| {
                        dialer::simulate(black_box(&scenario), dialer::Options::default())
                    })
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
