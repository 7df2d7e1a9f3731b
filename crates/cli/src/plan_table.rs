//! The plan's tables on stdout: the recommendation (with progressive and the input's own setting
//! beside it), the frontier, then the inputs and every default used.

use comfy_table::Cell;
use dialer::DialerMode;
use planner::strategy::describe;
use planner::{Outcome, PlanSpec, Setting};

use crate::output::{self, percent};
use cli::plan::own_setting;

/// Width of the tables when stdout is not a terminal.
const WIDTH: u16 = 120;

/// Prints the tables.
pub fn print(spec: &PlanSpec, outcome: &Outcome) {
    let table = || {
        let mut t = output::table();
        // Long cells (the reason) wrap at a reader's width even when stdout is not a terminal.
        if t.width().is_none() {
            t.set_width(WIDTH);
        }
        t
    };
    let mut t = table();
    match &outcome.recommendation {
        Ok(r) => {
            t.set_header(vec![
                Cell::new("recommendation"),
                Cell::new(format!("{}, {} agents", r.setting, r.agents)),
            ]);
            t.add_row(vec![
                "connects per agent hour".into(),
                format!(
                    "{:.2} at answer rate {}",
                    r.connects_per_agent_hour, spec.planning_answer_rate
                ),
            ]);
            t.add_row(vec![
                "connects per hour".into(),
                format!("{:.1}", r.connects_per_hour),
            ]);
            t.add_row(vec!["abandon rate".into(), percent(r.abandon_rate)]);
            t.add_row(vec![
                "worst breach share".into(),
                format!(
                    "{} (upper bound {}, at answer rate {})",
                    percent(r.worst_breach_share),
                    percent(r.worst_breach_risk),
                    r.worst_at_answer_rate
                ),
            ]);
        }
        Err(reason) => {
            t.set_header(vec!["recommendation", "none"]);
            t.add_row(vec!["why".to_string(), reason.clone()]);
        }
    }
    for (label, setting) in comparisons(spec, outcome) {
        t.add_row(vec![label, summary(spec, setting)]);
    }
    if let Ok(r) = &outcome.recommendation {
        t.add_row(vec!["why".to_string(), r.why.clone()]);
    }
    output::emit(&t);

    let mut t = table();
    t.set_header(vec![
        "frontier",
        "agents",
        "connects / agent h",
        "connects / h",
        "abandon rate",
        "worst breach share",
        "risk bound",
    ]);
    for &i in &outcome.frontier {
        let s = &outcome.settings[i];
        let at = s.at_planning(spec);
        let worst = s.worst();
        t.add_row(vec![
            describe(&s.strategy),
            s.agents.to_string(),
            at.map_or(String::new(), |r| {
                format!("{:.2}", r.connects_per_agent_hour)
            }),
            at.map_or(String::new(), |r| format!("{:.1}", r.connects_per_hour())),
            at.map_or(String::new(), |r| percent(r.abandon_rate)),
            percent(s.worst_share()),
            percent(worst.breach_upper),
        ]);
    }
    output::emit(&t);

    let mut t = table();
    t.set_header(vec!["input", &spec.input]);
    for (label, value) in inputs(spec) {
        t.add_row(vec![label, value]);
    }
    output::emit(&t);
}

/// The grid and every default, as label/value pairs (also in the HTML report).
pub fn inputs(spec: &PlanSpec) -> Vec<(String, String)> {
    let join = |v: Vec<String>| v.join(", ");
    let mut out = vec![
        (
            "answer rates".into(),
            format!(
                "{} (ranked at {})",
                join(spec.answer_rates.iter().map(f64::to_string).collect()),
                spec.planning_answer_rate
            ),
        ),
        (
            "agents".into(),
            join(spec.agents.iter().map(u32::to_string).collect()),
        ),
        (
            "strategies".into(),
            join(
                spec.sweeps
                    .iter()
                    .map(|s| match s {
                        planner::strategy::Sweep::Fixed { dialer } => describe(dialer),
                        planner::strategy::Sweep::Bisect { lo, hi, tolerance } => {
                            format!("ratio {lo}..{hi} (bisection to {tolerance})")
                        }
                    })
                    .collect(),
            ),
        ),
        (
            "regime".into(),
            format!(
                "{} (limit {}, {})",
                spec.regime.key(),
                percent(spec.regime.limit()),
                spec.regime.rule().period
            ),
        ),
        (
            "risk".into(),
            format!(
                "{} upper bound, counted per {}",
                percent(spec.risk),
                match spec.risk_basis {
                    planner::RiskBasis::Window => "window",
                    planner::RiskBasis::Period => "period",
                }
            ),
        ),
        (
            "replications".into(),
            format!("{} windows per row, seed {}", spec.replications, spec.seed),
        ),
    ];
    let base = &spec.bases[spec.planning_index];
    out.push((
        "window".into(),
        format!(
            "{} minutes, {} buckets, efficiency {}, pacing every {} s, max lines {}",
            base.window_minutes,
            base.bucket_list().len(),
            base.agent_efficiency,
            base.pacing_interval_seconds,
            base.max_lines.map_or("none".into(), |l| l.to_string())
        ),
    ));
    if let Some(target) = spec.target_connects_per_hour {
        out.push(("target".into(), format!("{target} connects per hour")));
    }
    for d in &spec.defaults {
        out.push((
            format!("default {}", d.flag),
            format!("{} ({})", d.value, d.why),
        ));
    }
    for n in &spec.notes {
        out.push(("note".into(), n.clone()));
    }
    out
}

/// The best progressive setting and the input's own setting, for comparison with the
/// recommendation.
pub fn comparisons<'a>(spec: &PlanSpec, outcome: &'a Outcome) -> Vec<(String, &'a Setting)> {
    let mut out = Vec::new();
    let cpah = |s: &Setting| {
        s.at_planning(spec)
            .map_or(f64::NEG_INFINITY, |r| r.connects_per_agent_hour)
    };
    let progressive = outcome
        .settings
        .iter()
        .filter(|s| s.strategy == DialerMode::Progressive && s.qualifies(spec))
        .max_by(|a, b| cpah(a).total_cmp(&cpah(b)));
    if let Some(s) = progressive {
        out.push(("best progressive".to_string(), s));
    }
    let (dialer, agents) = own_setting(spec);
    if let Some(s) = outcome
        .settings
        .iter()
        .find(|s| s.strategy == dialer && s.agents == agents)
    {
        out.push(("the input's own setting".to_string(), s));
    }
    out
}

/// `predictive 2.5 %, 12 agents: 17.90 connects per agent hour, worst breach share 21 % (bound 30 %)`.
pub fn summary(spec: &PlanSpec, s: &Setting) -> String {
    let at = s.at_planning(spec);
    format!(
        "{}, {} agents: {} connects per agent hour, worst breach share {} (bound {}){}",
        describe(&s.strategy),
        s.agents,
        at.map_or("?".into(), |r| format!("{:.2}", r.connects_per_agent_hour)),
        percent(s.worst_share()),
        percent(s.worst().breach_upper),
        if s.qualifies(spec) {
            ""
        } else {
            ", over the risk"
        }
    )
}
