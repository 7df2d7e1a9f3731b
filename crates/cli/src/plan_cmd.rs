//! `cxone-sim plan` and `plan merge`: the grid from the input and the flags, the engine in process
//! row by row, and the outputs — tables, `--json`, `--csv`, `--report`, or a shard's JSON Lines.
//!
//! Rows are streamed: into the JSON document and the CSV file as they come, and into a summary of a
//! few numbers per setting; no report is held. Every output file is written beside its destination
//! under a temporary name and renamed only when complete, so Ctrl-C or a failure never leaves a
//! partial file under the name asked for.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::anyhow;
use cli::plan::{DocumentKind, PlanDocument, RowSink, SpecError};
use planner::document;
use planner::merge::{MergedRows, read_part};
use planner::{PlanError, PlanFlags, PlanSpec, RiskBasis, Shard};
use serde_json::Value;
use tempfile::NamedTempFile;

use crate::args::{PlanArgs, PlanCommand, PlanMergeArgs, PlanOutputs, RegimeArg, RiskBasisArg};
use crate::config;
use crate::failure::{ExitKind, Failure, Outcome};
use crate::input;
use crate::plan_report;
use crate::plan_table;
use crate::progress::PlanProgress;

/// What a plan writes, besides stdout.
type Targets = PlanOutputs;

/// Runs `plan` or `plan merge`.
pub async fn run(args: &PlanArgs) -> Outcome {
    match &args.command {
        Some(PlanCommand::Merge(merge)) => run_merge(merge).await,
        None => run_plan(args).await,
    }
}

fn invalid(e: PlanError) -> Failure {
    let hint = match &e {
        PlanError::Flag { .. } => "see `cxone-sim plan --help` for each flag's form and default",
        PlanError::Scenario { .. } => "narrow --agents or --answer-rate, or shorten the window",
        PlanError::Shard { .. } => "give every part of one `plan --shard I/N` run, each once",
        _ => "see `cxone-sim plan --help`",
    };
    Failure::invalid(anyhow!("{e}")).hint(hint)
}

async fn run_plan(args: &PlanArgs) -> Outcome {
    let Some(path) = &args.input else {
        return Err(Failure::invalid(anyhow!(
            "plan needs a payload or scenario file"
        )));
    };
    let shard = shard_from(args)?;
    let targets = args.outputs.clone();
    if shard.is_some() && (targets.json || targets.csv.is_some() || targets.report.is_some()) {
        return Err(Failure::invalid(anyhow!(
            "--shard writes JSON Lines for `plan merge`; --json, --csv and --report belong to the merge"
        ))
        .hint("run `cxone-sim plan merge PART.jsonl... --report plan.html` once every shard is done"));
    }
    let flags = PlanFlags {
        answer_rate: args.answer_rate.clone(),
        agents: args.agents.clone(),
        strategy: args.strategy.clone(),
        regime: args.regime.map(regime),
        risk: args.risk,
        risk_basis: args.risk_basis.map(|b| match b {
            RiskBasisArg::Window => RiskBasis::Window,
            RiskBasisArg::Period => RiskBasis::Period,
        }),
        target_connects_per_hour: args.target_connects_per_hour,
        replications: args.replications,
        seed: args.seed,
    };
    let spec = plan_spec(path, &flags)?;
    for note in &spec.notes {
        tracing::warn!("{note}");
        eprintln!("note: {note}");
    }
    let interrupted = watch_interrupt();
    let spec = Arc::new(spec);
    let run_spec = Arc::clone(&spec);
    let stop = Arc::clone(&interrupted);
    let done = tokio::task::spawn_blocking(move || -> Result<_, Failure> {
        let progress = PlanProgress::new();
        match shard {
            Some(shard) => run_shard(&run_spec, shard, &stop, &progress).map(|()| None),
            None => {
                let mut writers = Writers::open(&run_spec, &targets)?;
                let Writers { sink, csv } = &mut writers;
                cli::plan::run_rows(
                    &run_spec,
                    None,
                    sink,
                    &mut |index, _, row| {
                        check(&stop)?;
                        csv_row(csv.as_mut(), index, row)
                    },
                    &mut |p| progress.update(p),
                )?;
                Ok(Some((writers, targets)))
            }
        }
    })
    .await
    .map_err(|e| Failure::runtime(anyhow!("the plan stopped unexpectedly: {e}")))??;
    match done {
        None => Ok(()),
        Some((writers, targets)) => finish(&spec, writers, &targets).await,
    }
}

