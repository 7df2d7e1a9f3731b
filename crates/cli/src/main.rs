//! `cxone-sim`: predict what a predictive dialer does at a given answer rate.
//!
//! # Layout
//! - `args`: the command line (clap), written for `--help`.
//! - `config`: the environment and `.env`, read here and nowhere else.
//! - `pipeline`: `run` — validate, simulate, variance, webhook, audit.
//! - `backends`: the local engine and the CXone client behind one interface; failures → exit codes.
//! - `validate_cmd`, `simulate_cmd`, `serve_cmd`: the other commands.
//! - `webhook`, `audit` (in the library, `src/lib.rs`, shared with the Python package): the
//!   workforce-planner notification and the JSON Lines audit log.
//! - `input`, `output`, `failure`: reading files, printing tables and JSON, exit codes and hints.
//! - `progress`: the progress bar of long engine runs.

mod args;
mod backends;
mod config;
mod failure;
mod input;
mod output;
mod pipeline;
mod progress;
mod serve_cmd;
mod simulate_cmd;
mod validate_cmd;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cli::{audit, webhook};
use tracing_subscriber::EnvFilter;

use crate::args::{Cli, Command, LogFormat};
use crate::failure::Failure;

fn main() -> ExitCode {
    // `.env` first, so that clap's `env` defaults see it; variables already set win.
    let dotenv = config::load_dotenv();
    let cli = Cli::parse();
    // The emulator's request log is its main output on stderr: on by default.
    let quiet_level = if matches!(cli.command, Command::Serve(_)) {
        1
    } else {
        0
    };
    init_logging(cli.verbose.max(quiet_level), cli.log_format);
    if let Err(failure) = dotenv {
        return failure.report();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return Failure::runtime(anyhow::anyhow!("could not start the async runtime: {e}"))
                .report();
        }
    };
    runtime.block_on(async {
        let done = match &cli.command {
            Command::Run(args) => return pipeline::run(args).await,
            Command::Validate(args) => validate_cmd::run(args),
            Command::Simulate(args) => simulate_cmd::run(args).await,
            Command::Serve(args) => serve_cmd::run(args).await,
        };
        match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.report(),
        }
    })
}

fn init_logging(verbose: u8, format: LogFormat) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().init(),
    }
}
