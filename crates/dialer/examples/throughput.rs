//! Measures engine throughput on the reference scenario and prints one JSON line:
//! `{"agents":…,"window_minutes":…,"threads":…,"replications":…,"dials":…,"seconds":…,"dials_per_second":…}`.
//!
//! Reference scenario: ratio 1.2 (or, with `--dialer predictive`, the predictive dialer at its
//! default 2.5 % target, also pacing after every event), p = 0.3, live ring uniform 1.6–14.4 s, other rings uniform
//! 10–30 s, lognormal talk (mean 120 s, cv 0.8), fixed patience 2 s, pacing after every event.
//!
//! ```text
//! cargo run --release -p dialer --example throughput -- --window 1440 --agents 100 --threads 1 --replications 4
//! cargo run --release -p dialer --example throughput -- --agents 1000 --dialer predictive
//! ```

#[path = "../benches/reference.rs"]
mod reference;

use std::process::ExitCode;

use reference::reference;
use std::time::Instant;

fn main() -> ExitCode {
    let mut window = 1_440.0;
    let mut agents = 100;
    let mut threads = 1;
    let mut replications = 4;
    let mut predictive = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let parsed = match pair[0].as_str() {
            "--window" => value.parse().map(|v| window = v).is_ok(),
            "--agents" => value.parse().map(|v| agents = v).is_ok(),
            "--threads" => value.parse().map(|v| threads = v).is_ok(),
            "--replications" => value.parse().map(|v| replications = v).is_ok(),
            "--dialer" => match value {
                "ratio" => {
                    predictive = false;
                    true
                }
                "predictive" => {
                    predictive = true;
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !parsed {
            eprintln!(
                "usage: throughput [--window MINUTES] [--agents N] [--threads N] [--replications N] \
                 [--dialer ratio|predictive]"
            );
            return ExitCode::from(2);
        }
    }
    let mut scenario = reference(agents, window, replications);
    if predictive {
        scenario.dialer = dialer::DialerMode::Predictive {
            abandon_target: 0.025,
        };
    }
    let scenario = match scenario.validate() {
        Ok(valid) => valid,
        Err(violations) => {
            for v in violations {
                eprintln!("{v}");
            }
            return ExitCode::from(2);
        }
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("cannot start {threads} threads: {e}");
            return ExitCode::from(1);
        }
    };
    let started = Instant::now();
    let report = pool.install(|| dialer::simulate(&scenario, dialer::Options::default()));
    let seconds = started.elapsed().as_secs_f64();
    let dials = (report.metrics.dials.mean * f64::from(report.replications)).round();
    println!(
        "{}",
        serde_json::json!({
            "dialer": if predictive { "predictive" } else { "ratio" },
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
