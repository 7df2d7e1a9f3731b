//! From a simulate request to the scenario the engine runs: the campaign id, the body and the work
//! limits checked, the request mapped to its [`CampaignPlan`] and its [`dialer::ValidScenario`].
//!
//! The server, the local backend, the CLI's `simulate` and the Python package all go through
//! [`prepare`], so a payload means the same scenario everywhere.

use contract::simulate::SimulateRequest;
use contract::{ValidRequest, Violation};

use crate::limits::WorkLimits;
use crate::plan::{CampaignPlan, plan_to_scenario};
use crate::seed::derive_seed;

/// Why a request cannot be simulated: a bad campaign id, an invalid body (every violation listed),
/// a broken work limit or the engine's own refusal. The server answers it with a 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// What is wrong, naming the field or limit and what to change.
    pub detail: String,
}

impl Refused {
    /// A refusal saying `detail`.
    pub fn new(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for Refused {}

/// A request checked and mapped: what the engine runs and what the answer is built from.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The request, validated.
    pub request: ValidRequest,
    /// The request in plain numbers.
    pub plan: CampaignPlan,
    /// The scenario the engine runs.
    pub scenario: dialer::ValidScenario,
}

/// Checks the campaign id, the body and the work limits, and builds the plan and the scenario with
/// engine seed `seed` and `limits.replications` replications.
pub fn prepare(
    request: &SimulateRequest,
    campaign_id: &str,
    limits: &WorkLimits,
    seed: u64,
) -> Result<Prepared, Refused> {
    check_campaign_id(campaign_id)?;
    let request = request.clone().into_valid().map_err(invalid_request)?;
    let window = request.simulation_window_minutes;
    limits.check_request(window, request.historical_data.len())?;
    let plan = CampaignPlan::from_request(&request, limits.replications, seed);
    let scenario = plan_to_scenario(&plan).map_err(engine_refusal)?;
    limits.check_agents(scenario.agents, window)?;
    Ok(Prepared {
        request,
        plan,
        scenario,
    })
}

/// The engine scenario the server's core would run for `request` in process
/// ([`WorkLimits::for_local_use`], the seed derived from the request, [`derive_seed`]): for callers
/// that run the engine themselves, e.g. with a progress bar.
pub fn scenario_for_request(
    request: &SimulateRequest,
    campaign_id: &str,
) -> Result<dialer::ValidScenario, Refused> {
    let seed = derive_seed(request, campaign_id);
    prepare(request, campaign_id, &WorkLimits::for_local_use(), seed).map(|p| p.scenario)
}

/// A campaign id must obey the payload's rule ([`contract::validate::check_campaign_id`]): it is a
/// URL path segment.
pub fn check_campaign_id(campaign_id: &str) -> Result<(), Refused> {
    contract::validate::check_campaign_id(campaign_id)
        .map_err(|message| Refused::new(format!("campaignId {message}")))
}

/// The engine's own checks (its work limits among them) refused the scenario: every one listed.
/// The body broke the request's rules (or its field table): refused, listing every violation.
pub fn invalid_request(violations: Vec<Violation>) -> Refused {
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Refused::new(format!(
        "invalid simulate request ({} problem{}): {}",
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        list.join("; ")
    ))
}

fn engine_refusal(violations: Vec<Violation>) -> Refused {
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Refused::new(format!(
        "the request cannot be simulated: {}",
        list.join("; ")
    ))
}
