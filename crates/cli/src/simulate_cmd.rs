//! `cxone-sim simulate`: the engine on a payload file or a scenario file, with its metrics as tables
//! or JSON.

use anyhow::anyhow;
use cli::plan::DocumentKind;
use comfy_table::Cell;
use cxone::{Payload, SimulateRequest};
use dialer::Scenario;
use serde_json::Value;

use crate::args::SimulateArgs;
use crate::failure::{Failure, Outcome};
use crate::input;
use crate::output::{self, count, percent, rate};
use crate::progress::EngineProgress;

/// Builds the scenario, runs it with a progress bar, prints the report.
pub async fn run(args: &SimulateArgs) -> Outcome {
    let source = input::source_name(&args.file);
    let text = input::read_text(&args.file)?;
    let value: Value = input::parse_value(&text, "JSON file", &args.file)?;
    let hint = format!(
        "fix the fields listed, then run `cxone-sim simulate {source}` again (see \
         examples/ratio_scenario.json for a valid scenario)"
    );
    let mut scenario = match DocumentKind::of(&value) {
        Some(DocumentKind::Payload) => scenario_from_payload(value, args)?,
        Some(DocumentKind::Scenario) => {
            input::decode::<Scenario>(value, "scenario", &args.file, &hint)?
        }
        None => {
            return Err(Failure::invalid(anyhow!(
                "{source} is neither a payload (it has no `historical_matrix`) nor a scenario (it has no `dialer`)"
            ))
            .hint("see examples/seed_payload.json and examples/ratio_scenario.json for the two shapes"));
        }
    };
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(replications) = args.replications {
        scenario.replications = replications;
    }
    let scenario = scenario.validate().map_err(|violations| {
        let list: Vec<cxone::Violation> = violations
            .into_iter()
            .map(|v| cxone::Violation::new(v.path, v.message))
            .collect();
        // `--seed` and `--replications` took part: the next step is this command again.
        output::listed_violations(&source, &list).hint(hint)
    })?;

    let shape = format!(
        "{} agents, {} minutes",
        scenario.agents, scenario.window_minutes
    );
    let report = run_with_progress(scenario).await?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::runtime(anyhow!("could not encode the report: {e}")))?;
        output::emit(text);
    } else {
        print_report(&report, &shape);
    }
    Ok(())
}

fn scenario_from_payload(value: Value, args: &SimulateArgs) -> Result<Scenario, Failure> {
    // The scenario is validated again once `--seed` and `--replications` apply. As in `run`, the
    // campaign id (CXONE_CAMPAIGN_ID too) takes part in the seed, so both commands see the same numbers.
    let payload: Payload = input::payload(value, &args.file)?;
    payload.validate().map_err(|violations| {
        output::violations_failure(&input::source_name(&args.file), &violations)
    })?;
    let request = SimulateRequest::from_payload(&payload);
    campaign::scenario_for_request(&request, &payload.campaign_id)
        .map(dialer::ValidScenario::into_scenario)
        .map_err(|failure| Failure::invalid(anyhow!("{}", failure.detail)))
}

/// Runs the engine off the async runtime, with a progress bar for long runs.
async fn run_with_progress(scenario: dialer::ValidScenario) -> Result<dialer::Report, Failure> {
    let progress = EngineProgress::new();
    tokio::task::spawn_blocking(move || {
        let update = |done, total| progress.update(done, total);
        dialer::simulate(
            &scenario,
            dialer::Options {
                progress: Some(&update),
                regime: None,
            },
        )
    })
    .await
    .map_err(|e| Failure::runtime(anyhow!("the simulation stopped unexpectedly: {e}")))
}

fn print_report(report: &dialer::Report, shape: &str) {
    let metrics = campaign::report::wire_metrics(&report.metrics);
    let mut t = output::table();
    t.set_header(vec!["metric", "mean", "95 % interval"]);
    let machines = metrics.machines.is_some_and(|e| e.mean > 0.0);
    let outcomes = output::OUTCOME_METRICS.iter().filter(|_| machines);
    for &(label, get, format) in output::METRICS.iter().chain(outcomes) {
        let Some(estimate) = get(&metrics) else {
            continue;
        };
        let interval = estimate
            .ci95
            .map(|[lo, hi]| output::interval(lo, hi, format))
            .unwrap_or_default();
        t.add_row(vec![
            Cell::new(output::metric_label(label)),
            Cell::new(format(estimate.mean)),
            Cell::new(interval),
        ]);
    }
    output::emit(format!(
        "{shape}, {} replications, seed {}",
        report.replications, report.seed
    ));
    output::emit(t);
    output::emit(output::compliance_table(
        &campaign::report::wire_compliance(&report.compliance),
        None,
    ));
    if report.buckets.len() <= 1 {
        return;
    }
    let mut t = output::table();
    t.set_header(vec![
        "bucket",
        "minutes",
        "dials",
        "live answers",
        "answer rate",
        "abandon rate",
        "occupancy",
    ]);
    for (i, b) in campaign::report::wire_buckets(report).iter().enumerate() {
        let m = &b.metrics;
        let show = |e: Option<cxone::MetricEstimate>, format: fn(f64) -> String| {
            e.map(|e| format(e.mean)).unwrap_or_default()
        };
        let span = match (b.start_minute, b.end_minute) {
            (Some(s), Some(e)) => format!("{s:.0}–{e:.0}"),
            _ => String::new(),
        };
        t.add_row(vec![
            (i + 1).to_string(),
            span,
            show(m.dials, count),
            show(m.live_answers, count),
            show(m.answer_rate, rate),
            show(m.compliance_abandon_rate, percent),
            show(m.occupancy, percent),
        ]);
    }
    output::emit(t);
}
