//! The real `cxone-sim run --backend cxone` against the real emulator on 127.0.0.1:0.

use emulator::{AppState, EmulatorConfig, RegisteredClient};
use secrecy::SecretString;
use serde_json::Value;

use crate::common::{Sandbox, example, json, stderr, stdout};

/// A running emulator; it shuts down when dropped.
struct Emulator {
    url: String,
    state: AppState,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(config: EmulatorConfig) -> Emulator {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(emulator::run_with_state(
        listener,
        state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    Emulator {
        url,
        state,
        _stop: stop,
    }
}

fn client_of(emulator: &Emulator, id: &str, secret: &str) -> Sandbox {
    Sandbox::new()
        .env("CXONE_BACKEND", "cxone")
        .env("CXONE_BASE_URL", &emulator.url)
        .env("CXONE_CLIENT_ID", id)
        .env("CXONE_CLIENT_SECRET", secret)
}

fn dev(emulator: &Emulator) -> Sandbox {
    client_of(
        emulator,
        emulator::DEV_CLIENT_ID,
        emulator::DEV_CLIENT_SECRET,
    )
}

fn seed_payload() -> String {
    example("seed_payload.json").to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn run_against_the_emulator_matches_the_local_backend() {
    let emulator = start(EmulatorConfig::default()).await;
    let sb = dev(&emulator);
    let remote = sb.run_async(&["run", "--json", &seed_payload()]).await;
    assert_eq!(remote.status.code(), Some(0), "stderr: {}", stderr(&remote));
    let remote = json(&remote);
    assert_eq!(remote["status"], "SUCCESS");
    assert_eq!(remote["backend"], "cxone");

    let local = Sandbox::new()
        .run_async(&["run", "--json", &seed_payload()])
        .await;
    let local = json(&local);
    // One code path from request to response: the same request gives the same metrics.
    assert_eq!(
        remote["simulation_result"]["metrics"],
        local["simulation_result"]["metrics"]
    );
    assert_eq!(emulator.state.simulations_run(), 1);
    assert_eq!(sb.audit_lines()[0]["backend"], "cxone");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_client_waits_for_retry_after_and_succeeds() {
    let emulator = start(EmulatorConfig {
        rate_limit_per_second: Some(1),
        ..EmulatorConfig::default()
    })
    .await;
    let sb = dev(&emulator);
    let payload = seed_payload();
    // Two runs at once against one request per second: one must be told to wait, and both succeed.
    // The one test that waits for a real Retry-After (the others record or cap the wait).
    let started = std::time::Instant::now();
    let (a, b) = (
        ["run", "--json", "--audit-log", "a.log", &payload],
        ["run", "--json", "--audit-log", "b.log", &payload],
    );
    let (a, b) = tokio::join!(sb.run_async(&a), sb.run_async(&b));
    let mut attempts = 0;
    for out in [&a, &b] {
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
        attempts += json(out)["attempts"].as_u64().unwrap();
    }
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "the throttled run waited for Retry-After"
    );
    // One 429, then a retry late enough to pass: a client retrying sooner than told is refused again.
    assert_eq!(
        attempts, 3,
        "one run was rate limited once and retried after Retry-After"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_percent_faults_and_every_run_still_succeeds() {
    let emulator = start(EmulatorConfig {
        fault_rate: 0.3,
        fault_seed: 11,
        rate_limit_per_second: None,
        ..EmulatorConfig::default()
    })
    .await;
    let sb = dev(&emulator);
    let payload = seed_payload();
    let mut attempts = 0;
    for _ in 0..8 {
        let out = sb.run_async(&["run", "--json", &payload]).await;
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        attempts += json(&out)["attempts"].as_u64().unwrap();
    }
    assert!(
        attempts > 8,
        "faults were injected and retried (attempts {attempts})"
    );
    assert_eq!(sb.audit_lines().len(), 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn probability_adjustment_through_the_emulator() {
    let emulator = start(EmulatorConfig::default()).await;
    let sb = dev(&emulator);
    // POWER at 50 lines for few agents over-dials far past 3 %: every adjustment is refused too.
    let mut payload: Value =
        serde_json::from_str(&std::fs::read_to_string(seed_payload()).unwrap()).unwrap();
    payload["dialer_type"] = "POWER".into();
    payload["agents"] = 5.into();
    let file = sb.write("power.json", &payload.to_string());
    let out = sb
        .run_async(&[
            "run",
            "--json",
            "--max-adjustments",
            "2",
            file.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["status"], "REJECTED");
    assert_eq!(result["adjustments"], 2);
    assert!((result["answer_rate_requested"].as_f64().unwrap() - 0.34).abs() < 1e-9);
    assert!(
        stderr(&out).contains("probability adjustment"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.audit_lines()[0]["outcome"], "REJECTED");
    // The last simulation the server refused is shown, and its abandonment is over the limit.
    let last = &result["simulation_result"];
    assert_eq!(last["status"], "COMPLETED", "{result:#}");
    let abandon = last["metrics"]["compliance_abandon_rate"]["mean"]
        .as_f64()
        .unwrap();
    assert!(abandon > 0.03, "{abandon}");
    let audited = sb.audit_lines()[0]["abandon_rate"].as_f64().unwrap();
    assert_eq!(audited, abandon);

    // The same on the local backend, in the table.
    let local = Sandbox::new().env("NO_COLOR", "1");
    let file = local.write("power.json", &payload.to_string());
    let out = local.run_async(&["run", file.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("run REJECTED"), "{table}");
    assert!(table.contains("server status"), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_secret_and_missing_scope() {
    let viewer = RegisteredClient {
        id: "viewer".into(),
        secret: SecretString::from("viewer-secret"),
        scopes: vec![cxone::token::SCOPE_VIEW.into()],
    };
    let emulator = start(EmulatorConfig {
        clients: vec![RegisteredClient::development(), viewer],
        ..EmulatorConfig::default()
    })
    .await;
    let out = client_of(&emulator, "dev-client", "not-the-secret")
        .run_async(&["run", &seed_payload()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("401") && stderr(&out).contains("CXONE_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );

    let out = client_of(&emulator, "viewer", "viewer-secret")
        .run_async(&["run", &seed_payload()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("403") && stderr(&out).contains("outbound:campaign:edit"),
        "{}",
        stderr(&out)
    );
    assert_eq!(emulator.state.simulations_run(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_idempotency_key_simulates_once_and_bad_bodies_are_listed() {
    let emulator = start(EmulatorConfig::default()).await;
    let http = cxone::client_builder().build().unwrap();
    let token: Value = http
        .post(format!("{}/api/v2/oauth/token", emulator.url))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "dev-client"),
            ("client_secret", "dev-secret"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let payload: cxone::Payload =
        serde_json::from_str(&std::fs::read_to_string(seed_payload()).unwrap()).unwrap();
    let body = cxone::SimulateRequest::from_payload(&payload);
    let url = format!(
        "{}/api/v2/outbound/campaigns/spring-2026/simulate",
        emulator.url
    );
    let mut answers = Vec::new();
    for _ in 0..3 {
        let resp = http
            .post(&url)
            .header("authorization", &bearer)
            .header("idempotency-key", "key-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        answers.push(resp.text().await.unwrap());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(emulator.state.simulations_run(), 1);

    let mut bad = serde_json::to_value(&body).unwrap();
    bad["predictiveDialerSettings"]["answerRate"] = 2.0.into();
    bad["simulationWindowMinutes"] = 0.into();
    let resp = http
        .post(&url)
        .header("authorization", &bearer)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let detail = resp.json::<Value>().await.unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("predictiveDialerSettings.answerRate")
            && detail.contains("simulationWindowMinutes"),
        "{detail}"
    );
}
