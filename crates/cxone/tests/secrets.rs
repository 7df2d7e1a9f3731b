//! No client secret and no token in any error, `Debug`, or log line.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use cxone::{AccessToken, ClientCredentials, Error, RetryPolicy, SystemClock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

/// Asserts that nothing shown of `errors` (Display, Debug, alternate Debug) holds a secret.
fn assert_clean(shown: &[String]) {
    for text in shown {
        assert!(!text.contains(CLIENT_SECRET), "secret in: {text}");
        for n in 1..=5 {
            assert!(!text.contains(&token_n(n)), "token in: {text}");
        }
        assert!(!text.contains("tok-"), "token-like text in: {text}");
    }
}

fn shown(error: &Error) -> Vec<String> {
    vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ]
}

#[tokio::test]
async fn errors_and_the_client_never_show_the_secret_or_the_token() {
    let mut all = Vec::new();

    // Token endpoint refuses the credentials.
    let server = MockServer::start().await;
    json_answer(
        TOKEN_PATH,
        401,
        serde_json::json!({"error": "invalid_client"}),
    )
    .mount(&server)
    .await;
    let error = token_cache(&server, Arc::new(SystemClock))
        .token()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    all.extend(shown(&error));

    // Simulate refuses twice (a token was fetched and used), then a 403, then a dead server.
    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(1));
    let refused = client
        .simulate_once(CAMPAIGN, &request(0.38), "k1")
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(401));
    all.extend(shown(&refused));
    let forbidden = client
        .simulate_once(CAMPAIGN, &request(0.38), "k2")
        .await
        .unwrap_err();
    assert_eq!(forbidden.status(), Some(403));
    all.extend(shown(&forbidden));
    all.push(format!("{client:?}"));
    all.push(format!("{client:#?}"));
    all.push(format!("{:?}", client.tokens()));

    // The values themselves.
    let token = client.tokens().token().await.unwrap();
    assert_eq!(
        token.expose_secret(),
        token_n(2),
        "the check below must look for a real token"
    );
    all.push(format!("{token:?}"));
    all.push(format!("{:?}", AccessToken::new(token_n(3), 3)));
    all.push(format!(
        "{:?}",
        ClientCredentials::new(CLIENT_ID, CLIENT_SECRET)
    ));
    all.push(format!("{:?}", token.authorization().unwrap()));

    assert!(
        all.iter().any(|text| text.contains(CLIENT_ID)),
        "the id is not secret and helps"
    );
    assert_clean(&all);
}

/// Collects every event and span field as text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<String>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut Fields(&mut self.lines.lock().unwrap()));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.lines.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut lines = self.lines.lock().unwrap();
        event.record(&mut Fields(&mut lines));
        lines.push('\n');
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn log_lines_never_hold_the_secret_or_the_token() {
    let capture = Capture::default();
    // A current-thread test: every event of this test is emitted on this thread.
    let _guard = tracing::subscriber::set_default(capture.clone());

    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(needs_adjustment())
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));
    let error = cxone::simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::AdjustmentsExhausted { adjustments: 1, .. }),
        "{error:?}"
    );

    let logged = capture.lines.lock().unwrap().clone();
    // The log saw the refresh, the retry and the adjustment, so it had every chance to leak.
    assert!(logged.contains("refreshing"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    assert!(logged.contains("probability adjustment"), "{logged}");
    assert!(logged.contains(CLIENT_ID), "{logged}");
    assert_clean(&[logged]);
}
