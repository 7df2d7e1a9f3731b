//! The token cache: one fetch reused, refresh 60 s before expiry, one refresh for concurrent callers.

use std::sync::Arc;
use std::time::Duration;

use cxone::{Endpoint, Error, ManualClock, SystemClock};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn the_token_is_fetched_once_and_reused_across_simulate_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains(format!("client_id={CLIENT_ID}")))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .respond_with(NumberedTokens::new(3600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(completed(0.38))
        .expect(3)
        .mount(&server)
        .await;
    let (client, _) = client(&server, seeded_policy());

    for key in ["k-1", "k-2", "k-3"] {
        let done = client
            .simulate_once(CAMPAIGN, &request(0.38), key)
            .await
            .unwrap();
        assert_eq!(done.attempts, 1);
    }

    assert_eq!(client.tokens().fetch_count(), 1);
    let bearer = format!("Bearer {}", token_n(1));
    for sent in requests_to(&server, SIMULATE_PATH).await {
        assert_eq!(header_value(&sent, "authorization"), bearer);
    }
}

#[tokio::test]
async fn the_token_is_refreshed_60_s_before_it_expires() {
    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let tokens = token_cache(&server, clock.clone());

    assert_eq!(tokens.token().await.unwrap().expose_secret(), token_n(1));
    clock.advance(Duration::from_secs(3600 - 60 - 1));
    assert_eq!(tokens.token().await.unwrap().expose_secret(), token_n(1));
    assert_eq!(tokens.fetch_count(), 1);

    clock.advance(Duration::from_secs(1)); // exactly 60 s before expiry
    let fresh = tokens.token().await.unwrap();
    assert_eq!(fresh.expose_secret(), token_n(2));
    assert_eq!(fresh.fetch(), 2);
    assert_eq!(tokens.fetch_count(), 2);
}

#[tokio::test]
async fn a_short_lived_token_is_used_for_half_its_life() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(NumberedTokens::new(40))
        .expect(2)
        .mount(&server)
        .await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let tokens = token_cache(&server, clock.clone());

    tokens.token().await.unwrap();
    tokens.token().await.unwrap();
    assert_eq!(tokens.fetch_count(), 1);
    clock.advance(Duration::from_secs(20));
    tokens.token().await.unwrap();
    assert_eq!(tokens.fetch_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_fetch_and_one_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(NumberedTokens::new(3600).slow(Duration::from_millis(200)))
        .expect(3)
        .mount(&server)
        .await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let tokens = Arc::new(token_cache(&server, clock.clone()));

    let all = |refresh_from: Option<cxone::AccessToken>| {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let tokens = tokens.clone();
                let stale = refresh_from.clone();
                tokio::spawn(async move {
                    match stale {
                        Some(stale) => tokens.refresh(&stale).await,
                        None => tokens.token().await,
                    }
                    .unwrap()
                    .expose_secret()
                    .to_owned()
                })
            })
            .collect();
        async move {
            let mut seen = Vec::new();
            for task in tasks {
                seen.push(task.await.unwrap());
            }
            seen
        }
    };

    // A cold cache: sixteen callers, one fetch.
    assert!(all(None).await.iter().all(|t| *t == token_n(1)));
    assert_eq!(tokens.fetch_count(), 1);

    // Near expiry: sixteen callers, one refresh.
    clock.advance(Duration::from_secs(3550));
    assert!(all(None).await.iter().all(|t| *t == token_n(2)));
    assert_eq!(tokens.fetch_count(), 2);

    // Sixteen 401s on the same token: one refresh, the others take it.
    let refused = tokens.token().await.unwrap();
    assert!(all(Some(refused)).await.iter().all(|t| *t == token_n(3)));
    assert_eq!(tokens.fetch_count(), 3);
}

#[tokio::test]
async fn refresh_after_a_401_fetches_unless_the_token_was_already_replaced() {
    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    let tokens = token_cache(&server, Arc::new(SystemClock));

    let first = tokens.token().await.unwrap();
    let second = tokens.refresh(&first).await.unwrap();
    assert_eq!(second.expose_secret(), token_n(2));
    // Another caller still holding the first token finds the second one.
    let again = tokens.refresh(&first).await.unwrap();
    assert_eq!(again.expose_secret(), token_n(2));
    assert_eq!(tokens.fetch_count(), 2);
}

