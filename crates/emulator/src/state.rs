//! [`AppState`]: what every request handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Semaphore;

use crate::config::EmulatorConfig;
use crate::faults::FaultInjector;
use crate::idempotency::IdempotencyStore;
use crate::rate_limit::RateLimiter;
use crate::tokens::TokenStore;

/// The state of one emulator, cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

struct Shared {
    /// The configuration, for the registered clients, limits, timeouts and token lifetime.
    config: EmulatorConfig,
    /// Tokens issued by the token endpoint, so the simulate endpoint can check bearers and scopes.
    tokens: TokenStore,
    /// Per-client request budget, so one client cannot starve the others (429 when spent).
    rate_limiter: RateLimiter,
    /// Answers by `Idempotency-Key`, so a retried request is not simulated twice.
    idempotency: IdempotencyStore,
    /// Injected faults, so clients' retry paths can be tested against a real server.
    faults: FaultInjector,
    /// Free simulation slots: engine runs are CPU-bound, so at most this many run at once and the
    /// server stays responsive (health checks, token requests) while they do.
    simulation_slots: Arc<Semaphore>,
    /// Engine runs started, so tests can prove a replayed request was not simulated again.
    simulations: AtomicU64,
}

impl AppState {
    /// Fresh state for `config`: no tokens issued, no keys remembered.
    pub fn new(config: EmulatorConfig) -> Self {
        let shared = Shared {
            tokens: TokenStore::default(),
            rate_limiter: RateLimiter::new(config.rate_limit_per_second),
            idempotency: IdempotencyStore::new(
                config.idempotency_ttl,
                config.idempotency_capacity,
                config.idempotency_max_bytes,
            ),
            faults: FaultInjector::new(config.fault_rate, config.fault_seed, config.fault_delay),
            simulation_slots: Arc::new(Semaphore::new(config.max_concurrent_simulations.max(1))),
            simulations: AtomicU64::new(0),
            config,
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// The configuration this emulator runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Engine runs started since the emulator started (replayed answers do not count).
    pub fn simulations_run(&self) -> u64 {
        self.shared.simulations.load(Ordering::Relaxed)
    }

    pub(crate) fn count_simulation(&self) {
        self.shared.simulations.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn tokens(&self) -> &TokenStore {
        &self.shared.tokens
    }

    pub(crate) fn rate_limiter(&self) -> &RateLimiter {
        &self.shared.rate_limiter
    }

    pub(crate) fn idempotency(&self) -> &IdempotencyStore {
        &self.shared.idempotency
    }

    pub(crate) fn faults(&self) -> &FaultInjector {
        &self.shared.faults
    }

    pub(crate) fn simulation_slots(&self) -> Arc<Semaphore> {
        Arc::clone(&self.shared.simulation_slots)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new(EmulatorConfig::default())
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.shared.config)
            .field("simulations_run", &self.simulations_run())
            .finish_non_exhaustive()
    }
}
