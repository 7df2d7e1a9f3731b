//! The body and answer of `POST /api/v2/outbound/campaigns/{campaignId}/simulate`.

use serde::{Deserialize, Serialize};

use std::ops::Deref;

use crate::compliance::ComplianceReport;
use crate::metrics::{SimulatedBucket, SimulatedMetrics};
use crate::model;
use crate::payload::{AmdSettings, DialerType, HistoricalBucket, Payload, machines_in_answered};
use violation::shape::Field;

use crate::fields;
use crate::validate::{self, MAX_MAX_CALLS, TimeBucket, Violation};

/// Pacing recalculation interval the seed sends, in seconds.
pub const DEFAULT_INTERVAL_SECONDS: u32 = 3;
/// Most lines dialling at once, as the seed sends it (the smallest default, [`default_max_calls`]).
pub const DEFAULT_MAX_CALLS: u32 = model::SEED_MAX_CALLS;
/// The largest engine seed: 2^53 − 1, the largest integer a JSON reader that holds numbers as
/// doubles (`jq`, JavaScript) keeps exact.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// Longest pacing interval a request may ask for: an hour.
pub const MAX_INTERVAL_SECONDS: u32 = 3600;

/// The dialer settings of a simulate request. Strict: a server refuses a field it does not know, so a
/// misspelt setting is never silently ignored. The answer carries [`SimulatedSettings`] instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DialerSettings {
    /// Share of dial attempts a live person answers.
    pub answer_rate: f64,
    /// Share of agent time available for calls.
    pub agent_efficiency: f64,
    /// Pacing recalculation interval, seconds (0 = after every state change).
    pub interval: u32,
    /// Most lines dialling at once.
    pub max_calls: u32,
    /// Pacing mode.
    #[serde(default)]
    pub dialer_type: DialerType,
    /// Agents on the campaign; inferred from history when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Share of dial attempts an answering machine answers (the payload's
    /// `answering_machine_share`); absent: machines are not told apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answering_machine_share: Option<f64>,
    /// Answering-machine detection (snake_case keys, as the payload writes them; camelCase
    /// accepted); needs `answeringMachineShare` above 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amd: Option<AmdSettings>,
}

/// The settings a server reports as simulated, in a simulate answer.
///
/// Tolerant where [`DialerSettings`] is strict: nothing is required (without `answerRate` the rate
/// requested stands, as in the seed), an unknown `dialerType` is kept as sent, and settings this
/// client does not know are kept in [`extra`](Self::extra), so a compatible server that echoes fewer
/// or more settings still decodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SimulatedSettings {
    /// The simulated answer rate, if the server reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_rate: Option<f64>,
    /// Share of agent time available for calls, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_efficiency: Option<f64>,
    /// Pacing recalculation interval, seconds, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    /// Most lines dialling at once, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u32>,
    /// Pacing mode, if the server echoes it; a mode this client does not know is kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialer_type: Option<ReportedDialerType>,
    /// Agents simulated (given or inferred from history), if the server reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Any other setting a server reports; kept so nothing is lost.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SimulatedSettings {
    /// The settings of a request as simulated at `answer_rate` with `agents`.
    pub fn from_request(settings: &DialerSettings, answer_rate: f64, agents: Option<u32>) -> Self {
        Self {
            answer_rate: Some(answer_rate),
            agent_efficiency: Some(settings.agent_efficiency),
            interval: Some(settings.interval),
            max_calls: Some(settings.max_calls),
            dialer_type: Some(ReportedDialerType::Known(settings.dialer_type)),
            agents,
            extra: serde_json::Map::new(),
        }
    }
}

/// The simulate request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimulateRequest {
    /// How the dialer is set up.
    pub predictive_dialer_settings: DialerSettings,
    /// Simulated time, minutes.
    pub simulation_window_minutes: u32,
    /// History by time bucket (snake_case keys, as the seed sends them; camelCase accepted).
    pub historical_data: Vec<HistoricalBucket>,
    /// Whether `historicalData`'s `calls_answered` counts machines too (default false); when true
    /// a bucket's live-answer rate is its answered rate minus `answeringMachineShare`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered_includes_machines: bool,
}