#[tokio::test]
async fn a_bad_client_secret_says_to_check_the_client_id_and_secret() {
    let server = MockServer::start().await;
    json_answer(
        TOKEN_PATH,
        401,
        serde_json::json!({"error": "invalid_client"}),
    )
    .expect(1)
    .mount(&server)
    .await;
    let tokens = token_cache(&server, Arc::new(SystemClock));

    let error = tokens.token().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Status {
                endpoint: Endpoint::Token,
                status: 401,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.body(), Some(r#"{"error":"invalid_client"}"#));
    assert!(error.to_string().contains("invalid_client"), "{error}");
    let hint = error.hint().unwrap();
    assert!(hint.contains("client id and secret"), "{hint}");
    assert!(
        hint.contains("CXONE_CLIENT_ID") && hint.contains("CXONE_CLIENT_SECRET"),
        "{hint}"
    );
}

#[tokio::test]
async fn rfc_6749_error_descriptions_become_the_detail() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "unsupported_grant_type", "error_description": "only client_credentials"
        })))
        .mount(&server)
        .await;
    let error = token_cache(&server, Arc::new(SystemClock))
        .token()
        .await
        .unwrap_err();
    let Error::Status { detail, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(detail, "unsupported_grant_type: only client_credentials");
    assert!(error.hint().unwrap().contains("CXONE_CLIENT_ID"));
}

#[tokio::test]
async fn a_token_answer_that_breaks_the_contract_is_a_decode_error_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "tok-leaky-1234", "token_type": "Bearer", "expires_in": "an hour"
        })))
        .mount(&server)
        .await;
    let error = token_cache(&server, Arc::new(SystemClock))
        .token()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Decode {
                endpoint: Endpoint::Token,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.body().unwrap().contains("an hour"));
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("tok-leaky-1234"), "{shown}");
    }
}

#[tokio::test]
async fn a_token_request_that_fails_on_the_way_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_tokens(&server, 1).await;
    let sleeper = RecordingSleeper::default();
    let tokens = token_cache(&server, Arc::new(SystemClock))
        .with_retry(seeded_policy(), Arc::new(sleeper.clone()));

    let token = tokens.token().await.unwrap();

    assert_eq!(token.expose_secret(), token_n(1));
    assert_eq!(tokens.fetch_count(), 2);
    assert_eq!(sleeper.waits(), [Duration::from_secs(3)]);
}

#[tokio::test]
async fn a_token_endpoint_that_keeps_failing_gives_up_after_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream identity provider down"))
        .expect(4)
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let tokens = token_cache(&server, Arc::new(SystemClock))
        .with_retry(seeded_policy(), Arc::new(sleeper.clone()));

    let error = tokens.token().await.unwrap_err();

    assert!(
        matches!(
            error,
            Error::Status {
                endpoint: Endpoint::Token,
                status: 500,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(sleeper.waits().len(), 3);
    assert!(
        error
            .to_string()
            .contains("upstream identity provider down"),
        "{error}"
    );
    assert!(error.hint().unwrap().contains("retry later"));
}

#[tokio::test]
async fn refused_credentials_are_not_retried() {
    let server = MockServer::start().await;
    json_answer(
        TOKEN_PATH,
        400,
        serde_json::json!({"error": "invalid_client"}),
    )
    .expect(1)
    .mount(&server)
    .await;
    let sleeper = RecordingSleeper::default();
    let tokens = token_cache(&server, Arc::new(SystemClock))
        .with_retry(seeded_policy(), Arc::new(sleeper.clone()));

    let error = tokens.token().await.unwrap_err();

    assert_eq!(error.attempts(), Some(1));
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn a_token_claiming_to_live_for_ever_is_trusted_for_a_day() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(NumberedTokens::new(18_446_744_073_709_551_615))
        .expect(2)
        .mount(&server)
        .await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let tokens = token_cache(&server, clock.clone());

    assert_eq!(tokens.token().await.unwrap().expose_secret(), token_n(1));
    clock.advance(Duration::from_secs(24 * 3600 - 60 - 1));
    assert_eq!(tokens.token().await.unwrap().expose_secret(), token_n(1));
    clock.advance(Duration::from_secs(1));
    assert_eq!(tokens.token().await.unwrap().expose_secret(), token_n(2));
    assert_eq!(tokens.fetch_count(), 2);
}
