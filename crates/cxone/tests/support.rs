//! What the tests share: a wiremock server speaking the contract, a client wired to it, a sleeper that
//! records instead of waiting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cxone::clock::SleepFuture;
use cxone::{
    ClientCredentials, Clock, Jitter, ManualClock, RetryPolicy, SimulateClient, SimulateRequest,
    Sleeper, TokenCache,
};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "app-7f3a";
pub const CLIENT_SECRET: &str = "s3cr3t-Client-Secret-9b21";
pub const TOKEN_PATH: &str = "/api/v2/oauth/token";
pub const CAMPAIGN: &str = "spring-renewals";
pub const SIMULATE_PATH: &str = "/api/v2/outbound/campaigns/spring-renewals/simulate";

/// The token the n-th token request returns.
pub fn token_n(n: u64) -> String {
    format!("tok-{n}-eyJhbGciOiJIUzI1NiJ9")
}

/// A token endpoint that numbers its tokens: the n-th request gets `token_n(n)`.
pub struct NumberedTokens {
    issued: AtomicU64,
    expires_in: u64,
    delay: Duration,
}

impl NumberedTokens {
    pub fn new(expires_in: u64) -> Self {
        Self {
            issued: AtomicU64::new(0),
            expires_in,
            delay: Duration::ZERO,
        }
    }

    /// Answers after `delay`, so that concurrent callers pile up on one fetch.
    pub fn slow(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl Respond for NumberedTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": token_n(n),
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "scope": "outbound:campaign:view outbound:campaign:edit"
            }))
            .set_delay(self.delay)
    }
}

/// Mounts a token endpoint numbering its tokens, expected to be called `times` times.
pub async fn mount_tokens(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(NumberedTokens::new(3600))
        .expect(times)
        .named("token endpoint")
        .mount(server)
        .await;
}

/// The seed's example request, at answer rate `rate`.
pub fn request(rate: f64) -> SimulateRequest {
    serde_json::from_value(json!({
        "predictiveDialerSettings": {"answerRate": rate, "agentEfficiency": 0.82, "interval": 3,
                                     "maxCalls": 50, "dialerType": "PREDICTIVE"},
        "simulationWindowMinutes": 120,
        "historicalData": [
            {"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190, "avg_talk_time_seconds": 145.0},
            {"time_bucket": "10:00-11:00", "calls_attempted": 620, "calls_answered": 245, "avg_talk_time_seconds": 138.0},
            {"time_bucket": "11:00-12:00", "calls_attempted": 480, "calls_answered": 175, "avg_talk_time_seconds": 152.0}
        ]
    }))
    .unwrap()
}

/// A simulate answer the contract allows.
pub fn completed(rate: f64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "status": "COMPLETED",
        "campaignId": CAMPAIGN,
        "simulationId": "sim-1",
        "predictiveDialerSettings": {"answerRate": rate, "agentEfficiency": 0.82, "interval": 3,
                                     "maxCalls": 50, "dialerType": "PREDICTIVE"},
        "simulationWindowMinutes": 120,
        "predictedAccuracy": 0.93,
        "metrics": {"abandon_rate": 0.021}
    }))
}

/// A 400 asking for a probability adjustment.
pub fn needs_adjustment() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "detail": "simulated compliance_abandon_rate 0.041 exceeds 0.03: probability adjustment required"
    }))
}

/// Records the waits asked of it and returns at once.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleeper {
    pub waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.waits.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

/// A fixed instant for manual clocks: Tue, 14 Nov 2023 22:13:20 GMT.
pub fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// The credentials the tests use.
pub fn credentials() -> ClientCredentials {
    ClientCredentials::new(CLIENT_ID, CLIENT_SECRET)
}

/// A token cache for the server's token endpoint, on `clock`.
pub fn token_cache(server: &MockServer, clock: Arc<dyn Clock>) -> TokenCache {
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    TokenCache::new(
        cxone::client_builder().build().unwrap(),
        token_url,
        credentials(),
    )
    .with_clock(clock)
}

/// A seeded policy: the same waits on every run.
pub fn seeded_policy() -> RetryPolicy {
    RetryPolicy {
        jitter: Jitter::Seeded(42),
        ..RetryPolicy::default()
    }
}

/// A client of the server that records its waits (its own and its token cache's) instead of sleeping,
/// on a manual clock.
pub fn client(server: &MockServer, policy: RetryPolicy) -> (SimulateClient, RecordingSleeper) {
    let clock = Arc::new(ManualClock::new(start_time()));
    let sleeper = RecordingSleeper::default();
    let tokens = token_cache(server, clock).with_retry(policy, Arc::new(sleeper.clone()));
    let client = SimulateClient::new(
        cxone::client_builder().build().unwrap(),
        Url::parse(&server.uri()).unwrap(),
        tokens,
        policy,
    )
    .with_sleeper(Arc::new(sleeper.clone()));
    (client, sleeper)
}

/// The requests the server received on `path_`.
pub async fn requests_to(server: &MockServer, path_: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|request| request.url.path() == path_)
        .collect()
}

/// A request header as text.
pub fn header_value<'a>(request: &'a Request, name: &str) -> &'a str {
    request.headers.get(name).unwrap().to_str().unwrap()
}

/// A mock answering `POST path_` with `status` and a JSON body; add `.expect(n)` and `.mount(..)`.
pub fn json_answer(path_: &str, status: u16, body: serde_json::Value) -> Mock {
    Mock::given(method("POST"))
        .and(path(path_))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
}

/// Asserts that nothing shown of `errors` (Display, Debug, alternate Debug) holds a secret.
pub fn assert_clean(shown: &[String]) {
    for text in shown {
        assert!(!text.contains(CLIENT_SECRET), "secret in: {text}");
        for n in 1..=5 {
            assert!(!text.contains(&token_n(n)), "token in: {text}");
        }
        assert!(!text.contains("tok-"), "token-like text in: {text}");
    }
}