impl SimulateRequest {
    /// The request the seed builds from a payload: interval 3 s, and `max_lines` or a line cap
    /// that scales with the agents ([`default_max_calls`]).
    pub fn from_payload(payload: &Payload) -> Self {
        Self {
            predictive_dialer_settings: DialerSettings {
                answer_rate: payload.answer_rate,
                agent_efficiency: payload.agent_efficiency,
                interval: DEFAULT_INTERVAL_SECONDS,
                max_calls: payload
                    .max_lines
                    .unwrap_or_else(|| default_max_calls(payload)),
                dialer_type: payload.dialer_type.unwrap_or_default(),
                agents: payload.agents,
                answering_machine_share: payload.answering_machine_share,
                amd: payload.amd,
            },
            simulation_window_minutes: payload.max_simulation_window_minutes,
            historical_data: payload.historical_matrix.clone(),
            answered_includes_machines: payload.answered_includes_machines,
        }
    }

    /// The share of attempts answered by machines that `historicalData`'s answered calls hold
    /// (the machine share when `answeredIncludesMachines`, else 0).
    pub fn machines_in_answered(&self) -> f64 {
        machines_in_answered(
            self.predictive_dialer_settings.answering_machine_share,
            self.answered_includes_machines,
        )
    }

    /// The same request at another answer rate (the probability-adjustment step).
    pub fn with_answer_rate(&self, answer_rate: f64) -> Self {
        let mut next = self.clone();
        next.predictive_dialer_settings.answer_rate = answer_rate;
        next
    }

    /// Checks the body ([`SimulateRequest::validate`]) and, when it is valid, keeps it as a
    /// [`ValidRequest`] with its time buckets parsed.
    pub fn into_valid(self) -> Result<ValidRequest, Vec<Violation>> {
        self.validate()?;
        Ok(ValidRequest::new_unchecked(self))
    }

    /// Checks the body with the payload's rules, reporting every violation with its wire path.
    pub fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut out = Vec::new();
        let s = &self.predictive_dialer_settings;
        let p = "predictiveDialerSettings";
        let path = |field: &Field| format!("{p}.{}", field.name);
        for (field, value) in [
            (&fields::DIALER_SETTINGS.fields[0], s.answer_rate),
            (&fields::DIALER_SETTINGS.fields[1], s.agent_efficiency),
        ] {
            field.kind.check_number(&path(field), value, &mut out);
        }
        for (field, value) in [
            (&fields::INTERVAL, Some(s.interval)),
            (&fields::MAX_CALLS, Some(s.max_calls)),
            (&fields::AGENTS, s.agents),
        ] {
            if let Some(n) = value {
                field.kind.check_whole(&path(field), n.into(), &mut out);
            }
        }
        let window = fields::WINDOW_MINUTES;
        window.kind.check_whole(
            "simulationWindowMinutes",
            self.simulation_window_minutes.into(),
            &mut out,
        );
        validate::history("historicalData", &self.historical_data, &mut out);
        validate::machines(
            &validate::MachinePaths::REQUEST,
            &validate::Machines {
                answer_rate: s.answer_rate,
                machine_share: s.answering_machine_share,
                amd: s.amd.as_ref(),
                answered_includes_machines: self.answered_includes_machines,
            },
            &self.historical_data,
            &mut out,
        );
        if out.is_empty() && s.agents.is_none() {
            validate::inferred_agents(
                "historicalData",
                &self.historical_data,
                s.agent_efficiency,
                &mut out,
            );
        }
        validate::finish(out)
    }
}

/// The default `maxCalls` of a payload without `max_lines`: [`model::default_max_calls`] for its
/// agents (given or inferred), answer rate and shortest talk time.
pub fn default_max_calls(payload: &Payload) -> u32 {
    let agents = payload.agents.map_or_else(
        || validate::infer_agents(&payload.historical_matrix, payload.agent_efficiency),
        u64::from,
    );
    let shortest_talk = payload
        .historical_matrix
        .iter()
        .map(|b| b.avg_talk_time_seconds)
        .fold(f64::INFINITY, f64::min);
    model::default_max_calls(agents, payload.answer_rate, shortest_talk, MAX_MAX_CALLS)
}

/// A simulate request that has passed [`SimulateRequest::validate`], with its time buckets parsed
/// (in the order of `historicalData`). Only [`SimulateRequest::into_valid`] and
/// [`ValidRequest::from_payload`] make one, so its holder never checks it again.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest {
    request: SimulateRequest,
    spans: Vec<TimeBucket>,
}

impl Deref for ValidRequest {
    type Target = SimulateRequest;
    fn deref(&self) -> &SimulateRequest {
        &self.request
    }
}

impl ValidRequest {
    /// Wraps a request known to be valid. Every bucket's time parsed when it was checked.
    fn new_unchecked(request: SimulateRequest) -> Self {
        let spans = request
            .historical_data
            .iter()
            .filter_map(|b| TimeBucket::parse(&b.time_bucket).ok())
            .collect();
        Self { request, spans }
    }

