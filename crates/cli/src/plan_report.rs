//! `plan --report FILE.html`: one self-contained HTML file with inline SVG charts (drawn with
//! plotters' SVG backend), no script and no network — a Content-Security-Policy forbids any fetch.
//!
//! Charts: abandon rate against answer rate per strategy (the limit drawn, the band shaded);
//! connects per hour against agents; breach risk as a heat map over (setting, answer rate); the
//! recommended setting's day bucket by bucket. Then the inputs and every default used.

use std::fmt::Write as _;
use std::ops::Range;

use dialer::{DialerMode, Report};
use planner::strategy::{Sweep, describe};
use planner::{Outcome, PlanSpec, Setting};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::plan_table::{comparisons, inputs, summary};

/// Most settings the heat map shows (the lowest-risk ones beyond that are left out, and it says so).
const HEAT_MAP_SETTINGS: usize = 60;

/// The whole report.
pub fn render(spec: &PlanSpec, outcome: &Outcome, day: Option<&Report>) -> String {
    let mut html = String::new();
    let title = format!("cxone-sim plan: {}", spec.input);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    html.push_str("<section id=\"recommendation\"><h2>Recommendation</h2>");
    match &outcome.recommendation {
        Ok(r) => {
            let _ = write!(
                html,
                "<p class=\"verdict\"><b>{}, {} agents</b>: {:.2} connects per agent hour ({:.1} per hour) at answer rate {}; worst breach share {:.1} % (upper bound {:.1} %).</p><p>{}</p>",
                escape(&r.setting),
                r.agents,
                r.connects_per_agent_hour,
                r.connects_per_hour,
                spec.planning_answer_rate,
                r.worst_breach_share * 100.0,
                r.worst_breach_risk * 100.0,
                escape(&r.why)
            );
        }
        Err(reason) => {
            let _ = write!(
                html,
                "<p class=\"verdict none\"><b>No recommendation.</b> {}</p>",
                escape(reason)
            );
        }
    }
    html.push_str("<ul>");
    for (label, setting) in comparisons(spec, outcome) {
        let _ = write!(
            html,
            "<li>{}: {}</li>",
            escape(&label),
            escape(&summary(spec, setting))
        );
    }
    html.push_str("</ul></section>\n");

    let agents = match &outcome.recommendation {
        Ok(r) => r.agents,
        Err(_) => spec.bases[spec.planning_index].agents,
    };
    let charts: [(&str, String, Result<String, String>); 4] = [
        (
            "abandon",
            format!("Abandon rate against answer rate, {agents} agents"),
            abandon_chart(spec, outcome, agents),
        ),
        (
            "connects",
            "Connects per hour against agents, at the planning answer rate".into(),
            connects_chart(spec, outcome),
        ),
        (
            "risk",
            "Breach risk (Wilson 95 % upper bound) by setting and answer rate".into(),
            risk_heat_map(spec, outcome),
        ),
        (
            "day",
            "The recommended setting's day, bucket by bucket".into(),
            match day {
                Some(report) => day_chart(spec, report),
                None => Err("no setting is recommended, so there is no day to show".into()),
            },
        ),
    ];
    for (id, heading, chart) in charts {
        let _ = write!(
            html,
            "<section id=\"{id}\" class=\"chart\"><h2>{}</h2>",
            escape(&heading)
        );
        match chart {
            Ok(svg) => html.push_str(&svg),
            Err(message) => {
                let _ = write!(html, "<p class=\"missing\">{}</p>", escape(&message));
            }
        }
        if id == "day"
            && let Some(report) = day
        {
            html.push_str(&day_table(report));
        }
        html.push_str("</section>\n");
    }

    html.push_str("<section id=\"inputs\"><h2>Inputs and defaults</h2><table>");
    for (label, value) in inputs(spec) {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&label),
            escape(&value)
        );
    }
    html.push_str("</table></section>\n</body></html>\n");
    html
}

const STYLE: &str = "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}\
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}table{border-collapse:collapse}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:.9em}\
.verdict{font-size:1.05em}.none{color:#a00}.missing{color:#777;font-style:italic}svg{max-width:100%;height:auto}";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("the chart could not be drawn: {e:?}")
}

