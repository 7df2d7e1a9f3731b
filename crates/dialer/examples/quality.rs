//! The strategy-quality grid: for every campaign of [`dialer::quality::grid`], predictive pacing
//! against progressive and against the best fixed RATIO level found by hindsight, each shift
//! simulated from minute 0. Prints a Markdown table (one row per case) to stdout.
//!
//! ```text
//! cargo run --release -p dialer --example quality -- --window 480 --replications 80 --interval 1
//! ```
//!
//! Options: `--window MINUTES` (480), `--replications N` (80; the oracle needs about 60 clean
//! shifts for an upper bound under 5 %), `--interval SECONDS` (pacing interval of every strategy,
//! 1; 0 = after every event), `--max-agents N` (skip larger teams), `--seed S` (1), `--cases
//! I,J,…` (only these rows of the grid, from 0), `--oracle false` (skip the ratio sweep).

use std::process::ExitCode;
use std::time::Instant;

use dialer::DialerMode;
use dialer::quality::{Outcome, best_static_ratio, evaluate, grid, with_dialer};

fn main() -> ExitCode {
    let mut window = 480.0;
    let mut replications = 80;
    let mut interval = 1.0;
    let mut max_agents = u32::MAX;
    let mut seed = 1;
    let mut only: Option<Vec<usize>> = None;
    let mut oracle = true;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let parsed = match pair[0].as_str() {
            "--window" => value.parse().map(|v| window = v).is_ok(),
            "--replications" => value.parse().map(|v| replications = v).is_ok(),
            "--interval" => value.parse().map(|v| interval = v).is_ok(),
            "--max-agents" => value.parse().map(|v| max_agents = v).is_ok(),
            "--seed" => value.parse().map(|v| seed = v).is_ok(),
            "--cases" => value
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<usize>, _>>()
                .map(|v| only = Some(v))
                .is_ok(),
            "--oracle" => value.parse().map(|v| oracle = v).is_ok(),
            _ => false,
        };
        if !parsed {
            eprintln!(
                "usage: quality [--window MINUTES] [--replications N] [--interval SECONDS] \
                 [--max-agents N] [--seed S] [--cases I,J,…] [--oracle true|false]"
            );
            return ExitCode::from(2);
        }
    }
    println!(
        "| case | progressive occ. | best ratio (level: occ., over) | predictive occ. | rate | \
         windows over 3 % (95 % upper) | peak lines | predictive ÷ best ratio | seconds |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let cases = grid().into_iter().enumerate().filter(|(i, c)| {
        c.agents <= max_agents && only.as_ref().is_none_or(|only| only.contains(i))
    });
    for (_, case) in cases {
        let started = Instant::now();
        let scenario = |dialer| case.scenario(dialer, window, interval, replications, seed);
        let run = || -> Result<_, Vec<dialer::Violation>> {
            let predictive = with_dialer(
                &scenario(DialerMode::Progressive),
                DialerMode::Predictive {
                    abandon_target: 0.025,
                },
            )?;
            let progressive = evaluate(&with_dialer(
                &scenario(DialerMode::Progressive),
                DialerMode::Progressive,
            )?);
            let best = if oracle {
                best_static_ratio(&scenario(DialerMode::Progressive), 0.02)?
            } else {
                None
            };
            Ok((evaluate(&predictive), progressive, best))
        };
        let (outcome, progressive, best) = match run() {
            Ok(figures) => figures,
            Err(violations) => {
                for v in violations {
                    eprintln!("{}: {v}", case.label());
                }
                return ExitCode::from(2);
            }
        };
        let (best_cell, ratio_cell) = match best {
            Some((level, best)) => (
                format!(
                    "{level:.2}: {:.3}, {}",
                    best.occupancy,
                    over(&best).split(' ').next().unwrap_or("")
                ),
                format!("{:.3}", outcome.occupancy / best.occupancy),
            ),
            None => ("none compliant".into(), "–".into()),
        };
        println!(
            "| {} | {:.3} | {best_cell} | {:.3} | {:.4} | {} | {:.0} | {ratio_cell} | {:.1} |",
            case.label(),
            progressive.occupancy,
            outcome.occupancy,
            outcome.rate,
            over(&outcome),
            outcome.peak_lines,
            started.elapsed().as_secs_f64(),
        );
    }
    ExitCode::SUCCESS
}

/// `3/80 (0.103)`: shifts over the limit and the upper bound of their share.
fn over(outcome: &Outcome) -> String {
    format!(
        "{}/{} ({:.3})",
        outcome.shifts_over_limit(),
        outcome.windows_over_limit.n,
        outcome.windows_over_limit_upper()
    )
}
