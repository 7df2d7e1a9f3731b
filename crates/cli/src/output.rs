//! What the commands print: tables for people, JSON for machines (stdout); messages go to stderr.

use std::io::IsTerminal as _;

use anyhow::anyhow;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use contract::{ComplianceReport, ShareEstimate};
use cxone::{MetricEstimate, SimulatedMetrics, Violation};

use crate::failure::Failure;
use crate::pipeline::RunResult;

/// The legal ceiling on abandoned live answers.
use emulator::simulation::COMPLIANCE_ABANDON_LIMIT as ABANDON_LIMIT;

/// Width tables are laid out for when the terminal reports none (or an unusable one).
pub const FALLBACK_WIDTH: u16 = 100;

/// A table in the house look. A terminal that reports no width, or one too narrow for a table, gets
/// [`FALLBACK_WIDTH`] instead of columns of one character.
pub fn table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // Off a terminal comfy-table does not wrap at all; on one, a width of 0 (or nearly) is a terminal
    // that reports none.
    if std::io::stdout().is_terminal() && table.width().is_none_or(|w| w < 40) {
        table.set_width(FALLBACK_WIDTH);
    }
    table
}

/// Prints `text` and a newline on stdout. A reader that went away (`cxone-sim … | head`) ends the
/// process quietly, as other command-line tools do; any other write error is reported once.
pub fn emit(text: impl std::fmt::Display) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        crate::failure::notice(
            "ERROR",
            &format!("error: could not write to stdout: {e}"),
            &[],
        );
        std::process::exit(1);
    }
}

/// The failure for a payload's violations: every one, with its path, exit 2.
pub fn violations_failure(source: &str, violations: &[Violation]) -> Failure {
    listed_violations(source, violations).hint(PAYLOAD_HINT)
}

/// The hint after a payload's problems.
pub const PAYLOAD_HINT: &str = "fix the fields listed, then run `cxone-sim validate` to check";

/// Every violation with its path, exit 2, without a hint (the caller names the next step).
pub fn listed_violations(source: &str, violations: &[Violation]) -> Failure {
    let list: Vec<String> = violations.iter().map(|v| format!("  - {v}")).collect();
    Failure::invalid(anyhow!(
        "{source} has {} problem{}:\n{}",
        violations.len(),
        if violations.len() == 1 { "" } else { "s" },
        list.join("\n")
    ))
}

/// `0.0231 (0.0210–0.0252)`, with the interval when there is one.
fn with_ci(estimate: MetricEstimate, format: fn(f64) -> String) -> String {
    match estimate.ci95 {
        Some([lo, hi]) if hi > lo => {
            format!("{}  ({})", format(estimate.mean), interval(lo, hi, format))
        }
        _ => format(estimate.mean),
    }
}

/// `lo – hi`. Every figure shown is a count, a share or a time, none below 0, so the normal
/// interval is cut at 0 (a mean wait of 0 s reads `0.00 s – 0.00 s`, not `-0.00 s`).
pub fn interval(lo: f64, hi: f64, format: fn(f64) -> String) -> String {
    format!("{} – {}", format(lo.max(0.0)), format(hi))
}

/// A share as a percentage with two decimals.
pub fn percent(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// A count, rounded.
pub fn count(x: f64) -> String {
    format!("{:.0}", x)
}

/// Seconds with two decimals.
pub fn seconds(x: f64) -> String {
    format!("{x:.2} s")
}

/// How a metric is shown: its label, where it is in the metrics, and its format.
pub type MetricColumn = (
    &'static str,
    fn(&SimulatedMetrics) -> Option<MetricEstimate>,
    fn(f64) -> String,
);

/// The label of the abandon rate held against the compliance limit.
const ABANDON_RATE_LABEL: &str = "abandon rate";

/// How a metric's row is labelled: the abandon rate held against the limit names the limit.
pub fn metric_label(label: &str) -> String {
    if label == ABANDON_RATE_LABEL {
        format!("{label} (limit {} %)", ABANDON_LIMIT * 100.0)
    } else {
        label.to_owned()
    }
}

/// The engine's metrics in the order people read them.
pub const METRICS: [MetricColumn; 12] = [
    ("dial attempts", |m| m.dials, count),
    ("live answers", |m| m.live_answers, count),
    ("answer rate", |m| m.answer_rate, rate),
    ("connected to an agent", |m| m.connected, count),
    ("abandoned", |m| m.abandoned, count),
    ("late (connected after 2 s)", |m| m.late, count),
    (
        ABANDON_RATE_LABEL,
        |m| m.compliance_abandon_rate.or(m.abandon_rate),
        percent,
    ),
    ("agent occupancy", |m| m.occupancy, percent),
    (
        "connects per agent hour",
        |m| m.connects_per_agent_hour,
        one_decimal,
    ),
    ("mean wait for an agent", |m| m.mean_wait_seconds, seconds),
    ("90th percentile wait", |m| m.p90_wait_seconds, seconds),
    ("peak lines in use", |m| m.peak_lines, count),
];

/// How attempts ended beyond the live answers, and what detection did: shown only when the answer
/// reports them above 0 (a campaign without answering machines has none).
pub const OUTCOME_METRICS: [MetricColumn; 6] = [
    ("answering machines", |m| m.machines, count),
    (
        "AMD false positives (people hung up on)",
        |m| m.amd_false_positives,
        one_decimal,
    ),
    ("machines sent to an agent", |m| m.machines_to_agents, count),
    ("busy", |m| m.busy, count),
    ("no answer", |m| m.no_answer, count),
    ("invalid numbers", |m| m.invalid, count),
];

/// The figures the table shows that an answer does not report, by label.
pub fn not_reported(metrics: Option<&SimulatedMetrics>) -> Vec<&'static str> {
    METRICS
        .iter()
        .filter(|(_, get, _)| metrics.and_then(get).is_none())
        .map(|(label, _, _)| *label)
        .collect()
}

