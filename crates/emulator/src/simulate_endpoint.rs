//! `POST /api/v2/outbound/campaigns/{campaignId}/simulate`: bearer and scope checks, the rate limit,
//! injected faults, `Idempotency-Key` replay, then the shared core on a blocking thread.
//!
//! The body is read only once the request is authorised (so unauthenticated clients cannot make the
//! server buffer megabytes), within the body limit and the body-read timeout.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest as _, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contract::simulate::{ErrorBody, SimulateRequest, SimulateResponse};
use contract::token::SCOPE_EDIT;

use crate::failure::ApiFailure;
use crate::faults::Fault;
use crate::idempotency::{self, StoredResponse};
use crate::json_path;
use crate::simulation;
use crate::state::AppState;
use crate::tokens::{Grant, TokenRefusal};

/// Header a client sets so that retries of one request are simulated once.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Header set on an answer replayed from the idempotency store.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// Simulates a campaign at the given answer rate.
#[utoipa::path(
    post,
    path = "/api/v2/outbound/campaigns/{campaignId}/simulate",
    tag = "outbound",
    params(
        ("campaignId" = String, Path, description = "The campaign: 1–128 characters of [A-Za-z0-9_-]"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body get the first answer"),
    ),
    request_body = SimulateRequest,
    responses(
        (status = 200, description = "The simulation ran", body = SimulateResponse),
        (status = 400, description = "Invalid body, a work limit, or `probability adjustment` required", body = ErrorBody),
        (status = 401, description = "Missing, unknown or expired bearer token", body = ErrorBody),
        (status = 403, description = "The token lacks outbound:campaign:edit", body = ErrorBody),
        (status = 404, description = "Unknown campaign", body = ErrorBody),
        (status = 405, description = "Method not allowed on this path", body = ErrorBody),
        (status = 408, description = "The body did not arrive within the body-read timeout, or the request took longer than the request timeout", body = ErrorBody),
        (status = 413, description = "Body (or its declared Content-Length) over the body limit", body = ErrorBody),
        (status = 415, description = "Content-Type is not application/json, or a Content-Encoding was sent", body = ErrorBody),
        (status = 422, description = "Idempotency-Key reused with another body", body = ErrorBody),
        (status = 429, description = "Rate limit", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
        (status = 500, description = "Internal error", body = ErrorBody),
        (status = 501, description = "A Transfer-Encoding other than chunked", body = ErrorBody),
        (status = 503, description = "Busy, or an injected fault", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn simulate(
    State(state): State<AppState>,
    campaign_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    match handle(&state, campaign_id, request).await {
        Ok(response) => response,
        Err(failure) => {
            if failure.status >= 500 {
                tracing::warn!(status = failure.status, detail = %failure.detail, "simulate failed");
            }
            let unauthorized = failure.status == 401;
            let mut response = failure.into_response();
            if unauthorized {
                // RFC 6750 §3: a 401 names the scheme and why the token failed.
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer realm=\"cxone-emulator\", error=\"invalid_token\"",
                    ),
                );
            }
            response
        }
    }
}

async fn handle(
    state: &AppState,
    campaign_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, ApiFailure> {
    let headers = &request.headers().clone();
    let grant = authorize(state, headers)?;
    if !grant.scopes.iter().any(|s| s == SCOPE_EDIT) {
        return Err(ApiFailure::new(
            403,
            format!(
                "the token lacks the {SCOPE_EDIT} scope; grant it to the client and request a new token"
            ),
        ));
    }
    state
        .rate_limiter()
        .acquire(&grant.client_id)
        .map_err(|seconds| {
            ApiFailure::new(429, format!("rate limit exceeded; retry after {seconds} s"))
                .retry_after(seconds)
        })?;

    let Path(campaign_id) = campaign_id
        .map_err(|e| ApiFailure::bad_request(format!("campaignId is not valid: {e}")))?;
    simulation::check_campaign_id(&campaign_id)?;
    if let Some(known) = &state.config().known_campaigns
        && !known.contains(&campaign_id)
    {
        return Err(ApiFailure::new(
            404,
            format!("campaign {campaign_id:?} does not exist"),
        ));
    }

    // Faults come before the idempotency store, so an injected failure never claims a key.
    match state.faults().draw() {
        Fault::None => {}
        Fault::Fail(failure) => return Err(failure),
        Fault::Delay(delay) => tokio::time::sleep(delay).await,
    }

    check_content_type(headers)?;
    let body = read_body(state, request).await?;
    let request: SimulateRequest = parse_body(&body)?;

    let key = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(value) => {
            let key = value.to_str().map_err(|_| {
                ApiFailure::bad_request("Idempotency-Key must be visible ASCII characters")
            })?;
            idempotency::check_key(key)?;
            Some(key.to_owned())
        }
    };
    let Some(key) = key else {
        let stored = run_and_store(state, request, campaign_id).await?;
        return Ok(respond(stored, false));
    };
    let fingerprint = idempotency::fingerprint(&campaign_id, &body);
    let slot = state
        .idempotency()
        .claim(&grant.client_id, &key, fingerprint)?;
    let mut ran_here = false;
    let stored = slot
        .answer
        .get_or_try_init(|| {
            ran_here = true;
            run_and_store(state, request, campaign_id)
        })
        .await?
        .clone();
    if ran_here {
        state
            .idempotency()
            .stored(&grant.client_id, &key, stored.body.len());
    }
    Ok(respond(stored, !ran_here))
}

/// The grant of the request's bearer token, or a 401.
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Grant, ApiFailure> {
    let unauthorized = |detail: &str| ApiFailure::new(401, detail);
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        unauthorized("missing bearer token; send Authorization: Bearer <access_token>")
    })?;
    let text = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not valid"))?;
    let token = match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(unauthorized(
                "the Authorization header must be Bearer <access_token>",
            ));
        }
    };
    state
        .tokens()
        .check(token)
        .map_err(|refusal| match refusal {
            TokenRefusal::Unknown => unauthorized("unknown access token; request a new token"),
            TokenRefusal::Expired => {
                unauthorized("the access token has expired; request a new token")
            }
        })
}

