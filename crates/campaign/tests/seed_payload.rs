//! The seed's example payload through the campaign mapping: the strategies compared on it, and the
//! history it reproduces (DESIGN §5.2, §5.5).

use campaign::{CampaignPlan, DialerType, HistoryBucket, plan_to_scenario, predicted_accuracy};
use dialer::{Metrics, simulate};

/// The seed's example history: 09:00–12:00 in three hourly buckets.
pub fn seed_history() -> Vec<HistoryBucket> {
    [
        (540, 500, 190, 145.0),
        (600, 620, 245, 138.0),
        (660, 480, 175, 152.0),
    ]
    .into_iter()
    .map(|(start, attempted, answered, talk)| HistoryBucket {
        start_minute: start,
        end_minute: start + 60,
        calls_attempted: attempted,
        calls_answered: answered,
        avg_talk_seconds: talk,
        abandons: None,
    })
    .collect()
}

/// The seed's example payload with the given dialer type.
pub fn seed_plan(dialer_type: DialerType) -> CampaignPlan {
    CampaignPlan {
        answer_rate: 0.38,
        agent_efficiency: 0.82,
        window_minutes: 120,
        history: seed_history(),
        agents: None,
        dialer_type,
        pacing_interval_seconds: 3.0,
        max_lines: Some(50),
        replications: 40,
        seed: 2024,
        machine_share: None,
        amd: None,
        machines_in_answered: 0.0,
    }
}

fn run_plan(dialer_type: DialerType) -> Metrics {
    simulate(
        &plan_to_scenario(&seed_plan(dialer_type)).unwrap(),
        dialer::Options::default(),
    )
    .metrics
}

#[test]
fn predictive_stays_compliant_and_keeps_agents_busier_than_progressive() {
    let predictive = run_plan(DialerType::Predictive);
    let progressive = run_plan(DialerType::Progressive);
    eprintln!(
        "predictive: compliance {:?} occupancy {:?}; progressive occupancy {:?}",
        predictive.compliance_abandon_rate, predictive.occupancy, progressive.occupancy
    );
    let limit = dialer::Regime::Fcc.limit();
    assert!(predictive.compliance_abandon_rate.mean < limit);
    assert!(predictive.compliance_abandon_rate.ci95.unwrap()[1] < limit);
    assert_eq!(progressive.abandoned.mean, 0.0);
    assert!(
        predictive.occupancy.ci95.unwrap()[0] > progressive.occupancy.ci95.unwrap()[1],
        "predictive {:?} vs progressive {:?}",
        predictive.occupancy,
        progressive.occupancy
    );
}

#[test]
fn power_abandons_more_than_predictive_on_the_seed_payload() {
    let power = run_plan(DialerType::Power);
    let predictive = run_plan(DialerType::Predictive);
    assert!(power.compliance_abandon_rate.mean > predictive.compliance_abandon_rate.mean);
}

#[test]
fn the_seed_payload_reproduces_its_history() {
    let plan = seed_plan(DialerType::Predictive);
    let report = simulate(
        &plan_to_scenario(&plan).unwrap(),
        dialer::Options::default(),
    );
    assert_eq!(report.buckets.len(), 2, "120 minutes of hourly history");
    let accuracy = predicted_accuracy(&report, &plan.history);
    assert!(accuracy > 0.97, "{accuracy}");
    // Simulating at a lower answer rate than history shows is less accurate.
    let low = CampaignPlan {
        answer_rate: 0.30,
        ..plan.clone()
    };
    let low_accuracy = predicted_accuracy(
        &simulate(&plan_to_scenario(&low).unwrap(), dialer::Options::default()),
        &plan.history,
    );
    assert!(
        (low_accuracy - (1.0 - 0.08 / 0.38)).abs() < 0.03,
        "{low_accuracy}"
    );
    // Simulated answer rate is the requested one.
    assert!((report.metrics.answer_rate.mean - 0.38).abs() < 0.01);
}
