//! The simulate client: retries, `Retry-After`, the idempotency key, the replay after a 401, errors.

use std::sync::Arc;
use std::time::Duration;

use cxone::{Endpoint, Error, Jitter, ManualClock, RetryPolicy, SimulateClient, SystemClock};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn mount_simulate(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(answer)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_simulate_request_carries_the_contract_headers_and_body() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .and(header("content-type", "application/json"))
        .and(header("idempotency-key", "key-123"))
        .respond_with(completed(0.37))
        .expect(1)
        .mount(&server)
        .await;
    let (client, sleeper) = client(&server, seeded_policy());

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-123")
        .await
        .unwrap();

    assert_eq!(done.attempts, 1);
    assert_eq!(done.value.answer_rate_or(0.0), 0.37);
    assert_eq!(done.value.status, "COMPLETED");
    assert!(sleeper.waits().is_empty());
    let sent = requests_to(&server, SIMULATE_PATH).await;
    let body: cxone::SimulateRequest = sent[0].body_json().unwrap();
    assert_eq!(body, request(0.38));
}

#[tokio::test]
async fn an_answer_with_only_the_answer_rate_and_an_unknown_setting_decodes() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    let answer = ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "status": "COMPLETED",
        "campaignId": CAMPAIGN,
        "simulationId": "sim-2",
        "predictiveDialerSettings": {"answerRate": 0.35, "lineRatio": 1.7},
        "simulationWindowMinutes": 120,
        "predictedAccuracy": 0.9,
        "metrics": {}
    }));
    mount_simulate(&server, answer, 1).await;
    let (client, _) = client(&server, seeded_policy());

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-tolerant")
        .await
        .unwrap();

    let settings = done.value.predictive_dialer_settings.as_ref().unwrap();
    assert_eq!(settings.answer_rate, Some(0.35));
    assert_eq!(settings.agents, None);
    assert_eq!(settings.agent_efficiency, None);
    assert_eq!(
        settings.extra.get("lineRatio"),
        Some(&serde_json::json!(1.7))
    );
}

#[tokio::test]
async fn a_429_with_retry_after_1_waits_a_second_under_the_same_key() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    mount_simulate(&server, completed(0.38), 1).await;
    // A short base, so only Retry-After can explain a second's wait. The wait is recorded, not slept:
    // the cli's `a_rate_limited_client_waits_for_retry_after_and_succeeds` waits for real.
    let policy = RetryPolicy {
        base: Duration::from_millis(10),
        jitter: Jitter::Seeded(1),
        ..RetryPolicy::default()
    };
    let (client, sleeper) = client(&server, policy);

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-429")
        .await
        .unwrap();

    assert_eq!(sleeper.waits(), [Duration::from_secs(1)]);
    assert_eq!(done.attempts, 2);
    let sent = requests_to(&server, SIMULATE_PATH).await;
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(header_value(request, "idempotency-key"), "key-429");
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    // The client's clock stands at start_time(): the server asks for 7 s from then.
    let date = httpdate::fmt_http_date(start_time() + Duration::from_secs(7));
    mount_simulate(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
        1,
    )
    .await;
    mount_simulate(&server, completed(0.38), 1).await;
    let (client, sleeper) = client(&server, seeded_policy());

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-date")
        .await
        .unwrap();

    assert_eq!(done.attempts, 2);
    assert_eq!(sleeper.waits(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_clamped() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "86400"),
        1,
    )
    .await;
    mount_simulate(&server, completed(0.38), 1).await;
    let (client, sleeper) = client(&server, seeded_policy());

    client
        .simulate_once(CAMPAIGN, &request(0.38), "key-cap")
        .await
        .unwrap();

    assert_eq!(sleeper.waits(), [Duration::from_secs(30)]);
}

