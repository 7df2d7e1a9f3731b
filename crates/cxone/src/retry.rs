//! When to try a request again, and how long to wait first.
//!
//! Exponential backoff with "equal jitter": before retry `n` (0 for the first) the wait is drawn from
//! `[d/2, d]`, where `d = min(base · 2ⁿ, max_delay)`. A `Retry-After` header (delta-seconds or an HTTP
//! date) is honoured: the wait is at least what it asks, clamped to `max_delay`.

use std::time::{Duration, SystemTime};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How the wait before a retry is spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// No spread: the wait is exactly `min(base · 2ⁿ, max_delay)`.
    Off,
    /// Spread over `[d/2, d]` from fresh randomness for each call.
    Random,
    /// Spread over `[d/2, d]` from a generator seeded with this value at each call: the same waits every
    /// time (tests, reproducible runs).
    Seeded(u64),
}

/// How often and how patiently a request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// The wait before the first retry, before jitter.
    pub base: Duration,
    /// The longest wait, whatever the backoff or a `Retry-After` asks.
    pub max_delay: Duration,
    /// How the wait is spread.
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    /// Three retries, 500 ms doubling up to 30 s, random jitter.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: Jitter::Random,
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries `max_retries` times without waiting (tests; a server that is known to be local).
    pub fn immediate(max_retries: u32) -> Self {
        Self {
            max_retries,
            base: Duration::ZERO,
            max_delay: Duration::ZERO,
            jitter: Jitter::Off,
        }
    }

    /// The waits of one call, in order of the retries.
    pub fn backoff(&self) -> Backoff {
        let rng = match self.jitter {
            Jitter::Off => None,
            Jitter::Seeded(seed) => Some(ChaCha8Rng::seed_from_u64(seed)),
            // A v4 UUID is 122 bits of the operating system's randomness.
            Jitter::Random => Some(ChaCha8Rng::seed_from_u64(
                uuid::Uuid::new_v4().as_u64_pair().0,
            )),
        };
        Backoff {
            policy: *self,
            retry: 0,
            rng,
        }
    }

    /// The wait before retry `retry` (0 for the first) before jitter: `min(base · 2ⁿ, max_delay)`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        self.base.saturating_mul(factor).min(self.max_delay)
    }
}

/// The waits of one call: each [`Backoff::next_delay`] is the wait before the next retry, or `None` when
/// the retries are spent.
#[derive(Debug)]
pub struct Backoff {
    policy: RetryPolicy,
    retry: u32,
    rng: Option<ChaCha8Rng>,
}

impl Backoff {
    /// The wait before the next retry, honouring the server's `Retry-After` if it gave one; `None` when
    /// no retry is left.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.retry >= self.policy.max_retries {
            return None;
        }
        let ceiling = self.policy.ceiling(self.retry);
        self.retry += 1;
        let backoff = match &mut self.rng {
            None => ceiling,
            Some(rng) => ceiling.mul_f64(rng.random_range(0.5..=1.0)),
        };
        let asked = retry_after.map_or(Duration::ZERO, |after| after.min(self.policy.max_delay));
        Some(backoff.max(asked))
    }

    /// Retries taken so far.
    pub fn retries(&self) -> u32 {
        self.retry
    }
}

/// What to do with an answer or a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again, waiting at least `after` if the server said so.
    Retry {
        /// The server's `Retry-After`, if any.
        after: Option<Duration>,
    },
    /// Do not try again: the answer is final.
    Final,
}

/// Classifies an answer: 429, 500, 502, 503 and 504 are worth another try (with the `Retry-After` the
/// server gave, read against `now`); anything else is final.
pub fn classify_status(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> RetryDecision {
    match status.as_u16() {
        429 | 500 | 502 | 503 | 504 => RetryDecision::Retry {
            after: headers
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| parse_retry_after(value, now)),
        },
        _ => RetryDecision::Final,
    }
}

/// Classifies a failure to get an answer: timeouts and connection failures are worth another try
/// (the `Idempotency-Key` makes a replay safe); a request that cannot be built or a redirect loop is not.
pub fn classify_transport(error: &reqwest::Error) -> RetryDecision {
    if error.is_builder() || error.is_redirect() || error.is_status() {
        RetryDecision::Final
    } else {
        RetryDecision::Retry { after: None }
    }
}

