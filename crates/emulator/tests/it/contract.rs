//! The client half of `cxone` against the emulator: the contract holds end to end, and the local
//! backend answers as the server does through the same trait.

use std::time::Duration;

use cxone::backend::SimulateBackend as _;
use cxone::{ClientCredentials, RetryPolicy, SimulateClient, SimulateRequest, TokenCache};
use emulator::{EmulatorConfig, LocalBackend};

use crate::support::*;

fn client(server: &Server) -> SimulateClient {
    let base: reqwest::Url = server.base.parse().unwrap();
    let token_url = base.join("/api/v2/oauth/token").unwrap();
    let tokens = TokenCache::new(
        server.http.clone(),
        token_url,
        ClientCredentials::new("dev-client", "dev-secret"),
    );
    // Every wait is capped at 20 ms, a fault's `Retry-After: 1` included: these tests are about what is
    // retried and simulated, not how long the client waits (the cli's emulator tests wait for real).
    let policy = RetryPolicy {
        max_retries: 3,
        base: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: cxone::Jitter::Off,
    };
    SimulateClient::new(server.http.clone(), base, tokens, policy)
}

fn seed_request() -> SimulateRequest {
    serde_json::from_str(SEED_SIMULATE_BODY).unwrap()
}

#[tokio::test]
async fn http_client_and_local_backend_answer_alike() {
    let server = Server::start(test_config()).await;
    let over_http = client(&server)
        .simulate(CAMPAIGN, &seed_request(), "k-1")
        .await
        .unwrap();
    let local = LocalBackend::default()
        .simulate(CAMPAIGN, &seed_request(), "k-1")
        .await
        .unwrap();
    assert_eq!(over_http.attempts, 1);
    assert_eq!(local.attempts, 1);
    // The client parses JSON numbers back, which may move the last bit; the bytes are the same (see
    // `local::local_backend_and_server_give_the_same_metrics`).
    assert_close(
        &serde_json::to_value(&over_http.value.metrics).unwrap(),
        &serde_json::to_value(&local.value.metrics).unwrap(),
        "metrics",
    );
    assert_eq!(over_http.value.simulation_id, local.value.simulation_id);
}

#[tokio::test]
async fn retries_through_injected_faults_simulate_once() {
    // With this seed the first draw is a fault (the assertion on attempts proves it).
    let server = Server::start(EmulatorConfig {
        fault_rate: 0.5,
        fault_seed: FAULT_SEED,
        ..test_config()
    })
    .await;
    let answer = client(&server)
        .simulate(CAMPAIGN, &seed_request(), "retried-key")
        .await
        .unwrap();
    assert!(
        answer.attempts > 1,
        "no fault was injected ({} attempt)",
        answer.attempts
    );
    assert_eq!(answer.value.status, "COMPLETED");
    assert_eq!(server.state.simulations_run(), 1);
}

/// A fault seed whose first draw at rate 0.5 is a fault.
const FAULT_SEED: u64 = 1;

/// Equal JSON, numbers within a relative 1e-12.
fn assert_close(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                "{at}: {x} != {y}"
            );
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: different keys");
            for (key, value) in x {
                assert_close(value, &y[key], &format!("{at}.{key}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: different lengths");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_close(p, q, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[tokio::test]
async fn probability_adjustments_exhaust_alike_on_both_backends() {
    let server = Server::start(test_config()).await;
    let mut body = seed_request();
    body.predictive_dialer_settings.dialer_type = cxone::DialerType::Power;
    body.predictive_dialer_settings.max_calls = 100;
    // Thirty minutes are enough to abandon too many calls at every answer rate tried.
    body.simulation_window_minutes = 30;
    let http = cxone::simulate_with_adjustments(&client(&server), CAMPAIGN, &body, 2)
        .await
        .unwrap_err();
    let local = cxone::simulate_with_adjustments(&LocalBackend::default(), CAMPAIGN, &body, 2)
        .await
        .unwrap_err();
    for error in [&http, &local] {
        match error {
            cxone::Error::AdjustmentsExhausted {
                adjustments,
                last_answer_rate,
                detail,
                ..
            } => {
                assert_eq!(*adjustments, 2);
                assert!((last_answer_rate - 0.34).abs() < 1e-9, "{last_answer_rate}");
                assert!(
                    cxone::simulate::is_probability_adjustment(detail),
                    "{detail}"
                );
            }
            other => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(http.to_string(), local.to_string());
    assert_eq!(server.state.simulations_run(), 3);
}
