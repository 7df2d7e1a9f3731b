//! The command line: what each command and flag means, written for the person reading `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

/// How `run` and `simulate` assemble a regime's periods from simulated windows (DESIGN §8), for
/// their `--help`.
macro_rules! periods_help {
    () => {
        "\
Compliance: every regime's abandonment is shown beside the others. fcc (FCC/FTC, 3 %, 30 days per
campaign) and crtc (CRTC, 5 %, a calendar month, taken as 30 days) count abandoned + late + AMD
false positives over every person who answered; ofcom (Ofcom, 3 %, 24 hours) counts the same per
day; cxone (CXone's Abandon Rate Compliance Report, 3 %, a calendar day) counts abandoned over
handled - machines sent to agents + abandoned, and does not see false positives. One replication
is one simulated window, taken as one day. `rate` is the regime's rate per window (mean and 95 %
interval over replications); `windows over limit` is the share of single windows over the limit;
`periods over limit` is the share of the regime's periods over it (Wilson 95 % interval), where a
period of `period_days` windows pools the numerators and denominators of consecutive windows in
replication order when the replications make at least 20 periods, and otherwise as many periods
as there are windows are drawn with replacement from the windows (a fixed stream of the seed, so
the figure is reproducible; 30-day periods need 600 replications for consecutive blocks, so with
the default 20 they are resampled). For ofcom and cxone a period is one window."
    };
}

/// Predict what a predictive dialer does at a given answer rate, before the campaign starts.
///
/// cxone-sim answers: how many calls get answered, how many live answers are abandoned (the law
/// allows 3 %), how busy the agents are, and whether the assumed answer rate is consistent with
/// history. It runs the simulation in process (no credentials needed) or asks a CXone-compatible
/// server.
///
/// A `.env` file in the working directory is read first; variables already set win.
///
/// Exit codes: 0 success, 1 runtime failure (network, HTTP, I/O), 2 invalid input or usage,
/// 3 compliance failure (variance over threshold, or abandonment over the limit).
#[derive(Debug, Parser)]
#[command(
    name = "cxone-sim",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Start with:\n  cxone-sim run examples/seed_payload.json\n  cxone-sim validate examples/seed_payload.json\n  cxone-sim simulate examples/ratio_scenario.json\n  cxone-sim serve\n  cxone-sim history import --from csv examples/history_export.csv"
)]
pub struct Cli {
    /// More log lines on stderr (-v info: what a run does, step by step; -vv debug). `RUST_LOG`
    /// overrides. `NO_COLOR` turns colours off.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log lines as text or as JSON objects (one per line), on stderr; with `json`, errors, hints and
    /// the emulator's banner are JSON objects too.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people.
    Text,
    /// For log collectors: one JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole pipeline on one payload: validate, simulate (adjusting the answer rate if
    /// abandonment is over the limit), check the variance against history, notify the workforce
    /// planner, and append an audit line.
    #[command(
        after_help = concat!(
            periods_help!(),
            " The table marks the regime --regime names as the one that decides the verdict.\n\n",
            "Examples:\n  cxone-sim run examples/seed_payload.json\n  cxone-sim run --json examples/seed_payload.json | jq .variance_analysis\n  cxone-sim run --regime ofcom examples/amd_payload.json\n  CXONE_BACKEND=cxone cxone-sim run payload.json   # ask a CXone-compatible server\n\nExit codes: 0 success, 1 runtime failure, 2 invalid input, 3 compliance failure (REJECTED)."
        )
    )]
    Run(RunArgs),
    /// Check a payload file or a scenario file and list every violation with its field path.
    #[command(
        after_help = "A file with `historical_matrix` is checked as a payload (the rules of `run`), one with `dialer`\nor `window_minutes` as a scenario (the engine's rules of `simulate`).\n\nExit codes: 0 valid, 2 invalid (every violation is listed)."
    )]
    Validate(ValidateArgs),
    /// Run the dialer engine on a payload file or a scenario file and print its metrics.
    #[command(
        after_help = concat!(
            "A payload file is what `run` takes (it has `historical_matrix`); a scenario file\ndescribes the engine directly (agents, dialer mode, distributions; see README).\n\n",
            periods_help!(),
            "\n\nExamples:\n  cxone-sim simulate examples/seed_payload.json\n  cxone-sim simulate --replications 50 --seed 7 examples/ratio_scenario.json --json"
        )
    )]
    Simulate(SimulateArgs),
    /// Start the CXone-compatible emulator: the seed's HTTP contract, answered by the engine.
    #[command(
        after_help = "The development client is dev-client / dev-secret (for local use only).\n\nExample:\n  cxone-sim serve --addr 127.0.0.1:8089\n  curl -s -d grant_type=client_credentials -d client_id=dev-client -d client_secret=dev-secret \\\n       http://127.0.0.1:8089/api/v2/oauth/token"
    )]
    Serve(ServeArgs),
    /// Call history from real exports: `history import` turns a CXone or Genesys export (or any
    /// CSV) into a payload's historical matrix.
    #[command(subcommand)]
    History(crate::history_cmd::HistoryCommand),
    /// Sweep dialer settings, agents and answer rates; recommend the most productive setting
    /// whose risk of a breach stays small at every answer rate the list may really have.
    #[command(after_help = PLAN_HELP)]
    Plan(Box<PlanArgs>),
}

