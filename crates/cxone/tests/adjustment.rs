//! The probability-adjustment loop over HTTP, and over a backend that is not HTTP at all.

use std::sync::Mutex;

use cxone::client::Attempted;
use cxone::{
    Endpoint, Error, RetryPolicy, SimulateBackend, SimulateRequest, SimulateResponse,
    simulate_with_adjustments,
};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer};

use crate::support::*;

async fn mount_adjustment_at(server: &MockServer, rate: f64) {
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .and(body_partial_json(
            serde_json::json!({"predictiveDialerSettings": {"answerRate": rate}}),
        ))
        .respond_with(needs_adjustment())
        .mount(server)
        .await;
}

fn sent_rates(requests: &[wiremock::Request]) -> Vec<f64> {
    requests
        .iter()
        .map(|r| {
            r.body_json::<SimulateRequest>()
                .unwrap()
                .predictive_dialer_settings
                .answer_rate
        })
        .collect()
}

#[tokio::test]
async fn the_adjustment_400_is_retried_two_points_lower_under_a_new_key() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    mount_adjustment_at(&server, 0.38).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(completed(0.36))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));

    let done = simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 1)
        .await
        .unwrap();

    assert_eq!(done.adjustments, 1);
    assert_eq!(done.attempts, 2);
    assert_eq!(done.answer_rate_requested, 0.36);
    let sent = requests_to(&server, SIMULATE_PATH).await;
    assert_eq!(sent_rates(&sent), [0.38, 0.36]);
    // On the wire exactly 0.36, not 0.36000000000000004.
    let second = String::from_utf8(sent[1].body.clone()).unwrap();
    assert!(second.contains(r#""answerRate":0.36,"#), "{second}");
    assert_eq!(
        sent[1].body_json::<SimulateRequest>().unwrap(),
        request(0.36)
    );
    let (first_key, second_key) = (
        header_value(&sent[0], "idempotency-key"),
        header_value(&sent[1], "idempotency-key"),
    );
    assert_ne!(first_key, second_key);
    assert!(uuid::Uuid::parse_str(second_key).is_ok());
}

#[tokio::test]
async fn with_no_adjustments_allowed_the_400_is_not_retried() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(needs_adjustment())
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));

    let error = simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 0)
        .await
        .unwrap_err();

    let Error::AdjustmentsExhausted {
        adjustments,
        last_answer_rate,
        ref detail,
        attempts,
        ref last_simulation,
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!((adjustments, last_answer_rate, attempts), (0, 0.38, 1));
    assert!(
        last_simulation.is_none(),
        "a bare detail carries no simulation"
    );
    assert!(detail.contains("probability adjustment"));
    assert_eq!(error.status(), Some(400));
    let shown = error.to_string();
    assert!(
        shown.contains("0 adjustment(s)") && shown.contains("0.38"),
        "{shown}"
    );
    assert!(error.hint().unwrap().contains("--max-adjustments"));
}

#[tokio::test]
async fn adjustments_stop_at_the_0_05_floor() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(needs_adjustment())
        .expect(2)
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));

    let error = simulate_with_adjustments(&client, CAMPAIGN, &request(0.06), 10)
        .await
        .unwrap_err();

    let Error::AdjustmentsExhausted {
        adjustments,
        last_answer_rate,
        attempts,
        ..
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!((adjustments, last_answer_rate, attempts), (1, 0.05, 2));
    assert_eq!(
        sent_rates(&requests_to(&server, SIMULATE_PATH).await),
        [0.06, 0.05]
    );
}

#[tokio::test]
async fn running_out_of_adjustments_reports_how_many_and_the_last_rate() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(needs_adjustment())
        .expect(3)
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));

    let error = simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 2)
        .await
        .unwrap_err();

    let shown = error.to_string();
    assert!(
        shown.contains("2 adjustment(s)") && shown.contains("0.34"),
        "{shown}"
    );
    assert_eq!(
        sent_rates(&requests_to(&server, SIMULATE_PATH).await),
        [0.38, 0.36, 0.34]
    );
}

#[tokio::test]
async fn other_failures_are_not_adjusted() {
    let server = MockServer::start().await;
    mount_tokens(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(
            wiremock::ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"detail": "maxCalls must be at least 1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));

    let error = simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 5)
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Status { status: 400, .. }),
        "{error:?}"
    );
}

/// A backend without HTTP: asks for an adjustment above `limit`, and remembers what it was asked.
struct Scripted {
    limit: f64,
    seen: Mutex<Vec<(f64, String)>>,
}

impl SimulateBackend for Scripted {
    async fn simulate(
        &self,
        campaign_id: &str,
        body: &SimulateRequest,
        idempotency_key: &str,
    ) -> Result<Attempted<SimulateResponse>, Error> {
        let rate = body.predictive_dialer_settings.answer_rate;
        self.seen
            .lock()
            .unwrap()
            .push((rate, idempotency_key.to_owned()));
        if rate > self.limit {
            return Err(Error::Status {
                status: 400,
                detail: "Probability Adjustment needed".into(),
                body: String::new(),
                endpoint: Endpoint::Simulate,
                attempts: 2,
            });
        }
        let response = serde_json::from_value(serde_json::json!({
            "status": "COMPLETED", "campaignId": campaign_id, "simulationId": "local-1",
            "predictiveDialerSettings": body.predictive_dialer_settings,
            "simulationWindowMinutes": body.simulation_window_minutes,
            "predictedAccuracy": 0.9, "metrics": {}
        }))
        .unwrap();
        Ok(Attempted {
            value: response,
            attempts: 1,
        })
    }
}

#[tokio::test]
async fn the_loop_runs_on_any_backend() {
    let backend = Scripted {
        limit: 0.345,
        seen: Mutex::new(Vec::new()),
    };

    let done = simulate_with_adjustments(&backend, CAMPAIGN, &request(0.40), 5)
        .await
        .unwrap();

    assert_eq!(done.adjustments, 3);
    assert_eq!(done.answer_rate_requested, 0.34);
    assert_eq!(done.attempts, 2 + 2 + 2 + 1);
    assert_eq!(done.response.campaign_id.as_deref(), Some(CAMPAIGN));
    let seen = backend.seen.lock().unwrap();
    let rates: Vec<f64> = seen.iter().map(|(rate, _)| *rate).collect();
    assert_eq!(rates, [0.40, 0.38, 0.36, 0.34]);
    let mut keys: Vec<&str> = seen.iter().map(|(_, key)| key.as_str()).collect();
    keys.dedup();
    assert_eq!(keys.len(), 4, "each body has its own key");
}
