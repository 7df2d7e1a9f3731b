//! The crate's error: what went wrong talking to a CXone-compatible server, and what to do about it.
//!
//! Every failed HTTP answer keeps its raw body ([`Error::Status`], [`Error::Decode`]); [`Error::hint`]
//! turns the seed's "Common Errors" table into one line of advice. No variant ever holds a client
//! secret or an access token: a token endpoint answer that cannot be decoded is kept with its
//! `access_token` redacted.

use std::fmt;
use std::time::Duration;

use crate::simulate::{ErrorBody, is_probability_adjustment};
use crate::token::OAuthErrorBody;

/// The most bytes of a failed answer's body kept in an error.
pub const MAX_KEPT_BODY: usize = 64 * 1024;

/// The most characters of a raw body shown as the detail of an error.
const MAX_DETAIL_CHARS: usize = 300;

/// Which endpoint of the contract an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST {base}/api/v2/oauth/token`.
    Token,
    /// `POST {base}/api/v2/outbound/campaigns/{campaignId}/simulate`.
    Simulate,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Endpoint::Token => "the token endpoint",
            Endpoint::Simulate => "the simulate endpoint",
        })
    }
}

/// Everything that can go wrong in this crate's client half.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not success (after any retries).
    #[error("{endpoint} answered {status} after {attempts} attempt(s): {detail}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The server's message: `detail`, or `error`/`error_description`, or the start of the raw body.
        detail: String,
        /// The raw body (at most [`MAX_KEPT_BODY`] bytes).
        body: String,
        /// Which endpoint answered.
        endpoint: Endpoint,
        /// HTTP requests made for this call, the last one included.
        attempts: u32,
    },
    /// The request could not be sent or its answer not read (connection refused, reset, DNS…).
    #[error("could not reach {endpoint} after {attempts} attempt(s)")]
    Transport {
        /// Which endpoint was called.
        endpoint: Endpoint,
        /// HTTP requests made for this call.
        attempts: u32,
        /// What the HTTP client reported.
        #[source]
        source: reqwest::Error,
    },
    /// The server did not answer in time.
    #[error("{endpoint} did not answer within {} s after {attempts} attempt(s)", timeout.as_secs_f64())]
    Timeout {
        /// Which endpoint was called.
        endpoint: Endpoint,
        /// The time allowed to each request.
        timeout: Duration,
        /// HTTP requests made for this call.
        attempts: u32,
    },
    /// A success answer whose body is not what the contract says.
    #[error(
        "{endpoint} answered with a body that does not follow the contract ({source}): {}",
        server_detail(body)
    )]
    Decode {
        /// Which endpoint answered.
        endpoint: Endpoint,
        /// The raw body (at most [`MAX_KEPT_BODY`] bytes; a token, if any, redacted).
        body: String,
        /// Why it could not be decoded.
        #[source]
        source: serde_json::Error,
    },
    /// The server still asked for a probability adjustment when no more adjustments were allowed.
    #[error(
        "the answer rate still needs a probability adjustment after {adjustments} adjustment(s); \
         last answer rate tried {last_answer_rate}: {detail}"
    )]
    AdjustmentsExhausted {
        /// Adjustments made (each lowered the answer rate by 0.02).
        adjustments: u32,
        /// The answer rate of the last request.
        last_answer_rate: f64,
        /// The server's last message.
        detail: String,
        /// HTTP requests made in total, over all adjustments.
        attempts: u32,
        /// The last simulation, when the server sent it with its refusal (`simulation` of the
        /// [`ErrorBody`]).
        last_simulation: Option<Box<crate::simulate::SimulateResponse>>,
    },
    /// The request could not be built (a base URL that cannot take a path, a header value that is not
    /// valid, a body that cannot be serialized).
    #[error("could not build the request: {reason}")]
    Request {
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// The HTTP status the server answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::AdjustmentsExhausted { .. } => Some(400),
            _ => None,
        }
    }

    /// HTTP requests made before this error, if any were made.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Status { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::AdjustmentsExhausted { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// Is this a 400 in the contract's own words (a JSON `{"detail": …}` body), i.e. the server
    /// refusing the body it was sent, rather than a proxy or a portal answering for it?
    pub fn is_contract_refusal(&self) -> bool {
        matches!(self, Error::Status { status: 400, body, .. }
            if serde_json::from_str::<ErrorBody>(body).is_ok())
    }

    /// The raw body of the failed answer, if there was one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Status { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// What to do about this error: the seed's "Common Errors" table, one line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Status {
                endpoint: Endpoint::Token,
                status,
                ..
            } => match status {
                400 | 401 => Some(
                    "check CXONE_CLIENT_ID and CXONE_CLIENT_SECRET: the client id and secret \
                     must match the CXone API application",
                ),
                403 => Some(
                    "the API application may not use the client credentials grant: \
                     check its settings in the CXone console",
                ),
                404 | 405 => {
                    Some("check CXONE_TOKEN_URL (or CXONE_BASE_URL): no token endpoint there")
                }
                429 => Some("the token endpoint is rate limiting: wait, then try again"),
                500..=599 => Some("the token endpoint failed on the server side: retry later"),
                _ => None,
            },
            Error::Status {
                endpoint: Endpoint::Simulate,
                status,
                detail,
                ..
            } => match status {
                400 if is_probability_adjustment(detail) => Some(HINT_ABANDONMENT),
                400 if names_a_work_limit(detail) => Some(
                    "the request asks for more engine work than the server allows (the limit names \
                     it): shorten max_simulation_window_minutes or simulate fewer agents",
                ),
                400 if !self.is_contract_refusal() => Some(
                    "the answer is not the contract's JSON error ({\"detail\": …}): check \
                     CXONE_BASE_URL (a proxy or a portal may be answering instead of the server)",
                ),
                400 => Some(
                    "fix the payload: run `cxone-sim validate PAYLOAD` to list every violation",
                ),
                401 => Some(
                    "the access token was refused even after a refresh: check CXONE_CLIENT_ID and \
                     CXONE_CLIENT_SECRET, and that the token is issued for this server",
                ),
                403 => Some(HINT_SCOPE),
                404 => Some(
                    "check CXONE_CAMPAIGN_ID or the payload's campaign_id: the server knows no such \
                     campaign (and check CXONE_BASE_URL)",
                ),
                413 => Some(
                    "the request is too large for the server: shorten the history or the window",
                ),
                422 => Some("the same Idempotency-Key was sent with another body: use a new key"),
                429 => Some(
                    "the server kept rate limiting after every retry: lower the request rate, \
                     or wait before trying again",
                ),
                500..=599 => Some("the server failed on its side: retry later"),
                _ => None,
            },
            Error::Transport { .. } => Some(
                "check CXONE_BASE_URL (and CXONE_TOKEN_URL) and the network: the server could not be reached",
            ),
            Error::Timeout { .. } => Some(
                "the server is slow or unreachable: check CXONE_BASE_URL and the network, then retry later",
            ),
            Error::Decode { .. } => {
                Some("the server does not speak the CXone simulate contract: check CXONE_BASE_URL")
            }
            Error::AdjustmentsExhausted { .. } => Some(HINT_ABANDONMENT),
            Error::Request { .. } => {
                Some("check CXONE_BASE_URL and the campaign id: they must form a valid URL")
            }
        }
    }
}

