//! The local backend: same core, same answers as the server.

use cxone::SimulateRequest;
use cxone::backend::SimulateBackend as _;
use emulator::{LocalBackend, LocalOptions, WorkLimits};

use crate::support::*;

fn seed_request() -> SimulateRequest {
    serde_json::from_str(SEED_SIMULATE_BODY).unwrap()
}

#[tokio::test]
async fn seed_example_completes_near_its_answer_rate() {
    let response = LocalBackend::default()
        .run(CAMPAIGN, &seed_request())
        .await
        .unwrap();
    assert_eq!(response.status, "COMPLETED");
    let rate = response.answer_rate_or(f64::NAN);
    assert!((rate - 0.38).abs() < 0.02, "simulated answer rate {rate}");
    assert!((0.0..=1.0).contains(&response.predicted_accuracy.unwrap()));
}

#[tokio::test]
async fn local_backend_and_server_give_the_same_metrics() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let response = server
        .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY, None)
        .await;
    assert_eq!(response.status(), 200);
    let over_http = response.bytes().await.unwrap();
    let attempted = LocalBackend::with_limits(WorkLimits::default())
        .simulate(CAMPAIGN, &seed_request(), "key")
        .await
        .unwrap();
    assert_eq!(attempted.attempts, 1);
    // Byte for byte: parsing JSON floats back may lose the last digit, bytes do not.
    let local = serde_json::to_vec(&attempted.value).unwrap();
    assert_eq!(
        String::from_utf8(local).unwrap(),
        String::from_utf8(over_http.to_vec()).unwrap()
    );
}

#[tokio::test]
async fn local_backend_fails_like_the_server() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let mut bad = seed_request();
    bad.predictive_dialer_settings.answer_rate = 0.99;
    bad.simulation_window_minutes = 5;
    let response = server
        .simulate_raw(&token, CAMPAIGN, serde_json::to_vec(&bad).unwrap(), None)
        .await;
    assert_eq!(response.status(), 400);
    let server_body = response.text().await.unwrap();
    let error = LocalBackend::default()
        .simulate(CAMPAIGN, &bad, "key")
        .await
        .unwrap_err();
    match error {
        cxone::Error::Status {
            status,
            detail,
            body,
            endpoint,
            attempts,
        } => {
            assert_eq!(status, 400);
            assert_eq!(endpoint, cxone::Endpoint::Simulate);
            assert_eq!(attempts, 1);
            assert_eq!(body, server_body);
            let server_detail: serde_json::Value = serde_json::from_str(&server_body).unwrap();
            assert_eq!(detail, server_detail["detail"]);
        }
        other => panic!("unexpected error {other:?}"),
    }
}

#[tokio::test]
async fn local_backend_is_deterministic_and_takes_a_seed() {
    let backend = LocalBackend::default();
    let a = backend.run(CAMPAIGN, &seed_request()).await.unwrap();
    let b = backend.run(CAMPAIGN, &seed_request()).await.unwrap();
    assert_eq!(a, b);
    let seeded = LocalBackend::default()
        .with_seed(5)
        .run(CAMPAIGN, &seed_request())
        .await
        .unwrap();
    assert_eq!(seeded.seed, Some(5));
    assert_ne!(seeded.metrics, a.metrics);
}

#[tokio::test]
async fn options_set_replications_and_are_checked() {
    let backend = LocalBackend::new(LocalOptions {
        seed: Some(9),
        replications: Some(5),
        regime: None,
    })
    .unwrap();
    let response = backend.run(CAMPAIGN, &seed_request()).await.unwrap();
    assert_eq!(response.replications, Some(5));
    assert_eq!(response.seed, Some(9));
    for bad in [0, 201] {
        let error = LocalBackend::new(LocalOptions {
            seed: None,
            replications: Some(bad),
            regime: None,
        })
        .unwrap_err();
        assert!(error.to_string().contains("between 1 and 200"), "{error}");
    }
}

#[test]
fn scenario_for_request_is_what_the_core_runs() {
    let scenario = emulator::scenario_for_request(&seed_request(), CAMPAIGN).unwrap();
    assert_eq!(
        scenario.agents, 12,
        "DESIGN §5.5 infers 12 agents for the seed"
    );
    assert_eq!(scenario.replications, 20);
    assert_eq!(
        scenario.seed,
        emulator::derive_seed(&seed_request(), CAMPAIGN)
    );
    assert_eq!(scenario.max_lines, Some(50));
    let error = emulator::scenario_for_request(&seed_request(), "bad id").unwrap_err();
    assert_eq!(emulator::ApiFailure::from(error).status, 400);
}
