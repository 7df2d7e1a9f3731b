//! The core both the server and the local backend call: a simulate request in, a response or an
//! [`ApiFailure`] out.
//!
//! It checks the campaign id, the body and the work limits, maps the request to the engine's campaign
//! plan, runs the engine (CPU-bound: callers on an async runtime run it on a blocking thread), applies the
//! probability-adjustment rule and builds the answer.

use campaign::{Prepared, WorkLimits, derive_seed, simulation_id};
use contract::simulate::{PROBABILITY_ADJUSTMENT, SimulateRequest, SimulateResponse};

use crate::failure::ApiFailure;

/// The regime the probability-adjustment rule holds a simulation to by default
/// ([`campaign::DEFAULT_REGIME`], the FCC/FTC rule), whose limit ([`dialer::Regime::limit`]) the
/// engine's pacing uses too, so the pacing target and the server's refusal can never disagree.
pub const COMPLIANCE_REGIME: dialer::Regime = campaign::DEFAULT_REGIME;

/// The most a simulated `compliance_abandon_rate` may be before the answer rate must come down
/// ([`COMPLIANCE_REGIME`]'s limit).
pub const COMPLIANCE_ABANDON_LIMIT: f64 = COMPLIANCE_REGIME.limit();

/// Simulates `request` for `campaign_id` with the seed derived from the request ([`derive_seed`]).
///
/// Failures carry the status and detail the HTTP server answers with: 400 for an invalid campaign id or
/// body (every violation listed), a broken work limit, or a simulated compliance abandon rate over
/// [`COMPLIANCE_ABANDON_LIMIT`] (detail containing `probability adjustment`); 500 if the response
/// cannot be built.
pub fn simulate(
    request: &SimulateRequest,
    campaign_id: &str,
    limits: &WorkLimits,
) -> Result<SimulateResponse, ApiFailure> {
    simulate_with_seed(
        request,
        campaign_id,
        limits,
        derive_seed(request, campaign_id),
    )
}

/// [`simulate`] with an explicit engine seed instead of the one derived from the request.
pub fn simulate_with_seed(
    request: &SimulateRequest,
    campaign_id: &str,
    limits: &WorkLimits,
    seed: u64,
) -> Result<SimulateResponse, ApiFailure> {
    simulate_with_progress(request, campaign_id, limits, seed, &|_, _| {})
}

