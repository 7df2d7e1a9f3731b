//! Fault injection: a reproducible share of simulate requests answered with 429, 500 or 503, or held
//! back for a while, so a client's retries can be tested against a real server.

use std::sync::Mutex;
use std::time::Duration;

use rand::RngExt as _;
use rand::SeedableRng as _;
use rand::rngs::ChaCha8Rng;

use crate::failure::ApiFailure;

/// What the injector decided for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Answer with this failure instead of simulating.
    Fail(ApiFailure),
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// A seeded fault generator shared by all requests.
pub struct FaultInjector {
    rate: f64,
    delay: Duration,
    /// Seeded, so the sequence of faults is the same on every run; behind a mutex because requests
    /// draw from it concurrently.
    rng: Mutex<ChaCha8Rng>,
}

impl FaultInjector {
    /// Faults for a share `rate` (clamped to 0–1) of requests, reproducible from `seed`; delay faults
    /// only when `delay` is not zero.
    pub fn new(rate: f64, seed: u64, delay: Duration) -> Self {
        let rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self {
            rate,
            delay,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        }
    }

    /// Draws the fate of the next request.
    pub fn draw(&self) -> Fault {
        if self.rate <= 0.0 {
            return Fault::None;
        }
        // Drawing cannot leave the generator half-updated, so a poisoned lock is still safe to use.
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        if !rng.random_bool(self.rate) {
            return Fault::None;
        }
        let kinds = if self.delay.is_zero() { 4 } else { 5 };
        match rng.random_range(0..kinds) {
            0 => Fault::Fail(
                ApiFailure::new(
                    429,
                    "injected fault: too many requests; retry after 1 second",
                )
                .retry_after(1),
            ),
            1 => Fault::Fail(
                ApiFailure::new(429, "injected fault: too many requests; retry at once")
                    .retry_after(0),
            ),
            2 => Fault::Fail(ApiFailure::new(
                500,
                "injected fault: internal server error",
            )),
            3 => Fault::Fail(
                ApiFailure::new(
                    503,
                    "injected fault: service unavailable; retry after 1 second",
                )
                .retry_after(1),
            ),
            _ => Fault::Delay(self.delay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(injector: &FaultInjector, n: usize) -> Vec<Fault> {
        (0..n).map(|_| injector.draw()).collect()
    }

    #[test]
    fn share_of_faults_is_close_to_the_rate_and_reproducible() {
        let a = draws(&FaultInjector::new(0.3, 7, Duration::ZERO), 2000);
        let b = draws(&FaultInjector::new(0.3, 7, Duration::ZERO), 2000);
        assert_eq!(a, b);
        let faults = a.iter().filter(|f| **f != Fault::None).count();
        assert!((500..700).contains(&faults), "{faults} faults in 2000");
        let statuses: std::collections::BTreeSet<u16> = a
            .iter()
            .filter_map(|f| match f {
                Fault::Fail(e) => Some(e.status),
                _ => None,
            })
            .collect();
        assert_eq!(statuses.into_iter().collect::<Vec<_>>(), [429, 500, 503]);
    }

    #[test]
    fn delays_only_when_configured() {
        let none = draws(&FaultInjector::new(1.0, 1, Duration::ZERO), 200);
        assert!(!none.iter().any(|f| matches!(f, Fault::Delay(_))));
        let some = draws(&FaultInjector::new(1.0, 1, Duration::from_millis(5)), 200);
        assert!(some.iter().any(|f| matches!(f, Fault::Delay(_))));
        assert!(
            draws(&FaultInjector::new(0.0, 1, Duration::ZERO), 100)
                .iter()
                .all(|f| *f == Fault::None)
        );
    }
}
