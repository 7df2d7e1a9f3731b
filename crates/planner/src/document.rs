//! The plan's outputs as text, written into whatever the caller passes: the `--json` document (rows
//! streamed, conclusions last), CSV lines, and the JSON Lines of a shard with its first and last
//! line.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::recommend::{Outcome, Setting};
use crate::row::RowSummary;
use crate::spec::{PlanSpec, Shard};
use crate::strategy::describe;

/// Writes the `--json` document: `{"plan", "rows": […], "recommendation", "reason", "frontier"}`,
/// one row per line, so a grid of any size is written without holding its rows.
pub struct JsonDocument<W: Write> {
    out: W,
    rows: usize,
}

impl<W: Write> JsonDocument<W> {
    /// Writes the opening and the plan.
    pub fn begin(mut out: W, spec: &PlanSpec) -> io::Result<Self> {
        write!(out, "{{\"plan\":{},\n\"rows\":[", to_json(spec))?;
        Ok(Self { out, rows: 0 })
    }

    /// Writes the next row (its JSON text).
    pub fn row(&mut self, text: &str) -> io::Result<()> {
        let sep = if self.rows == 0 { "\n" } else { ",\n" };
        self.rows += 1;
        write!(self.out, "{sep}{text}")
    }

    /// Writes the conclusions and closes the document.
    pub fn finish(mut self, spec: &PlanSpec, outcome: &Outcome) -> io::Result<W> {
        let (recommendation, reason) = match &outcome.recommendation {
            Ok(r) => (serde_json::to_value(r).unwrap_or(Value::Null), Value::Null),
            Err(reason) => (Value::Null, Value::String(reason.clone())),
        };
        let frontier: Vec<Value> = outcome
            .frontier
            .iter()
            .map(|&i| setting_json(spec, &outcome.settings[i]))
            .collect();
        writeln!(
            self.out,
            "\n],\n\"recommendation\":{recommendation},\n\"reason\":{reason},\n\"frontier\":{}}}",
            Value::Array(frontier)
        )?;
        Ok(self.out)
    }
}

/// A setting's summary, as in the frontier.
pub fn setting_json(spec: &PlanSpec, setting: &Setting) -> Value {
    let at = setting.at_planning(spec);
    json!({
        "setting": describe(&setting.strategy),
        "strategy": setting.strategy,
        "agents": setting.agents,
        "connects_per_agent_hour": at.map(|r| r.connects_per_agent_hour),
        "connects_per_hour": at.map(RowSummary::connects_per_hour),
        "abandon_rate": at.map(|r| r.abandon_rate),
        "worst_breach_risk": setting.worst().breach_upper,
        "worst_breach_share": setting.worst_share(),
        "qualifies": setting.qualifies(spec),
        "rows": setting.rows.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
    })
}

/// The CSV header line.
pub const CSV_HEADER: &str = "row,unit,step,answer_rate,agents,setting,abandon_rate,\
connects_per_agent_hour,connects_per_hour,occupancy,breach_share,breach_upper,breach_n";

/// One CSV line for row `index`.
pub fn csv_line(index: usize, r: &RowSummary) -> String {
    format!(
        "{index},{},{},{},{},{},{},{},{},{},{},{},{}",
        r.unit,
        r.step,
        r.answer_rate,
        r.agents,
        describe(&r.strategy),
        r.abandon_rate,
        r.connects_per_agent_hour,
        r.connects_per_hour(),
        r.occupancy,
        r.breach_share,
        r.breach_upper,
        r.breach_n
    )
}

/// A shard file's first line: which shard, and the whole plan (so a merge can check that every
/// part belongs to the same plan).
pub fn shard_header(spec: &PlanSpec, shard: Shard) -> String {
    format!(
        "{{\"plan_shard\":{},\"plan\":{}}}",
        to_json(&shard),
        to_json(spec)
    )
}

/// A shard file's last line: without it, a merge treats the part as cut short.
pub fn shard_footer(shard: Shard, rows: usize) -> String {
    format!(
        "{{\"plan_shard_end\":{{\"index\":{},\"rows\":{rows}}}}}",
        shard.index
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Invariant: plan types are plain data (numbers, strings, enums) and always serialise.
    serde_json::to_string(value).unwrap_or_default()
}
