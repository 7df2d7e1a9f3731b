//! `run --backend cxone` against a CXone-compatible server on loopback (wiremock).

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{Sandbox, example, json, stderr, stdout};

const CLIENT_SECRET: &str = "cs-7Hq2-very-secret";
const TOKEN: &str = "tok-4d1f-bearer-value";
const WEBHOOK_SECRET: &str = "planner-signing-key";

fn simulate_ok(answer_rate: f64) -> Value {
    json!({
        "status": "COMPLETED",
        "campaignId": "12345678-1234-1234-1234-123456789012",
        "simulationId": "sim-1",
        "predictiveDialerSettings": {"answerRate": answer_rate, "agentEfficiency": 0.82, "interval": 3, "maxCalls": 50, "dialerType": "PREDICTIVE"},
        "simulationWindowMinutes": 120,
        "predictedAccuracy": 0.93,
        "metrics": {"dials": {"mean": 1000.0, "ci95": [990.0, 1010.0]}, "compliance_abandon_rate": {"mean": 0.021, "ci95": [0.019, 0.023]}},
        "serverExtra": "kept"
    })
}

async fn cxone_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600,
            "scope": "outbound:campaign:view outbound:campaign:edit"
        })))
        .mount(&server)
        .await;
    server
}

fn sandbox(server: &MockServer) -> Sandbox {
    Sandbox::new()
        .env("CXONE_BACKEND", "cxone")
        .env("CXONE_BASE_URL", server.uri())
        .env("CXONE_CLIENT_ID", "client-abc")
        .env("CXONE_CLIENT_SECRET", CLIENT_SECRET)
}

