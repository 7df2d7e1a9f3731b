//! The simulate endpoint: auth, scopes, bodies, the probability-adjustment rule, idempotency.

use std::time::Duration;

use emulator::{AppState, EmulatorConfig};

use crate::support::*;

/// A POWER dialer at three lines per agent over-dials far past the 3 % limit.
fn over_dialing_body() -> serde_json::Value {
    let mut body = seed_body();
    body["predictiveDialerSettings"]["dialerType"] = "POWER".into();
    body["predictiveDialerSettings"]["maxCalls"] = 100.into();
    body["predictiveDialerSettings"]["answerRate"] = 0.6.into();
    body
}

#[tokio::test]
async fn seed_example_completes_over_http() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let response = server
        .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY, None)
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "COMPLETED");
    assert_eq!(body["campaignId"], CAMPAIGN);
    assert_eq!(body["simulationWindowMinutes"], 120);
    let rate = body["predictiveDialerSettings"]["answerRate"]
        .as_f64()
        .unwrap();
    assert!((rate - 0.38).abs() < 0.03, "simulated answer rate {rate}");
    let accuracy = body["predictedAccuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy), "{accuracy}");
    assert!(uuid::Uuid::parse_str(body["simulationId"].as_str().unwrap()).is_ok());
    let metrics = body["metrics"].as_object().unwrap();
    for name in [
        "dials",
        "live_answers",
        "answer_rate",
        "connected",
        "abandoned",
        "late",
        "abandon_rate",
        "compliance_abandon_rate",
        "occupancy",
        "connects_per_agent_hour",
        "mean_wait_seconds",
        "p90_wait_seconds",
        "peak_lines",
    ] {
        assert!(metrics[name]["mean"].is_number(), "metric {name} missing");
        assert_eq!(metrics[name]["ci95"].as_array().map(Vec::len), Some(2));
    }
    assert!(
        metrics["compliance_abandon_rate"]["mean"].as_f64().unwrap()
            <= emulator::simulation::COMPLIANCE_ABANDON_LIMIT
    );
    assert_eq!(body["replications"], 20);
    assert!(!body["buckets"].as_array().unwrap().is_empty());
    assert_eq!(server.state.simulations_run(), 1);
}

#[tokio::test]
async fn camel_case_history_is_accepted_and_simulates_the_same() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let (status, _, snake) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 200, "{snake}");
    let (status, _, camel) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY_CAMEL),
    )
    .await;
    assert_eq!(status, 200, "{camel}");
    assert_eq!(snake["metrics"], camel["metrics"]);
    assert_eq!(snake["simulationId"], camel["simulationId"]);
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_are_401() {
    let server = Server::start(EmulatorConfig {
        token_ttl: Duration::from_millis(200),
        ..test_config()
    })
    .await;
    let expiring = server.dev_token().await;
    let missing = server
        .http
        .post(server.url(&simulate_path(CAMPAIGN)))
        .header("content-type", "application/json")
        .body(SEED_SIMULATE_BODY)
        .send()
        .await
        .unwrap();
    let unknown = server
        .simulate_raw("not-a-token", CAMPAIGN, SEED_SIMULATE_BODY, None)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let expired = server
        .simulate_raw(&expiring, CAMPAIGN, SEED_SIMULATE_BODY, None)
        .await;
    for (what, response) in [
        ("missing", missing),
        ("unknown", unknown),
        ("expired", expired),
    ] {
        assert_eq!(response.status(), 401, "{what}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        let body: serde_json::Value = response.json().await.unwrap();
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("token"), "{what}: {detail}");
        if what == "expired" {
            assert!(detail.contains("expired"), "{detail}");
        }
    }
    assert_eq!(server.state.simulations_run(), 0);
}

#[tokio::test]
async fn token_without_edit_scope_is_403() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "viewer", "viewer-secret").await;
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("outbound:campaign:edit")
    );
}

#[tokio::test]
async fn every_violation_of_a_bad_body_is_listed() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let mut body = seed_body();
    body["predictiveDialerSettings"]["answerRate"] = 0.99.into();
    body["simulationWindowMinutes"] = 5.into();
    body["historicalData"][0]["calls_answered"] = 501.into();
    body["historicalData"][2]["time_bucket"] = "11:00-10:00".into();
    let (status, _, answer) =
        oneshot(&state, simulate_request(&token, CAMPAIGN, body.to_string())).await;
    assert_eq!(status, 400);
    let detail = answer["detail"].as_str().unwrap();
    for path in [
        "predictiveDialerSettings.answerRate",
        "simulationWindowMinutes",
        "historicalData[0].calls_answered",
        "historicalData[2].time_bucket",
    ] {
        assert!(detail.contains(path), "{path} missing from {detail}");
    }
    assert!(detail.contains("4 problems"), "{detail}");
    assert_eq!(state.simulations_run(), 1, "validation runs in the core");
}

