//! The fields of the scenario file (DESIGN §5.6), one table per type, for the document check of
//! [`violation::shape`]: a scenario with a wrong type, a missing or an unknown field is refused with
//! every such problem named at once, before [`Scenario::validate`] checks the values.
//!
//! The ranges of single fields with a plain range (agents, agent efficiency, the line cap, the pacing
//! interval) live here, and [`Scenario::validate`] reads them from here; the rules that depend on other
//! fields or on the work limits stay in `validation.rs`.

use violation::shape::{Described, Field, Kind, Shape};

use crate::pacing::DIALER_MODES;
use crate::scenario::Scenario;
use crate::validation::{MAX_AGENTS, MAX_LINES};

pub(crate) const NUMBER: Kind = Kind::Number {
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    above_min: false,
};
const WHOLE_U32: Kind = Kind::Whole {
    min: 0,
    max: u32::MAX as u64,
};
static DIST: Kind = Kind::Tagged {
    tag: "dist",
    variants: &[
        ("fixed", &FIXED),
        ("exp", &FIXED),
        ("lognormal", &LOGNORMAL),
        ("uniform", &UNIFORM),
    ],
};
static FIXED: Shape = Shape::new(&[Field::required("mean", NUMBER, "the mean, in seconds")]);
static LOGNORMAL: Shape = Shape::new(&[
    Field::required("mean", NUMBER, "the mean, in seconds"),
    Field::required("cv", NUMBER, "the coefficient of variation, above 0"),
]);
static UNIFORM: Shape = Shape::new(&[
    Field::required("min", NUMBER, "the smallest value, in seconds"),
    Field::required("max", NUMBER, "the largest value, in seconds"),
]);

/// `agents`: 1–10 000.
pub const AGENTS: Field = Field::required(
    "agents",
    Kind::Whole {
        min: 1,
        max: MAX_AGENTS as u64,
    },
    "agents staffed",
);
/// `agent_efficiency`: above 0, at most 1.
pub const AGENT_EFFICIENCY: Field = Field::defaulted(
    "agent_efficiency",
    Kind::Number {
        min: 0.0,
        max: 1.0,
        above_min: true,
    },
    "the share of its time each agent is available",
);
/// `max_lines`: 1–1 000 000, or null for no cap.
pub const MAX_LINES_FIELD: Field = Field::optional(
    "max_lines",
    Kind::Whole {
        min: 1,
        max: MAX_LINES as u64,
    },
    "most lines in use at once (null: no cap)",
);
/// `pacing_interval_seconds`: 0–3600.
pub const PACING_INTERVAL: Field = Field::defaulted(
    "pacing_interval_seconds",
    Kind::Number {
        min: 0.0,
        max: 3_600.0,
        above_min: false,
    },
    "how often pacing runs, in seconds (0: after every state change)",
);

static RING_TIMES: Shape = Shape::new(&[
    Field::required("live", DIST, "ring time to a live answer"),
    Field::required("other", DIST, "ring time of every other attempt"),
]);
static OUTCOME_RINGS: Shape = Shape::new(&[
    Field::required("live", DIST, "ring time to a person's answer"),
    Field::optional("machine", DIST, "ring time to a machine's answer"),
    Field::optional("busy", DIST, "ring time of a busy line"),
    Field::optional("no_answer", DIST, "the no-answer timeout"),
    Field::optional("invalid", DIST, "ring time of an invalid number"),
]);
static AMD: Shape = Shape::new(&[
    Field::defaulted("enabled", Kind::Bool, "whether detection runs"),
    Field::optional("detect_seconds", DIST, "how long detection listens"),
    Field::defaulted(
        "false_positive",
        NUMBER,
        "P(machine verdict | a person answered)",
    ),
    Field::defaulted(
        "false_negative",
        NUMBER,
        "P(person verdict | a machine answered)",
    ),
]);
static OUTCOMES: Shape = Shape::new(&[
    Field::required("live", NUMBER, "the share of attempts a person answers"),
    Field::defaulted("machine", NUMBER, "the share a machine answers"),
    Field::defaulted("busy", NUMBER, "the share that find the line busy"),
    Field::defaulted("no_answer", NUMBER, "the share no one answers"),
    Field::defaulted(
        "invalid",
        NUMBER,
        "the share dialled to numbers that do not exist",
    ),
    Field::required(
        "ring_seconds",
        Kind::Object(&OUTCOME_RINGS),
        "the ring time of each outcome",
    ),
    Field::optional("amd", Kind::Object(&AMD), "answering-machine detection"),
    Field::optional(
        "machine_handle_seconds",
        DIST,
        "time an agent spends on a machine",
    ),
]);
static BUCKET: Shape = Shape::new(&[
    Field::required("minutes", NUMBER, "the bucket's length in minutes"),
    Field::optional(
        "live_answer_probability",
        NUMBER,
        "the bucket's live-answer probability",
    ),
    Field::optional("talk_seconds", DIST, "the bucket's talk time"),
]);
static BUCKET_ITEM: Kind = Kind::Object(&BUCKET);

