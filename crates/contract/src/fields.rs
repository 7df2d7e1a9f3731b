//! The fields of the payload file and of the simulate request, one table per type: each field's name,
//! kind, allowed range and help. This is the one home of the per-field ranges: the document check
//! ([`violation::shape`]), the typed checks in [`crate::validate`] and the emulator's OpenAPI
//! document all read them from here. A new optional field is one more entry in its table.

use violation::shape::{Described, Field, Kind, Shape};

use crate::payload::{HistoricalBucket, Payload};
use crate::simulate::{DialerSettings, MAX_INTERVAL_SECONDS, SimulateRequest};
use crate::validate::{
    MAX_AGENTS, MAX_BUCKETS, MAX_DETECT_SECONDS, MAX_MACHINE_SHARE, MAX_MAX_CALLS,
    MAX_TALK_SECONDS, TimeBucket, check_campaign_id,
};

const fn share(min: f64, max: f64) -> Kind {
    Kind::Number {
        min,
        max,
        above_min: false,
    }
}

/// A count of calls: any whole number from 0.
pub const COUNT: Kind = Kind::Whole {
    min: 0,
    max: u64::MAX,
};

/// `campaign_id`: 1–128 characters of `[A-Za-z0-9_-]` (it goes into a URL path).
pub const CAMPAIGN_ID: Field = Field::required(
    "campaign_id",
    Kind::Text {
        rule: Some(check_campaign_id),
    },
    "the outbound campaign's ID (letters, digits, '-' and '_')",
);
/// `answer_rate`: 0.05–0.95.
pub const ANSWER_RATE: Field = Field::required(
    "answer_rate",
    share(0.05, 0.95),
    "the expected share of dial attempts a live person answers",
);
/// `agent_efficiency`: 0.50–1.00.
pub const AGENT_EFFICIENCY: Field = Field::required(
    "agent_efficiency",
    share(0.50, 1.00),
    "the share of agent time available for calls",
);
/// `max_simulation_window_minutes`: 10–1440.
pub const WINDOW_MINUTES: Field = Field::required(
    "max_simulation_window_minutes",
    Kind::Whole { min: 10, max: 1440 },
    "the simulated time in minutes",
);
/// `compliance_threshold_variance`: 0.01–0.25.
pub const VARIANCE: Field = Field::required(
    "compliance_threshold_variance",
    share(0.01, 0.25),
    "the largest accepted relative deviation of the simulated answer rate from history",
);
/// `agents`: 1–10 000, or absent to infer them from history.
pub const AGENTS: Field = Field::optional(
    "agents",
    Kind::Whole {
        min: 1,
        max: MAX_AGENTS as u64,
    },
    "agents on the campaign (left out: inferred from history)",
);
/// `dialer_type`: the pacing mode.
pub const DIALER_TYPE: Field = Field::optional(
    "dialer_type",
    Kind::Choice(&["PREDICTIVE", "PROGRESSIVE", "POWER"]),
    "the pacing mode",
);
/// `max_lines`: 1–100 000, or absent for a cap that scales with the agents.
pub const MAX_LINES: Field = Field::optional(
    "max_lines",
    Kind::Whole {
        min: 1,
        max: MAX_MAX_CALLS as u64,
    },
    "most lines dialling at once (left out: a cap that scales with the agents)",
);
/// `answering_machine_share`: 0–0.95 (with `answer_rate` at most 1 in all, a rule across fields).
pub const MACHINE_SHARE: Field = Field::optional(
    "answering_machine_share",
    share(0.0, MAX_MACHINE_SHARE),
    "the share of dial attempts an answering machine answers",
);

/// `amd.detect_seconds`: 0–30 s.
pub const AMD_DETECT_SECONDS: Field = Field::optional(
    "detect_seconds",
    share(0.0, MAX_DETECT_SECONDS),
    "how long detection listens after the answer, in seconds (required when enabled)",
)
.aka(&["detectSeconds"]);
/// `amd.false_positive`: 0–1.
pub const AMD_FALSE_POSITIVE: Field = Field::optional(
    "false_positive",
    share(0.0, 1.0),
    "the share of people the detector takes for machines",
)
.aka(&["falsePositive"]);
/// `amd.false_negative`: 0–1.
pub const AMD_FALSE_NEGATIVE: Field = Field::optional(
    "false_negative",
    share(0.0, 1.0),
    "the share of machines the detector takes for people",
)
.aka(&["falseNegative"]);

