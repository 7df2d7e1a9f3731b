//! Shared helpers: a server on loopback, tokens, the seed's request bytes.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use emulator::{AppState, EmulatorConfig, RegisteredClient};
use secrecy::SecretString;
use tokio::sync::oneshot;
use tower::ServiceExt as _;

/// The seed's campaign id.
pub const CAMPAIGN: &str = "12345678-1234-1234-1234-123456789012";

/// The form body Python `requests` sends for the seed's token request (`data=payload`).
pub const SEED_TOKEN_FORM: &str =
    "client_id=dev-client&client_secret=dev-secret&grant_type=client_credentials";

/// The simulate body Python `requests` sends for the seed's example (`json=simulation_body`, with the
/// history as snake_case dicts; `json.dumps` separators `, ` and `: `; integer talk times as given).
pub const SEED_SIMULATE_BODY: &str = r#"{"predictiveDialerSettings": {"answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3, "maxCalls": 50, "dialerType": "PREDICTIVE"}, "simulationWindowMinutes": 120, "historicalData": [{"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190, "avg_talk_time_seconds": 145}, {"time_bucket": "10:00-11:00", "calls_attempted": 620, "calls_answered": 245, "avg_talk_time_seconds": 138}, {"time_bucket": "11:00-12:00", "calls_attempted": 480, "calls_answered": 175, "avg_talk_time_seconds": 152}]}"#;

/// The seed's body with camelCase history keys and another key order.
pub const SEED_SIMULATE_BODY_CAMEL: &str = r#"{"simulationWindowMinutes":120,"predictiveDialerSettings":{"dialerType":"PREDICTIVE","answerRate":0.38,"agentEfficiency":0.82,"interval":3,"maxCalls":50},"historicalData":[{"timeBucket":"09:00-10:00","callsAttempted":500,"callsAnswered":190,"avgTalkTimeSeconds":145.0},{"timeBucket":"10:00-11:00","callsAttempted":620,"callsAnswered":245,"avgTalkTimeSeconds":138.0},{"timeBucket":"11:00-12:00","callsAttempted":480,"callsAnswered":175,"avgTalkTimeSeconds":152.0}]}"#;

/// The seed's body as JSON, for tests that change a field.
pub fn seed_body() -> serde_json::Value {
    serde_json::from_str(SEED_SIMULATE_BODY).unwrap()
}

/// The simulate path of a campaign.
pub fn simulate_path(campaign: &str) -> String {
    format!("/api/v2/outbound/campaigns/{campaign}/simulate")
}

/// A configuration for tests: the development client, a read-only client, no rate limit.
pub fn test_config() -> EmulatorConfig {
    EmulatorConfig {
        clients: vec![
            RegisteredClient::development(),
            RegisteredClient {
                id: "viewer".into(),
                secret: SecretString::from("viewer-secret"),
                scopes: vec![cxone::token::SCOPE_VIEW.into()],
            },
        ],
        rate_limit_per_second: None,
        ..EmulatorConfig::default()
    }
}

/// A running emulator on `127.0.0.1:0`; stops when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its state, for counters.
    pub state: AppState,
    /// An HTTP client.
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Starts an emulator with `config`.
    pub async fn start(config: EmulatorConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(config);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(emulator::run_with_state(
            listener,
            state.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        let http = cxone::client_builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        Self {
            base,
            state,
            http,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Asks the server to stop and waits until it has.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.take().unwrap().await.unwrap()
    }

    /// A URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A token for `id`/`secret` through the form body.
    pub async fn token(&self, id: &str, secret: &str) -> String {
        let response = self
            .http
            .post(self.url("/api/v2/oauth/token"))
            .form(&[
                ("client_id", id),
                ("client_secret", secret),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A token of the development client.
    pub async fn dev_token(&self) -> String {
        self.token("dev-client", "dev-secret").await
    }

    /// Posts raw JSON bytes to the simulate endpoint of `campaign`.
    pub async fn simulate_raw(
        &self,
        token: &str,
        campaign: &str,
        body: impl Into<reqwest::Body>,
        key: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url(&simulate_path(campaign)))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().await.unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Sends `request` to a fresh router over `state` and returns status, headers and the JSON body
/// (`Null` when the body is not JSON).
pub async fn oneshot(
    state: &AppState,
    request: Request<Body>,
) -> (u16, axum::http::HeaderMap, serde_json::Value) {
    let response = emulator::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, headers, json)
}

/// A token issued by `state`'s token endpoint (through `oneshot`).
pub async fn oneshot_token(state: &AppState, id: &str, secret: &str) -> String {
    let form = format!("client_id={id}&client_secret={secret}&grant_type=client_credentials");
    let (status, _, body) = oneshot(
        state,
        Request::post("/api/v2/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// A simulate request through `oneshot`.
pub fn simulate_request(token: &str, campaign: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(simulate_path(campaign))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}
