//! The simulation payload a user writes: the seed's `PredictiveSimulationPayload`, plus our optional
//! extensions (`agents`, `dialer_type`, `max_lines`, and `abandons` per history bucket).

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
        let paths: Vec<String> = p
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|v| v.path)
            .collect();
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