    /// The request built from a valid payload: the payload's rules are the request's, so it is
    /// valid too.
    pub fn from_payload(payload: &crate::payload::ValidPayload) -> Self {
        Self::new_unchecked(SimulateRequest::from_payload(payload))
    }

    /// The parsed time of each history bucket, in `historicalData` order.
    pub fn spans(&self) -> &[TimeBucket] {
        &self.spans
    }

    /// The same request at another answer rate, kept within the rule's 0.05–0.95.
    pub fn with_answer_rate(&self, answer_rate: f64) -> Self {
        let rate = if answer_rate.is_finite() {
            answer_rate.clamp(0.05, 0.95)
        } else {
            0.05
        };
        Self {
            request: self.request.with_answer_rate(rate),
            spans: self.spans.clone(),
        }
    }

    /// The request itself.
    pub fn into_inner(self) -> SimulateRequest {
        self.request
    }
}

/// A `dialerType` in an answer: one this client knows, or whatever the server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ReportedDialerType {
    /// `PREDICTIVE`, `PROGRESSIVE` or `POWER`.
    Known(DialerType),
    /// Any other mode (`AGENTLESS`, …), kept as sent.
    Other(String),
}

fn unknown_status() -> String {
    "UNKNOWN".to_owned()
}

/// The answer to a simulate request.
///
/// Read the way the seed reads it: nothing is required. `status` defaults to `UNKNOWN`, a missing
/// `answerRate` means the rate requested ([`SimulateResponse::answer_rate_or`]), and every other
/// figure is optional, so an answer from any server that speaks the seed's contract decodes; what a
/// server adds beyond it is kept in [`extra`](Self::extra).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SimulateResponse {
    /// `COMPLETED` when the simulation ran; `UNKNOWN` when the server does not say.
    #[serde(default = "unknown_status")]
    pub status: String,
    /// The campaign simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
    /// Identifies this simulation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_id: Option<String>,
    /// The settings simulated; `answerRate` is the simulated answer rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predictive_dialer_settings: Option<SimulatedSettings>,
    /// Simulated time, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_window_minutes: Option<u32>,
    /// How closely the simulated shape of the day follows history, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicted_accuracy: Option<f64>,
    /// The engine's metrics over the window (dials, live answers, abandon rates, occupancy, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<SimulatedMetrics>,
    /// Every regime's abandonment and risk of a breach (DESIGN §8); absent from a server that does
    /// not report it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<ComplianceReport>,
    /// The metrics per report bucket, in time order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Vec<SimulatedBucket>>,
    /// Replications run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    /// The engine seed used (at most 2^53 − 1, so JSON readers keep it exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Anything else a server adds; kept so nothing is lost.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SimulateResponse {
    /// The simulated answer rate, or `requested` when the server does not report one (as the seed
    /// reads it).
    pub fn answer_rate_or(&self, requested: f64) -> f64 {
        self.predictive_dialer_settings
            .as_ref()
            .and_then(|s| s.answer_rate)
            .unwrap_or(requested)
    }

    /// Agents simulated, if the server reports them.
    pub fn agents(&self) -> Option<u32> {
        self.predictive_dialer_settings.as_ref()?.agents
    }

    /// The line cap simulated, if the server reports it.
    pub fn max_calls(&self) -> Option<u32> {
        self.predictive_dialer_settings.as_ref()?.max_calls
    }
}

/// The error body of a failed simulate request: `{"detail": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub detail: String,
    /// With a `probability adjustment` 400: the simulation that broke the abandonment limit, so a
    /// client that stops adjusting can still show what it got. Other servers may leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Box<SimulateResponse>>,
}

impl ErrorBody {
    /// A body with only its detail.
    pub fn new(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            simulation: None,
        }
    }
}

/// The phrase a server's 400 detail carries when the answer rate must be lowered.
pub const PROBABILITY_ADJUSTMENT: &str = "probability adjustment";

