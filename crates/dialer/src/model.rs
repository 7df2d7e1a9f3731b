//! A validated scenario prepared for the event loop: seconds everywhere, samplers ready.

use crate::distribution::Sampler;
use crate::scenario::{DialerMode, Scenario};
use crate::schedule::Schedule;

/// Mean length of one available-plus-paused cycle of an agent, in seconds. With efficiency `e` an
/// agent's pauses come due on its own renewal clock, an exponential available period of mean
/// `e · CYCLE` after the previous pause's due time plus its length; each pause lasts an
/// exponential time of mean `(1 − e) · CYCLE` from when it actually begins (an agent busy when its
/// pause comes due pauses when free, and the delay comes out of its next available period), so a
/// share `e` of its time is available.
pub const PAUSE_CYCLE_SECONDS: f64 = 1_200.0;

/// Everything one replication needs, derived once from the scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// Agents staffed.
    pub agents: u32,
    /// Mean available and paused period of an agent, when efficiency is below 1.
    pub pauses: Option<(f64, f64)>,
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
    /// Ring time of a live answer.
    pub live_ring: Sampler,
    /// Mean ring time of a live answer.
    pub live_ring_mean: f64,
    /// Ring time of an attempt that reaches no one.
    pub other_ring: Sampler,
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
}

impl Model {
    /// Prepares a scenario (which must be valid) for simulation.
    pub fn new(scenario: &Scenario) -> Self {
        let e = scenario.agent_efficiency;
        Self {
            agents: scenario.agents,
            pauses: (e < 1.0).then_some((e * PAUSE_CYCLE_SECONDS, (1.0 - e) * PAUSE_CYCLE_SECONDS)),
            window: scenario.window_minutes * 60.0,
            warmup: scenario.warmup_minutes * 60.0,
            schedule: Schedule::new(scenario),
            dialer: scenario.dialer,
            max_lines: scenario.max_lines.unwrap_or(u32::MAX),
            pacing_interval: scenario.pacing_interval_seconds,
            live_ring: scenario.ring_seconds.live.sampler(),
            live_ring_mean: scenario.ring_seconds.live.mean(),
            other_ring: scenario.ring_seconds.other.sampler(),
            wrap: scenario.wrap_seconds.sampler(),
            wrap_mean: scenario.wrap_seconds.mean(),
            patience: scenario.patience_seconds.sampler(),
            patience_mean: scenario.patience_seconds.mean(),
            connect_within: scenario.connect_within_seconds,
        }
    }
}