/// The `amd` object: answering-machine detection.
pub static AMD: Shape = Shape::new(&[
    Field::optional(
        "enabled",
        Kind::Bool,
        "whether detection runs (left out: true)",
    ),
    AMD_DETECT_SECONDS,
    AMD_FALSE_POSITIVE,
    AMD_FALSE_NEGATIVE,
]);

/// `amd`: answering-machine detection, with machines in the mix.
pub const AMD_SETTINGS: Field = Field::optional(
    "amd",
    Kind::Object(&AMD),
    "answering-machine detection (needs answering_machine_share above 0)",
);

/// `answered_includes_machines`: whether history's answers count machines too.
pub const ANSWERED_INCLUDES_MACHINES: Field = Field::optional(
    "answered_includes_machines",
    Kind::Bool,
    "whether history's calls_answered counts machines too (left out: false)",
);

/// `historical_matrix`: 1–1440 buckets.
pub const HISTORY: Field = Field::required(
    "historical_matrix",
    Kind::List {
        item: &BUCKET_ITEM,
        min: 1,
        max: MAX_BUCKETS,
        noun: "time buckets",
    },
    "the history by time bucket",
);

fn check_time_bucket(text: &str) -> Result<(), String> {
    TimeBucket::parse(text).map(|_| ())
}

/// `time_bucket`: `HH:MM-HH:MM`, the end after the start.
pub const TIME_BUCKET: Field = Field::required(
    "time_bucket",
    Kind::Text {
        rule: Some(check_time_bucket),
    },
    "the bucket's time, HH:MM-HH:MM",
)
.aka(&["timeBucket"]);
/// `avg_talk_time_seconds`: above 0, at most a day.
pub const TALK_SECONDS: Field = Field::required(
    "avg_talk_time_seconds",
    Kind::Number {
        min: 0.0,
        max: MAX_TALK_SECONDS,
        above_min: true,
    },
    "the mean talk time of answered calls, in seconds",
)
.aka(&["avgTalkTimeSeconds"]);

static BUCKET_ITEM: Kind = Kind::Object(&BUCKET);

/// One history bucket.
pub static BUCKET: Shape = Shape::new(&[
    TIME_BUCKET,
    Field::required("calls_attempted", COUNT, "dial attempts made in the bucket")
        .aka(&["callsAttempted"]),
    Field::required("calls_answered", COUNT, "attempts a live person answered")
        .aka(&["callsAnswered"]),
    TALK_SECONDS,
    Field::optional("abandons", COUNT, "live answers abandoned in the bucket"),
]);

/// The payload file.
pub static PAYLOAD: Shape = Shape::new(&[
    CAMPAIGN_ID,
    ANSWER_RATE,
    AGENT_EFFICIENCY,
    WINDOW_MINUTES,
    HISTORY,
    VARIANCE,
    AGENTS,
    DIALER_TYPE,
    MAX_LINES,
    MACHINE_SHARE,
    AMD_SETTINGS,
    ANSWERED_INCLUDES_MACHINES,
]);

/// `predictiveDialerSettings.interval`: 0–3600 s.
pub const INTERVAL: Field = Field::required(
    "interval",
    Kind::Whole {
        min: 0,
        max: MAX_INTERVAL_SECONDS as u64,
    },
    "the pacing recalculation interval in seconds",
);
/// `predictiveDialerSettings.maxCalls`: 1–100 000.
pub const MAX_CALLS: Field = Field {
    presence: violation::shape::Presence::Required,
    ..MAX_LINES.named("maxCalls")
};

/// The request's dialer settings.
pub static DIALER_SETTINGS: Shape = Shape::new(&[
    ANSWER_RATE.named("answerRate"),
    AGENT_EFFICIENCY.named("agentEfficiency"),
    INTERVAL,
    MAX_CALLS,
    Field {
        presence: violation::shape::Presence::Defaulted,
        ..DIALER_TYPE.named("dialerType")
    },
    AGENTS,
    MACHINE_SHARE.named("answeringMachineShare"),
    AMD_SETTINGS,
]);