/// [`simulate_with_seed`], calling `progress(replications done, replications in all)` as the engine
/// goes (for a progress bar on long local runs).
pub fn simulate_with_progress(
    request: &SimulateRequest,
    campaign_id: &str,
    limits: &WorkLimits,
    seed: u64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<SimulateResponse, ApiFailure> {
    let Prepared {
        request,
        plan,
        scenario,
    } = campaign::prepare(request, campaign_id, limits, seed)?;
    let report = dialer::simulate(
        &scenario,
        dialer::Options {
            progress: Some(progress),
            regime: Some(limits.regime),
        },
    );
    let settings = &request.predictive_dialer_settings;
    let regime = limits.regime;
    let compliance = report.compliance.regime(regime).rate.mean;
    let answer = || {
        campaign::report::answer(
            &request,
            campaign_id,
            simulation_id(&request, campaign_id, seed),
            &plan,
            scenario.agents,
            &report,
        )
    };
    if compliance > regime.limit() {
        let mut failure = ApiFailure::bad_request(format!(
            "simulated compliance abandon rate {:.2} % ({}) exceeds the {} % limit at answer rate {} \
             with {} agents; {PROBABILITY_ADJUSTMENT} required: lower answerRate",
            compliance * 100.0,
            regime.key(),
            regime.limit() * 100.0,
            settings.answer_rate,
            scenario.agents
        ));
        failure.simulation = Some(Box::new(answer()));
        return Err(failure);
    }
    Ok(answer())
}

/// The body broke the request's rules: 400 listing every violation.
pub(crate) fn invalid_request(violations: Vec<contract::Violation>) -> ApiFailure {
    campaign::request::invalid_request(violations).into()
}

/// A campaign id must obey the payload's rule ([`campaign::check_campaign_id`]): 400 if not.
pub(crate) fn check_campaign_id(campaign_id: &str) -> Result<(), ApiFailure> {
    Ok(campaign::check_campaign_id(campaign_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_ids_are_checked() {
        assert!(check_campaign_id("12345678-1234-1234-1234-123456789012").is_ok());
        assert!(check_campaign_id("spring_renewals").is_ok());
        for bad in ["", "a/b", "a b", "é", &"x".repeat(129)] {
            let err = check_campaign_id(bad).unwrap_err();
            assert_eq!(err.status, 400, "{bad}");
            assert!(err.detail.starts_with("campaignId "), "{}", err.detail);
        }
    }

    /// The refusal reads the engine's own figure for the regime: a campaign that over-dials is
    /// refused exactly when the report's regime rate is over the regime's limit, and its detail
    /// states that limit.
    #[test]
    fn the_compliance_limit_is_the_engines() {
        let request: SimulateRequest = serde_json::from_value(serde_json::json!({
            "predictiveDialerSettings": {"answerRate": 0.5, "agents": 4, "dialerType": "POWER",
                                         "maxCalls": 40, "interval": 0, "agentEfficiency": 1.0},
            "historicalData": [{"timeBucket": "09:00-10:00", "callsAttempted": 100,
                                "callsAnswered": 50, "avgTalkTimeSeconds": 120}],
            "simulationWindowMinutes": 60
        }))
        .unwrap();
        let limits = WorkLimits::for_local_use();
        let seed = derive_seed(&request, "c1");
        let scenario = campaign::prepare(&request, "c1", &limits, seed)
            .unwrap()
            .scenario;
        let report = dialer::simulate(&scenario, dialer::Options::default());
        let rate = report.compliance.regime(COMPLIANCE_REGIME).rate.mean;
        assert_eq!(rate, report.metrics.compliance_abandon_rate.mean);
        assert!(
            rate > COMPLIANCE_ABANDON_LIMIT,
            "{rate}: no over-dial to refuse"
        );
        let refused = simulate_with_seed(&request, "c1", &limits, seed).unwrap_err();
        assert_eq!(refused.status, 400);
        let limit = format!("the {} % limit", COMPLIANCE_REGIME.limit() * 100.0);
        assert!(refused.detail.contains(&limit), "{}", refused.detail);
    }

    /// `regime` decides the refusal: between the FCC/FTC's 3 % and the CRTC's 5 % a simulation
    /// is refused under the one and answered under the other, and each regime refuses exactly when
    /// its own rate is over its own limit.
    #[test]
    fn the_regime_decides_the_probability_adjustment() {
        let mut found_between = false;
        for max_calls in 23..=26 {
            let answer_rate = 0.3;
            let request: SimulateRequest = serde_json::from_value(serde_json::json!({
                "predictiveDialerSettings": {"answerRate": answer_rate, "agents": 20,
                                             "dialerType": "POWER", "maxCalls": max_calls, "interval": 0,
                                             "agentEfficiency": 1.0},
                "historicalData": [{"timeBucket": "09:00-10:00", "callsAttempted": 100,
                                    "callsAnswered": 30, "avgTalkTimeSeconds": 120}],
                "simulationWindowMinutes": 120
            }))
            .unwrap();
            let seed = derive_seed(&request, "c1");
            let base = WorkLimits::for_local_use();
            let scenario = campaign::prepare(&request, "c1", &base, seed)
                .unwrap()
                .scenario;
            let report = dialer::simulate(&scenario, dialer::Options::default());
            let mut refused_by = Vec::new();
            for &regime in dialer::Regime::ALL {
                let limits = WorkLimits {
                    regime,
                    ..base.clone()
                };
                let refused = simulate_with_seed(&request, "c1", &limits, seed).is_err();
                let over = report.compliance.regime(regime).rate.mean > regime.limit();
                assert_eq!(refused, over, "{regime:?} at maxCalls {max_calls}");
                if refused {
                    refused_by.push(regime);
                }
            }
            if refused_by.contains(&dialer::Regime::Fcc)
                && !refused_by.contains(&dialer::Regime::Crtc)
            {
                found_between = true;
            }
        }
        assert!(found_between, "no campaign between the 3 % and 5 % limits");
    }
}