const PLAN_HELP: &str = "\
Every grid point is a row with its complete scenario (`cxone-sim simulate` on it gives the same
metrics). Every row uses the same seed, so replication i draws the same random numbers in every row.

The recommendation: the most connects per agent hour at the input's answer rate (with
--target-connects-per-hour, the fewest agents reaching the target) among the settings whose breach
risk has a Wilson 95 % upper bound within --risk at every answer rate of the band. The breach risk
is the share of simulated windows (shifts) over the regime's limit (--risk-basis window), or of
its periods (--risk-basis period; the FCC's 30 days are assembled from 30 windows).

Replications: 0 breaches in n windows has a Wilson upper bound of 3.84 / (n + 3.84), under 5 %
only from n = 73; the default is the next multiple of 10 above what --risk needs (80 at 5 %).

Shards: --shard I/N runs every N-th unit of the grid and writes JSON Lines; without the flag the
index is read from JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with --shard-count),
SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, AWS_BATCH_JOB_ARRAY_INDEX (with --shard-count) or
BATCH_TASK_INDEX / BATCH_TASK_COUNT. `cxone-sim plan merge PART...` prints what the unsharded run
prints.

Examples:
  cxone-sim plan examples/seed_payload.json
  cxone-sim plan examples/seed_payload.json --report plan.html --csv plan.csv
  cxone-sim plan payload.json --answer-rate 0.30..0.45:0.05 --agents 8..20:2 \\
      --strategy progressive,predictive:0.01..0.02,ratio:1.0..3.0,adaptive:hard
  cxone-sim plan payload.json --target-connects-per-hour 200 --risk 0.02 --replications 200
  cxone-sim plan payload.json --shard 0/4 > part-0.jsonl   # ... 1/4, 2/4, 3/4
  cxone-sim plan merge part-*.jsonl --json

Exit codes: 0 a setting is recommended, 2 invalid input, 3 no setting qualifies (the reason is
printed), 1 runtime failure.";

/// Where the simulation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// In process, with the built-in engine: no credentials, no network.
    Local,
    /// A CXone-compatible server over HTTPS, with OAuth client credentials.
    Cxone,
}

impl Backend {
    /// The name used in output and in the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Local => "local",
            Backend::Cxone => "cxone",
        }
    }
}

