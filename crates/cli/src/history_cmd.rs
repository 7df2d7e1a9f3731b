//! `cxone-sim history import`: a CXone or Genesys export (or any CSV) into a historical matrix,
//! printed as a table, as JSON, or inside a payload (`--into`).

use std::fmt;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Cell, CellAlignment};
use history::{Answered, ImportError, Imported, Importer, Options, Source};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::failure::{Failure, Outcome};
use crate::input;
use crate::output;

/// Files at least this large get a progress bar (stdin always does, when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 16 << 20;

/// The `history` commands.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Turn a saved export into a historical matrix: one bucket per local time of day, every day
    /// and every skill of the export pooled.
    ///
    /// Sources: `cxone-dialer-contacts` (the JSON of CXone's GET …/wfm-data/skills/dialer-contacts,
    /// rows under `outboundStats` or `wfM_OB_StatsV9`); `cxone-skill-summary` (saved responses of
    /// GET …/skills/summary, each with the request's `startDate` and `endDate` beside
    /// `skillSummaries`); `genesys-aggregates` (the response of Genesys Cloud's POST
    /// /api/v2/analytics/conversations/aggregates/query grouped by outboundCampaignId); `csv` (any
    /// CSV with a header; columns named like the fields, or named with --map).
    ///
    /// Buckets sum dials and answered calls over the days; talk time is the answered-weighted mean
    /// (a bucket without answers takes the overall mean); `abandons` is kept when the export has it.
    /// Every problem (times that do not tile the day, unparseable times, negative counts, connects
    /// over dials, missing columns) is listed with its file, row and field; exit 2.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
}

const IMPORT_EXAMPLES: &str = "Examples:
  cxone-sim history import --from cxone-dialer-contacts examples/history_cxone_dialer_contacts.json \\
      --tz America/New_York --bucket-minutes 60
  cxone-sim history import --from cxone-dialer-contacts export.json --skill 4101,4102 --answered rpc --json
  cxone-sim history import --from cxone-skill-summary examples/history_cxone_skill_summary.json --tz America/New_York
  cxone-sim history import --from genesys-aggregates examples/history_genesys_aggregates.json \\
      --campaign 6f1c2a9e-8d0b-4c55-9a31-2b7e4f0c1d88 --tz Europe/London
  cxone-sim history import --from csv calls.csv --map 'Interval Start=interval_start' --map Dials=attempts \\
      --map Connects=answered --map 'AHT (s)=talk_seconds'
  cxone-sim history import --from csv examples/history_export.csv --tz America/Chicago \\
      --into examples/seed_payload.json | cxone-sim run -

CSV fields: interval_start, attempts, answered, talk_seconds (mean per answered call: seconds or
PT2M5S) are required; interval_end, abandons, skill, campaign are optional. A CSV time with an offset
(Z, -05:00) is converted to --tz; one without is taken as local to --tz.

Exit codes: 0 imported, 1 I/O failure, 2 invalid export or options (every problem listed).";

/// The export formats, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum From {
    /// CXone wfm-data/skills/dialer-contacts (JSON).
    CxoneDialerContacts,
    /// CXone skills/summary (JSON), one document per interval.
    CxoneSkillSummary,
    /// Genesys Cloud analytics conversations aggregates (JSON).
    GenesysAggregates,
    /// Any CSV with a header.
    Csv,
}

impl From {
    fn source(self) -> Source {
        match self {
            From::CxoneDialerContacts => Source::CxoneDialerContacts,
            From::CxoneSkillSummary => Source::CxoneSkillSummary,
            From::GenesysAggregates => Source::GenesysAggregates,
            From::Csv => Source::Csv,
        }
    }
}

/// What counts as answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnsweredArg {
    /// Every connect.
    Connects,
    /// Right-party connects only (CXone).
    Rpc,
}

/// Flags of `history import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export's format.
    #[arg(long, value_enum)]
    pub from: From,
    /// Export files, pooled together (for example one per day or per interval); `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Keep only these skills (repeat, or separate with commas); several are summed into one
    /// campaign. Default: every skill.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub skill: Vec<String>,
    /// Keep only this campaign (skill-summary `campaignId`, Genesys `outboundCampaignId`, CSV `campaign`).
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
    /// What counts as an answered call: every connect, or right-party connects (CXone).
    #[arg(long, value_enum, default_value_t = AnsweredArg::Connects)]
    pub answered: AnsweredArg,
    /// The time zone of the buckets' times of day (IANA name, e.g. America/New_York).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Bucket length in minutes, a multiple of the export's interval dividing the day (default:
    /// the export's own interval).
    #[arg(long, value_name = "N")]
    pub bucket_minutes: Option<u32>,
    /// CSV: the column holding a field, as COLUMN=FIELD (repeat for each).
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = column_map)]
    pub map: Vec<(String, String)>,
    /// Print this payload file (JSON; `-` = stdin) with its historical_matrix replaced; every
    /// other field is kept as it is.
    #[arg(long, value_name = "PAYLOAD")]
    pub into: Option<PathBuf>,
    /// Print `{"historical_matrix": […], "source": {…}}` as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn column_map(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((column, field)) if !column.trim().is_empty() && !field.trim().is_empty() => {
            Ok((column.trim().to_owned(), field.trim().to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not COLUMN=FIELD (for example --map 'Dials=attempts')"
        )),
    }
}

/// Runs a `history` command.
pub fn run(command: &HistoryCommand) -> Outcome {
    match command {
        HistoryCommand::Import(args) => import(args),
    }
}