/// Does a 400 detail ask the client to lower the answer rate and try again?
pub fn is_probability_adjustment(detail: &str) -> bool {
    detail.to_ascii_lowercase().contains(PROBABILITY_ADJUSTMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_request() -> SimulateRequest {
        serde_json::from_value(serde_json::json!({
            "predictiveDialerSettings": {"answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3,
                                         "maxCalls": 50, "dialerType": "PREDICTIVE"},
            "simulationWindowMinutes": 120,
            "historicalData": [{"time_bucket": "09:00-10:00", "calls_attempted": 500,
                                "calls_answered": 190, "avg_talk_time_seconds": 145.0}]
        }))
        .unwrap()
    }

    #[test]
    fn a_request_without_machines_goes_on_the_wire_as_before() {
        let wire = serde_json::to_value(seed_request()).unwrap();
        let settings = wire["predictiveDialerSettings"].as_object().unwrap();
        assert_eq!(settings.len(), 5, "{settings:?}");
        assert!(wire.get("answeredIncludesMachines").is_none());
        assert_eq!(seed_request().machines_in_answered(), 0.0);
    }

    #[test]
    fn the_request_carries_machines_and_checks_them_at_their_wire_paths() {
        let mut request = seed_request();
        request.predictive_dialer_settings.answering_machine_share = Some(0.7);
        request.predictive_dialer_settings.amd = Some(AmdSettings {
            enabled: true,
            detect_seconds: None,
            false_positive: 0.01,
            false_negative: 0.1,
        });
        request.answered_includes_machines = true;
        let paths = crate::validate::paths(request.validate());
        assert_eq!(
            paths,
            [
                "predictiveDialerSettings.answeringMachineShare",
                "predictiveDialerSettings.amd.detect_seconds"
            ]
        );
        request.predictive_dialer_settings.answering_machine_share = Some(0.2);
        request
            .predictive_dialer_settings
            .amd
            .as_mut()
            .unwrap()
            .detect_seconds = Some(2.0);
        assert_eq!(request.validate(), Ok(()));
        assert_eq!(request.machines_in_answered(), 0.2);
        let wire = serde_json::to_value(&request).unwrap();
        assert_eq!(
            wire["predictiveDialerSettings"]["answeringMachineShare"],
            0.2
        );
        assert_eq!(
            wire["predictiveDialerSettings"]["amd"]["detect_seconds"],
            2.0
        );
        assert_eq!(wire["answeredIncludesMachines"], true);
        let again: SimulateRequest = serde_json::from_value(wire).unwrap();
        assert_eq!(again, request);
    }

    #[test]
    fn request_settings_refuse_unknown_fields() {
        let err = serde_json::from_value::<DialerSettings>(serde_json::json!({
            "answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3, "maxCalls": 50, "pacing": "x"
        }))
        .unwrap_err();
        assert!(err.to_string().contains("pacing"), "{err}");
    }

    #[test]
    fn answer_settings_need_only_the_answer_rate_and_keep_the_rest() {
        let settings: SimulatedSettings =
            serde_json::from_value(serde_json::json!({"answerRate": 0.36, "lineRatio": 1.8}))
                .unwrap();
        assert_eq!(settings.answer_rate, Some(0.36));
        assert_eq!(settings.agents, None);
        assert_eq!(settings.max_calls, None);
        assert_eq!(settings.extra["lineRatio"], 1.8);
        let back = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"answerRate": 0.36, "lineRatio": 1.8})
        );
    }

    #[test]
    fn the_seeds_minimal_answer_decodes() {
        let answer: SimulateResponse = serde_json::from_value(serde_json::json!(
            {"status": "COMPLETED", "predictiveDialerSettings": {"answerRate": 0.36, "dialerType": "AGENTLESS"}}
        ))
        .unwrap();
        assert_eq!(answer.status, "COMPLETED");
        assert_eq!(answer.answer_rate_or(0.38), 0.36);
        assert_eq!(answer.predicted_accuracy, None);
        assert_eq!(answer.metrics, None);
        assert_eq!(answer.compliance, None);
        assert!(answer.extra.is_empty());
        assert_eq!(
            answer.predictive_dialer_settings.unwrap().dialer_type,
            Some(ReportedDialerType::Other("AGENTLESS".into()))
        );
        let empty: SimulateResponse = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty.status, "UNKNOWN");
        assert_eq!(empty.answer_rate_or(0.38), 0.38);
    }

    #[test]
    fn answer_settings_echo_the_request() {
        let request = DialerSettings {
            answer_rate: 0.38,
            agent_efficiency: 0.82,
            interval: 3,
            max_calls: 50,
            dialer_type: DialerType::Power,
            agents: None,
            answering_machine_share: None,
            amd: None,
        };
        let simulated = SimulatedSettings::from_request(&request, 0.37, Some(12));
        let wire = serde_json::to_value(&simulated).unwrap();
        assert_eq!(
            wire,
            serde_json::json!({"answerRate": 0.37, "agentEfficiency": 0.82, "interval": 3,
                               "maxCalls": 50, "dialerType": "POWER", "agents": 12})
        );
    }
}
