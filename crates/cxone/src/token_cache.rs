//! An OAuth 2.0 client-credentials token, fetched once and shared (RFC 6749 §4.4).
//!
//! The token is refreshed 60 s before it expires. Callers that find it stale at the same moment share
//! one refresh: the first takes the lock and fetches, the others wait on the lock and then find the new
//! token. After a 401, [`TokenCache::refresh`] fetches only if no other caller has already replaced the
//! refused token. A token request that fails on the way (429, 5xx, timeout, connection) is retried
//! like a simulate request; a refused one (400, 401) is not.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, HeaderValue};
use secrecy::ExposeSecret;
use tokio::sync::Mutex;
use url::Url;

use crate::clock::{Clock, Sleeper, SystemClock, TokioSleeper};
use crate::credentials::{AccessToken, ClientCredentials};
use crate::error::{Endpoint, Error, kept_body, redacted_token_body, server_detail};
use crate::retry::{RetryDecision, RetryPolicy, classify_status, classify_transport};
use crate::token::TokenResponse;

/// Time allowed to one token request.
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(15);
/// How long before its expiry a token is replaced.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The longest a fetched token is trusted, whatever `expires_in` the server claims: a day. A longer
/// claim is cut to this (a token refetched early costs one request), so that no `expires_in` can
/// overflow the clock.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long to trust a token whose answer said `expires_in` seconds: at most [`MAX_TOKEN_LIFETIME`].
fn token_lifetime(expires_in: u64) -> Duration {
    Duration::from_secs(expires_in).min(MAX_TOKEN_LIFETIME)
}

/// A token and when to stop using it.
struct Cached {
    token: AccessToken,
    /// The instant from which the token counts as stale: its expiry less the refresh margin.
    refresh_at: SystemTime,
}

/// Fetches, caches and refreshes the access token of one API application.
pub struct TokenCache {
    /// Shared with the simulate client: one connection pool.
    http: reqwest::Client,
    /// `{base}/api/v2/oauth/token` unless configured otherwise.
    token_url: Url,
    /// Sent in the form body of every token request.
    credentials: ClientCredentials,
    /// Decides when a token is stale; a test moves it by hand.
    clock: Arc<dyn Clock>,
    /// The current token. An async mutex, held across the fetch, so that concurrent callers wait for
    /// the one refresh instead of starting their own.
    state: Mutex<Option<Cached>>,
    /// Token requests sent so far (each fetched token carries its number).
    fetches: AtomicU64,
    /// How a token request that failed on the way (429, 5xx, timeout, connection) is retried.
    policy: RetryPolicy,
    /// Waits between those retries; a test injects one that does not wait.
    sleeper: Arc<dyn Sleeper>,
}

impl TokenCache {
    /// A cache that fetches from `token_url` with `credentials`, on the system clock, retrying
    /// transient failures per [`RetryPolicy::default`].
    pub fn new(http: reqwest::Client, token_url: Url, credentials: ClientCredentials) -> Self {
        Self {
            http,
            token_url,
            credentials,
            clock: Arc::new(SystemClock),
            state: Mutex::new(None),
            fetches: AtomicU64::new(0),
            policy: RetryPolicy::default(),
            sleeper: Arc::new(TokioSleeper),
        }
    }

    /// The same cache retrying token requests per `policy`, waiting with `sleeper` (the default is
    /// [`RetryPolicy::default`] on Tokio's timer). A refused request (400, 401) is never retried.
    pub fn with_retry(mut self, policy: RetryPolicy, sleeper: Arc<dyn Sleeper>) -> Self {
        self.policy = policy;
        self.sleeper = sleeper;
        self
    }

