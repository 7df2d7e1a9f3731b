//! The engine's report on the wire: [`dialer::Report`] to the contract's typed metrics, and the
//! simulate answer built from it.

use contract::{
    ComplianceReport, MetricEstimate, RegimeCompliance, ShareEstimate, SimulateResponse,
    SimulatedBucket, SimulatedMetrics, SimulatedSettings, ValidRequest,
};
use dialer::{Compliance, Estimate, Metrics, Report, Share};

use crate::plan::{CampaignPlan, predicted_live_accuracy};

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
        predicted_accuracy: Some(
            predicted_live_accuracy(report, &plan.history, plan.machines_in_answered)
                .clamp(0.0, 1.0),
        ),
        metrics: Some(wire_metrics(&report.metrics)),
        compliance: Some(wire_compliance(&report.compliance)),
        buckets: Some(wire_buckets(report)),
        replications: Some(report.replications),
        seed: Some(report.seed),
        extra: serde_json::Map::new(),
    }
}

/// The engine's `compliance` object (DESIGN §8) as the contract carries it, the metrics' sibling
/// on the wire: every regime, in report order.
pub fn wire_compliance(compliance: &Compliance) -> ComplianceReport {
    let share = |s: &Share| ShareEstimate {
        share: s.share,
        ci95: s.ci95,
        n: Some(s.n),
    };
    let mut wire = ComplianceReport::default();
    for (regime, r) in compliance.iter() {
        if let Some(slot) = wire.slot(regime.key()) {
            *slot = Some(RegimeCompliance {
                limit: Some(r.limit),
                period: Some(r.period.to_owned()),
                rate: Some(estimate(&r.rate)),
                share_over_limit: Some(share(&r.share_over_limit)),
                period_days: Some(r.period_days),
                windows_over_limit: Some(share(&r.windows_over_limit)),
            });
        }
    }
    wire
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed object serialises exactly as the engine's own `compliance` object, so the answer
    /// carries what `simulate --json` prints.
    #[test]
    fn the_wire_compliance_is_the_engines_object() {
        let window = |live, abandoned, false_positives| dialer::PeriodCounts {
            live,
            abandoned,
            false_positives,
            handled: live - abandoned,
            ..Default::default()
        };
        let windows = [window(100, 2, 1), window(80, 4, 0), window(90, 1, 2)];
        let engine = Compliance::assess(&windows, 3);
        let wire = wire_compliance(&engine);
        assert_eq!(
            serde_json::to_value(&wire).unwrap(),
            serde_json::to_value(&engine).unwrap()
        );
        let keys: Vec<&str> = wire.iter().map(|(k, _)| k).collect();
        let engine_keys: Vec<&str> = engine.iter().map(|(r, _)| r.key()).collect();
        assert_eq!(keys, engine_keys);
    }

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