async fn run_merge(args: &PlanMergeArgs) -> Outcome {
    let targets = args.outputs.clone();
    let paths = args.parts.clone();
    let interrupted = watch_interrupt();
    let (spec, writers) = tokio::task::spawn_blocking(move || -> Result<_, Failure> {
        let mut parts = Vec::with_capacity(paths.len());
        for path in &paths {
            parts.push(read_part(&path.display().to_string(), lines(path)?).map_err(invalid)?);
        }
        let spec = planner::merge::check_parts(&parts).map_err(invalid)?;
        let mut writers = Writers::open(&spec, &targets)?;
        let mut sources = Vec::with_capacity(paths.len());
        for path in &paths {
            sources.push(lines(path)?);
        }
        for line in MergedRows::new(sources) {
            check(&interrupted)?;
            let text = line.map_err(|e| Failure::runtime(anyhow!("{e}")))?;
            let row = planner::RowSummary::from_json(&text, spec.regime, spec.risk_basis)
                .map_err(|e| invalid(PlanError::shard("a part", e)))?;
            writers.row(&text, &row)?;
        }
        Ok((spec, (writers, targets)))
    })
    .await
    .map_err(|e| Failure::runtime(anyhow!("the merge stopped unexpectedly: {e}")))??;
    let (writers, targets) = writers;
    finish(&spec, writers, &targets).await
}

/// A file's lines, each read error as text.
fn lines(path: &Path) -> Result<impl Iterator<Item = Result<String, String>> + use<>, Failure> {
    let file = File::open(path)
        .map_err(|e| Failure::invalid(anyhow!("could not read {}: {e}", path.display())))?;
    let name = path.display().to_string();
    Ok(BufReader::new(file)
        .lines()
        .map(move |l| l.map_err(|e| format!("{name}: {e}"))))
}

/// Sets a flag on Ctrl-C, which the row loop checks: the run stops between rows and every
/// temporary file is removed.
fn watch_interrupt() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            set.store(true, Ordering::SeqCst);
        }
    });
    flag
}

fn check(interrupted: &AtomicBool) -> Result<(), Failure> {
    if interrupted.load(Ordering::SeqCst) {
        Err(Failure::runtime(anyhow!(
            "interrupted: no output was written"
        )))
    } else {
        Ok(())
    }
}

/// The regime's key; the planner resolves it against the engine's regimes (one place).
fn regime(arg: RegimeArg) -> String {
    match arg {
        RegimeArg::Fcc => "fcc",
        RegimeArg::Ofcom => "ofcom",
        RegimeArg::Crtc => "crtc",
        RegimeArg::Cxone => "cxone",
    }
    .to_string()
}

impl From<PlanError> for Failure {
    fn from(e: PlanError) -> Self {
        invalid(e)
    }
}