/// The simulate request body.
pub static REQUEST: Shape = Shape::new(&[
    Field::required(
        "predictiveDialerSettings",
        Kind::Object(&DIALER_SETTINGS),
        "the dialer settings",
    ),
    WINDOW_MINUTES.named("simulationWindowMinutes"),
    HISTORY.named("historicalData"),
    ANSWERED_INCLUDES_MACHINES.named("answeredIncludesMachines"),
]);

impl Described for Payload {
    fn shape() -> &'static Shape {
        &PAYLOAD
    }
}

impl Described for HistoricalBucket {
    fn shape() -> &'static Shape {
        &BUCKET
    }
}

impl Described for DialerSettings {
    fn shape() -> &'static Shape {
        &DIALER_SETTINGS
    }
}

impl Described for SimulateRequest {
    fn shape() -> &'static Shape {
        &REQUEST
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use violation::shape::decode;

    fn seed() -> serde_json::Value {
        json!({
            "campaign_id": "12345678-1234-1234-1234-123456789012", "answer_rate": 0.38,
            "agent_efficiency": 0.82, "max_simulation_window_minutes": 120,
            "compliance_threshold_variance": 0.10,
            "historical_matrix": [
                {"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190,
                 "avg_talk_time_seconds": 145},
                {"timeBucket": "10:00-11:00", "callsAttempted": 620, "callsAnswered": 245,
                 "avgTalkTimeSeconds": 138.5, "abandons": 3}
            ],
            "agents": null, "dialer_type": "POWER", "max_lines": 80
        })
    }

    fn lines(value: serde_json::Value) -> Vec<String> {
        violation::shape::check(&value, &PAYLOAD, "payload")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_table_and_serde_agree_on_a_full_payload() {
        let payload: Payload = decode(seed(), "payload").unwrap();
        assert_eq!(payload.max_lines, Some(80));
        let request = SimulateRequest::from_payload(&payload);
        let wire = serde_json::to_value(&request).unwrap();
        let back: SimulateRequest = decode(wire, "simulate request").unwrap();
        assert_eq!(back, request);
    }

    #[test]
    fn payload_problems_are_reported_at_once_in_the_users_words() {
        let mut doc = seed();
        doc["agents"] = json!(0);
        doc["historical_matrix"][1]["callsAnswered"] = json!("12");
        doc["answer_rat"] = json!(0.3);
        doc.as_object_mut().unwrap().remove("campaign_id");
        doc["max_simulation_window_minutes"] = json!(12.5);
        assert_eq!(
            lines(doc),
            [
                "campaign_id: missing; the outbound campaign's ID (letters, digits, '-' and '_')",
                "max_simulation_window_minutes: must be a whole number from 10 to 1440 (got 12.5)",
                r#"historical_matrix[1].callsAnswered: must be a whole number ≥ 0 (got "12")"#,
                "agents: must be a whole number from 1 to 10 000 (got 0)",
                "answer_rat: unknown field; did you mean answer_rate?",
            ]
        );
    }

    #[test]
    fn per_field_rules_run_in_the_document_check() {
        let mut doc = seed();
        doc["campaign_id"] = json!("a/b");
        doc["historical_matrix"][0]["time_bucket"] = json!("9-10");
        let found = lines(doc);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("campaign_id: ") && found[0].contains("URL path"));
        assert!(found[1].starts_with("historical_matrix[0].time_bucket: "));
    }

    #[test]
    fn a_payload_with_the_right_types_is_read_for_validate_to_judge() {
        let mut doc = seed();
        doc["agents"] = json!(0);
        let payload: Payload = decode(doc, "payload").unwrap();
        let found = payload.validate().unwrap_err();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "agents: must be a whole number from 1 to 10 000 (got 0)"
        );
        let mut doc = seed();
        doc["agents"] = json!("12");
        assert_eq!(decode::<Payload>(doc, "payload").unwrap_err().len(), 1);
    }

    #[test]
    fn an_array_is_not_a_payload() {
        assert_eq!(
            lines(json!(["x", 0.38])),
            ["a payload must be a JSON object ({ … }), not a list"]
        );
    }
}