/// Reads a `Retry-After` value (RFC 9110 §10.2.3): delta-seconds, or an HTTP date (a date already past
/// means no wait). `None` when the value is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Delta-seconds larger than u64 are clamped later anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn seeded(seed: u64) -> RetryPolicy {
        RetryPolicy {
            jitter: Jitter::Seeded(seed),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy {
            max_retries: 8,
            jitter: Jitter::Off,
            ..RetryPolicy::default()
        };
        let mut backoff = policy.backoff();
        let waits: Vec<u64> = std::iter::from_fn(|| backoff.next_delay(None))
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    }

    #[test]
    fn jittered_waits_stay_within_half_and_full_ceiling() {
        for seed in 0..200 {
            let policy = RetryPolicy {
                max_retries: 7,
                ..seeded(seed)
            };
            let mut backoff = policy.backoff();
            for retry in 0..7 {
                let wait = backoff.next_delay(None).unwrap();
                let ceiling = policy.ceiling(retry);
                assert!(
                    wait <= ceiling,
                    "seed {seed} retry {retry}: {wait:?} > {ceiling:?}"
                );
                assert!(
                    wait >= ceiling / 2,
                    "seed {seed} retry {retry}: {wait:?} < half"
                );
            }
            assert_eq!(backoff.next_delay(None), None);
        }
    }

    proptest::proptest! {
        #[test]
        fn every_wait_lies_between_half_the_ceiling_and_the_ceiling(
            seed: u64,
            base_ms in 0u64..10_000,
            max_ms in 0u64..120_000,
            retries in 0u32..40,
            retry_after_s in proptest::option::of(0u64..100_000),
        ) {
            let policy = RetryPolicy {
                max_retries: retries,
                base: Duration::from_millis(base_ms),
                max_delay: Duration::from_millis(max_ms),
                jitter: Jitter::Seeded(seed),
            };
            let after = retry_after_s.map(Duration::from_secs);
            let mut backoff = policy.backoff();
            for retry in 0..retries {
                let wait = backoff.next_delay(after).unwrap();
                let ceiling = policy.ceiling(retry);
                let asked = after.unwrap_or_default().min(policy.max_delay);
                proptest::prop_assert!(wait <= ceiling.max(asked));
                proptest::prop_assert!(wait >= (ceiling / 2).max(asked));
                proptest::prop_assert!(wait <= policy.max_delay);
            }
            proptest::prop_assert_eq!(backoff.next_delay(after), None);
        }
    }

    #[test]
    fn seeded_jitter_is_deterministic_and_seeds_differ() {
        let waits = |seed| {
            let mut backoff = seeded(seed).backoff();
            std::iter::from_fn(|| backoff.next_delay(None)).collect::<Vec<_>>()
        };
        assert_eq!(waits(7), waits(7));
        assert_eq!(waits(7).len(), 3);
        assert_ne!(waits(7), waits(8));
    }

    #[test]
    fn retries_stop_at_the_policy_maximum() {
        let mut backoff = RetryPolicy::immediate(3).backoff();
        assert_eq!(backoff.next_delay(None), Some(Duration::ZERO));
        assert_eq!(backoff.next_delay(None), Some(Duration::ZERO));
        assert_eq!(backoff.next_delay(None), Some(Duration::ZERO));
        assert_eq!(backoff.next_delay(None), None);
        assert_eq!(backoff.retries(), 3);
        assert_eq!(RetryPolicy::none().backoff().next_delay(None), None);
    }

    #[test]
    fn retry_after_is_honoured_and_clamped() {
        let mut backoff = RetryPolicy {
            jitter: Jitter::Off,
            ..RetryPolicy::default()
        }
        .backoff();
        // The server asks for more than the backoff: at least what it asks.
        assert_eq!(
            backoff.next_delay(Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        // Less than the backoff: the backoff.
        assert_eq!(
            backoff.next_delay(Some(Duration::from_millis(10))),
            Some(Duration::from_secs(1))
        );
        // More than the cap: the cap.
        assert_eq!(
            backoff.next_delay(Some(Duration::from_secs(3600))),
            Some(Duration::from_secs(30))
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:45 GMT", now),
            Some(Duration::from_secs(45))
        );
        // Obsolete formats RFC 9110 still asks recipients to read.
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn an_http_date_far_ahead_is_clamped_to_the_cap() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let after = parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now);
        assert_eq!(after, Some(Duration::from_secs(86_400)));
        let mut backoff = RetryPolicy {
            jitter: Jitter::Off,
            ..RetryPolicy::default()
        }
        .backoff();
        assert_eq!(backoff.next_delay(after), Some(Duration::from_secs(30)));
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        let now = SystemTime::now();
        let mut headers = HeaderMap::new();
        for status in [429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                classify_status(status, &headers, now),
                RetryDecision::Retry { after: None }
            );
        }
        for status in [200, 400, 401, 403, 404, 409, 422, 501] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(classify_status(status, &headers, now), RetryDecision::Final);
        }
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            classify_status(StatusCode::TOO_MANY_REQUESTS, &headers, now),
            RetryDecision::Retry {
                after: Some(Duration::from_secs(7))
            }
        );
    }
}
