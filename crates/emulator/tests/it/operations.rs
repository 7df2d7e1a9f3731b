//! Health, OpenAPI, request ids, unknown paths and graceful shutdown.

use axum::body::Body;
use axum::http::Request;
use emulator::AppState;

use crate::support::*;

#[tokio::test]
async fn healthz_answers_ok() {
    let server = Server::start(test_config()).await;
    let response = server
        .http
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

/// The emulator's `/openapi.json`, with its status.
async fn openapi() -> (u16, serde_json::Value) {
    let state = AppState::new(test_config());
    let (status, _, doc) = oneshot(
        &state,
        Request::get("/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;
    (status, doc)
}

#[tokio::test]
async fn openapi_lists_both_paths() {
    let (status, doc) = openapi().await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths["/api/v2/oauth/token"]["post"].is_object());
    let simulate = &paths["/api/v2/outbound/campaigns/{campaignId}/simulate"]["post"];
    assert!(simulate["responses"]["200"].is_object());
    assert!(simulate["responses"]["429"].is_object());
    assert!(doc["components"]["schemas"]["SimulateResponse"].is_object());
}

/// A reported `dialerType` may be a known mode, which is also a string: the two alternatives
/// overlap, so the schema says `anyOf` (a `oneOf` would call every known mode in an answer invalid).
#[tokio::test]
async fn a_reported_dialer_type_may_match_both_of_its_alternatives() {
    let (_, doc) = openapi().await;
    let reported = &doc["components"]["schemas"]["ReportedDialerType"];
    assert!(reported.get("oneOf").is_none(), "{reported}");
    let alternatives = reported["anyOf"].as_array().unwrap();
    assert_eq!(alternatives.len(), 2, "{reported}");
    assert!(
        alternatives.iter().any(|a| a["type"] == "string"),
        "{reported}"
    );
}

#[tokio::test]
async fn openapi_describes_the_machine_settings_and_the_compliance_object() {
    let (_, doc) = openapi().await;
    let schemas = &doc["components"]["schemas"];
    let settings = &schemas["DialerSettings"]["properties"];
    assert_eq!(settings["answeringMachineShare"]["maximum"], 0.95);
    assert!(settings["amd"].is_object(), "{settings}");
    let amd = &schemas["AmdSettings"]["properties"];
    assert_eq!(amd["false_positive"]["maximum"].as_f64(), Some(1.0));
    assert_eq!(amd["detect_seconds"]["maximum"].as_f64(), Some(30.0));
    assert!(schemas["SimulateRequest"]["properties"]["answeredIncludesMachines"].is_object());
    // The answer keeps unknown fields (`extra`), so its schema is `allOf` an open object and
    // its properties.
    let answer = schemas["SimulateResponse"]["allOf"].as_array().unwrap();
    let compliance = answer
        .iter()
        .find_map(|part| part["properties"].get("compliance"));
    assert!(
        compliance.is_some_and(|c| c.to_string().contains("ComplianceReport")),
        "{answer:?}"
    );
    for regime in ["fcc", "ofcom", "crtc", "cxone"] {
        assert!(
            schemas["ComplianceReport"]["properties"][regime].is_object(),
            "{regime}"
        );
    }
    assert!(schemas["ShareEstimate"]["properties"]["share"].is_object());
}

#[tokio::test]
async fn a_given_request_id_is_echoed_and_unknown_paths_are_json_404() {
    let state = AppState::new(test_config());
    let (status, headers, body) = oneshot(
        &state,
        Request::get("/nowhere")
            .header("x-request-id", "trace-me-42")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(headers["x-request-id"], "trace-me-42");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no such endpoint")
    );
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let server = Server::start(test_config()).await;
    let url = server.url("/healthz");
    let http = server.http.clone();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);
    server.shutdown().await.unwrap();
    assert!(
        http.get(&url).send().await.is_err(),
        "the server still answers"
    );
}

#[tokio::test]
async fn wrong_methods_get_a_json_405() {
    let state = AppState::new(test_config());
    let (status, _, body) = oneshot(
        &state,
        Request::get(simulate_path(CAMPAIGN))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 405);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("method not allowed")
    );
}

/// A simulation runs on a blocking thread, so health checks still answer while it runs. The test
/// does not wait for the (deliberately long) run to end: once health has answered, the runtime is
/// shut down in the background and the process exits with the run still going.
#[test]
fn the_server_stays_responsive_while_simulations_run() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = Server::start(emulator::EmulatorConfig {
            max_concurrent_simulations: 1,
            ..test_config()
        })
        .await;
        let token = server.dev_token().await;
        // A day of 300 agents: seconds of work, so still running while health is checked.
        let mut heavy = seed_body();
        heavy["simulationWindowMinutes"] = 1440.into();
        heavy["predictiveDialerSettings"]["agents"] = 300.into();
        heavy["predictiveDialerSettings"]["maxCalls"] = 2000.into();
        let request = server
            .http
            .post(server.url(&simulate_path(CAMPAIGN)))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(heavy.to_string());
        let running = tokio::spawn(async move { request.send().await.unwrap().status().as_u16() });
        while server.state.simulations_run() == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let started = std::time::Instant::now();
        let health = server
            .http
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap();
        let waited = started.elapsed();
        assert_eq!(health.status(), 200);
        assert!(
            !running.is_finished(),
            "the simulation ended too soon to prove anything"
        );
        assert!(
            waited < std::time::Duration::from_millis(500),
            "healthz took {waited:?}"
        );
    });
    // The engine run cannot be interrupted; leave it to the process's exit.
    runtime.shutdown_background();
}