/// `--shard`, or a batch scheduler's index from the environment (DESIGN §10).
fn shard_from(args: &PlanArgs) -> Result<Option<Shard>, Failure> {
    if let Some(text) = &args.shard {
        return Shard::parse(text, "--shard").map(Some).map_err(invalid);
    }
    let index = |name: &'static str| -> Result<Option<u32>, Failure> {
        config::var(name)
            .map(|v| {
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| Failure::invalid(anyhow!("{name} is {v:?}, not a shard index")))
            })
            .transpose()
    };
    let count_flag = |name: &'static str| {
        args.shard_count.ok_or_else(|| {
            Failure::invalid(anyhow!(
                "--shard-count: {name} is set, so this is a shard, but the number of shards is not known"
            ))
            .hint("give --shard-count N (the Job's completions or the array's size), or --shard I/N")
        })
    };
    let found = if let Some(i) = index("JOB_COMPLETION_INDEX")? {
        Some((
            i,
            count_flag("JOB_COMPLETION_INDEX")?,
            "JOB_COMPLETION_INDEX",
        ))
    } else if let Some(id) = index("SLURM_ARRAY_TASK_ID")? {
        // Arrays may start at any index (`--array=1-8`): count from the array's minimum.
        let min = index("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let count = match index("SLURM_ARRAY_TASK_COUNT")? {
            Some(n) => n,
            None => count_flag("SLURM_ARRAY_TASK_ID")?,
        };
        Some((id.saturating_sub(min), count, "SLURM_ARRAY_TASK_ID"))
    } else if let Some(i) = index("AWS_BATCH_JOB_ARRAY_INDEX")? {
        Some((
            i,
            count_flag("AWS_BATCH_JOB_ARRAY_INDEX")?,
            "AWS_BATCH_JOB_ARRAY_INDEX",
        ))
    } else if let Some(i) = index("BATCH_TASK_INDEX")? {
        let count = match index("BATCH_TASK_COUNT")? {
            Some(n) => n,
            None => count_flag("BATCH_TASK_INDEX")?,
        };
        Some((i, count, "BATCH_TASK_INDEX"))
    } else {
        None
    };
    match found {
        None => Ok(None),
        Some((i, n, from)) => {
            let shard = Shard::new(i, n, "--shard").map_err(invalid)?;
            eprintln!("running shard {i}/{n} (from {from})");
            Ok(Some(shard))
        }
    }
}

/// The plan's grid for a payload or a scenario file.
fn plan_spec(path: &Path, flags: &PlanFlags) -> Result<PlanSpec, Failure> {
    let source = input::source_name(path);
    let text = input::read_text(path)?;
    let value: Value = input::parse_value(&text, "JSON file", path)?;
    let document = match DocumentKind::of(&value) {
        Some(DocumentKind::Payload) => {
            PlanDocument::Payload(Box::new(input::payload(value, path)?))
        }
        Some(DocumentKind::Scenario) => PlanDocument::Scenario(Box::new(input::decode(
            value,
            "scenario",
            path,
            crate::validate_cmd::SCENARIO_HINT,
        )?)),
        None => {
            return Err(Failure::invalid(anyhow!(
                "{source} is neither a payload (it has no `historical_matrix`) nor a scenario (it has no `dialer`)"
            )));
        }
    };
    cli::plan::plan_spec(source.clone(), document, flags).map_err(|e| match e {
        SpecError::Violations(list) => crate::output::violations_failure(&source, &list),
        SpecError::Plan(e) => invalid(e),
    })
}

/// Runs one shard, writing its JSON Lines to a spool file that goes to stdout only when complete.
fn run_shard(
    spec: &PlanSpec,
    shard: Shard,
    interrupted: &AtomicBool,
    progress: &PlanProgress,
) -> Result<(), Failure> {
    let mut spool = spool()?;
    writeln!(spool, "{}", document::shard_header(spec, shard)).map_err(io)?;
    let mut rows = 0;
    planner::run_plan(
        spec,
        Some(shard),
        &mut |text, _| {
            check(interrupted)?;
            rows += 1;
            writeln!(spool, "{text}").map_err(io)
        },
        &mut |p| progress.update(p),
    )?;
    writeln!(spool, "{}", document::shard_footer(shard, rows)).map_err(io)?;
    copy_to_stdout(spool)
}

fn io(e: std::io::Error) -> Failure {
    Failure::runtime(anyhow!("could not write the plan: {e}"))
}

fn spool() -> Result<BufWriter<NamedTempFile>, Failure> {
    NamedTempFile::new()
        .map(BufWriter::new)
        .map_err(|e| Failure::runtime(anyhow!("could not create a temporary file: {e}")))
}

fn copy_to_stdout(spool: BufWriter<NamedTempFile>) -> Result<(), Failure> {
    let mut file = spool
        .into_inner()
        .map_err(|e| io(e.into_error()))?
        .into_file();
    file.rewind().map_err(io)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    std::io::copy(&mut file, &mut out).map_err(io)?;
    out.flush().map_err(io)
}

