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

/// The dialer settings of a simulate request (and, in the answer, the settings simulated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DialerSettings {
    /// Share of dial attempts a live person answers. In an answer: the simulated rate.
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
    pub predictive_dialer_settings: DialerSettings,
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