fn import(args: &ImportArgs) -> Outcome {
    let stdin_uses = args.files.iter().filter(|f| is_stdin(f)).count()
        + usize::from(args.into.as_deref().is_some_and(is_stdin));
    if stdin_uses > 1 {
        return Err(Failure::invalid(anyhow!(
            "stdin (`-`) can be read only once: give the export or the payload as a file"
        )));
    }
    let time_zone = jiff::tz::db().get(&args.tz).map_err(|e| {
        Failure::invalid(anyhow!("--tz {}: not a known time zone: {e}", args.tz))
            .hint("use an IANA name such as America/New_York, Europe/London or UTC")
    })?;
    let options = Options {
        time_zone,
        time_zone_name: args.tz.clone(),
        skills: args.skill.clone(),
        campaign: args.campaign.clone(),
        answered: match args.answered {
            AnsweredArg::Connects => Answered::Connects,
            AnsweredArg::Rpc => Answered::RightParty,
        },
        bucket_minutes: args.bucket_minutes,
        columns: args.map.clone(),
    };
    let mut importer = Importer::new(args.from.source(), options).map_err(failure)?;
    for path in &args.files {
        let name = input::source_name(path);
        let (reader, size): (Box<dyn Read>, Option<u64>) = if is_stdin(path) {
            (Box::new(std::io::stdin().lock()), None)
        } else {
            let file = File::open(path).map_err(|e| {
                Failure::invalid(anyhow!("could not read {name}: {e}"))
                    .hint("check the path; `-` reads the export from stdin")
            })?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        };
        let bar = progress(&name, size);
        let read = importer.read(&name, bar.wrap_read(reader));
        bar.finish_and_clear();
        read.map_err(failure)?;
    }
    let imported = importer.finish().map_err(failure)?;
    match &args.into {
        Some(payload) => print_json(&into_payload(payload, &imported)?),
        None if args.json => print_json(&imported),
        None => {
            print_table(&imported);
            Ok(())
        }
    }
}

fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// A byte progress bar on stderr for large inputs, drawn only when stderr is a terminal.
fn progress(name: &str, size: Option<u64>) -> ProgressBar {
    let large = size.is_none_or(|s| s >= PROGRESS_FROM_BYTES);
    if !large || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
    let template = if size.is_some() {
        "{spinner} reading {msg}: {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {wide_bar}"
    } else {
        "{spinner} reading {msg}: {bytes} ({bytes_per_sec})"
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(name.to_owned());
    bar
}

fn failure(e: ImportError) -> Failure {
    match e {
        ImportError::Options(_) => Failure::invalid(anyhow!(e))
            .hint("see `cxone-sim history import --help` for what each source takes"),
        ImportError::Io { .. } => Failure::runtime(anyhow!(e)),
        ImportError::Syntax { .. } => Failure::invalid(anyhow!(e))
            .hint("check --from: the file must be the export of that source, as saved"),
        ImportError::Invalid { .. } => Failure::invalid(anyhow!(e))
            .hint("fix the rows and fields listed (or filter them out with --skill/--campaign)"),
        other => Failure::invalid(anyhow!(other)),
    }
}

fn print_json(value: &impl Serialize) -> Outcome {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::runtime(anyhow!("could not write JSON: {e}")))?;
    output::emit(&text);
    Ok(())
}

fn print_table(imported: &Imported) {
    let with_abandons = imported.source.interval.abandons;
    let mut table = output::table();
    let mut header = vec![
        "time_bucket",
        "attempted",
        "answered",
        "answer rate",
        "avg talk (s)",
    ];
    if with_abandons {
        header.push("abandons");
    }
    table.set_header(header);
    for b in &imported.historical_matrix {
        let rate = if b.calls_attempted > 0 {
            format!(
                "{:.1} %",
                100.0 * b.calls_answered as f64 / b.calls_attempted as f64
            )
        } else {
            "–".into()
        };
        let mut row = vec![
            Cell::new(&b.time_bucket),
            Cell::new(b.calls_attempted).set_alignment(CellAlignment::Right),
            Cell::new(b.calls_answered).set_alignment(CellAlignment::Right),
            Cell::new(rate).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.1}", b.avg_talk_time_seconds))
                .set_alignment(CellAlignment::Right),
        ];
        if let Some(a) = b.abandons {
            row.push(Cell::new(a).set_alignment(CellAlignment::Right));
        }
        table.add_row(row);
    }
    output::emit(&table);
    let s = &imported.source;
    output::emit(format_args!(
        "{} rows of {} ({} read) from {}; {}-minute data{} in {}-minute buckets, {}; answered = {}",
        s.rows_used,
        s.format,
        s.rows_read,
        s.files.join(", "),
        s.interval.data_minutes,
        if s.interval.inferred {
            " (inferred)"
        } else {
            ""
        },
        s.interval.bucket_minutes,
        s.time_zone,
        s.answered,
    ));
}

/// The payload's fields in their order, each kept byte for byte.
struct Fields(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a payload object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    fields.push((k, v));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The payload with its `historical_matrix` replaced (added when it has none).
fn into_payload(path: &Path, imported: &Imported) -> Outcome<Fields> {
    let text = input::read_text(path)?;
    let mut fields: Fields = input::parse_json(&text, "payload (a JSON object)", path)?;
    let matrix = serde_json::to_string(&imported.historical_matrix)
        .ok()
        .and_then(|m| RawValue::from_string(m).ok())
        .ok_or_else(|| Failure::runtime(anyhow!("could not write the matrix as JSON")))?;
    match fields.0.iter_mut().find(|(k, _)| k == "historical_matrix") {
        Some((_, v)) => *v = matrix,
        None => fields.0.push(("historical_matrix".into(), matrix)),
    }
    Ok(fields)
}
