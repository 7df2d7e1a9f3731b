//! The simulation payload a user writes: the seed's `PredictiveSimulationPayload`, plus our optional
//! extensions (`agents`, `dialer_type`, `max_lines`, `abandons` per history bucket, and the
//! answering machines: `answering_machine_share`, `amd`, `answered_includes_machines`).

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::fields;
use crate::validate::{self, Violation};

/// One row of the historical call matrix: what a time bucket of a past day looked like.
///
/// Field names are snake_case on the wire, as the seed sends them; a server also accepts camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HistoricalBucket {
    /// `HH:MM-HH:MM`, end after start.
    #[serde(alias = "timeBucket")]
    pub time_bucket: String,
    /// Dial attempts made in the bucket.
    #[serde(alias = "callsAttempted")]
    pub calls_attempted: u64,
    /// Attempts a live person answered.
    #[serde(alias = "callsAnswered")]
    pub calls_answered: u64,
    /// Mean talk time of answered calls, in seconds.
    #[serde(alias = "avgTalkTimeSeconds")]
    pub avg_talk_time_seconds: f64,
    /// Live answers abandoned in the bucket, when the history records them (at most
    /// `calls_answered`); `run` then compares simulated with historical abandonment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandons: Option<u64>,
}

impl HistoricalBucket {
    /// The bucket's answer rate, when it has attempts.
    pub fn answer_rate(&self) -> Option<f64> {
        (self.calls_attempted > 0).then(|| self.calls_answered as f64 / self.calls_attempted as f64)
    }

    /// The bucket's abandon rate (`abandons / calls_answered`), when it records abandons and has
    /// answered calls.
    pub fn abandon_rate(&self) -> Option<f64> {
        let abandons = self.abandons?;
        (self.calls_answered > 0).then(|| abandons as f64 / self.calls_answered as f64)
    }
}

/// How the dialer paces its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DialerType {
    /// Over-dials to keep agents busy, steering abandonment under the limit.
    #[default]
    Predictive,
    /// One call per free agent: never abandons.
    Progressive,
    /// A fixed number of lines per agent.
    Power,
}

/// Answering-machine detection (DESIGN §9), as the payload and the simulate request give it: the
/// scenario's `outcomes.amd` block with the detection time as a plain number of seconds.
///
/// Keys are snake_case, as the payload writes them; a server also accepts camelCase
/// (`detectSeconds`, `falsePositive`, `falseNegative`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AmdSettings {
    /// Whether detection runs; `false` sends every answer, person or machine, to an agent.
    /// Default true.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// How long detection listens after the answer before the call is routed, in seconds
    /// (0–30); required when detection is enabled. It counts against the 2-second rule.
    #[serde(
        default,
        alias = "detectSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub detect_seconds: Option<f64>,
    /// P(machine verdict | a person answered), 0–1: people hung up on, counted as abandoned by
    /// the FCC/FTC, Ofcom and CRTC rules. Default 0.
    #[serde(default, alias = "falsePositive")]
    pub false_positive: f64,
    /// P(person verdict | a machine answered), 0–1: machines sent to an agent. Default 0.
    #[serde(default, alias = "falseNegative")]
    pub false_negative: f64,
}

fn enabled() -> bool {
    true
}

/// The payload file of `cxone-sim run` and `cxone-sim validate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// The outbound campaign to simulate; it goes into the URL path.
    pub campaign_id: String,
    /// Expected share of dial attempts a live person answers, 0.05–0.95.
    pub answer_rate: f64,
    /// Share of agent time available for calls, 0.50–1.00.
    pub agent_efficiency: f64,
    /// Simulated time, 10–1440 minutes.
    pub max_simulation_window_minutes: u32,
    /// History by time bucket: the shape of the day.
    pub historical_matrix: Vec<HistoricalBucket>,
    /// Largest accepted relative deviation of the simulated answer rate from history, 0.01–0.25.
    pub compliance_threshold_variance: f64,
    /// Agents on the campaign (1–10 000); inferred from history when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Pacing mode; `PREDICTIVE` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialer_type: Option<DialerType>,
    /// Most lines dialling at once (the request's `maxCalls`, 1–100 000); when absent, a cap that
    /// scales with the agents ([`crate::simulate::default_max_calls`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lines: Option<u32>,
    /// Share of dial attempts an answering machine answers, 0–0.95 (with `answer_rate` at most 1
    /// in all); absent: machines are not told apart from other unanswered attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answering_machine_share: Option<f64>,
    /// Answering-machine detection; needs `answering_machine_share` above 0. Absent: machines are
    /// recognised at once and without error (no agent time, no false positives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amd: Option<AmdSettings>,
    /// Whether history's `calls_answered` counts machines too (default false: live answers only).
    /// When true, a bucket's live-answer rate is its answered rate minus
    /// `answering_machine_share`, for the day's shape and for the variance check alike.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered_includes_machines: bool,
}