/// The scenario file.
pub static SCENARIO: Shape = Shape::new(&[
    AGENTS,
    AGENT_EFFICIENCY,
    Field::required("window_minutes", NUMBER, "the simulated window in minutes"),
    Field::defaulted(
        "warmup_minutes",
        NUMBER,
        "minutes simulated but not counted",
    ),
    Field::required(
        "dialer",
        Kind::Tagged {
            tag: "mode",
            variants: DIALER_MODES,
        },
        "the pacing strategy, such as {\"mode\": \"ratio\", \"level\": 1.5}",
    ),
    MAX_LINES_FIELD,
    PACING_INTERVAL,
    Field::optional(
        "live_answer_probability",
        NUMBER,
        "the probability that a dial attempt reaches a live person",
    ),
    Field::optional(
        "ring_seconds",
        Kind::Object(&RING_TIMES),
        "ring times of live answers and other attempts",
    ),
    Field::optional(
        "outcomes",
        Kind::Object(&OUTCOMES),
        "how attempts end, outcome by outcome",
    ),
    Field::required(
        "talk_seconds",
        DIST,
        "the conversation length, such as {\"dist\": \"exp\", \"mean\": 60}",
    ),
    Field::defaulted("wrap_seconds", DIST, "after-call work"),
    Field::defaulted("patience_seconds", DIST, "how long a live answer waits"),
    Field::defaulted(
        "connect_within_seconds",
        NUMBER,
        "when a connection counts as late",
    ),
    Field::defaulted("replications", WHOLE_U32, "independent replications"),
    Field::defaulted(
        "seed",
        Kind::Whole {
            min: 0,
            max: u64::MAX,
        },
        "the run's seed",
    ),
    Field::optional(
        "buckets",
        Kind::List {
            item: &BUCKET_ITEM,
            min: 0,
            max: usize::MAX,
            noun: "buckets",
        },
        "a time-varying shape",
    ),
]);

impl Described for Scenario {
    fn shape() -> &'static Shape {
        &SCENARIO
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use violation::shape::{check, decode};

    fn example(name: &str) -> Value {
        let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_table_and_serde_agree_on_the_examples_and_round_trips() {
        for name in ["ratio_scenario.json", "amd_scenario.json"] {
            let scenario: Scenario = decode(example(name), "scenario").unwrap();
            let wire = serde_json::to_value(&scenario).unwrap();
            assert_eq!(check(&wire, &SCENARIO, "scenario"), [], "{name}");
        }
    }

    #[test]
    fn scenario_problems_are_named_at_once() {
        let mut doc = example("ratio_scenario.json");
        doc["agents"] = json!("10");
        doc["dialer"] = json!({"mode": "ratio", "levle": 2});
        doc["talk_seconds"] = json!({"dist": "gamma", "mean": 60});
        doc["replicatons"] = json!(3);
        let lines: Vec<String> = check(&doc, &SCENARIO, "scenario")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                r#"agents: must be a whole number from 1 to 10 000 (got "10")"#,
                "dialer.level: missing; lines per available agent",
                "dialer.levle: unknown field; did you mean level?",
                r#"talk_seconds.dist: must be one of fixed, exp, lognormal, uniform (got "gamma")"#,
                "replicatons: unknown field; did you mean replications?",
            ]
        );
    }
}
