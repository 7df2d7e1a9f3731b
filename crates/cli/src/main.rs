//! `cxone-sim`: predict what a predictive dialer does at a given answer rate.
//!
//! # Layout
//! - `args`: the command line (clap), written for `--help`.
//! - `config`: the environment and `.env`, read here and nowhere else.
//! - `pipeline`: `run` — validate, simulate, variance, webhook, audit.
//! - `backends`: the local engine and the CXone client behind one interface; failures → exit codes.
//! - `validate_cmd`, `simulate_cmd`, `serve_cmd`, `history_cmd`: the other commands.
//! - `webhook`, `audit` (in the library, `src/lib.rs`, shared with the Python package): the
//!   workforce-planner notification and the JSON Lines audit log.
//! - `input`, `output`, `failure`: reading files, printing tables and JSON, exit codes and hints.
//! - `signals`: SIGINT and SIGTERM.
//! - `plan_cmd`, `plan_table`, `plan_report`: `plan` and `plan merge` over the library's `plan`
//!   module (the grid and the rows, shared with the Python package) and the `planner` crate, their
//!   tables and the HTML report.
//! - `progress`: the progress bars of long engine runs and plans.

mod args;
mod backends;
mod config;
mod failure;
mod history_cmd;
mod input;
mod output;
mod pipeline;
mod plan_cmd;
mod plan_report;
mod plan_table;
mod progress;
mod serve_cmd;
mod signals;
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    failure::set_log_format(cli.log_format);
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
    let code = runtime.block_on(async {
        let done = match &cli.command {
            Command::Run(args) => return pipeline::run(args).await,
            Command::Validate(args) => validate_cmd::run(args),
            Command::Simulate(args) => simulate_cmd::run(args).await,
            Command::Serve(args) => serve_cmd::run(args).await,
            Command::History(command) => history_cmd::run(command),
            Command::Plan(args) => plan_cmd::run(args).await,
        };
        match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.report(),
        }
    });
    // A run stopped by a signal may leave an engine thread busy: do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

/// A command line clap refused (exit 2), or `--help` / `--version` (exit 0). With `--log-format json`
/// the error is a JSON line like every other stderr line.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let asked_for_json = {
        let args: Vec<String> = std::env::args().collect();
        args.iter().any(|a| a == "--log-format=json")
            || args
                .windows(2)
                .any(|w| w[0] == "--log-format" && w[1] == "json")
    };
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if asked_for_json && !informational {
        failure::set_log_format(LogFormat::Json);
        let text = error.render().to_string();
        let message = text.trim().trim_start_matches("error: ");
        failure::notice("ERROR", message, &[("exit_code", "2")]);
        return ExitCode::from(2);
    }
    // clap prints to stdout for help and stderr for errors; a closed stdout is not worth a panic.
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// Whether colours are wanted on stderr: a terminal, and `NO_COLOR` unset or empty (no-color.org).
fn colour_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
        LogFormat::Text => builder.with_ansi(colour_wanted()).init(),
        LogFormat::Json => builder.json().init(),
    }
}
