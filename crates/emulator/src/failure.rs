//! [`ApiFailure`]: a simulate request that did not succeed, as the status and `detail` the server sends.
//!
//! The HTTP server and the local backend both produce it, so a failure reads the same through either.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A failed request: the HTTP status and the `{"detail": "…"}` the server answers with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status}: {detail}")]
pub struct ApiFailure {
    /// HTTP status code, e.g. 400.
    pub status: u16,
    /// What went wrong and, where it helps, what to change.
    pub detail: String,
    /// Seconds to wait before retrying, sent as `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
    /// The simulation that broke the abandonment limit, sent with a `probability adjustment` 400.
    pub simulation: Option<Box<contract::SimulateResponse>>,
}

impl ApiFailure {
    /// A failure with `status` and `detail`.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            retry_after: None,
            simulation: None,
        }
    }

    /// The body the failure answers with.
    pub fn body(&self) -> contract::ErrorBody {
        contract::ErrorBody {
            detail: self.detail.clone(),
            simulation: self.simulation.clone(),
        }
    }

    /// 400: the request cannot be simulated as it is.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, detail)
    }

    /// 500 with a fixed detail: internals never leak into a 5xx body (they go to the log).
    pub fn internal() -> Self {
        Self::new(500, "internal error; the request was not simulated")
    }

    /// The same failure telling the client to wait `seconds` before retrying.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The status as an HTTP status (500 if the code is not a valid status).
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A request the campaign model cannot simulate is the client's to fix: 400 with the reason.
impl From<campaign::Refused> for ApiFailure {
    fn from(refused: campaign::Refused) -> Self {
        Self::bad_request(refused.detail)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut response = (self.status_code(), axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_detail_and_retry_after() {
        let response = ApiFailure::new(429, "slow down")
            .retry_after(2)
            .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        let bytes = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["detail"], "slow down");
    }
}
