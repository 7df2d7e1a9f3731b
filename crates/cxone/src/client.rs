//! The simulate call over HTTP: bearer token, idempotency key, retries, one replay after a 401.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use url::Url;

use crate::clock::{Sleeper, TokioSleeper};
use crate::credentials::AccessToken;
use crate::error::{Endpoint, Error, kept_body, server_detail};
use crate::retry::{RetryDecision, RetryPolicy, classify_status, classify_transport};
use crate::simulate::{SimulateRequest, SimulateResponse};
use crate::token_cache::TokenCache;

/// Time allowed to one simulate request, unless [`SimulateClient::with_timeout`] says otherwise.
pub const SIMULATE_TIMEOUT: Duration = Duration::from_secs(30);

/// The header that makes a replayed simulate request safe: a server answers the same key and body with
/// the stored answer instead of simulating again.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// A value, and how many HTTP requests it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempted<T> {
    /// The value.
    pub value: T,
    /// HTTP requests made, retries and the replay after a 401 included (1 when the first succeeded).
    pub attempts: u32,
}

/// Calls `POST {base}/api/v2/outbound/campaigns/{campaignId}/simulate`.
pub struct SimulateClient {
    /// Shared with the token cache: one connection pool.
    http: reqwest::Client,
    /// The server's root, e.g. `https://{org}.my.cxone.com`; the path is appended to it.
    base_url: Url,
    /// Supplies the bearer token; refreshed once after a 401.
    tokens: TokenCache,
    /// How transient failures are retried.
    policy: RetryPolicy,
    /// Waits between retries; a test injects one that does not wait.
    sleeper: Arc<dyn Sleeper>,
    /// Time allowed to each request: 30 s, shorter in tests of a slow server.
    timeout: Duration,
}

/// A simulate answer: a JSON object read as [`SimulateResponse`]; anything else is named for what it
/// is (`the body is not a JSON object but a list`).
fn decode_answer(bytes: &[u8]) -> Result<SimulateResponse, serde_json::Error> {
    use serde::de::Error as _;
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    let kind = match &value {
        serde_json::Value::Object(_) => return serde_json::from_value(value),
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
    };
    Err(serde_json::Error::custom(format!(
        "the body is not a JSON object but {kind}"
    )))
}

impl SimulateClient {
    /// The server's `host:port`, for messages that name it.
    pub fn server(&self) -> String {
        let host = self.base_url.host_str().unwrap_or("?");
        match self.base_url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// A client for the server at `base_url`.
    pub fn new(
        http: reqwest::Client,
        base_url: Url,
        tokens: TokenCache,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            http,
            base_url,
            tokens,
            policy,
            sleeper: Arc::new(TokioSleeper),
            timeout: SIMULATE_TIMEOUT,
        }
    }

    /// The same client allowing each request `timeout` instead of 30 s.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same client waiting with another sleeper (tests take backoff without waiting).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// The token cache (its `fetch_count` is worth logging).
    pub fn tokens(&self) -> &TokenCache {
        &self.tokens
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The simulate URL of a campaign; the id is percent-encoded as one path segment.
    pub fn simulate_url(&self, campaign_id: &str) -> Result<Url, Error> {
        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Request {
                reason: format!("the base url {} cannot take a path", self.base_url),
            })?
            .pop_if_empty()
            .extend([
                "api",
                "v2",
                "outbound",
                "campaigns",
                campaign_id,
                "simulate",
            ]);
        Ok(url)
    }

    /// One simulation: the body POSTed with a bearer token and `idempotency_key` (the same key on every
    /// retry), each request allowed 30 s (see [`SimulateClient::with_timeout`]). 429, 500, 502, 503, 504, timeouts and connection failures are
    /// retried per the policy, honouring `Retry-After`; after a 401 the token is refreshed once and the
    /// request replayed once.
    pub async fn simulate_once(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> Result<Attempted<SimulateResponse>, Error> {
        let url = self.simulate_url(campaign_id)?;
        let key = HeaderValue::try_from(idempotency_key).map_err(|_| Error::Request {
            reason: "the idempotency key holds characters a header cannot carry".to_owned(),
        })?;
        let payload = serde_json::to_vec(body).map_err(|source| Error::Request {
            reason: format!("the body cannot be serialized: {source}"),
        })?;

        let mut token = self.tokens.token().await?;
        let mut refreshed = false;
        let mut backoff = self.policy.backoff();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let sent = self.send(&url, &token, &key, &payload).await;
            let (decision, failure) = match sent {
                Ok((status, headers, bytes)) => {
                    if status.is_success() {
                        let value = decode_answer(&bytes).map_err(|source| Error::Decode {
                            endpoint: Endpoint::Simulate,
                            body: kept_body(&bytes),
                            source,
                        })?;
                        return Ok(Attempted { value, attempts });
                    }
                    if status == reqwest::StatusCode::UNAUTHORIZED && !refreshed {
                        tracing::info!(
                            attempts,
                            "the access token was refused; refreshing it and replaying once"
                        );
                        refreshed = true;
                        token = self.tokens.refresh(&token).await?;
                        continue;
                    }
                    let body = kept_body(&bytes);
                    let failure = Error::Status {
                        status: status.as_u16(),
                        detail: server_detail(&body),
                        body,
                        endpoint: Endpoint::Simulate,
                        attempts,
                    };
                    let now = self.tokens.clock().now();
                    (classify_status(status, &headers, now), failure)
                }
                Err(source) => {
                    let decision = classify_transport(&source);
                    let failure = if source.is_timeout() {
                        Error::Timeout {
                            endpoint: Endpoint::Simulate,
                            timeout: self.timeout,
                            attempts,
                        }
                    } else {
                        Error::Transport {
                            endpoint: Endpoint::Simulate,
                            attempts,
                            source,
                        }
                    };
                    (decision, failure)
                }
            };
            let RetryDecision::Retry { after } = decision else {
                return Err(failure);
            };
            let Some(delay) = backoff.next_delay(after) else {
                tracing::warn!(attempts, error = %failure, "giving up: no retry left");
                return Err(failure);
            };
            tracing::warn!(
                attempts,
                retry = backoff.retries(),
                delay_ms = delay.as_millis() as u64,
                error = %failure,
                "retrying the simulate request"
            );
            self.sleeper.sleep(delay).await;
        }
    }

    /// One HTTP request: its status, headers and body, or why none came.
    async fn send(
        &self,
        url: &Url,
        token: &AccessToken,
        key: &HeaderValue,
        payload: &[u8],
    ) -> Result<(reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>), reqwest::Error> {
        let mut request = self
            .http
            .post(url.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(IDEMPOTENCY_KEY, key.clone())
            .body(payload.to_vec())
            .timeout(self.timeout);
        if let Some(authorization) = token.authorization() {
            request = request.header(AUTHORIZATION, authorization);
        } else {
            // A token a header cannot carry is sent as none: the server's 401 then triggers a refresh.
            tracing::warn!("the access token holds characters a header cannot carry");
        }
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        Ok((status, headers, bytes.to_vec()))
    }
}

impl fmt::Debug for SimulateClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulateClient")
            .field("base_url", &self.base_url.as_str())
            .field("tokens", &self.tokens)
            .field("policy", &self.policy)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