/// Answers every simulate request on `server` with `response`.
async fn answer_simulate(server: &MockServer, response: impl wiremock::Respond + 'static) {
    Mock::given(method("POST"))
        .and(path_regex("/simulate$"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn simulate_requests(requests: &[Request]) -> Vec<&Request> {
    requests
        .iter()
        .filter(|r| r.url.path().ends_with("/simulate"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn variance_failure_exits_3_sends_no_webhook_and_is_audited() {
    let server = cxone_server().await;
    answer_simulate(
        &server,
        ResponseTemplate::new(200).set_body_json(simulate_ok(0.50)),
    )
    .await;
    let planner = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&planner)
        .await;
    let sb = sandbox(&server).env("WORKFORCE_CALLBACK_URL", format!("{}/hook", planner.uri()));
    let payload = example("seed_payload.json");
    let out = sb
        .run_async(&["run", "--json", payload.to_str().unwrap()])
        .await;

    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["status"], "REJECTED");
    assert_eq!(result["variance_analysis"]["variance_status"], "FAIL");
    assert_eq!(
        result["simulation_result"]["serverExtra"], "kept",
        "unknown response fields are kept"
    );
    let audit = sb.audit_lines();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["outcome"], "REJECTED");
    assert_eq!(audit[0]["backend"], "cxone");
    assert!(audit[0]["webhook"].is_null());
    planner.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn compliant_run_notifies_the_planner_with_a_valid_signature_and_leaks_no_secret() {
    let server = cxone_server().await;
    answer_simulate(
        &server,
        ResponseTemplate::new(200).set_body_json(simulate_ok(0.379)),
    )
    .await;
    let planner = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&planner)
        .await;
    let sb = sandbox(&server)
        .env("WORKFORCE_CALLBACK_URL", format!("{}/hook", planner.uri()))
        .env("WORKFORCE_CALLBACK_SECRET", WEBHOOK_SECRET);
    let payload = example("seed_payload.json");
    let out = sb
        .run_async(&["-vv", "run", "--json", payload.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["status"], "SUCCESS");
    assert_eq!(result["backend"], "cxone");
    assert_eq!(result["webhook"]["status"], "delivered");

    // The webhook: the seed's body, a Standard Webhooks signature that verifies, no CXone token.
    let received = planner.received_requests().await.unwrap();
    let hook = &received[0];
    let body: Value = serde_json::from_slice(&hook.body).unwrap();
    assert_eq!(body["eventType"], "SIMULATION_COMPLETED");
    assert_eq!(body["campaignId"], "12345678-1234-1234-1234-123456789012");
    assert_eq!(body["varianceAnalysis"]["variance_status"], "PASS");
    assert!(body["timestamp"].as_i64().unwrap() > 1_700_000_000);
    let header = |name: &str| hook.headers.get(name).unwrap().to_str().unwrap().to_owned();
    let (id, ts, sig) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&hook.body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(sig, format!("v1,{expected}"));
    assert!(
        hook.headers.get("authorization").is_none(),
        "the CXone token is never forwarded to the planner"
    );

    // Secrets appear nowhere: stdout, stderr (debug logs on), the audit log, the webhook.
    let audit = std::fs::read_to_string(sb.path("simulation_audit.log")).unwrap();
    for text in [
        stdout(&out),
        stderr(&out),
        audit,
        String::from_utf8_lossy(&hook.body).into_owned(),
    ] {
        assert!(
            !text.contains(CLIENT_SECRET),
            "client secret leaked: {text}"
        );
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
    planner.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn probability_adjustment_retries_at_a_lower_answer_rate() {
    let server = cxone_server().await;
    answer_simulate(&server, |req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let rate = body["predictiveDialerSettings"]["answerRate"].as_f64().unwrap();
            if rate > 0.37 {
                ResponseTemplate::new(400).set_body_json(json!({"detail": "Probability adjustment required: abandonment 3.4 % over the limit"}))
            } else {
                ResponseTemplate::new(200).set_body_json(simulate_ok(rate))
            }
        }).await;
    let sb = sandbox(&server);
    let payload = example("seed_payload.json");
    let out = sb
        .run_async(&["run", "--json", payload.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["adjustments"], 1);
    let sent = server.received_requests().await.unwrap();
    let rates: Vec<f64> = simulate_requests(&sent)
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["predictiveDialerSettings"]["answerRate"].as_f64().unwrap())
        .collect();
    assert_eq!(rates.len(), 2);
    assert!(
        (rates[0] - 0.38).abs() < 1e-12 && (rates[1] - 0.36).abs() < 1e-12,
        "{rates:?}"
    );

    // With no adjustments allowed, the same server rejects the run: exit 3.
    let out = sb
        .run_async(&[
            "run",
            "--json",
            "--max-adjustments",
            "0",
            payload.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    assert_eq!(json(&out)["status"], "REJECTED");
}

#[tokio::test(flavor = "multi_thread")]
async fn constant_429_gives_up_after_three_retries_with_exit_1() {
    let server = cxone_server().await;
    answer_simulate(
        &server,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "0")
            .set_body_json(json!({"detail": "slow down"})),
    )
    .await;
    let sb = sandbox(&server);
    let payload = example("seed_payload.json");
    let out = sb.run_async(&["run", payload.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("429"), "{}", stderr(&out));
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        simulate_requests(&sent).len(),
        4,
        "one request and three retries"
    );
    let keys: Vec<_> = simulate_requests(&sent)
        .iter()
        .map(|r| r.headers.get("idempotency-key").unwrap().clone())
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] == w[1]),
        "every attempt carries the same Idempotency-Key"
    );
    let audit = sb.audit_lines();
    assert_eq!(audit[0]["outcome"], "FAILED");
    assert_eq!(
        audit[0]["attempts"], 4,
        "the audit line counts every attempt"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_client_secret_says_to_check_the_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        ))
        .mount(&server)
        .await;
    let sb = sandbox(&server);
    let payload = example("seed_payload.json");
    let out = sb.run_async(&["run", payload.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("CXONE_CLIENT_ID") && err.contains("CXONE_CLIENT_SECRET"),
        "{err}"
    );
    assert!(!err.contains(CLIENT_SECRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_names_the_missing_scope() {
    let server = cxone_server().await;
    answer_simulate(
        &server,
        ResponseTemplate::new(403).set_body_json(json!({"detail": "forbidden"})),
    )
    .await;
    let sb = sandbox(&server);
    let payload = example("seed_payload.json");
    let out = sb.run_async(&["run", payload.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("outbound:campaign:edit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_credentials_are_named_and_exit_2() {
    let sb = Sandbox::new()
        .env("CXONE_BACKEND", "cxone")
        .env("CXONE_BASE_URL", "http://127.0.0.1:9");
    let out = sb.run(&["run", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("CXONE_CLIENT_ID"), "{}", stderr(&out));
    assert_eq!(
        sb.audit_lines()[0]["outcome"],
        "FAILED",
        "a failed run is still audited"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let sb = Sandbox::new()
        .env("CXONE_BACKEND", "cxone")
        .env("CXONE_BASE_URL", "http://cxone.invalid")
        .env("CXONE_CLIENT_ID", "id")
        .env("CXONE_CLIENT_SECRET", "secret");
    let out = sb.run(&["run", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--allow-insecure-http"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dotenv_in_the_working_directory_is_read() {
    let sb = Sandbox::new();
    sb.write(
        ".env",
        "CXONE_BACKEND=cxone\nCXONE_BASE_URL=http://127.0.0.1:9\n",
    );
    let out = sb.run(&["run", example("seed_payload.json").to_str().unwrap()]);
    // The .env chose the cxone backend, which then asks for credentials.
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("CXONE_CLIENT_ID"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeds_minimal_answer_gives_a_success_run_that_names_what_was_not_reported() {
    let server = cxone_server().await;
    answer_simulate(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETED",
            "predictiveDialerSettings": {"answerRate": 0.36, "dialerType": "AGENTLESS"}
        })),
    )
    .await;
    let planner = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&planner)
        .await;
    let sb = sandbox(&server).env("WORKFORCE_CALLBACK_URL", format!("{}/hook", planner.uri()));
    let payload = example("seed_payload.json");

    let out = sb.run_async(&["run", payload.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("run SUCCESS"), "{table}");
    assert!(table.contains("PASS"), "the variance check ran: {table}");
    assert!(
        table.contains("not reported by the server"),
        "the table names the missing figures: {table}"
    );
    assert!(table.contains("dial attempts"), "{table}");
    assert!(table.contains("compliance by regime"), "{table}");
    assert!(!table.contains("periods over limit"), "{table}");

    let out = sb
        .run_async(&["run", "--json", payload.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["status"], "SUCCESS");
    assert!(result["simulation_result"].get("compliance").is_none());
    assert!(
        result.get("compliance_regime").is_none(),
        "the server's rule applies"
    );
    assert_eq!(result["variance_analysis"]["simulated_rate"], 0.36);
    assert_eq!(
        result["simulation_result"]["predictiveDialerSettings"]["dialerType"], "AGENTLESS",
        "an unknown dialer type is kept"
    );
    let audit = sb.audit_lines();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0]["outcome"], "SUCCESS");
    assert_eq!(audit[0]["response_status"], "COMPLETED");
    assert_eq!(audit[0]["model_accuracy_rate"], 0.0);
    planner.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_servers_compliance_object_is_read_typed_and_shown_as_far_as_it_goes() {
    let server = cxone_server().await;
    let mut answer = simulate_ok(0.37);
    answer["compliance"] = json!({
        "ofcom": {"limit": 0.03, "period": "24 hours, per campaign", "period_days": 1,
                  "rate": {"mean": 0.0241, "ci95": [0.0233, 0.0249], "n": 40},
                  "share_over_limit": {"share": 0.025, "ci95": [0.0044, 0.1288], "n": 40},
                  "method": "a field this client does not know"},
        "fcc": {"rate": 0.0241},
        "acma": {"limit": 0.05}
    });
    answer_simulate(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let sb = sandbox(&server);
    let payload = example("seed_payload.json");

    let out = sb.run_async(&["run", payload.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let table = stdout(&out);
    let row = |key: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("│ {key} ")))
            .unwrap_or_else(|| panic!("no {key} row: {table}"))
            .to_owned()
    };
    assert!(
        row("ofcom").contains("2.50 % (0.44 % – 12.88 %, n 40)"),
        "{}",
        row("ofcom")
    );
    assert!(
        row("fcc").contains("2.41 %") && row("fcc").contains("not reported"),
        "{}",
        row("fcc")
    );
    assert!(
        !table.contains("│ acma") && !table.contains("│ crtc"),
        "{table}"
    );
    assert!(!table.contains("(decides the verdict)"), "{table}");
    assert!(
        table.contains("The server's own rule decides the verdict."),
        "{table}"
    );

    let out = sb
        .run_async(&["run", "--json", payload.to_str().unwrap()])
        .await;
    let compliance = &json(&out)["simulation_result"]["compliance"];
    assert_eq!(compliance["ofcom"]["share_over_limit"]["n"], 40);
    assert!(
        compliance["ofcom"].get("method").is_none(),
        "unknown fields are dropped"
    );
    assert!(compliance.get("acma").is_none() && compliance.get("crtc").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_that_are_not_the_contract_name_the_server_and_what_was_wrong() {
    let cases: [(u16, &str, &str); 4] = [
        (400, "<html>Bad Request</html>", "<html>Bad Request</html>"),
        (200, "[]", "not a JSON object"),
        (200, "\"x\"", "not a JSON object"),
        (200, "<html>portal</html>", "<html>portal</html>"),
    ];
    for (status, body, says) in cases {
        let server = cxone_server().await;
        answer_simulate(
            &server,
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        )
        .await;
        let sb = sandbox(&server);
        let out = sb.run_async(&["run", "--json"]).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "{status} {body}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        let host_port = server.uri().trim_start_matches("http://").to_owned();
        assert!(
            err.contains(&host_port),
            "{status} {body}: no {host_port} in {err}"
        );
        assert!(err.contains(says), "{status} {body}: no {says:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
        let v = json(&out);
        assert_eq!(v["status"], "FAILED");
        assert_eq!(sb.audit_lines().len(), 1, "the failed run is recorded");
    }
}
