//! The engine's report on the wire: [`dialer::Report`] to the contract's typed metrics, and the
//! simulate answer built from it.

use contract::{
    MetricEstimate, SimulateResponse, SimulatedBucket, SimulatedMetrics, SimulatedSettings,
    ValidRequest,
};
use dialer::{Estimate, Metrics, Report};

use crate::plan::{CampaignPlan, predicted_accuracy};

fn estimate(e: &Estimate) -> MetricEstimate {
    MetricEstimate {
        mean: e.mean,
        ci95: e.ci95,
        n: Some(e.n),
    }
}

/// The engine's metrics as the contract carries them: the DESIGN §5.3 metrics the wire knows, by
/// name; the engine's others (outcomes, AMD) stay in its own report.
pub fn wire_metrics(m: &Metrics) -> SimulatedMetrics {
    let mut wire = SimulatedMetrics::default();
    for (name, e) in m.named() {
        wire.set(name, estimate(e));
    }
    wire
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every metric the wire knows is one the engine reports, under the same name.
    #[test]
    fn every_wire_metric_comes_from_the_engine() {
        let mut metrics: Metrics = dialer::MetricValues::default().map(|mean| Estimate {
            mean,
            ci95: None,
            n: 1,
        });
        metrics.peak_lines.mean = 22.0;
        let wire = wire_metrics(&metrics);
        for name in contract::metrics::METRIC_NAMES {
            assert!(
                wire.get(name).is_some(),
                "{name} is not set from the engine"
            );
        }
        assert_eq!(wire.peak_lines.map(|e| e.mean), Some(22.0));
        assert!(wire.extra.is_empty());
    }
}