/// Flags of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Payload file (JSON); `-` reads stdin. Without one, the seed's example payload built into the
    /// binary is used (examples/seed_payload.json).
    pub payload: Option<PathBuf>,
    /// Where to simulate.
    #[arg(long, env = "CXONE_BACKEND", value_enum, default_value_t = Backend::Local)]
    pub backend: Backend,
    /// Print the result as JSON on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
    /// JSON Lines audit log; one line is appended per run, whatever its outcome.
    #[arg(long, env = "CXONE_AUDIT_LOG", default_value = "simulation_audit.log")]
    pub audit_log: PathBuf,
    /// Workforce planner webhook, notified after a compliant run.
    #[arg(long, env = "WORKFORCE_CALLBACK_URL")]
    pub callback_url: Option<String>,
    /// Seed of the local simulation, 0 to 9007199254740991 (2^53 − 1, so JSON readers keep it
    /// exact; default: derived from the request, so a payload always gives the same answer).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=contract::simulate::MAX_SEED))]
    pub seed: Option<u64>,
    /// Independent replications of the local simulation: 1 to 200 (default 20). More narrows the 95 %
    /// intervals and costs proportionally more time; the work limit (agents × window × replications)
    /// may refuse a large campaign at many replications.
    #[arg(long)]
    pub replications: Option<u32>,
    /// The compliance regime whose rate and limit decide the probability-adjustment step and the
    /// REJECTED verdict of the local backend: fcc (3 %, 30 days), ofcom (3 %, 24 hours), crtc (5 %,
    /// a month) or cxone (CXone's own report, 3 %, a day). A period longer than the window is
    /// assembled from simulated windows as consecutive days (resampled when too few). A cxone
    /// backend applies its own server's rule.
    #[arg(long, env = "CXONE_COMPLIANCE_REGIME", default_value = "fcc", value_parser = regime)]
    pub regime: dialer::Regime,
    /// How many times the answer rate may be lowered by 0.02 when abandonment is over the limit.
    #[arg(long, default_value_t = 1)]
    pub max_adjustments: u32,
    /// Allow plain http:// to hosts other than loopback (the token and webhook travel in clear).
    #[arg(long)]
    pub allow_insecure_http: bool,
}

/// Flags of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Payload file or scenario file (JSON); `-` reads stdin.
    pub payload: PathBuf,
    /// Print the verdict as JSON on stdout (`valid`, `kind`, `violations`).
    #[arg(long)]
    pub json: bool,
}

/// Flags of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Payload file or scenario file (JSON); `-` reads stdin.
    pub file: PathBuf,
    /// Print the report as JSON on stdout instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Seed (overrides the file's), 0 to 9007199254740991 (2^53 − 1, so JSON readers keep it exact).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=contract::simulate::MAX_SEED))]
    pub seed: Option<u64>,
    /// Independent replications: 1 to 10 000 (overrides the file's; default 20).
    #[arg(long)]
    pub replications: Option<u32>,
}

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The compliance regime whose rate and limit the probability-adjustment rule (a 400 asking
    /// for a lower answerRate) holds simulations to: fcc, ofcom, crtc or cxone.
    #[arg(long, env = "CXONE_COMPLIANCE_REGIME", default_value = "fcc", value_parser = regime)]
    pub regime: dialer::Regime,
    /// Address to listen on: an IP address and a port (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "CXONE_EMULATOR_ADDR", default_value = "127.0.0.1:8089")]
    pub addr: std::net::SocketAddr,
    /// The registered client's id.
    #[arg(long, env = "CXONE_EMULATOR_CLIENT_ID", default_value = "dev-client")]
    pub client_id: String,
    /// The registered client's secret.
    #[arg(
        long,
        env = "CXONE_EMULATOR_CLIENT_SECRET",
        default_value = "dev-secret",
        hide_default_value = true,
        hide_env_values = true,
        value_parser = secret
    )]
    pub client_secret: SecretString,
    /// More clients, with their scopes, from a TOML file (`[[client]] id, secret, scopes`).
    #[arg(long)]
    pub clients: Option<PathBuf>,
    /// Lifetime of issued tokens, in seconds (1 to 604 800, a week).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub token_ttl_seconds: u64,
    /// Simulate requests allowed per client per second (token bucket); 0 lifts the limit.
    #[arg(long, default_value_t = 20)]
    pub rate_limit_per_second: u32,
    /// Share of simulate requests answered with 429, 500 or 503, for testing clients (0–1).
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Seed of the injected faults, so a test sees the same sequence every time.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,
    /// On SIGINT or SIGTERM, how long requests in flight may take to finish before their
    /// connections are closed, in seconds (0 to 600, fractions allowed).
    #[arg(long, default_value = "5", value_parser = grace_seconds)]
    pub shutdown_grace_seconds: std::time::Duration,
}

