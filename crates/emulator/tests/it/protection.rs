//! Rate limit, body size, work limits, fault injection.

use std::time::Duration;

use emulator::{AppState, EmulatorConfig, WorkLimits};

use crate::support::*;

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let state = AppState::new(EmulatorConfig {
        rate_limit_per_second: Some(2),
        ..test_config()
    });
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    // Invalid bodies: cheap to answer, and still counted by the limit.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..3 {
        let (status, headers, _) = oneshot(&state, simulate_request(&token, CAMPAIGN, "{}")).await;
        statuses.push(status);
        if status == 429 {
            retry_after = headers
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        }
    }
    assert_eq!(statuses, [400, 400, 429]);
    assert!(retry_after.is_some_and(|s| s >= 1), "{retry_after:?}");
    // Another client has its own budget.
    let viewer = oneshot_token(&state, "viewer", "viewer-secret").await;
    let (status, _, _) = oneshot(&state, simulate_request(&viewer, CAMPAIGN, "{}")).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn bodies_over_one_mib_are_413() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let response = server.simulate_raw(&token, CAMPAIGN, huge, None).await;
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("1048576"),
        "{body}"
    );
    assert_eq!(server.state.simulations_run(), 0);
}

#[tokio::test]
async fn work_limits_answer_400_naming_the_limit() {
    let state = AppState::new(EmulatorConfig {
        work_limits: WorkLimits {
            max_window_minutes: 60,
            max_agent_minutes: 1000,
            ..WorkLimits::default()
        },
        ..test_config()
    });
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("max_window_minutes"),
        "{body}"
    );
    let mut short = seed_body();
    short["simulationWindowMinutes"] = 60.into();
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, short.to_string()),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("max_agent_minutes"),
        "{body}"
    );
}

#[tokio::test]
async fn injected_faults_hit_about_their_share_and_are_reproducible() {
    async fn statuses(seed: u64) -> Vec<u16> {
        let state = AppState::new(EmulatorConfig {
            fault_rate: 0.3,
            fault_seed: seed,
            ..test_config()
        });
        let token = oneshot_token(&state, "dev-client", "dev-secret").await;
        let mut out = Vec::new();
        for _ in 0..300 {
            // An invalid body: a request that is not faulted gets a cheap 400.
            let (status, headers, _) =
                oneshot(&state, simulate_request(&token, CAMPAIGN, "{}")).await;
            if status == 429 || status == 503 {
                assert!(headers.contains_key("retry-after"));
            }
            out.push(status);
        }
        out
    }
    let first = statuses(42).await;
    assert_eq!(
        first,
        statuses(42).await,
        "the same seed gives the same faults"
    );
    let faults = first.iter().filter(|&&s| s != 400).count();
    assert!(
        (60..=120).contains(&faults),
        "{faults} faults in 300 requests"
    );
    for status in [429, 500, 503] {
        assert!(first.contains(&status), "no {status} injected");
    }
    assert_ne!(first, statuses(43).await);
}

#[tokio::test]
async fn faults_do_not_consume_idempotency_keys() {
    let server = Server::start(EmulatorConfig {
        fault_rate: 0.5,
        fault_seed: 7,
        ..test_config()
    })
    .await;
    let token = server.dev_token().await;
    let mut statuses = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..12 {
        let response = server
            .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY, Some("retry-me"))
            .await;
        statuses.push(response.status().as_u16());
        if response.status() == 200 {
            bodies.push(response.bytes().await.unwrap());
        }
    }
    assert!(
        statuses.iter().any(|&s| s != 200),
        "no fault in {statuses:?}"
    );
    assert!(bodies.len() >= 2, "{statuses:?}");
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(server.state.simulations_run(), 1);
}

#[tokio::test]
async fn delay_faults_hold_the_request_then_answer() {
    let state = AppState::new(EmulatorConfig {
        fault_rate: 1.0,
        fault_seed: 3,
        fault_delay: Duration::from_millis(30),
        ..test_config()
    });
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let mut delayed = 0;
    for _ in 0..20 {
        let started = std::time::Instant::now();
        let (status, _, _) = oneshot(&state, simulate_request(&token, CAMPAIGN, "{}")).await;
        if status == 400 {
            assert!(started.elapsed() >= Duration::from_millis(30));
            delayed += 1;
        } else {
            assert!([429, 500, 503].contains(&status), "{status}");
        }
    }
    assert!(delayed > 0, "no delay fault in 20 requests");
}

#[tokio::test]
async fn a_simulation_over_its_timeout_is_503() {
    let state = AppState::new(EmulatorConfig {
        simulation_timeout: Duration::ZERO,
        ..test_config()
    });
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let (status, headers, body) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 503, "{body}");
    assert!(headers.contains_key("retry-after"));
    assert!(body["detail"].as_str().unwrap().contains("did not finish"));
}