/// The hint when abandonment stays over the limit. It names no figure: the limit is the compliance
/// regime's, which the server states in its detail (this crate does not know which regime it uses).
const HINT_ABANDONMENT: &str = "abandonment stays over the compliance limit at this answer rate: lower \
                                answer_rate in the payload, add agents, or allow more adjustments \
                                (--max-adjustments)";

/// Does a 400 detail say the request broke one of the server's work limits (a payload that validates
/// can still ask for too much work)? Work-limit refusals name the limit; a probability adjustment,
/// which also speaks of a limit, is not one of them.
fn names_a_work_limit(detail: &str) -> bool {
    detail.to_ascii_lowercase().contains("limit") && !is_probability_adjustment(detail)
}

/// The 403 hint, with the scopes spelled as the contract spells them.
const HINT_SCOPE: &str = "grant the outbound:campaign:edit scope (and outbound:campaign:view) to the \
                          API application, then fetch a new token";

/// The server's message in a failed answer: the contract's `{"detail"}`, or RFC 6749 §5.2's
/// `{"error", "error_description"}`, or the start of the raw body.
pub fn server_detail(body: &str) -> String {
    if let Ok(parsed) = serde_json::from_str::<ErrorBody>(body) {
        return parsed.detail;
    }
    if let Ok(parsed) = serde_json::from_str::<OAuthErrorBody>(body) {
        return match parsed.error_description {
            Some(description) => format!("{}: {description}", parsed.error),
            None => parsed.error,
        };
    }
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "(empty body)".to_owned();
    }
    let mut shown: String = trimmed.chars().take(MAX_DETAIL_CHARS).collect();
    if shown.len() < trimmed.len() {
        shown.push('…');
    }
    shown
}