/// 415 unless the `Content-Type` (when sent) is exactly `application/json`, parameters aside.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiFailure> {
    match headers.get(header::CONTENT_TYPE) {
        Some(value) if !crate::framing::media_type_is(value, "application/json") => {
            Err(ApiFailure::new(
                415,
                "the body must be JSON (Content-Type: application/json)",
            ))
        }
        _ => Ok(()),
    }
}

/// Reads the body within the body limit (413) and the body-read timeout (408).
async fn read_body(state: &AppState, request: Request) -> Result<Bytes, ApiFailure> {
    let limit = state.config().max_body_bytes;
    let timeout = state.config().body_read_timeout;
    let read = tokio::time::timeout(timeout, Bytes::from_request(request, &())).await;
    let Ok(read) = read else {
        return Err(ApiFailure::new(
            408,
            format!(
                "the request body did not arrive within {} s",
                timeout.as_secs()
            ),
        ));
    };
    read.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiFailure::new(
            413,
            format!("the request body is larger than {limit} bytes"),
        ),
        status => ApiFailure::new(status.as_u16(), rejection.body_text()),
    })
}

/// Parses the JSON body: a syntax error answers 400 with its field path and position; a wrong type, a
/// missing or an unknown field answers 400 naming every such problem at once, in plain words, from the
/// request's field table ([`contract::fields::REQUEST`]).
///
/// A whole number written with a fraction (`50.0`) is an integer to JSON Schema, and so to the
/// OpenAPI document: it is accepted where a count is expected.
fn parse_body(body: &[u8]) -> Result<SimulateRequest, ApiFailure> {
    let value = serde_json::from_slice::<serde_json::Value>(body).map_err(|error| {
        let at = json_path::path_at(body, error.line(), error.column())
            .map(|path| format!("{path}: "))
            .unwrap_or_default();
        ApiFailure::bad_request(format!("malformed JSON body: {at}{error}"))
    })?;
    violation::shape::decode(whole_floats_as_integers(value), "simulate request body")
        .map_err(simulation::invalid_request)
}

/// `value` with every number that is whole and written as a float (`50.0`) made an integer.
fn whole_floats_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_u64() && !n.is_i64() => match n.as_f64() {
            // 2^53: beyond it a float no longer holds every whole number exactly.
            Some(x) if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 => {
                Value::from(x as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_floats_as_integers).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_floats_as_integers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Runs the core on a blocking thread within a simulation slot and the simulation timeout.
///
/// The answers a repeat would give again (200 and the core's 400s) come back as `Ok` so the idempotency
/// store keeps them; a timeout or internal error comes back as `Err` and is not stored, so a retry
/// simulates afresh.
async fn run_and_store(
    state: &AppState,
    request: SimulateRequest,
    campaign_id: String,
) -> Result<StoredResponse, ApiFailure> {
    let timeout = state.config().simulation_timeout;
    let slots = state.simulation_slots();
    let limits = state.config().work_limits.clone();
    let counter = state.clone();
    let run = async move {
        let permit = slots
            .acquire_owned()
            .await
            .map_err(|_| ApiFailure::internal())?;
        tokio::task::spawn_blocking(move || {
            // The permit lives as long as the engine run, even if the request is abandoned.
            let _permit = permit;
            counter.count_simulation();
            simulation::simulate(&request, &campaign_id, &limits)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "simulation task failed");
            ApiFailure::internal()
        })
    };
    let outcome = tokio::time::timeout(timeout, run).await.map_err(|_| {
        ApiFailure::new(
            503,
            format!(
                "the simulation did not finish within {} s; the server is busy, retry later",
                timeout.as_secs()
            ),
        )
        .retry_after(1)
    })??;
    match outcome {
        Ok(response) => Ok(StoredResponse {
            status: 200,
            body: to_json(&response)?,
        }),
        Err(failure) if failure.status < 500 => Ok(StoredResponse {
            status: failure.status,
            body: to_json(&failure.body())?,
        }),
        Err(failure) => Err(failure),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Bytes, ApiFailure> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        tracing::error!(error = %e, "response could not be serialized");
        ApiFailure::internal()
    })
}

fn respond(stored: StoredResponse, replayed: bool) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    response
}
