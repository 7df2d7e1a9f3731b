//! The plan from an input document (DESIGN §10), for `cxone-sim plan` and the Python package's
//! `plan()` alike: the grid built from the flags and the document (the answer-rate band from its
//! history, its agents ±50 %, its own setting among the strategies), and the rows run into the
//! `--json` document and the recommendation. Each front end decodes the document and reports errors
//! its own way; everything between is here, once.

use std::cell::RefCell;
use std::io::{self, Write};

use cxone::{Payload, SimulateRequest, Violation};
use dialer::{DialerMode, Scenario};
use planner::document::JsonDocument;
use planner::{Collector, Outcome, PlanError, PlanFlags, PlanInput, PlanSpec, Progress, Shard};
use serde_json::Value;

/// What kind of document was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A payload (it has `historical_matrix`).
    Payload,
    /// An engine scenario (it has `dialer` or `window_minutes`).
    Scenario,
}

impl DocumentKind {
    /// Tells a payload from a scenario by its keys; `None` for neither.
    pub fn of(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        if object.contains_key("historical_matrix") {
            Some(Self::Payload)
        } else if object.contains_key("dialer") || object.contains_key("window_minutes") {
            Some(Self::Scenario)
        } else {
            None
        }
    }
}

/// A decoded input of a plan.
pub enum PlanDocument {
    /// A payload, not yet checked.
    Payload(Box<Payload>),
    /// A scenario, not yet checked.
    Scenario(Box<Scenario>),
}

/// Why no plan could be built from a document and the flags.
#[derive(Debug)]
pub enum SpecError {
    /// The document breaks its rules: every violation.
    Violations(Vec<Violation>),
    /// A flag is wrong, or the grid cannot be simulated.
    Plan(PlanError),
}

impl From<PlanError> for SpecError {
    fn from(e: PlanError) -> Self {
        Self::Plan(e)
    }
}

/// The plan's grid for `document`, named `name` in the output (its path).
pub fn plan_spec(
    name: String,
    document: PlanDocument,
    flags: &PlanFlags,
) -> Result<PlanSpec, SpecError> {
    match document {
        PlanDocument::Payload(payload) => {
            let payload = payload.into_valid().map_err(SpecError::Violations)?;
            let request = SimulateRequest::from_payload(&payload);
            let at = |rate: f64| payload_scenario_at(&request, rate);
            let base = at(payload.answer_rate)
                .map_err(|message| PlanError::flag("--answer-rate", message))?;
            let bucket_rates = payload
                .historical_matrix
                .iter()
                .filter(|b| b.calls_attempted > 0)
                .map(|b| b.calls_answered as f64 / b.calls_attempted as f64)
                .collect();
            let input = PlanInput {
                name,
                answer_rate: payload.answer_rate,
                agents: base.agents,
                dialer: base.dialer,
                bucket_rates,
                scenario_at: &at,
            };
            Ok(PlanSpec::build(flags, &input)?)
        }
        PlanDocument::Scenario(scenario) => {
            let scenario = scenario
                .validate()
                .map_err(SpecError::Violations)?
                .into_scenario();
            let at = |r: f64| Ok(scenario_at_answer_rate(&scenario, r));
            let input = PlanInput {
                name,
                answer_rate: scenario.live_share(),
                agents: scenario.agents,
                dialer: scenario.dialer,
                bucket_rates: scenario.live_shares(),
                scenario_at: &at,
            };
            Ok(PlanSpec::build(flags, &input)?)
        }
    }
}

/// The payload's scenario at another answer rate: the campaign mapping (DESIGN §5.5), as `run` and
/// `simulate` use it. Replications and seed are the plan's, set by [`PlanSpec::build`].
pub fn payload_scenario_at(request: &SimulateRequest, rate: f64) -> Result<Scenario, String> {
    let valid = request
        .with_answer_rate(rate)
        .into_valid()
        .map_err(|violations| {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            list.join("; ")
        })?;
    let plan = campaign::CampaignPlan::from_request(&valid, 1, 0);
    campaign::plan_to_scenario(&plan)
        .map(dialer::ValidScenario::into_scenario)
        .map_err(|violations| {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            format!("the request cannot be simulated: {}", list.join("; "))
        })
}

/// Highest live-answer probability a bucket is given (as the payload mapping clamps, DESIGN §5.5).
const MAX_LIVE_PROBABILITY: f64 = 0.99;

