//! `POST /api/v2/oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4).
//!
//! Client credentials come from the form body (`client_id`, `client_secret`) or HTTP Basic
//! (RFC 6749 §2.3.1), not both. Errors follow RFC 6749 §5.2.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use contract::token::{OAuthErrorBody, TokenResponse};
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::config::RegisteredClient;
use crate::state::AppState;
use crate::tokens::Grant;

/// The form body of a token request.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TokenForm {
    /// Must be `client_credentials`.
    pub grant_type: Option<String>,
    /// The client id, unless sent with HTTP Basic.
    pub client_id: Option<String>,
    /// The client secret, unless sent with HTTP Basic.
    pub client_secret: Option<String>,
    /// Space-separated scopes wanted; all the client's scopes when absent.
    pub scope: Option<String>,
}

/// An RFC 6749 §5.2 error answer.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error.into(),
            error_description: Some(self.description),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6749 §5.2 requires the challenge when Basic was used; HTTP requires one on every 401.
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"cxone-emulator\""),
            );
        }
        response
    }
}

/// Issues an access token to a registered client.
#[utoipa::path(
    post,
    path = "/api/v2/oauth/token",
    tag = "oauth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A bearer token", body = TokenResponse),
        (status = 400, description = "invalid_request, unsupported_grant_type or invalid_scope", body = OAuthErrorBody),
        (status = 401, description = "invalid_client: unknown client or wrong secret", body = OAuthErrorBody,
            headers(("WWW-Authenticate" = String, description = "The Basic challenge"))),
    )
)]
pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    match issue(&state, &headers, form) {
        Ok(token) => token,
        Err(error) => {
            tracing::info!(error = error.error, "token request refused");
            error.into_response()
        }
    }
}

fn issue(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, OAuthError> {
    if let Some(value) = headers.get(header::CONTENT_TYPE)
        && !crate::framing::media_type_is(value, "application/x-www-form-urlencoded")
    {
        return Err(OAuthError::invalid_request(
            "the body must be form-encoded (Content-Type: application/x-www-form-urlencoded)",
        ));
    }
    let Form(form) = form.map_err(|rejection| {
        OAuthError::invalid_request(format!(
            "the body must be form-encoded (Content-Type: application/x-www-form-urlencoded): {rejection}"
        ))
    })?;
    let basic = basic_credentials(headers)?;
    let (id, secret) = match (basic, &form.client_secret) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_request(
                "client credentials were sent both in the Authorization header and in the body; use one",
            ));
        }
        (Some((id, secret)), None) => {
            if form
                .client_id
                .as_ref()
                .is_some_and(|body_id| *body_id != id)
            {
                return Err(OAuthError::invalid_request(
                    "client_id in the body differs from the one in the Authorization header",
                ));
            }
            (id, secret)
        }
        (None, Some(secret)) => match &form.client_id {
            Some(id) => (id.clone(), secret.clone()),
            None => return Err(OAuthError::invalid_request("client_id is missing")),
        },
        (None, None) => {
            return Err(OAuthError::invalid_client(
                "no client authentication: send client_id and client_secret in the form body or use HTTP Basic",
            ));
        }
    };

    match form.grant_type.as_deref() {
        None => return Err(OAuthError::invalid_request("grant_type is missing")),
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type {other:?} is not supported; use client_credentials"),
            ));
        }
    }

    let client = state
        .config()
        .clients
        .iter()
        .find(|c| c.id == id && secret_matches(c, &secret))
        .ok_or_else(|| {
            OAuthError::invalid_client(
                "unknown client or wrong secret; check the client id and secret",
            )
        })?;

    let scopes = match form
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => client.scopes.clone(),
        Some(wanted) => {
            let wanted: Vec<String> = wanted.split_whitespace().map(str::to_owned).collect();
            if let Some(missing) = wanted.iter().find(|s| !client.scopes.contains(s)) {
                return Err(OAuthError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    format!("scope {missing:?} is not granted to this client"),
                ));
            }
            wanted
        }
    };

    // The store cuts a longer lifetime to this; the answer says what the token really gets.
    let ttl = state.config().token_ttl.min(crate::tokens::MAX_TOKEN_TTL);
    let access_token = state.tokens().issue(
        Grant {
            client_id: client.id.clone(),
            scopes: scopes.clone(),
        },
        ttl,
    );
    tracing::info!(client_id = %client.id, "token issued");
    let body = TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ttl.as_secs(),
        scope: Some(scopes.join(" ")),
    };
    let mut response = axum::Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// The `(id, secret)` of an `Authorization: Basic` header, if there is one.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client("the Authorization header is not valid HTTP Basic");
    let text = value.to_str().map_err(|_| bad())?;
    let Some((scheme, encoded)) = text.split_once(' ') else {
        return Err(bad());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::invalid_client(format!(
            "the token endpoint accepts HTTP Basic client authentication, not {scheme}"
        )));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    // RFC 6749 §2.3.1 form-encodes both before Basic; most clients do not. Decode when it is safe.
    Ok(Some((form_decode(id), form_decode(secret))))
}

/// Undoes `application/x-www-form-urlencoded` encoding when the text contains an escape; text without
/// `%` is kept as sent (a literal `+` in a secret stays a `+`).
fn form_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Compares secrets through their digests, so the time taken does not reveal how much of a guess was
/// right.
fn secret_matches(client: &RegisteredClient, presented: &str) -> bool {
    let expected = Sha256::digest(client.secret.expose_secret().as_bytes());
    let presented = Sha256::digest(presented.as_bytes());
    expected
        .iter()
        .zip(presented.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_only_when_escaped() {
        assert_eq!(form_decode("a+b"), "a+b");
        assert_eq!(form_decode("a%2Bb+c"), "a+b c");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz"), "%zz");
    }

    #[test]
    fn secrets_compare_exactly() {
        let client = RegisteredClient::development();
        assert!(secret_matches(&client, "dev-secret"));
        assert!(!secret_matches(&client, "dev-secret "));
        assert!(!secret_matches(&client, ""));
    }
}