/// A rate with four decimals.
pub fn rate(x: f64) -> String {
    format!("{x:.4}")
}

/// One decimal.
pub fn one_decimal(x: f64) -> String {
    format!("{x:.1}")
}

/// Prints `run`'s result.
pub fn print_run(result: &RunResult, json: bool) {
    if json {
        match serde_json::to_string_pretty(result) {
            Ok(text) => emit(text),
            Err(e) => crate::failure::notice(
                "ERROR",
                &format!("error: could not encode the result as JSON: {e}"),
                &[],
            ),
        }
        return;
    }
    if result.simulation_result.is_none() {
        // Nothing was simulated: the error on stderr says it all.
        return;
    }
    let mut t = table();
    t.set_header(vec![
        Cell::new(format!("run {}", result.status.as_str())),
        Cell::new(""),
    ]);
    let mut row = |k: &str, v: String| {
        t.add_row(vec![
            Cell::new(k),
            Cell::new(v).set_alignment(CellAlignment::Left),
        ]);
    };
    row("backend", result.backend.to_owned());
    if let Some(id) = &result.campaign_id {
        row("campaign", id.clone());
    }
    if let Some(rate) = result.answer_rate_requested {
        let note = match (result.adjustments, result.regime) {
            (0, _) => String::new(),
            (n, Some(regime)) => format!(
                "  (lowered {n}× by 0.02 to keep abandonment under {} of {})",
                percent(regime.limit()),
                regime.key()
            ),
            (n, None) => {
                format!("  (lowered {n}× by 0.02 to keep abandonment under the server's limit)")
            }
        };
        row("answer rate requested", format!("{rate:.2}{note}"));
    }
    if let Some(response) = &result.simulation_result {
        row("server status", response.status.clone());
        if let Some(agents) = response.agents() {
            row("agents", agents.to_string());
        }
        let metrics = response.metrics.as_ref();
        for (label, get, format) in METRICS {
            if let Some(estimate) = metrics.and_then(get) {
                row(&metric_label(label), with_ci(estimate, format));
            }
        }
        // Only a campaign with answering machines tells its outcomes apart.
        if metrics
            .and_then(|m| m.machines)
            .is_some_and(|e| e.mean > 0.0)
        {
            for (label, get, format) in OUTCOME_METRICS {
                if let Some(estimate) = metrics.and_then(get) {
                    row(label, with_ci(estimate, format));
                }
            }
        }
        if let (Some(cap), Some(peak)) = (response.max_calls(), metrics.and_then(|m| m.peak_lines))
            && peak.mean >= f64::from(cap)
        {
            row(
                "line cap",
                format!("{cap} lines: reached, it limits the dialer (raise max_lines)"),
            );
        }
        match response.predicted_accuracy {
            Some(accuracy) => row("predicted accuracy", percent(accuracy)),
            None => row(
                "predicted accuracy",
                "not reported by the server".to_owned(),
            ),
        }
        let mut missing = not_reported(metrics);
        if response
            .compliance
            .as_ref()
            .is_none_or(ComplianceReport::is_empty)
        {
            missing.push("compliance by regime");
        }
        if !missing.is_empty() {
            row("not reported by the server", missing.join(", "));
        }
    }
    if let Some(v) = &result.variance_analysis {
        row(
            "historical mean answer rate",
            format!("{:.4}", v.historical_mean_rate),
        );
        row(
            "variance vs history",
            format!(
                "{:.4} (threshold {}) {}",
                v.variance, v.compliance_threshold, v.variance_status
            ),
        );
    }
    if result.attempts > 0 {
        row("attempts", result.attempts.to_string());
    }
    row("latency", format!("{:.1} ms", result.latency_ms));
    if let Some(w) = &result.webhook {
        let detail = w
            .error
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        row(
            "workforce planner",
            format!("{} after {} attempt(s){detail}", w.status, w.attempts),
        );
    }
    row("run id", result.run_id.clone());
    emit(t);
    if let Some(compliance) = result
        .simulation_result
        .as_ref()
        .and_then(|r| r.compliance.as_ref())
        .filter(|c| !c.is_empty())
    {
        emit(compliance_table(
            compliance,
            result.regime.map(dialer::Regime::key),
        ));
        if result.regime.is_none() {
            emit("The server's own rule decides the verdict.");
        }
    }
    if !result.abandonment_by_bucket.is_empty() {
        let mut t = table();
        t.set_header(vec![
            "bucket",
            "historical abandon rate",
            "simulated abandon rate",
        ]);
        for b in &result.abandonment_by_bucket {
            t.add_row(vec![
                b.time_bucket.clone(),
                percent(b.historical_abandon_rate),
                percent(b.simulated_abandon_rate),
            ]);
        }
        emit(t);
    }
}