/// A payload that has passed [`Payload::validate`]: only [`Payload::into_valid`] makes one, so
/// code that holds one never checks it again.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPayload(Payload);

impl Deref for ValidPayload {
    type Target = Payload;
    fn deref(&self) -> &Payload {
        &self.0
    }
}

impl ValidPayload {
    /// The payload itself.
    pub fn into_inner(self) -> Payload {
        self.0
    }
}

impl Payload {
    /// Checks every rule of the payload and reports every violation at once, each with its field path.
    pub fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut out = Vec::new();
        let p = self;
        fields::CAMPAIGN_ID
            .kind
            .check_text(fields::CAMPAIGN_ID.name, &p.campaign_id, &mut out);
        for (field, value) in [
            (fields::ANSWER_RATE, p.answer_rate),
            (fields::AGENT_EFFICIENCY, p.agent_efficiency),
        ] {
            field.kind.check_number(field.name, value, &mut out);
        }
        let window = fields::WINDOW_MINUTES;
        window.kind.check_whole(
            window.name,
            p.max_simulation_window_minutes.into(),
            &mut out,
        );
        let variance = fields::VARIANCE;
        variance
            .kind
            .check_number(variance.name, p.compliance_threshold_variance, &mut out);
        for (field, value) in [(fields::AGENTS, p.agents), (fields::MAX_LINES, p.max_lines)] {
            if let Some(n) = value {
                field.kind.check_whole(field.name, n.into(), &mut out);
            }
        }
        validate::history("historical_matrix", &self.historical_matrix, &mut out);
        validate::machines(
            &validate::MachinePaths::PAYLOAD,
            &validate::Machines {
                answer_rate: self.answer_rate,
                machine_share: self.answering_machine_share,
                amd: self.amd.as_ref(),
                answered_includes_machines: self.answered_includes_machines,
            },
            &self.historical_matrix,
            &mut out,
        );
        if out.is_empty() && self.agents.is_none() {
            validate::inferred_agents(
                "historical_matrix",
                &self.historical_matrix,
                self.agent_efficiency,
                &mut out,
            );
        }
        validate::finish(out)
    }

    /// Checks the payload ([`Payload::validate`]) and, when it is valid, keeps it as a
    /// [`ValidPayload`].
    pub fn into_valid(self) -> Result<ValidPayload, Vec<Violation>> {
        self.validate().map(|()| ValidPayload(self))
    }

    /// The share of attempts answered by machines that history's `calls_answered` holds: the
    /// machine share when `answered_includes_machines` is set, 0 otherwise.
    pub fn machines_in_answered(&self) -> f64 {
        machines_in_answered(
            self.answering_machine_share,
            self.answered_includes_machines,
        )
    }
}