/// The settings shown for one sweep at one agent count: a fixed dialer's one, or the bisection's
/// highest level within the risk (its lowest level when none is).
fn representative<'a>(spec: &PlanSpec, settings: &[&'a Setting]) -> Option<&'a Setting> {
    let within: Vec<&&Setting> = settings.iter().filter(|s| s.qualifies(spec)).collect();
    let level = |s: &Setting| match s.strategy {
        DialerMode::Ratio { level } => level,
        _ => 0.0,
    };
    if within.is_empty() {
        settings
            .iter()
            .copied()
            .min_by(|a, b| level(a).total_cmp(&level(b)))
    } else {
        within
            .into_iter()
            .copied()
            .max_by(|a, b| level(a).total_cmp(&level(b)))
    }
}

/// The settings of unit `unit`.
fn of_unit(outcome: &Outcome, unit: usize) -> Vec<&Setting> {
    outcome.settings.iter().filter(|s| s.unit == unit).collect()
}

fn sweep_label(sweep: &Sweep) -> String {
    match sweep {
        Sweep::Fixed { dialer } => describe(dialer),
        Sweep::Bisect { .. } => "ratio (highest level within the risk)".into(),
    }
}

fn abandon_chart(spec: &PlanSpec, outcome: &Outcome, agents: u32) -> Result<String, String> {
    let Some(agent_index) = spec.agents.iter().position(|&a| a == agents) else {
        return Err(format!("{agents} agents are not in the grid"));
    };
    let (lo, hi) = (
        spec.answer_rates[0],
        spec.answer_rates[spec.answer_rates.len() - 1],
    );
    let margin = ((hi - lo) * 0.25).max(0.01);
    let limit = spec.regime.limit() * 100.0;
    let mut lines = Vec::new();
    let mut top = limit * 1.5;
    for (k, sweep) in spec.sweeps.iter().enumerate() {
        let unit = k * spec.agents.len() + agent_index;
        let Some(s) = representative(spec, &of_unit(outcome, unit)) else {
            continue;
        };
        let mut points: Vec<(f64, f64)> = s
            .rows
            .iter()
            .map(|(_, r)| (r.answer_rate, r.abandon_rate * 100.0))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        top = points.iter().map(|p| p.1 * 1.1).fold(top, f64::max);
        let label = match sweep {
            Sweep::Bisect { .. } => describe(&s.strategy),
            fixed => sweep_label(fixed),
        };
        lines.push((label, points));
    }
    xy_chart(
        (860, 420),
        (lo - margin)..(hi + margin),
        0.0..top,
        ("answer rate", "abandon rate (%)"),
        SeriesLabelPosition::UpperLeft,
        |chart| {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo, 0.0), (hi, top)],
                    RGBColor(225, 236, 250).filled(),
                )))
                .map_err(err)?
                .label("the band")
                .legend(|(x, y)| legend_swatch(x, y, RGBColor(225, 236, 250).filled()));
            labelled_line(
                chart,
                [(lo - margin, limit), (hi + margin, limit)],
                RED.stroke_width(2),
                format!("{} limit {limit} %", spec.regime.key()),
            )?;
            for (i, (label, points)) in lines.iter().enumerate() {
                let colour = series_colour(i);
                labelled_line(
                    chart,
                    points.iter().copied(),
                    colour.stroke_width(2),
                    label.clone(),
                )?;
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(err)?;
            }
            Ok(())
        },
    )
}

fn connects_chart(spec: &PlanSpec, outcome: &Outcome) -> Result<String, String> {
    let mut lines = Vec::new();
    let mut top: f64 = 1.0;
    for (k, sweep) in spec.sweeps.iter().enumerate() {
        let mut points = Vec::new();
        for (j, &agents) in spec.agents.iter().enumerate() {
            let unit = k * spec.agents.len() + j;
            if let Some(s) = representative(spec, &of_unit(outcome, unit))
                && let Some(r) = s.at_planning(spec)
            {
                points.push((f64::from(agents), r.connects_per_hour(), s.qualifies(spec)));
                top = top.max(r.connects_per_hour() * 1.1);
            }
        }
        lines.push((sweep_label(sweep), points));
    }
    if let Some(t) = spec.target_connects_per_hour {
        top = top.max(t * 1.1);
    }
    let lo = f64::from(spec.agents[0]) - 1.0;
    let hi = f64::from(spec.agents[spec.agents.len() - 1]) + 1.0;
    xy_chart(
        (860, 420),
        lo..hi,
        0.0..top,
        (
            "agents (filled: within the risk at every answer rate)",
            "connects per hour",
        ),
        SeriesLabelPosition::UpperLeft,
        |chart| {
            if let Some(t) = spec.target_connects_per_hour {
                labelled_line(
                    chart,
                    [(lo, t), (hi, t)],
                    BLACK.stroke_width(1),
                    format!("target {t}"),
                )?;
            }
            for (i, (label, points)) in lines.iter().enumerate() {
                let colour = series_colour(i);
                labelled_line(
                    chart,
                    points.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(2),
                    label.clone(),
                )?;
                chart
                    .draw_series(points.iter().map(|&(x, y, within)| {
                        let style = if within {
                            colour.filled()
                        } else {
                            colour.stroke_width(1)
                        };
                        Circle::new((x, y), 4, style)
                    }))
                    .map_err(err)?;
            }
            Ok(())
        },
    )
}

