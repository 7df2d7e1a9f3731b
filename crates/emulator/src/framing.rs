//! How a request's body is framed and encoded, checked before any handler runs.
//!
//! - A `Content-Length` over the body limit gets 413 at once, before a byte of the body is read.
//! - A `Transfer-Encoding` other than `chunked` gets 501 (RFC 9112 §6.1): a body in an unknown coding
//!   cannot be read.
//! - Any `Content-Encoding` but `identity` gets 415 (RFC 9110 §8.4.1): the emulator reads plain bodies.
//!
//! A request with both `Content-Length` and `Transfer-Encoding: chunked` never gets this far in the
//! form it was sent: the HTTP/1 parser frames it by the chunked coding, drops the `Content-Length` and
//! closes the connection after the answer (RFC 9112 §6.3), so a second request smuggled in the body
//! is never read.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::failure::ApiFailure;
use crate::state::AppState;

/// Whether a `Content-Type` value names `expected` exactly (case-insensitive, parameters such as
/// `charset` aside): `application/jsonp` is not `application/json`.
pub(crate) fn media_type_is(value: &HeaderValue, expected: &str) -> bool {
    value.to_str().is_ok_and(|text| {
        text.split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected))
    })
}

/// The framing checks, as middleware.
pub(crate) async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match refuse(&state, &request) {
        Some(failure) => failure.into_response(),
        None => next.run(request).await,
    }
}

fn refuse(state: &AppState, request: &Request) -> Option<ApiFailure> {
    let headers = request.headers();
    for value in headers.get_all(header::TRANSFER_ENCODING) {
        let text = value.to_str().unwrap_or("?");
        if let Some(coding) = text
            .split(',')
            .map(str::trim)
            .find(|c| !c.eq_ignore_ascii_case("chunked"))
        {
            return Some(ApiFailure::new(
                501,
                format!(
                    "Transfer-Encoding {coding:?} is not supported; send the body with Content-Length \
                     or Transfer-Encoding: chunked only"
                ),
            ));
        }
    }
    for value in headers.get_all(header::CONTENT_ENCODING) {
        let text = value.to_str().unwrap_or("?");
        if text
            .split(',')
            .map(str::trim)
            .any(|c| !c.eq_ignore_ascii_case("identity"))
        {
            return Some(ApiFailure::new(
                415,
                format!("Content-Encoding {text:?} is not supported; send the body uncompressed"),
            ));
        }
    }
    let limit = state.config().max_body_bytes;
    if let Some(value) = headers.get(header::CONTENT_LENGTH) {
        let declared = value
            .to_str()
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok());
        match declared {
            Some(n) if n > limit as u64 => {
                return Some(ApiFailure::new(
                    413,
                    format!("the request body is larger than {limit} bytes (Content-Length {n})"),
                ));
            }
            Some(_) => {}
            None => {
                return Some(ApiFailure::bad_request(
                    "Content-Length is not a whole number of bytes",
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_match_exactly() {
        let is_json =
            |v: &'static str| media_type_is(&HeaderValue::from_static(v), "application/json");
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json(" application/json ;charset=utf-8"));
        assert!(!is_json("application/jsonp"));
        assert!(!is_json("application/json-patch+json"));
        assert!(!is_json("text/json"));
        assert!(!is_json(""));
    }
}