/// A raw body as kept in an error: at most [`MAX_KEPT_BODY`] bytes, cut on a character boundary.
pub fn kept_body(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= MAX_KEPT_BODY {
        return text.into_owned();
    }
    let mut end = MAX_KEPT_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// A token endpoint body as kept in an error: any `access_token` (or `refresh_token`) value replaced,
/// so that a token never reaches an error message, a log or the audit file.
pub fn redacted_token_body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(mut object)) => {
            for key in ["access_token", "refresh_token", "id_token"] {
                if let Some(value) = object.get_mut(key) {
                    *value = serde_json::Value::String("[redacted]".to_owned());
                }
            }
            kept_body(serde_json::Value::Object(object).to_string().as_bytes())
        }
        Ok(other) => kept_body(other.to_string().as_bytes()),
        // Not JSON: it cannot be split into fields, so none of it is kept.
        Err(_) => format!("[{} bytes, not JSON, not kept]", bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(endpoint: Endpoint, status: u16) -> Error {
        Error::Status {
            status,
            detail: "x".into(),
            body: r#"{"detail": "x"}"#.into(),
            endpoint,
            attempts: 1,
        }
    }

    #[test]
    fn detail_prefers_detail_then_oauth_then_raw() {
        assert_eq!(server_detail(r#"{"detail":"bad rate"}"#), "bad rate");
        assert_eq!(
            server_detail(r#"{"error":"invalid_client","error_description":"unknown client"}"#),
            "invalid_client: unknown client"
        );
        assert_eq!(
            server_detail(r#"{"error":"invalid_client"}"#),
            "invalid_client"
        );
        assert_eq!(server_detail("  gateway down \n"), "gateway down");
        assert_eq!(server_detail(""), "(empty body)");
        let long = "y".repeat(1000);
        assert_eq!(server_detail(&long).chars().count(), MAX_DETAIL_CHARS + 1);
    }

    #[test]
    fn kept_bodies_are_capped_on_a_char_boundary() {
        let body = "é".repeat(MAX_KEPT_BODY);
        let kept = kept_body(body.as_bytes());
        assert!(kept.len() <= MAX_KEPT_BODY);
        assert!(kept.chars().all(|c| c == 'é'));
    }

    #[test]
    fn token_bodies_lose_their_tokens() {
        let kept = redacted_token_body(br#"{"access_token":"tok-secret","expires_in":"soon"}"#);
        assert!(!kept.contains("tok-secret"));
        assert!(kept.contains("soon"));
        assert!(!redacted_token_body(b"access_token=tok-secret").contains("tok-secret"));
    }

    #[test]
    fn hints_follow_the_common_errors_table() {
        let bad_client = status(Endpoint::Token, 401).hint().unwrap();
        assert!(
            bad_client.contains("CXONE_CLIENT_ID") && bad_client.contains("CXONE_CLIENT_SECRET")
        );
        let scope = status(Endpoint::Simulate, 403).hint().unwrap();
        assert!(
            scope.contains(crate::token::SCOPE_EDIT) && scope.contains(crate::token::SCOPE_VIEW)
        );
        assert!(
            status(Endpoint::Simulate, 404)
                .hint()
                .unwrap()
                .contains("CXONE_CAMPAIGN_ID")
        );
        assert!(
            status(Endpoint::Simulate, 400)
                .hint()
                .unwrap()
                .contains("cxone-sim validate")
        );
        assert!(
            status(Endpoint::Simulate, 429)
                .hint()
                .unwrap()
                .contains("rate")
        );
        assert!(
            status(Endpoint::Simulate, 503)
                .hint()
                .unwrap()
                .contains("retry later")
        );
        assert!(status(Endpoint::Simulate, 418).hint().is_none());
        assert_eq!(status(Endpoint::Simulate, 503).status(), Some(503));
    }

    #[test]
    fn a_400_naming_a_work_limit_hints_at_less_work_not_validation() {
        let with_detail = |detail: &str| Error::Status {
            status: 400,
            detail: detail.into(),
            body: serde_json::json!({ "detail": detail }).to_string(),
            endpoint: Endpoint::Simulate,
            attempts: 1,
        };
        let work = with_detail(
            "work limit exceeded: simulationWindowMinutes is 1440; this server's limit \
             max_window_minutes is 720",
        );
        let hint = work.hint().unwrap();
        assert!(
            hint.contains("more engine work than the server allows"),
            "{hint}"
        );
        assert!(
            !hint.contains("replications"),
            "a cxone run cannot set them: {hint}"
        );
        assert!(!hint.contains("cxone-sim validate"), "{hint}");
        let invalid = with_detail("invalid simulate request (1 problem): answerRate: is 2");
        assert!(invalid.hint().unwrap().contains("cxone-sim validate"));
        let adjust = with_detail(
            "simulated compliance abandon rate 4.10 % exceeds the 3 % limit at answer rate 0.38 \
             with 12 agents; probability adjustment required: lower answerRate",
        );
        assert!(adjust.hint().unwrap().contains("lower answer_rate"));
    }

    #[test]
    fn messages_are_lowercase_without_a_trailing_period() {
        let errors = [
            status(Endpoint::Token, 401),
            Error::Timeout {
                endpoint: Endpoint::Simulate,
                timeout: Duration::from_secs(30),
                attempts: 4,
            },
            Error::AdjustmentsExhausted {
                adjustments: 2,
                last_answer_rate: 0.34,
                detail: "needs probability adjustment".into(),
                attempts: 3,
                last_simulation: None,
            },
            Error::Request {
                reason: "no".into(),
            },
        ];
        for error in errors {
            let shown = error.to_string();
            assert!(shown.starts_with(|c: char| c.is_lowercase()), "{shown}");
            assert!(!shown.ends_with('.'), "{shown}");
        }
    }

    #[test]
    fn exhausted_adjustments_say_how_many_and_the_last_rate() {
        let error = Error::AdjustmentsExhausted {
            adjustments: 2,
            last_answer_rate: 0.34,
            detail: "needs probability adjustment".into(),
            attempts: 3,
            last_simulation: None,
        };
        let shown = error.to_string();
        assert!(
            shown.contains("2 adjustment(s)") && shown.contains("0.34"),
            "{shown}"
        );
    }
}