    /// The same cache on another clock (tests move a [`ManualClock`](crate::ManualClock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The clock the cache reads.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The cached token, or a fresh one when there is none or it expires within 60 s.
    pub async fn token(&self) -> Result<AccessToken, Error> {
        let mut state = self.state.lock().await;
        let now = self.clock.now();
        if let Some(cached) = state.as_ref().filter(|cached| now < cached.refresh_at) {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch().await?;
        let token = fresh.token.clone();
        *state = Some(fresh);
        Ok(token)
    }

    /// A new token after `stale` was refused (a 401): fetched, unless another caller has already
    /// replaced `stale` with a token that is still fresh, which is then returned.
    pub async fn refresh(&self, stale: &AccessToken) -> Result<AccessToken, Error> {
        let mut state = self.state.lock().await;
        let now = self.clock.now();
        if let Some(cached) = state
            .as_ref()
            .filter(|cached| cached.token.fetch() != stale.fetch() && now < cached.refresh_at)
        {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch().await?;
        let token = fresh.token.clone();
        *state = Some(fresh);
        Ok(token)
    }

    /// Token requests made so far.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::SeqCst)
    }

    /// A token, retrying transient failures per the policy.
    async fn fetch(&self) -> Result<Cached, Error> {
        let mut backoff = self.policy.backoff();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (decision, error) = match self.request(attempts).await {
                Ok(cached) => return Ok(cached),
                Err(failed) => failed,
            };
            let RetryDecision::Retry { after } = decision else {
                return Err(error);
            };
            let Some(delay) = backoff.next_delay(after) else {
                return Err(error);
            };
            tracing::warn!(
                attempts,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying the token request"
            );
            self.sleeper.sleep(delay).await;
        }
    }

    /// One token request (attempt number `attempts` of this fetch): the token, or the error and
    /// whether it is worth another try.
    async fn request(&self, attempts: u32) -> Result<Cached, (RetryDecision, Error)> {
        let fetch = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::debug!(url = %self.token_url, client_id = %self.credentials.client_id, fetch, "fetching an access token");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.credentials.client_id.as_str()),
            (
                "client_secret",
                self.credentials.client_secret.expose_secret(),
            ),
        ];
        let sent = self
            .http
            .post(self.token_url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .form(&form)
            .timeout(TOKEN_TIMEOUT)
            .send()
            .await;
        let failed = |source: reqwest::Error| {
            let decision = classify_transport(&source);
            let error = if source.is_timeout() {
                Error::Timeout {
                    endpoint: Endpoint::Token,
                    timeout: TOKEN_TIMEOUT,
                    attempts,
                }
            } else {
                Error::Transport {
                    endpoint: Endpoint::Token,
                    attempts,
                    source,
                }
            };
            (decision, error)
        };
        let response = sent.map_err(failed)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(failed)?;
        if !status.is_success() {
            let body = kept_body(&bytes);
            tracing::warn!(
                status = status.as_u16(),
                "the token endpoint refused the request"
            );
            let decision = classify_status(status, &headers, self.clock.now());
            let error = Error::Status {
                status: status.as_u16(),
                detail: server_detail(&body),
                body,
                endpoint: Endpoint::Token,
                attempts,
            };
            return Err((decision, error));
        }
        let answer: TokenResponse = serde_json::from_slice(&bytes).map_err(|source| {
            let error = Error::Decode {
                endpoint: Endpoint::Token,
                body: redacted_token_body(&bytes),
                source,
            };
            (RetryDecision::Final, error)
        })?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            tracing::warn!(token_type = %answer.token_type, "the token endpoint issued a token that is not a bearer token; using it as one");
        }
        let lifetime = token_lifetime(answer.expires_in);
        // A token shorter-lived than two margins is used for half its life rather than not at all.
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        let now = self.clock.now();
        // Cannot overflow with the lifetime capped at a day, but a clock near its end must not panic.
        let refresh_at = now.checked_add(lifetime - margin).unwrap_or(now);
        tracing::debug!(fetch, expires_in = answer.expires_in, scope = ?answer.scope, "access token fetched");
        Ok(Cached {
            token: AccessToken::new(answer.access_token, fetch),
            refresh_at,
        })
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.token_url.as_str())
            .field("credentials", &self.credentials)
            .field("fetches", &self.fetch_count())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_lifetimes_are_capped_at_a_day() {
        assert_eq!(token_lifetime(u64::MAX), MAX_TOKEN_LIFETIME);
        assert_eq!(token_lifetime(86_401), MAX_TOKEN_LIFETIME);
        assert_eq!(token_lifetime(3600), Duration::from_secs(3600));
        assert_eq!(token_lifetime(0), Duration::ZERO);
    }
}
