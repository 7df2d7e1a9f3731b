//! The token endpoint: form and Basic client authentication, RFC 6749 §5.2 errors.

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use emulator::AppState;

use crate::support::*;

fn token_request(form: &str, basic: Option<(&str, &str)>) -> Request<Body> {
    let mut request = Request::post("/api/v2/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    request.body(Body::from(form.to_owned())).unwrap()
}

#[tokio::test]
async fn seed_form_bytes_get_a_bearer_token() {
    let server = Server::start(test_config()).await;
    // Exactly what the seed's `requests.post(url, data=payload, headers=...)` sends.
    let response = server
        .http
        .post(server.url("/api/v2/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(SEED_TOKEN_FORM)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(
        body["scope"],
        "outbound:campaign:view outbound:campaign:edit"
    );
    let token = body["access_token"].as_str().unwrap();
    assert!(
        token.len() >= 40,
        "token {token:?} is too short to be random"
    );
    let other = server.dev_token().await;
    assert_ne!(token, other, "every token is new");
}

#[tokio::test]
async fn basic_authentication_gets_a_token() {
    let state = AppState::new(test_config());
    let (status, _, body) = oneshot(
        &state,
        token_request(
            "grant_type=client_credentials",
            Some(("dev-client", "dev-secret")),
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn wrong_secret_is_invalid_client_with_a_challenge() {
    let state = AppState::new(test_config());
    for request in [
        token_request(
            "client_id=dev-client&client_secret=wrong&grant_type=client_credentials",
            None,
        ),
        token_request(
            "grant_type=client_credentials",
            Some(("dev-client", "wrong")),
        ),
        token_request(
            "client_id=nobody&client_secret=dev-secret&grant_type=client_credentials",
            None,
        ),
    ] {
        let (status, headers, body) = oneshot(&state, request).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_client");
        assert!(body["error_description"].as_str().is_some());
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
    }
}

#[tokio::test]
async fn grant_and_request_errors_follow_rfc_6749() {
    let state = AppState::new(test_config());
    let cases = [
        (
            token_request(
                "client_id=dev-client&client_secret=dev-secret&grant_type=password",
                None,
            ),
            400,
            "unsupported_grant_type",
        ),
        (
            token_request("client_id=dev-client&client_secret=dev-secret", None),
            400,
            "invalid_request",
        ),
        (
            token_request(
                "client_id=dev-client&client_secret=dev-secret&grant_type=client_credentials",
                Some(("dev-client", "dev-secret")),
            ),
            400,
            "invalid_request",
        ),
        (
            token_request("grant_type=client_credentials", None),
            401,
            "invalid_client",
        ),
        (
            token_request(
                "client_id=viewer&client_secret=viewer-secret&grant_type=client_credentials&scope=outbound:campaign:edit",
                None,
            ),
            400,
            "invalid_scope",
        ),
        (
            Request::post("/api/v2/oauth/token")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"client_id":"dev-client"}"#))
                .unwrap(),
            400,
            "invalid_request",
        ),
    ];
    for (request, want_status, want_error) in cases {
        let (status, _, body) = oneshot(&state, request).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (want_status, Some(want_error)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_narrower_scope_can_be_asked_for() {
    let state = AppState::new(test_config());
    let (status, _, body) = oneshot(
        &state,
        token_request(
            "client_id=dev-client&client_secret=dev-secret&grant_type=client_credentials&scope=outbound:campaign:view",
            None,
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "outbound:campaign:view");
}