/// The share of attempts answered by machines inside history's answered calls: `machine_share`
/// when `answered_includes_machines`, else 0.
pub(crate) fn machines_in_answered(machine_share: Option<f64>, includes: bool) -> f64 {
    match machine_share {
        Some(share) if includes => share,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn seed_example() -> Payload {
        let bucket = |t: &str, a, n, talk| HistoricalBucket {
            time_bucket: t.into(),
            calls_attempted: a,
            calls_answered: n,
            avg_talk_time_seconds: talk,
            abandons: None,
        };
        Payload {
            campaign_id: "12345678-1234-1234-1234-123456789012".into(),
            answer_rate: 0.38,
            agent_efficiency: 0.82,
            max_simulation_window_minutes: 120,
            historical_matrix: vec![
                bucket("09:00-10:00", 500, 190, 145.0),
                bucket("10:00-11:00", 620, 245, 138.0),
                bucket("11:00-12:00", 480, 175, 152.0),
            ],
            compliance_threshold_variance: 0.10,
            agents: None,
            dialer_type: None,
            max_lines: None,
            answering_machine_share: None,
            amd: None,
            answered_includes_machines: false,
        }
    }

    #[test]
    fn seed_example_is_valid() {
        assert_eq!(seed_example().validate(), Ok(()));
    }

    #[test]
    fn every_violation_is_reported_with_its_path() {
        let mut p = seed_example();
        p.campaign_id = "bad id/..".into();
        p.answer_rate = 0.99;
        p.agent_efficiency = f64::NAN;
        p.max_simulation_window_minutes = 5;
        p.compliance_threshold_variance = 0.5;
        p.agents = Some(0);
        p.historical_matrix[0].calls_answered = 501;
        p.historical_matrix[1].time_bucket = "10:30-11:30".into();
        p.historical_matrix[2].avg_talk_time_seconds = 0.0;
        let paths = paths_of(&p);
        assert_eq!(
            paths,
            [
                "campaign_id",
                "answer_rate",
                "agent_efficiency",
                "max_simulation_window_minutes",
                "compliance_threshold_variance",
                "agents",
                "historical_matrix[0].calls_answered",
                "historical_matrix[2].avg_talk_time_seconds",
                "historical_matrix[2].time_bucket",
            ]
        );
    }

    #[test]
    fn time_buckets_parse_and_reject() {
        use crate::validate::TimeBucket;
        assert_eq!(
            TimeBucket::parse("23:00-24:00"),
            Ok(TimeBucket {
                start_minute: 1380,
                end_minute: 1440
            })
        );
        for bad in [
            "9:00-10:00",
            "10:00-09:00",
            "10:00-10:00",
            "25:00-26:00",
            "10:00",
            "aa:bb-cc:dd",
        ] {
            assert!(TimeBucket::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn history_without_attempts_is_rejected() {
        let mut p = seed_example();
        for b in &mut p.historical_matrix {
            b.calls_attempted = 0;
            b.calls_answered = 0;
        }
        let v = p.validate().unwrap_err();
        assert!(
            v.iter()
                .any(|v| v.path == "historical_matrix" && v.message.contains("attempt"))
        );
    }

    fn paths_of(p: &Payload) -> Vec<String> {
        validate::paths(p.validate())
    }

    fn with_machines(share: f64) -> Payload {
        Payload {
            answering_machine_share: Some(share),
            amd: Some(AmdSettings {
                enabled: true,
                detect_seconds: Some(1.0),
                false_positive: 0.01,
                false_negative: 0.10,
            }),
            ..seed_example()
        }
    }

    #[test]
    fn machines_and_detection_are_valid_within_their_ranges() {
        assert_eq!(with_machines(0.40).validate(), Ok(()));
        assert_eq!(with_machines(0.62).validate(), Ok(()), "0.38 + 0.62 = 1");
        let off = Payload {
            amd: Some(AmdSettings {
                enabled: false,
                detect_seconds: None,
                false_positive: 0.0,
                false_negative: 0.0,
            }),
            ..with_machines(0.40)
        };
        assert_eq!(
            off.validate(),
            Ok(()),
            "detection off needs no detection time"
        );
        assert_eq!(seed_example().machines_in_answered(), 0.0);
        let mut counted = with_machines(0.10);
        counted.answered_includes_machines = true;
        assert_eq!(counted.validate(), Ok(()));
        assert_eq!(counted.machines_in_answered(), 0.10);
    }

    #[test]
    fn each_bad_machine_setting_names_its_field_and_the_fix() {
        let cases: Vec<(Payload, &str, &str)> = vec![
            (
                with_machines(-0.1),
                "answering_machine_share",
                "must be a number from 0 to 0.95 (got -0.1)",
            ),
            (
                with_machines(f64::NAN),
                "answering_machine_share",
                "(got NaN)",
            ),
            (
                with_machines(0.70),
                "answering_machine_share",
                "sum to at most 1",
            ),
            (
                Payload {
                    answering_machine_share: None,
                    ..with_machines(0.4)
                },
                "amd",
                "give answering_machine_share above 0",
            ),
            (
                Payload {
                    answering_machine_share: Some(0.0),
                    ..with_machines(0.4)
                },
                "amd",
                "or leave amd out",
            ),
            (
                Payload {
                    answered_includes_machines: true,
                    ..seed_example()
                },
                "answered_includes_machines",
                "give answering_machine_share above 0",
            ),
            (
                Payload {
                    answered_includes_machines: true,
                    ..with_machines(0.37)
                },
                "historical_matrix[2].calls_answered",
                "lower the machine share",
            ),
        ];
        for (payload, path, fix) in cases {
            let violations = payload.validate().unwrap_err();
            let found = violations
                .iter()
                .find(|v| v.path == path)
                .unwrap_or_else(|| panic!("{path}: {violations:?}"));
            assert!(found.message.contains(fix), "{path}: {}", found.message);
        }
        let mut amd = with_machines(0.4);
        amd.amd = Some(AmdSettings {
            enabled: true,
            detect_seconds: None,
            false_positive: 1.5,
            false_negative: -0.1,
        });
        assert_eq!(
            paths_of(&amd),
            [
                "amd.false_positive",
                "amd.false_negative",
                "amd.detect_seconds"
            ]
        );
        amd.amd = Some(AmdSettings {
            detect_seconds: Some(45.0),
            false_positive: 0.0,
            false_negative: 0.0,
            enabled: true,
        });
        assert_eq!(paths_of(&amd), ["amd.detect_seconds"]);
    }

    #[test]
    fn machine_problems_are_reported_with_the_others_at_once() {
        let mut p = with_machines(0.80);
        p.agents = Some(0);
        p.amd = Some(AmdSettings {
            enabled: true,
            detect_seconds: Some(1.0),
            false_positive: 2.0,
            false_negative: 0.0,
        });
        assert_eq!(
            paths_of(&p),
            ["agents", "answering_machine_share", "amd.false_positive"]
        );
    }

    #[test]
    fn answered_calls_with_machines_must_leave_live_answers() {
        // The seed's buckets answer 0.380, 0.395 and 0.365 of their attempts: a 0.40 machine
        // share is more than any of them answered; a share equal to every bucket's rate leaves
        // no live answers anywhere.
        let mut p = with_machines(0.40);
        p.answered_includes_machines = true;
        let paths = paths_of(&p);
        assert_eq!(
            paths,
            [
                "historical_matrix[0].calls_answered",
                "historical_matrix[1].calls_answered",
                "historical_matrix[2].calls_answered"
            ]
        );
        for b in &mut p.historical_matrix {
            b.calls_answered = b.calls_attempted * 2 / 5;
        }
        assert_eq!(
            paths_of(&p),
            ["historical_matrix"],
            "exactly the machine share"
        );
    }

    #[test]
    fn the_new_fields_read_from_json_in_snake_case_and_camel_case_for_amd() {
        let mut json = serde_json::to_value(seed_example()).unwrap();
        assert!(json.get("amd").is_none() && json.get("answered_includes_machines").is_none());
        json["answering_machine_share"] = 0.4.into();
        json["amd"] = serde_json::json!({"detectSeconds": 1.5, "false_positive": 0.01});
        json["answered_includes_machines"] = false.into();
        let p: Payload = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            p.amd,
            Some(AmdSettings {
                enabled: true,
                detect_seconds: Some(1.5),
                false_positive: 0.01,
                false_negative: 0.0
            })
        );
        json["amd"]["false_positve"] = 0.1.into();
        let err = serde_json::from_value::<Payload>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("false_positve"), "{err}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut json = serde_json::to_value(seed_example()).unwrap();
        json["answer_rat"] = 0.3.into();
        let err = serde_json::from_value::<Payload>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("answer_rat"), "{err}");
    }
}
