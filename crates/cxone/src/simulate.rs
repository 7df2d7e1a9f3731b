//! The body and answer of `POST /api/v2/outbound/campaigns/{campaignId}/simulate`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::payload::{DialerType, HistoricalBucket, Payload};
use crate::validate::{self, Violation};

/// Pacing recalculation interval the seed sends, in seconds.
pub const DEFAULT_INTERVAL_SECONDS: u32 = 3;
/// Most lines dialling at once, as the seed sends it.
pub const DEFAULT_MAX_CALLS: u32 = 50;
/// Most lines a request may ask for.
pub const MAX_MAX_CALLS: u32 = 100_000;
/// Longest pacing interval a request may ask for: an hour.
pub const MAX_INTERVAL_SECONDS: u32 = 3600;

/// The dialer settings of a simulate request. Strict: a server refuses a field it does not know, so a
/// misspelt setting is never silently ignored. The answer carries [`SimulatedSettings`] instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
}

/// The settings a server reports as simulated, in a simulate answer.
///
/// Tolerant where [`DialerSettings`] is strict: only `answerRate` is required, and settings this client
/// does not know are kept in [`extra`](Self::extra), so a compatible server that echoes fewer or more
/// settings still decodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulatedSettings {
    /// The simulated answer rate.
    pub answer_rate: f64,
    /// Share of agent time available for calls, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_efficiency: Option<f64>,
    /// Pacing recalculation interval, seconds, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    /// Most lines dialling at once, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u32>,
    /// Pacing mode, if the server echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialer_type: Option<DialerType>,
    /// Agents simulated (given or inferred from history), if the server reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Any other setting a server reports; kept so nothing is lost.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SimulatedSettings {
    /// The settings of a request as simulated at `answer_rate` with `agents`.
    pub fn from_request(settings: &DialerSettings, answer_rate: f64, agents: Option<u32>) -> Self {
        Self {
            answer_rate,
            agent_efficiency: Some(settings.agent_efficiency),
            interval: Some(settings.interval),
            max_calls: Some(settings.max_calls),
            dialer_type: Some(settings.dialer_type),
            agents,
            extra: serde_json::Map::new(),
        }
    }
}

/// The simulate request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimulateRequest {
    /// How the dialer is set up.
    pub predictive_dialer_settings: DialerSettings,
    /// Simulated time, minutes.
    pub simulation_window_minutes: u32,
    /// History by time bucket (snake_case keys, as the seed sends them; camelCase accepted).
    pub historical_data: Vec<HistoricalBucket>,
}

impl SimulateRequest {
    /// The request the seed builds from a payload: interval 3 s, at most 50 lines.
    pub fn from_payload(payload: &Payload) -> Self {
        Self {
            predictive_dialer_settings: DialerSettings {
                answer_rate: payload.answer_rate,
                agent_efficiency: payload.agent_efficiency,
                interval: DEFAULT_INTERVAL_SECONDS,
                max_calls: DEFAULT_MAX_CALLS,
                dialer_type: payload.dialer_type.unwrap_or_default(),
                agents: payload.agents,
            },
            simulation_window_minutes: payload.max_simulation_window_minutes,
            historical_data: payload.historical_matrix.clone(),
        }
    }

    /// The same request at another answer rate (the probability-adjustment step).
    pub fn with_answer_rate(&self, answer_rate: f64) -> Self {
        let mut next = self.clone();
        next.predictive_dialer_settings.answer_rate = answer_rate;
        next
    }

    /// Checks the body with the payload's rules, reporting every violation with its wire path.
    pub fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut out = Vec::new();
        let s = &self.predictive_dialer_settings;
        let p = "predictiveDialerSettings";
        validate::range(
            &format!("{p}.answerRate"),
            s.answer_rate,
            0.05,
            0.95,
            &mut out,
        );
        validate::range(
            &format!("{p}.agentEfficiency"),
            s.agent_efficiency,
            0.50,
            1.00,
            &mut out,
        );
        if s.interval > MAX_INTERVAL_SECONDS {
            out.push(Violation::new(
                format!("{p}.interval"),
                format!(
                    "is {} s; it must be between 0 and {MAX_INTERVAL_SECONDS} s",
                    s.interval
                ),
            ));
        }
        if !(1..=MAX_MAX_CALLS).contains(&s.max_calls) {
            out.push(Violation::new(
                format!("{p}.maxCalls"),
                format!(
                    "is {}; it must be between 1 and {MAX_MAX_CALLS}",
                    s.max_calls
                ),
            ));
        }
        validate::agents(&format!("{p}.agents"), s.agents, &mut out);
        validate::window(
            "simulationWindowMinutes",
            self.simulation_window_minutes,
            &mut out,
        );
        validate::history("historicalData", &self.historical_data, &mut out);
        validate::finish(out)
    }
}

/// The answer to a simulate request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulateResponse {
    /// `COMPLETED` when the simulation ran.
    pub status: String,
    /// The campaign simulated.
    pub campaign_id: String,
    /// Identifies this simulation.
    pub simulation_id: String,
    /// The settings simulated; `answerRate` is the simulated answer rate.
    pub predictive_dialer_settings: SimulatedSettings,
    /// Simulated time, minutes.
    pub simulation_window_minutes: u32,
    /// How closely the simulated shape of the day follows history, 0..1.
    pub predicted_accuracy: f64,
    /// The engine's metrics (dials, live answers, abandon rates, occupancy, …).
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
    /// Anything else a server adds; kept so nothing is lost.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The error body of a failed simulate request: `{"detail": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub detail: String,
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
        assert_eq!(settings.answer_rate, 0.36);
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
    fn answer_settings_echo_the_request() {
        let request = DialerSettings {
            answer_rate: 0.38,
            agent_efficiency: 0.82,
            interval: 3,
            max_calls: 50,
            dialer_type: DialerType::Power,
            agents: None,
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