/// Parses a shutdown grace in seconds (0 to 600, fractions allowed).
fn grace_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=600.0).contains(&seconds) {
        return Err(format!("{text} s is out of range; use 0 to 600 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// Parses a regime name (`fcc`, `ofcom`, `crtc`, `cxone`).
fn regime(text: &str) -> Result<dialer::Regime, String> {
    dialer::Regime::from_key(text).ok_or_else(|| {
        let known: Vec<&str> = dialer::Regime::ALL.iter().map(|r| r.key()).collect();
        format!("unknown regime {text:?}; use one of {}", known.join(", "))
    })
}

/// Parses a secret flag straight into a redacting type.
fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}

/// Flags of `plan`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PlanArgs {
    /// `plan merge`.
    #[command(subcommand)]
    pub command: Option<PlanCommand>,
    /// Payload file or scenario file (JSON); `-` reads stdin.
    #[arg(required = true)]
    pub input: Option<PathBuf>,
    /// Answer rates, LO..HI[:STEP] (default: the history's per-bucket spread around the input's
    /// answer rate, at least ±0.02). The input's own answer rate is always in the band.
    #[arg(long, value_name = "LO..HI[:STEP]")]
    pub answer_rate: Option<String>,
    /// Agent counts, LO..HI[:STEP] (default: the input's agents ±50 %).
    #[arg(long, value_name = "LO..HI[:STEP]")]
    pub agents: Option<String>,
    /// Strategies, comma-separated: progressive, predictive[:TARGET|:LO..HI[:STEP]],
    /// ratio[:LEVEL|:LO..HI (bisection)|:LO..HI:STEP (grid)], adaptive[:hard|tapered|average].
    /// Default: progressive,predictive:0.01..0.02,ratio:1.0..3.0 and the input's own setting.
    #[arg(long, value_name = "LIST")]
    pub strategy: Option<String>,
    /// The compliance regime the breach risk is held to (default fcc).
    #[arg(long, value_enum)]
    pub regime: Option<RegimeArg>,
    /// The highest breach-risk upper bound a recommended setting may have, in (0, 1) (default 0.05).
    #[arg(long)]
    pub risk: Option<f64>,
    /// What the breach risk counts: each simulated window (default) or the regime's period.
    #[arg(long, value_enum)]
    pub risk_basis: Option<RiskBasisArg>,
    /// Recommend the fewest agents reaching this many connects per hour instead.
    #[arg(long, value_name = "N")]
    pub target_connects_per_hour: Option<f64>,
    /// Replications (simulated windows) per row; see below for the default.
    #[arg(long)]
    pub replications: Option<u32>,
    /// Seed of every row (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// What the plan prints and writes.
    #[command(flatten)]
    pub outputs: PlanOutputs,
    /// Run shard I of N (from 0) and write its rows as JSON Lines, for `plan merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// The number of shards, with a scheduler index that comes without one
    /// (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
}

/// Subcommands of `plan`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Merge the JSON Lines of every shard of one plan and print what the unsharded run prints.
    Merge(PlanMergeArgs),
}

/// Flags of `plan merge`.
#[derive(Debug, Args)]
pub struct PlanMergeArgs {
    /// The shard files, in any order.
    #[arg(required = true, value_name = "PART.jsonl")]
    pub parts: Vec<PathBuf>,
    /// What the merge prints and writes.
    #[command(flatten)]
    pub outputs: PlanOutputs,
}

/// The outputs of `plan` and `plan merge`.
#[derive(Debug, Clone, Args)]
pub struct PlanOutputs {
    /// Print the plan as one JSON object (rows, recommendation, frontier) instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also write one CSV line per row to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write a self-contained HTML report with charts to FILE.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

/// `--regime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegimeArg {
    /// US FCC/FTC: 3 % per campaign per 30 days.
    Fcc,
    /// UK Ofcom: 3 % per campaign per 24 hours.
    Ofcom,
    /// Canada CRTC: 5 % per calendar month.
    Crtc,
    /// CXone's compliance report: 3 % per business unit per calendar day.
    Cxone,
}

/// `--risk-basis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RiskBasisArg {
    /// Each simulated window (shift) on its own.
    Window,
    /// The regime's own period.
    Period,
}