#[tokio::test]
async fn a_503_then_a_502_then_a_200_succeeds_after_three_attempts() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(&server, ResponseTemplate::new(503), 1).await;
    mount_simulate(&server, ResponseTemplate::new(502), 1).await;
    mount_simulate(&server, completed(0.38), 1).await;
    let policy = seeded_policy();
    let (client, sleeper) = client(&server, policy);

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-5xx")
        .await
        .unwrap();

    assert_eq!(done.attempts, 3);
    // The waits are the seeded backoff's first two, each within [ceiling/2, ceiling].
    let mut expected = policy.backoff();
    let expected: Vec<_> = (0..2).map(|_| expected.next_delay(None).unwrap()).collect();
    assert_eq!(sleeper.waits(), expected);
    for (retry, wait) in sleeper.waits().into_iter().enumerate() {
        let ceiling = policy.ceiling(retry as u32);
        assert!(wait <= ceiling && wait >= ceiling / 2, "{wait:?}");
    }
    let keys: Vec<_> = requests_to(&server, SIMULATE_PATH)
        .await
        .iter()
        .map(|r| header_value(r, "idempotency-key").to_owned())
        .collect();
    assert_eq!(keys, ["key-5xx"; 3]);
}

#[tokio::test]
async fn a_constant_429_gives_up_after_three_retries() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "2")
                .set_body_json(serde_json::json!({"detail": "rate limit exceeded"})),
        )
        .expect(4)
        .mount(&server)
        .await;
    let (client, sleeper) = client(&server, seeded_policy());

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-429")
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(429));
    assert_eq!(error.attempts(), Some(4));
    assert_eq!(sleeper.waits().len(), 3);
    assert!(
        sleeper
            .waits()
            .iter()
            .all(|wait| *wait >= Duration::from_secs(2))
    );
    assert!(error.to_string().contains("rate limit exceeded"), "{error}");
    assert!(error.hint().unwrap().contains("request rate"));
}

#[tokio::test]
async fn a_401_brings_exactly_one_new_token_and_one_replay() {
    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    mount_simulate(&server, ResponseTemplate::new(401), 1).await;
    mount_simulate(&server, completed(0.38), 1).await;
    let (client, sleeper) = client(&server, seeded_policy());

    let done = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-401")
        .await
        .unwrap();

    assert_eq!(done.attempts, 2);
    assert_eq!(client.tokens().fetch_count(), 2);
    assert!(
        sleeper.waits().is_empty(),
        "a replay after a 401 does not back off"
    );
    let sent = requests_to(&server, SIMULATE_PATH).await;
    assert_eq!(
        header_value(&sent[0], "authorization"),
        format!("Bearer {}", token_n(1))
    );
    assert_eq!(
        header_value(&sent[1], "authorization"),
        format!("Bearer {}", token_n(2))
    );
    assert_eq!(header_value(&sent[1], "idempotency-key"), "key-401");
}

#[tokio::test]
async fn a_second_401_fails_with_the_credentials_hint() {
    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    json_answer(
        SIMULATE_PATH,
        401,
        serde_json::json!({"detail": "token expired"}),
    )
    .expect(2)
    .mount(&server)
    .await;
    let (client, _) = client(&server, seeded_policy());

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-401")
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            Error::Status {
                endpoint: Endpoint::Simulate,
                status: 401,
                attempts: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(client.tokens().fetch_count(), 2);
    let hint = error.hint().unwrap();
    assert!(
        hint.contains("CXONE_CLIENT_ID") && hint.contains("CXONE_CLIENT_SECRET"),
        "{hint}"
    );
}

#[tokio::test]
async fn a_403_names_the_scope_to_grant_and_is_not_retried() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    json_answer(
        SIMULATE_PATH,
        403,
        serde_json::json!({"detail": "insufficient scope"}),
    )
    .expect(1)
    .mount(&server)
    .await;
    let (client, sleeper) = client(&server, seeded_policy());

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-403")
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(403));
    assert!(error.to_string().contains("insufficient scope"));
    let hint = error.hint().unwrap();
    assert!(
        hint.contains("outbound:campaign:edit") && hint.contains("outbound:campaign:view"),
        "{hint}"
    );
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn a_404_and_a_plain_400_are_final_and_say_what_to_fix() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(
        &server,
        ResponseTemplate::new(404).set_body_string("no such campaign"),
        1,
    )
    .await;
    mount_simulate(
        &server,
        ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"detail": "answerRate must be between 0.05 and 0.95"}),
        ),
        1,
    )
    .await;
    let (client, sleeper) = client(&server, seeded_policy());

    let missing = client
        .simulate_once(CAMPAIGN, &request(0.38), "k1")
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.body(), Some("no such campaign"));
    assert!(missing.hint().unwrap().contains("CXONE_CAMPAIGN_ID"));

    let invalid = client
        .simulate_once(CAMPAIGN, &request(0.38), "k2")
        .await
        .unwrap_err();
    let Error::Status {
        detail, attempts, ..
    } = &invalid
    else {
        panic!("{invalid:?}")
    };
    assert_eq!(detail, "answerRate must be between 0.05 and 0.95");
    assert_eq!(*attempts, 1);
    assert!(invalid.hint().unwrap().contains("cxone-sim validate"));
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_retried_then_a_transport_error() {
    let token_server = MockServer::start().await;
    mount_tokens(&token_server, 1).await;
    // A port that was just free: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let sleeper = RecordingSleeper::default();
    let client = SimulateClient::new(
        cxone::client_builder().build().unwrap(),
        Url::parse(&format!("http://{closed}")).unwrap(),
        token_cache(&token_server, Arc::new(ManualClock::new(start_time()))),
        seeded_policy(),
    )
    .with_sleeper(Arc::new(sleeper.clone()));

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-down")
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Transport { attempts: 4, .. }),
        "{error:?}"
    );
    assert_eq!(sleeper.waits().len(), 3);
    assert_eq!(error.status(), None);
    assert!(error.hint().unwrap().contains("CXONE_BASE_URL"));
}