/// `2.31 % (2.10 % – 2.52 %, n 40)`: a share of periods or windows with its Wilson interval.
fn share(s: Option<ShareEstimate>) -> String {
    match s {
        Some(ShareEstimate {
            share,
            ci95: Some([lo, hi]),
            n,
        }) => {
            let n = n.map(|n| format!(", n {n}")).unwrap_or_default();
            format!("{} ({} – {}{n})", percent(share), percent(lo), percent(hi))
        }
        Some(ShareEstimate { ci95: None, .. }) => "undefined (no period)".to_owned(),
        None => "not reported".to_owned(),
    }
}

/// Every reported regime's rate and risk of a breach, one row each; `deciding` (a regime key)
/// is marked as the one the verdict follows.
pub fn compliance_table(compliance: &ComplianceReport, deciding: Option<&str>) -> Table {
    let mut t = table();
    t.set_header(vec![
        "regime",
        "period",
        "limit",
        "rate (95 % interval)",
        "periods over limit",
        "windows over limit",
    ]);
    let or_blank = |x: Option<String>| x.unwrap_or_else(|| "not reported".to_owned());
    for (key, r) in compliance.iter() {
        let name = if deciding == Some(key) {
            format!("{key} (decides the verdict)")
        } else {
            key.to_owned()
        };
        let period = match (&r.period, r.period_days) {
            (Some(p), Some(d)) => Some(format!("{p} ({d} d)")),
            (Some(p), None) => Some(p.clone()),
            (None, Some(d)) => Some(format!("{d} d")),
            (None, None) => None,
        };
        t.add_row(vec![
            Cell::new(name),
            Cell::new(or_blank(period)),
            Cell::new(or_blank(r.limit.map(percent))),
            Cell::new(or_blank(r.rate.map(|e| with_ci(e, percent)))),
            Cell::new(share(r.share_over_limit)),
            Cell::new(share(r.windows_over_limit)),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_is_cut_at_zero() {
        assert_eq!(interval(-0.004, 0.01, percent), "0.00 % – 1.00 %");
        assert_eq!(interval(0.02, 0.03, percent), "2.00 % – 3.00 %");
    }

    #[test]
    fn figures_show_their_interval_and_missing_ones_are_named() {
        let e = MetricEstimate {
            mean: 0.5,
            ci95: Some([0.4, 0.6]),
            n: None,
        };
        assert_eq!(with_ci(e, percent), "50.00 %  (40.00 % – 60.00 %)");
        assert_eq!(with_ci(MetricEstimate::value(3.0), count), "3");
        let m = SimulatedMetrics {
            occupancy: Some(e),
            ..Default::default()
        };
        let missing = not_reported(Some(&m));
        assert!(missing.contains(&"dial attempts"));
        assert!(!missing.contains(&"agent occupancy"));
        assert_eq!(not_reported(None).len(), METRICS.len());
    }

    #[test]
    fn violations_are_all_listed() {
        let v = vec![
            Violation::new("a", "bad"),
            Violation::new("b[1].c", "worse"),
        ];
        let f = violations_failure("p.json", &v);
        let text = f.to_string();
        assert!(text.contains("p.json has 2 problems"));
        assert!(text.contains("a: bad") && text.contains("b[1].c: worse"));
    }
}
