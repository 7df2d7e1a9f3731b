//! A token-bucket rate limit per client.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::time::Instant;

/// Per-client token buckets: each client may burst up to `rate` requests, refilled at `rate` a second.
pub struct RateLimiter {
    /// Requests per second; `None` when the limit is lifted.
    rate: Option<f64>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests a second per client; `None` or 0 lifts the limit.
    pub fn new(per_second: Option<u32>) -> Self {
        Self {
            rate: per_second.filter(|&n| n > 0).map(f64::from),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `client`'s bucket: `Ok` to go ahead, or `Err(seconds)` to wait before
    /// retrying (at least 1, for `Retry-After`).
    pub fn acquire(&self, client: &str) -> Result<(), u64> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let now = Instant::now();
        // Each update leaves a bucket consistent, so a poisoned lock is still safe to use.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            tokens: rate,
            refilled_at: now,
        });
        let elapsed = now.duration_since(bucket.refilled_at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / rate).ceil();
            // `wait` is finite and at most 1/rate ≤ 1 second here, so the cast cannot truncate.
            Err((wait as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn bursts_then_refuses_then_refills() {
        let limiter = RateLimiter::new(Some(3));
        for _ in 0..3 {
            assert_eq!(limiter.acquire("a"), Ok(()));
        }
        assert_eq!(limiter.acquire("a"), Err(1));
        assert_eq!(
            limiter.acquire("b"),
            Ok(()),
            "clients have their own buckets"
        );
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(limiter.acquire("a"), Ok(()));
        assert_eq!(limiter.acquire("a"), Err(1));
    }

    #[test]
    fn zero_or_none_lifts_the_limit() {
        for rate in [None, Some(0)] {
            let limiter = RateLimiter::new(rate);
            assert!((0..1000).all(|_| limiter.acquire("a").is_ok()));
        }
    }
}