/// A file written under a temporary name beside its destination and renamed when complete.
pub struct AtomicFile {
    file: BufWriter<NamedTempFile>,
    dest: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file beside `dest`.
    pub fn create(dest: &Path) -> Result<Self, Failure> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(|e| {
                Failure::invalid(anyhow!("could not write {}: {e}", dest.display()))
                    .hint("check that the directory exists and is writable")
            })?;
        Ok(Self {
            file: BufWriter::new(file),
            dest: dest.to_path_buf(),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<NamedTempFile> {
        &mut self.file
    }

    /// Renames the complete file to its destination.
    pub fn commit(self) -> Result<(), Failure> {
        let fail =
            |e: String| Failure::runtime(anyhow!("could not write {}: {e}", self.dest.display()));
        let file = self
            .file
            .into_inner()
            .map_err(|e| fail(e.error().to_string()))?;
        file.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
        file.persist(&self.dest)
            .map_err(|e| fail(e.error.to_string()))?;
        Ok(())
    }
}

/// Where rows go as they come: the JSON document (spooled) and the summary, and the CSV file.
struct Writers {
    sink: RowSink<BufWriter<NamedTempFile>>,
    csv: Option<AtomicFile>,
}

impl Writers {
    fn open(spec: &PlanSpec, targets: &Targets) -> Result<Self, Failure> {
        let json = if targets.json { Some(spool()?) } else { None };
        let csv = match &targets.csv {
            Some(path) => {
                let mut file = AtomicFile::create(path)?;
                writeln!(file.writer(), "{}", document::CSV_HEADER).map_err(io)?;
                Some(file)
            }
            None => None,
        };
        Ok(Self {
            sink: RowSink::new(spec, json).map_err(io)?,
            csv,
        })
    }

    /// A row of a merge: into the CSV file and the sink.
    fn row(&mut self, text: &str, row: &planner::RowSummary) -> Result<(), Failure> {
        csv_row(self.csv.as_mut(), self.sink.rows(), row)?;
        self.sink.row(text, row).map_err(io)
    }
}

fn csv_row(
    csv: Option<&mut AtomicFile>,
    index: usize,
    row: &planner::RowSummary,
) -> Result<(), Failure> {
    match csv {
        Some(csv) => writeln!(csv.writer(), "{}", document::csv_line(index, row)).map_err(io),
        None => Ok(()),
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        io(e)
    }
}

/// The conclusions: the report, the CSV and the JSON document or the tables; exit 3 without a
/// recommendation.
async fn finish(spec: &PlanSpec, writers: Writers, targets: &Targets) -> Outcome {
    let Writers { sink, csv } = writers;
    let (outcome, json) = sink.finish(spec).map_err(io)?;
    if let Some(path) = &targets.report {
        let mut file = AtomicFile::create(path)?;
        let day = match &outcome.recommendation {
            Ok(r) => {
                let scenario = spec.scenario(spec.planning_index, r.agents, r.strategy);
                let valid = planner::simulation::validate_point(&scenario)?;
                Some(
                    tokio::task::spawn_blocking(move || {
                        dialer::simulate(&valid, dialer::Options::default())
                    })
                    .await
                    .map_err(|e| Failure::runtime(anyhow!("the day's run stopped: {e}")))?,
                )
            }
            Err(_) => None,
        };
        let html = plan_report::render(spec, &outcome, day.as_ref());
        file.writer().write_all(html.as_bytes()).map_err(io)?;
        file.commit()?;
    }
    if let Some(csv) = csv {
        csv.commit()?;
    }
    match json {
        Some(json) => copy_to_stdout(json)?,
        None => plan_table::print(spec, &outcome),
    }
    match &outcome.recommendation {
        Ok(_) => Ok(()),
        Err(reason) => Err(Failure {
            kind: ExitKind::Compliance,
            error: anyhow!("no recommendation: {reason}"),
            hint: Some(
                "widen --agents, try lower predictive targets or ratio levels, or accept more --risk"
                    .into(),
            ),
        }),
    }
}