#[tokio::test]
async fn wrong_missing_and_unknown_fields_are_named_at_once_in_plain_words() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let typo = SEED_SIMULATE_BODY
        .replace("\"answerRate\"", "\"answerRat\"")
        .replace("\"calls_answered\": 245", "\"calls_answered\": \"many\"");
    let (status, _, body) = oneshot(&state, simulate_request(&token, CAMPAIGN, typo)).await;
    assert_eq!(status, 400);
    let detail = body["detail"].as_str().unwrap();
    assert_eq!(
        detail,
        "invalid simulate request (3 problems): predictiveDialerSettings.answerRate: missing; the \
         expected share of dial attempts a live person answers; predictiveDialerSettings.answerRat: \
         unknown field; did you mean answerRate?; historicalData[1].calls_answered: must be a whole \
         number ≥ 0 (got \"many\")"
    );
    for not_an_object in ["[]", "\"x\"", "[0.38, 0.82]"] {
        let (status, _, body) =
            oneshot(&state, simulate_request(&token, CAMPAIGN, not_an_object)).await;
        assert_eq!(status, 400, "{not_an_object}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("must be a JSON object"), "{detail}");
    }
    assert_eq!(state.simulations_run(), 0, "nothing was simulated");
    let mut form = simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY);
    form.headers_mut().insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let (status, _, _) = oneshot(&state, form).await;
    assert_eq!(status, 415);
    let (status, _, body) =
        oneshot(&state, simulate_request(&token, CAMPAIGN, "{\"predictive")).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("line 1"),
        "{body}"
    );
}

#[tokio::test]
async fn campaign_ids_are_checked_and_unknown_campaigns_are_404() {
    let state = AppState::new(EmulatorConfig {
        known_campaigns: Some(vec![CAMPAIGN.into()]),
        ..test_config()
    });
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, "not%20valid", SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("campaignId"));
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, "other-campaign", SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, _, _) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, SEED_SIMULATE_BODY),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn over_dialing_asks_for_a_probability_adjustment() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let (status, _, body) = oneshot(
        &state,
        simulate_request(&token, CAMPAIGN, over_dialing_body().to_string()),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        cxone::simulate::is_probability_adjustment(detail),
        "{detail}"
    );
    assert!(detail.contains("3 % limit"), "{detail}");
}

#[tokio::test]
async fn idempotent_replay_returns_the_same_bytes_and_simulates_once() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let key = "3f1c2a9e-5b7d-4c8e-9a10-0d2b3c4e5f60";
    let first = server
        .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY, Some(key))
        .await;
    assert_eq!(first.status(), 200);
    assert!(!first.headers().contains_key("idempotent-replayed"));
    let first = first.bytes().await.unwrap();
    let second = server
        .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY, Some(key))
        .await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.bytes().await.unwrap(), first);
    assert_eq!(server.state.simulations_run(), 1);

    let other = server
        .simulate_raw(&token, CAMPAIGN, SEED_SIMULATE_BODY_CAMEL, Some(key))
        .await;
    assert_eq!(other.status(), 422);
    let body: serde_json::Value = other.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("Idempotency-Key"));
    assert_eq!(server.state.simulations_run(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_with_one_key_simulate_once() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let request = server
                .http
                .post(server.url(&simulate_path(CAMPAIGN)))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .header("idempotency-key", "same")
                .body(SEED_SIMULATE_BODY);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status().as_u16(), response.bytes().await.unwrap())
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 200);
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(server.state.simulations_run(), 1);
}

#[tokio::test]
async fn a_stored_refusal_is_replayed_too() {
    let state = AppState::new(test_config());
    let token = oneshot_token(&state, "dev-client", "dev-secret").await;
    let body = over_dialing_body().to_string();
    let mut details = Vec::new();
    for _ in 0..2 {
        let mut request = simulate_request(&token, CAMPAIGN, body.clone());
        request
            .headers_mut()
            .insert("idempotency-key", "refused-once".parse().unwrap());
        let (status, _, answer) = oneshot(&state, request).await;
        assert_eq!(status, 400);
        details.push(answer["detail"].clone());
    }
    assert_eq!(details[0], details[1]);
    assert_eq!(state.simulations_run(), 1);
}

/// Machines and AMD travel in the request (DESIGN §9) and the answer's `compliance` object tells
/// the law's count from CXone's; bad machine settings are a 400 naming each wire path.
#[tokio::test]
async fn machines_and_detection_over_http() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let mut body = seed_body();
    body["predictiveDialerSettings"]["answeringMachineShare"] = 0.4.into();
    body["predictiveDialerSettings"]["amd"] =
        serde_json::json!({"detectSeconds": 1.0, "falsePositive": 0.01, "falseNegative": 0.1});
    body["predictiveDialerSettings"]["dialerType"] = "PROGRESSIVE".into();
    let response = server
        .simulate_raw(&token, CAMPAIGN, body.to_string(), None)
        .await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    let compliance = &answer["compliance"];
    let rate = |key: &str| compliance[key]["rate"]["mean"].as_f64().unwrap();
    // Progressive dialling drops no one: every abandon the law counts is a false positive.
    assert_eq!(rate("cxone"), 0.0);
    assert!(
        rate("ofcom") > 0.0 && rate("ofcom") == rate("fcc"),
        "{compliance}"
    );

    body["predictiveDialerSettings"]["answeringMachineShare"] = 0.7.into();
    body["predictiveDialerSettings"]["amd"]["falsePositive"] = 1.2.into();
    body["answeredIncludesMachines"] = true.into();
    let response = server
        .simulate_raw(&token, CAMPAIGN, body.to_string(), None)
        .await;
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.unwrap();
    let detail = error["detail"].as_str().unwrap();
    for path in [
        "predictiveDialerSettings.answeringMachineShare",
        "predictiveDialerSettings.amd.false_positive",
    ] {
        assert!(detail.contains(path), "{path} in {detail}");
    }
}
