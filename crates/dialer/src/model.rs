//! A validated scenario prepared for the event loop: seconds everywhere, samplers ready.

use crate::compliance::Regime;
use crate::distribution::{Distribution, Sampler};
use crate::outcome::DialOutcome;
use crate::outcome_mix::{DEFAULT_MACHINE_HANDLE, MachineRouting};
use crate::pauses::PauseLaw;
use crate::scenario::{DialerMode, Scenario};
use crate::schedule::Schedule;

pub use crate::pauses::PAUSE_CYCLE_SECONDS;

/// Everything one replication needs, derived once from the scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// Agents staffed.
    pub agents: u32,
    /// Mean available and paused period of an agent, when efficiency is below 1.
    pub pauses: Option<PauseLaw>,
    /// End of dialling, in seconds.
    pub window: f64,
    /// Start of counting, in seconds.
    pub warmup: f64,
    /// The timeline of call shapes and report buckets.
    pub schedule: Schedule,
    /// The dialer as configured.
    pub dialer: DialerMode,
    /// Most lines in use at once.
    pub max_lines: u32,
    /// Seconds between pacing runs; 0 = after every event.
    pub pacing_interval: f64,
    /// Ring time by outcome ([`Model::ring`]).
    rings: [Sampler; RING_KINDS],
    /// Ring time of a live answer.
    pub live_ring: Sampler,
    /// Mean ring time of a live answer.
    pub live_ring_mean: f64,
    /// Ring time of an attempt that reaches no one, as the predictive pacer models ringing lines:
    /// `ring_seconds.other`, or with an `outcomes` block the ring of the commonest outcome other
    /// than a live answer (the pacer's estimate, not the engine's draw, which is by outcome).
    pub other_ring: Sampler,
    /// What the dialer does with answering machines.
    pub machines: MachineRouting,
    /// Time an agent spends on a machine routed to it.
    pub machine_handle: Sampler,
    /// Mean time detection listens before routing an answer (0 without detection).
    pub detect_mean: f64,
    /// After-call work.
    pub wrap: Sampler,
    /// Mean after-call work.
    pub wrap_mean: f64,
    /// Patience of a waiting live answer.
    pub patience: Sampler,
    /// Mean patience.
    pub patience_mean: f64,
    /// Waits longer than this are late.
    pub connect_within: f64,
    /// The regime the run is held to ([`crate::Options::regime`]; FCC/FTC unless given): the
    /// predictive pacer counts AMD false positives as its formula does.
    pub regime: Regime,
}

impl Model {
    /// Prepares a scenario (which must be valid) for simulation.
    pub fn new(scenario: &Scenario) -> Self {
        let e = scenario.agent_efficiency;
        Self {
            agents: scenario.agents,
            pauses: PauseLaw::for_efficiency(e),
            window: scenario.window_minutes * 60.0,
            warmup: scenario.warmup_minutes * 60.0,
            schedule: Schedule::new(scenario),
            dialer: scenario.dialer,
            max_lines: scenario.max_lines.unwrap_or(u32::MAX),
            pacing_interval: scenario.pacing_interval_seconds,
            rings: rings(scenario),
            live_ring: scenario.live_ring().sampler(),
            live_ring_mean: scenario.live_ring().mean(),
            other_ring: other_ring(scenario).sampler(),
            machines: scenario.machine_routing(),
            machine_handle: scenario
                .outcomes
                .and_then(|o| o.machine_handle_seconds)
                .unwrap_or(DEFAULT_MACHINE_HANDLE)
                .sampler(),
            detect_mean: scenario.mean_detect_seconds(),
            wrap: scenario.wrap_seconds.sampler(),
            wrap_mean: scenario.wrap_seconds.mean(),
            patience: scenario.patience_seconds.sampler(),
            patience_mean: scenario.patience_seconds.mean(),
            connect_within: scenario.connect_within_seconds,
            regime: Regime::Fcc,
        }
    }
}

/// Ring times kept: live, machine, busy, no answer, invalid, other.
const RING_KINDS: usize = 6;

/// Where [`DialOutcome`]'s ring time is kept.
#[inline]
fn ring_slot(outcome: DialOutcome) -> usize {
    match outcome {
        DialOutcome::Live => 0,
        DialOutcome::Machine => 1,
        DialOutcome::Busy => 2,
        DialOutcome::NoAnswer => 3,
        DialOutcome::Invalid => 4,
        _ => 5,
    }
}

/// The ring time of each outcome: from the `outcomes` block, or live and "other" from
/// `ring_seconds` (an outcome the scenario never draws keeps a zero time).
fn rings(scenario: &Scenario) -> [Sampler; RING_KINDS] {
    let zero = Distribution::ZERO;
    let laws = match (&scenario.outcomes, &scenario.ring_seconds) {
        (Some(o), _) => {
            let r = &o.ring_seconds;
            [
                r.live,
                r.machine.unwrap_or(zero),
                r.busy.unwrap_or(zero),
                r.no_answer.unwrap_or(zero),
                r.invalid.unwrap_or(zero),
                zero,
            ]
        }
        (None, Some(r)) => [r.live, zero, zero, zero, zero, r.other],
        (None, None) => [zero; RING_KINDS],
    };
    laws.map(|law| law.sampler())
}

/// The ring time the predictive pacer takes for attempts that reach no one.
pub(crate) fn other_ring(scenario: &Scenario) -> Distribution {
    match (&scenario.outcomes, &scenario.ring_seconds) {
        (Some(o), _) => {
            let shares = o.shares();
            let rings = o.rings();
            (1..shares.len())
                .max_by(|&a, &b| shares[a].total_cmp(&shares[b]))
                .and_then(|i| rings[i])
                .unwrap_or(Distribution::ZERO)
        }
        (None, Some(r)) => r.other,
        (None, None) => Distribution::ZERO,
    }
}

impl Model {
    /// The ring time of an attempt that ends in `outcome`.
    #[inline]
    pub fn ring(&self, outcome: DialOutcome) -> &Sampler {
        &self.rings[ring_slot(outcome)]
    }
}