/// One x–y chart on SVG: axes, labels and legend around what `draw` adds.
fn xy_chart(
    size: (u32, u32),
    x: Range<f64>,
    y: Range<f64>,
    (x_desc, y_desc): (&str, &str),
    legend: SeriesLabelPosition,
    draw: impl FnOnce(&mut XyChart<'_, '_>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x, y)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .draw()
            .map_err(err)?;
        draw(&mut chart)?;
        chart
            .configure_series_labels()
            .position(legend)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Draws a line through `points` in `style`, with its legend entry: a short stroke in that style.
fn labelled_line(
    chart: &mut XyChart<'_, '_>,
    points: impl IntoIterator<Item = (f64, f64)>,
    style: ShapeStyle,
    label: String,
) -> Result<(), String> {
    chart
        .draw_series(LineSeries::new(points, style))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
    Ok(())
}

/// A chart with two numeric axes, drawn into an SVG string.
type XyChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The colour of the `i`-th line: Palette99 without its first colour, a red the limit line uses.
fn series_colour(i: usize) -> RGBAColor {
    Palette99::pick(i + 1).to_rgba()
}

fn risk_colour(upper: f64, risk: f64) -> RGBColor {
    let mix = |a: (f64, f64, f64), b: (f64, f64, f64), t: f64| {
        let t = t.clamp(0.0, 1.0);
        RGBColor(
            (a.0 + (b.0 - a.0) * t) as u8,
            (a.1 + (b.1 - a.1) * t) as u8,
            (a.2 + (b.2 - a.2) * t) as u8,
        )
    };
    if upper <= risk {
        mix((46.0, 160.0, 67.0), (186.0, 228.0, 179.0), upper / risk)
    } else {
        mix(
            (253.0, 204.0, 138.0),
            (179.0, 0.0, 0.0),
            (upper - risk) / (1.0 - risk),
        )
    }
}

fn risk_heat_map(spec: &PlanSpec, outcome: &Outcome) -> Result<String, String> {
    let mut shown: Vec<&Setting> = outcome.settings.iter().collect();
    let total = shown.len();
    if total == 0 {
        return Err("no setting to show".into());
    }
    if total > HEAT_MAP_SETTINGS {
        shown.sort_by(|a, b| a.worst().breach_upper.total_cmp(&b.worst().breach_upper));
        shown.truncate(HEAT_MAP_SETTINGS);
    }
    let rows = shown.len() as i32;
    let cols = spec.answer_rates.len() as i32;
    let height = (rows * 18 + 90).max(200) as u32;
    let labels: Vec<String> = shown
        .iter()
        .map(|s| format!("{}, {} agents", describe(&s.strategy), s.agents))
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (860, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(0..cols, rows..0)
            .map_err(err)?;
        let rates = spec.answer_rates.clone();
        let x_labels = move |x: &i32| {
            rates
                .get(*x as usize)
                .map_or(String::new(), |r| r.to_string())
        };
        let y_labels = |y: &i32| labels.get(*y as usize).cloned().unwrap_or_default();
        let cell_w = 600 / cols.max(1);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(cols as usize + 1)
            .y_labels(rows as usize + 1)
            .x_label_offset(cell_w / 2)
            .y_label_offset(9)
            .x_label_formatter(&x_labels)
            .y_label_formatter(&y_labels)
            .x_desc("answer rate")
            .draw()
            .map_err(err)?;
        let risk = spec.risk;
        chart
            .draw_series((0..rows).flat_map(|y| {
                (0..cols).map(move |x| {
                    Rectangle::new([(x, y), (x + 1, y + 1)], RGBColor(235, 235, 235).filled())
                })
            }))
            .map_err(err)?;
        let column = |r: &planner::RowSummary| {
            spec.answer_rates
                .iter()
                .position(|&a| a == r.answer_rate)
                .unwrap_or(0) as i32
        };
        chart
            .draw_series(shown.iter().enumerate().flat_map(|(y, s)| {
                s.rows.iter().map(move |(_, r)| {
                    let (x, y) = (column(r), y as i32);
                    Rectangle::new(
                        [(x, y), (x + 1, y + 1)],
                        risk_colour(r.breach_upper, risk).filled(),
                    )
                })
            }))
            .map_err(err)?;
        chart
            .draw_series(shown.iter().enumerate().flat_map(|(y, s)| {
                s.rows.iter().map(move |(_, r)| {
                    let x = column(r);
                    // White on the dark cells, black on the light ones.
                    let ink = if r.breach_upper > 0.5 { WHITE } else { BLACK };
                    EmptyElement::at((x, y as i32))
                        + Text::new(
                            format!("{:.1} %", r.breach_upper * 100.0),
                            (cell_w / 2 - 16, 4),
                            ("sans-serif", 12).into_font().color(&ink),
                        )
                })
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    if total > HEAT_MAP_SETTINGS {
        let _ = write!(
            svg,
            "<p>The {HEAT_MAP_SETTINGS} settings with the lowest worst-case risk of {total}.</p>"
        );
    }
    let _ = write!(
        svg,
        "<p>Green: within the risk of {:.1} %; orange to red: over it; grey: not run (a bisection \
         step stops at the first answer rate that breaches).</p>",
        spec.risk * 100.0
    );
    Ok(svg)
}

fn day_chart(spec: &PlanSpec, report: &Report) -> Result<String, String> {
    if report.buckets.is_empty() {
        return Err("the run reported no buckets".into());
    }
    let limit = spec.regime.limit() * 100.0;
    let start = report.buckets[0].start_minute;
    let end = report.buckets[report.buckets.len() - 1].end_minute;
    let mut top = limit * 1.5;
    for b in &report.buckets {
        let m = &b.metrics.compliance_abandon_rate;
        top = top.max(m.ci95.map_or(m.mean, |c| c[1]) * 110.0);
    }
    xy_chart(
        (860, 380),
        start..end,
        0.0..top,
        ("minutes from the window's start", "abandon rate (%)"),
        SeriesLabelPosition::UpperRight,
        |chart| {
            chart
                .draw_series(report.buckets.iter().map(|b| {
                    Rectangle::new(
                        [
                            (b.start_minute, 0.0),
                            (b.end_minute, b.metrics.compliance_abandon_rate.mean * 100.0),
                        ],
                        RGBColor(90, 140, 200).mix(0.7).filled(),
                    )
                }))
                .map_err(err)?
                .label("mean abandon rate")
                .legend(|(x, y)| legend_swatch(x, y, RGBColor(90, 140, 200).filled()));
            chart
                .draw_series(report.buckets.iter().filter_map(|b| {
                    let mid = 0.5 * (b.start_minute + b.end_minute);
                    b.metrics.compliance_abandon_rate.ci95.map(|[l, h]| {
                        PathElement::new(
                            vec![(mid, l * 100.0), (mid, h * 100.0)],
                            BLACK.stroke_width(2),
                        )
                    })
                }))
                .map_err(err)?
                .label("95 % interval")
                .legend(|(x, y)| PathElement::new(vec![(x + 8, y - 6), (x + 8, y + 6)], BLACK));
            labelled_line(
                chart,
                [(start, limit), (end, limit)],
                RED.stroke_width(2),
                format!("limit {limit} %"),
            )
        },
    )
}

fn day_table(report: &Report) -> String {
    let mut html = String::from(
        "<table><tr><th>minutes</th><th>dials</th><th>live answers</th><th>answer rate</th>\
         <th>abandon rate</th><th>occupancy</th><th>connects / agent h</th></tr>",
    );
    for b in &report.buckets {
        let m = &b.metrics;
        let _ = write!(
            html,
            "<tr><td>{:.0}–{:.0}</td><td>{:.0}</td><td>{:.0}</td><td>{:.4}</td><td>{:.2} %</td><td>{:.1} %</td><td>{:.2}</td></tr>",
            b.start_minute,
            b.end_minute,
            m.dials.mean,
            m.live_answers.mean,
            m.answer_rate.mean,
            m.compliance_abandon_rate.mean * 100.0,
            m.occupancy.mean * 100.0,
            m.connects_per_agent_hour.mean
        );
    }
    html.push_str("</table>");
    html
}

/// The filled square beside a legend entry.
fn legend_swatch(x: i32, y: i32, style: ShapeStyle) -> Rectangle<(i32, i32)> {
    Rectangle::new([(x, y - 5), (x + 16, y + 5)], style)
}