#[tokio::test]
async fn a_success_body_that_breaks_the_contract_is_kept_in_the_error() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(
        &server,
        ResponseTemplate::new(200).set_body_string("<html>portal</html>"),
        1,
    )
    .await;
    let (client, _) = client(&server, seeded_policy());

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "k")
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            Error::Decode {
                endpoint: Endpoint::Simulate,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.body(), Some("<html>portal</html>"));
    assert!(error.hint().unwrap().contains("CXONE_BASE_URL"));
}

#[tokio::test]
async fn the_campaign_id_is_one_path_segment_under_the_base_path() {
    let server = MockServer::start().await;
    let tokens = token_cache(&server, Arc::new(SystemClock));
    let client = SimulateClient::new(
        cxone::client_builder().build().unwrap(),
        Url::parse("https://tenant.example/cxone/").unwrap(),
        tokens,
        RetryPolicy::none(),
    );
    assert_eq!(
        client.simulate_url("spring-renewals").unwrap().as_str(),
        "https://tenant.example/cxone/api/v2/outbound/campaigns/spring-renewals/simulate"
    );
    assert_eq!(
        client.simulate_url("a/b?c").unwrap().path(),
        "/cxone/api/v2/outbound/campaigns/a%2Fb%3Fc/simulate"
    );
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_retried_then_a_timeout() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(completed(0.38).set_delay(Duration::from_secs(2)))
        .expect(2)
        .mount(&server)
        .await;
    let (client, sleeper) = client(&server, RetryPolicy::immediate(1));
    let client = client.with_timeout(Duration::from_millis(100));

    let error = client
        .simulate_once(CAMPAIGN, &request(0.38), "key-slow")
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Timeout { attempts: 2, timeout, .. } if timeout == Duration::from_millis(100)),
        "{error:?}"
    );
    assert_eq!(sleeper.waits(), [Duration::ZERO]);
    assert!(error.to_string().contains("0.1 s"), "{error}");
    assert!(error.hint().unwrap().contains("CXONE_BASE_URL"));
}

#[tokio::test]
async fn a_success_body_that_is_not_an_object_and_a_400_that_is_not_json_say_so() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_simulate(&server, ResponseTemplate::new(200).set_body_string("[]"), 1).await;
    mount_simulate(
        &server,
        ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>"),
        1,
    )
    .await;
    let (client, _) = client(&server, seeded_policy());
    assert_eq!(client.server(), server.uri().trim_start_matches("http://"));

    let list = client
        .simulate_once(CAMPAIGN, &request(0.38), "k1")
        .await
        .unwrap_err();
    assert!(matches!(list, Error::Decode { .. }), "{list:?}");
    let text = list.to_string();
    assert!(text.contains("not a JSON object but a list"), "{text}");
    assert!(text.ends_with(": []"), "{text}");

    let html = client
        .simulate_once(CAMPAIGN, &request(0.38), "k2")
        .await
        .unwrap_err();
    assert_eq!(html.status(), Some(400));
    assert!(!html.is_contract_refusal());
    assert!(
        html.hint().unwrap().contains("CXONE_BASE_URL"),
        "{:?}",
        html.hint()
    );
}