/// A scenario at another answer rate: its level set to `rate`, each bucket's scaled in proportion
/// (at most `MAX_LIVE_PROBABILITY`).
pub fn scenario_at_answer_rate(scenario: &Scenario, rate: f64) -> Scenario {
    let base = scenario.live_share();
    let mut out = scenario.clone();
    match &mut out.outcomes {
        // The live share moves and the other outcomes scale in proportion.
        Some(outcomes) => {
            let [live, machine, busy, no_answer, invalid] = outcomes.shares_with_live(rate);
            (outcomes.live, outcomes.machine, outcomes.busy) = (live, machine, busy);
            (outcomes.no_answer, outcomes.invalid) = (no_answer, invalid);
        }
        None => out.live_answer_probability = Some(rate),
    }
    if let Some(buckets) = &mut out.buckets {
        for b in buckets {
            if let Some(p) = &mut b.live_answer_probability {
                *p = if base > 0.0 {
                    (*p * rate / base).min(MAX_LIVE_PROBABILITY)
                } else {
                    rate
                };
            }
        }
    }
    out
}

/// The input's own setting, for comparisons: its dialer and agents.
pub fn own_setting(spec: &PlanSpec) -> (DialerMode, u32) {
    let base = &spec.bases[spec.planning_index];
    (base.dialer, base.agents)
}

/// Where rows go as they come: the `--json` document (when wanted) and the summary the
/// recommendation is drawn from. Rows from a run or from a merge of shards go through it alike.
pub struct RowSink<W: Write> {
    json: Option<JsonDocument<W>>,
    collector: Collector,
}

impl<W: Write> RowSink<W> {
    /// A sink writing the `--json` document into `json` (its opening now), or only summarising.
    pub fn new(spec: &PlanSpec, json: Option<W>) -> io::Result<Self> {
        let json = json.map(|out| JsonDocument::begin(out, spec)).transpose()?;
        Ok(Self {
            json,
            collector: Collector::default(),
        })
    }

    /// Rows taken so far (the next row's index).
    pub fn rows(&self) -> usize {
        self.collector.rows()
    }

    /// Takes the next row: its JSON text and its summary.
    pub fn row(&mut self, text: &str, row: &planner::RowSummary) -> io::Result<()> {
        if let Some(json) = &mut self.json {
            json.row(text)?;
        }
        self.collector.add(row);
        Ok(())
    }

    /// The conclusions, and the document closed with them.
    pub fn finish(self, spec: &PlanSpec) -> io::Result<(Outcome, Option<W>)> {
        let outcome = self.collector.finish(spec);
        let json = self
            .json
            .map(|json| json.finish(spec, &outcome))
            .transpose()?;
        Ok((outcome, json))
    }
}

/// Runs every row of `spec` (or of one shard) into `sink`, calling `on_row` first with each row
/// (its index, JSON text and summary; an error stops the run) and `on_progress` after each unit.
pub fn run_rows<W: Write, E: From<PlanError> + From<io::Error>>(
    spec: &PlanSpec,
    shard: Option<Shard>,
    sink: &mut RowSink<W>,
    on_row: &mut dyn FnMut(usize, &str, &planner::RowSummary) -> Result<(), E>,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<(), E> {
    planner::run_plan(
        spec,
        shard,
        &mut |text, row| {
            on_row(sink.rows(), text, row)?;
            sink.row(text, row).map_err(E::from)
        },
        on_progress,
    )
}

/// The whole plan's `--json` document (text) and its conclusions, rows run in process;
/// `on_progress` is called after each unit, and an error it returns stops the run at the next row.
pub fn run_document<E: From<PlanError> + From<io::Error>>(
    spec: &PlanSpec,
    on_progress: &mut dyn FnMut(Progress) -> Result<(), E>,
) -> Result<(String, Outcome), E> {
    let mut sink = RowSink::new(spec, Some(Vec::new()))?;
    let stopped: RefCell<Option<E>> = RefCell::new(None);
    run_rows::<Vec<u8>, E>(
        spec,
        None,
        &mut sink,
        &mut |_, _, _| stopped.borrow_mut().take().map_or(Ok(()), Err),
        &mut |p| {
            if let Err(e) = on_progress(p) {
                stopped.borrow_mut().get_or_insert(e);
            }
        },
    )?;
    if let Some(e) = stopped.into_inner() {
        return Err(e);
    }
    let (outcome, json) = sink.finish(spec)?;
    let text = String::from_utf8(json.unwrap_or_default())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok((text, outcome))
}
