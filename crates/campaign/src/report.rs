//! The engine's report on the wire: [`dialer::Report`] to the contract's typed metrics, and the
//! simulate answer built from it.

use contract::{
    MetricEstimate, SimulateResponse, SimulatedBucket, SimulatedMetrics, SimulatedSettings,
    ValidRequest,
};
use dialer::{Estimate, Metrics, Report};

use crate::plan::{CampaignPlan, predicted_accuracy};

fn estimate(e: &Estimate) -> Option<MetricEstimate> {
    Some(MetricEstimate {
        mean: e.mean,
        ci95: e.ci95,
        n: Some(e.n),
    })
}

/// The engine's metrics as the contract carries them.
pub fn wire_metrics(m: &Metrics) -> SimulatedMetrics {
    SimulatedMetrics {
        dials: estimate(&m.dials),
        live_answers: estimate(&m.live_answers),
        answer_rate: estimate(&m.answer_rate),
        connected: estimate(&m.connected),
        abandoned: estimate(&m.abandoned),
        late: estimate(&m.late),
        abandon_rate: estimate(&m.abandon_rate),
        compliance_abandon_rate: estimate(&m.compliance_abandon_rate),
        occupancy: estimate(&m.occupancy),
        connects_per_agent_hour: estimate(&m.connects_per_agent_hour),
        mean_wait_seconds: estimate(&m.mean_wait_seconds),
        p90_wait_seconds: estimate(&m.p90_wait_seconds),
        peak_lines: estimate(&m.peak_lines),
        extra: serde_json::Map::new(),
    }
}

/// The engine's report buckets as the contract carries them.
pub fn wire_buckets(report: &Report) -> Vec<SimulatedBucket> {
    report
        .buckets
        .iter()
        .map(|b| SimulatedBucket {
            index: Some(b.index),
            start_minute: Some(b.start_minute),
            end_minute: Some(b.end_minute),
            metrics: wire_metrics(&b.metrics),
        })
        .collect()
}

/// The simulate answer for `request`, simulated as `plan` with `agents`, from the engine's
/// `report`: `COMPLETED`, the settings echoed at the simulated answer rate, the predicted accuracy
/// and the metrics (DESIGN §5.5).
pub fn answer(
    request: &ValidRequest,
    campaign_id: &str,
    simulation_id: String,
    plan: &CampaignPlan,
    agents: u32,
    report: &Report,
) -> SimulateResponse {
    SimulateResponse {
        status: "COMPLETED".into(),
        campaign_id: Some(campaign_id.into()),
        simulation_id: Some(simulation_id),
        predictive_dialer_settings: Some(SimulatedSettings::from_request(
            &request.predictive_dialer_settings,
            report.metrics.answer_rate.mean,
            Some(agents),
        )),
        simulation_window_minutes: Some(request.simulation_window_minutes),
        predicted_accuracy: Some(predicted_accuracy(report, &plan.history).clamp(0.0, 1.0)),
        metrics: Some(wire_metrics(&report.metrics)),
        buckets: Some(wire_buckets(report)),
        replications: Some(report.replications),
        seed: Some(report.seed),
        extra: compliance_field(report),
    }
}

/// The `compliance` object (DESIGN §8), the metrics' sibling on the wire.
fn compliance_field(report: &Report) -> serde_json::Map<String, serde_json::Value> {
    let mut extra = serde_json::Map::new();
    // Plain numbers and strings: serializing them cannot fail (a NaN becomes null).
    if let Ok(value) = serde_json::to_value(&report.compliance) {
        extra.insert("compliance".into(), value);
    }
    extra
}
