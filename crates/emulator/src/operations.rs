//! Operational endpoints: `GET /healthz`, `GET /openapi.json`, and the JSON 404 for everything else.

use axum::Json;
use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::failure::ApiFailure;

/// The health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` while the server answers.
    pub status: &'static str,
}

/// Says the server is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The server is up", body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The OpenAPI document.
pub(crate) async fn openapi_json() -> Response {
    Json(crate::openapi::document()).into_response()
}

/// A path served, with a method it does not serve.
pub(crate) async fn method_not_allowed() -> ApiFailure {
    ApiFailure::new(405, "method not allowed on this path; see /openapi.json")
}

/// Marks the `Authorization` header sensitive, so no layer that prints headers ever shows a secret or
/// a token.
pub(crate) async fn hide_credentials(mut request: Request) -> Request {
    if let Some(value) = request.headers_mut().get_mut(header::AUTHORIZATION) {
        value.set_sensitive(true);
    }
    request
}

/// Any path the emulator does not serve.
pub(crate) async fn not_found() -> ApiFailure {
    ApiFailure::new(404, "no such endpoint; see /openapi.json")
}
