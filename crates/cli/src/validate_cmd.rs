//! `cxone-sim validate`: every violation of a payload or a scenario file, with its field path.
//!
//! The kind of file is told by its keys, as `simulate` tells it: a payload has `historical_matrix`,
//! a scenario has `dialer` or `window_minutes`; a file with neither is checked as a payload. A
//! payload is checked with the payload's rules, a scenario with the engine's
//! ([`dialer::Scenario::validate`]), and the verdict says which kind it checked.

use cxone::{Payload, Violation};
use dialer::Scenario;
use serde_json::{Value, json};
use violation::shape;

use crate::args::ValidateArgs;
use crate::failure::Outcome;
use crate::input;
use crate::output;
use cli::plan::DocumentKind;

/// The hint after a scenario's problems.
pub const SCENARIO_HINT: &str = "fix the fields listed, then run `cxone-sim validate` again (see \
     examples/ratio_scenario.json for a valid scenario)";

/// Checks the file; exit 2 when it has any violation.
pub fn run(args: &ValidateArgs) -> Outcome {
    let source = input::source_name(&args.payload);
    let text = input::read_text(&args.payload)?;
    let value = match input::parse_value(&text, "payload or scenario", &args.payload) {
        Ok(value) => value,
        Err(failure) => {
            if args.json {
                let v = json!({"valid": false, "violations": [{"path": "", "message": failure.to_string()}]});
                output::emit(format!("{v:#}"));
            }
            return Err(failure);
        }
    };
    let (kind, violations) = match DocumentKind::of(&value) {
        Some(DocumentKind::Scenario) => ("scenario", scenario_violations(value)),
        _ => ("payload", payload_violations(value)),
    };
    if args.json {
        let list: Vec<_> = violations
            .iter()
            .map(|v| json!({"path": v.path, "message": v.message}))
            .collect();
        output::emit(format!(
            "{:#}",
            json!({"valid": violations.is_empty(), "kind": kind, "violations": list})
        ));
    } else if violations.is_empty() {
        output::emit(format!("{source} is valid (checked as a {kind})"));
    }
    if violations.is_empty() {
        return Ok(());
    }
    let checked = format!("{source} (checked as a {kind})");
    Err(match kind {
        "scenario" => output::listed_violations(&checked, &violations).hint(SCENARIO_HINT),
        _ => output::violations_failure(&checked, &violations),
    })
}

fn payload_violations(value: Value) -> Vec<Violation> {
    shape::decode::<Payload>(input::with_campaign_override(value), "payload")
        .and_then(|payload| payload.validate())
        .err()
        .unwrap_or_default()
}

fn scenario_violations(value: Value) -> Vec<Violation> {
    shape::decode::<Scenario>(value, "scenario")
        .and_then(|scenario| scenario.check())
        .err()
        .unwrap_or_default()
}
