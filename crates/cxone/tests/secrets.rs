//! No client secret and no token in any error, `Debug`, or log line.

use std::sync::Arc;

use cxone::{AccessToken, ClientCredentials, Error, RetryPolicy, SystemClock};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

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
