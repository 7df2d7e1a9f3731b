//! `POST /api/v2/outbound/campaigns/{campaignId}/simulate`: bearer and scope checks, the rate limit,
//! injected faults, `Idempotency-Key` replay, then the shared core on a blocking thread.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
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
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Idempotency-Key reused with another body", body = ErrorBody),
        (status = 429, description = "Rate limit; see Retry-After", body = ErrorBody),
        (status = 500, description = "Internal error", body = ErrorBody),
        (status = 503, description = "Busy; see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn simulate(
    State(state): State<AppState>,
    campaign_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match handle(&state, campaign_id, &headers, body).await {
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
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiFailure> {
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

    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiFailure::new(
            413,
            format!(
                "the request body is larger than {} bytes",
                state.config().max_body_bytes
            ),
        ),
        status => ApiFailure::new(status.as_u16(), rejection.body_text()),
    })?;
    let request: SimulateRequest = parse_body(headers, &body)?;

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

/// Parses the JSON body, answering 400 with the field path and serde's message (with its position).
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<SimulateRequest, ApiFailure> {
    if let Some(content_type) = headers.get(header::CONTENT_TYPE)
        && !content_type.to_str().is_ok_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
    {
        return Err(ApiFailure::new(
            415,
            "the body must be JSON (Content-Type: application/json)",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let at = json_path::path_at(body, e.line(), e.column())
            .map(|path| format!("{path}: "))
            .unwrap_or_default();
        ApiFailure::bad_request(format!("malformed JSON body: {at}{e}"))
    })
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
            body: to_json(&ErrorBody {
                detail: failure.detail,
            })?,
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
