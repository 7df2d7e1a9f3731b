//! `cxone-sim validate`: every violation of a payload, with its field path.

use cxone::Payload;
use serde_json::json;

use crate::args::ValidateArgs;
use crate::config;
use crate::failure::Outcome;
use crate::input;
use crate::output;

/// Checks the payload; exit 2 when it has any violation.
pub fn run(args: &ValidateArgs) -> Outcome {
    let source = input::source_name(&args.payload);
    let text = input::read_text(&args.payload)?;
    let mut payload: Payload = match input::parse_json(&text, "payload", &args.payload) {
        Ok(p) => p,
        Err(failure) => {
            if args.json {
                let v = json!({"valid": false, "violations": [{"path": "", "message": failure.to_string()}]});
                output::emit(format!("{v:#}"));
            }
            return Err(failure);
        }
    };
    if let Some(id) = config::var("CXONE_CAMPAIGN_ID") {
        payload.campaign_id = id;
    }
    let violations = payload.validate().err().unwrap_or_default();
    if args.json {
        let list: Vec<_> = violations
            .iter()
            .map(|v| json!({"path": v.path, "message": v.message}))
            .collect();
        output::emit(format!(
            "{:#}",
            json!({"valid": violations.is_empty(), "violations": list})
        ));
    } else if violations.is_empty() {
        output::emit(format!("{source} is valid"));
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(output::violations_failure(&source, &violations))
    }
}
