//! Measures engine throughput on the reference scenario and prints one JSON line:
//! `{"agents":…,"window_minutes":…,"threads":…,"replications":…,"dials":…,"seconds":…,"dials_per_second":…}`.
//!
//! Reference scenario: ratio 1.2, p = 0.3, live ring uniform 1.6–14.4 s, other rings uniform
//! 10–30 s, lognormal talk (mean 120 s, cv 0.8), fixed patience 2 s, pacing after every event.
//!
//! ```text
//! cargo run --release -p dialer --example throughput -- --window 1440 --agents 100 --threads 1 --replications 4
//! ```

use std::process::ExitCode;
use std::time::Instant;

fn reference(agents: u32, window_minutes: f64, replications: u32) -> dialer::Scenario {
    dialer::Scenario {
        agents,
        agent_efficiency: 1.0,
        window_minutes,
        warmup_minutes: 0.0,
        dialer: dialer::DialerMode::Ratio { level: 1.2 },
        max_lines: None,
        pacing_interval_seconds: 0.0,
        live_answer_probability: 0.3,
        ring_seconds: dialer::RingTimes {
            live: dialer::Distribution::Uniform {
                min: 1.6,
                max: 14.4,
            },
            other: dialer::Distribution::Uniform {
                min: 10.0,
                max: 30.0,
            },
        },
        talk_seconds: dialer::Distribution::Lognormal {
            mean: 120.0,
            cv: 0.8,
        },
        wrap_seconds: dialer::Distribution::ZERO,
        patience_seconds: dialer::Distribution::Fixed { mean: 2.0 },
        connect_within_seconds: 2.0,
        replications,
        seed: 1,
        buckets: None,
    }
}

fn main() -> ExitCode {
    let mut window = 1_440.0;
    let mut agents = 100;
    let mut threads = 1;
    let mut replications = 4;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let parsed = match pair[0].as_str() {
            "--window" => value.parse().map(|v| window = v).is_ok(),
            "--agents" => value.parse().map(|v| agents = v).is_ok(),
            "--threads" => value.parse().map(|v| threads = v).is_ok(),
            "--replications" => value.parse().map(|v| replications = v).is_ok(),
            _ => false,
        };
        if !parsed {
            eprintln!(
                "usage: throughput [--window MINUTES] [--agents N] [--threads N] [--replications N]"
            );
            return ExitCode::from(2);
        }
    }
    let scenario = reference(agents, window, replications);
    if let Err(violations) = scenario.validate() {
        for v in violations {
            eprintln!("{v}");
        }
        return ExitCode::from(2);
    }
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("cannot start {threads} threads: {e}");
            return ExitCode::from(1);
        }
    };
    let started = Instant::now();
    let report = pool.install(|| dialer::simulate(&scenario));
    let seconds = started.elapsed().as_secs_f64();
    let dials = (report.metrics.dials.mean * f64::from(report.replications)).round();
    println!(
        "{}",
        serde_json::json!({
            "agents": agents,
            "window_minutes": window,
            "threads": threads,
            "replications": replications,
            "dials": dials,
            "seconds": seconds,
            "dials_per_second": dials / seconds,
            "abandon_rate": report.metrics.abandon_rate.mean,
            "occupancy": report.metrics.occupancy.mean,
        })
    );
    ExitCode::SUCCESS
}
