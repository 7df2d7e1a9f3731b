//! The workforce-planner webhook, sent after a compliant run.
//!
//! The planner gets the variance analysis and nothing else: the CXone access token is never
//! forwarded. With a secret, each request is signed as Standard Webhooks specifies: headers
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">`. A secret of the form `whsec_<base64>` is decoded to its key bytes (the
//! Standard Webhooks convention); any other secret is used as raw bytes.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cxone::VarianceAnalysis;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::Serialize;
use sha2::Sha256;

use crate::audit::WebhookRecord;

/// The event body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletedEvent<'a> {
    /// Always `SIMULATION_COMPLETED`.
    pub event_type: &'static str,
    /// The campaign simulated.
    pub campaign_id: &'a str,
    /// The variance check that passed.
    pub variance_analysis: &'a VarianceAnalysis,
    /// When the event was sent, unix seconds.
    pub timestamp: i64,
}

/// The HMAC key of a signing secret: `whsec_<base64>` decoded (the Standard Webhooks form), any other
/// string as its bytes. A `whsec_` secret that is not base64 is refused rather than used wrongly.
pub fn signing_key(secret: &str) -> Result<SecretSlice<u8>, String> {
    let key = match secret.strip_prefix("whsec_") {
        Some(b64) => BASE64
            .decode(b64)
            // base64's error names the offending character and offset: part of the secret.
            .map_err(|_| "starts with whsec_ but the rest is not valid base64".to_owned())?,
        None => secret.as_bytes().to_vec(),
    };
    if key.is_empty() {
        return Err("is empty".to_owned());
    }
    Ok(SecretSlice::from(key))
}

/// Where and how to notify the planner.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The planner's URL.
    pub url: url::Url,
    /// Signs requests when set (the key of `WORKFORCE_CALLBACK_SECRET`, see [`signing_key`]).
    pub signing_key: Option<SecretSlice<u8>>,
    /// Bearer token the planner wants, if any (`WORKFORCE_CALLBACK_TOKEN`); never the CXone token.
    pub bearer: Option<SecretString>,
    /// Deliveries tried before giving up.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub first_retry_delay: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Webhook {
    /// A webhook with the default delivery policy: 3 attempts, 500 ms then 1 s apart, 10 s timeout.
    pub fn new(
        url: url::Url,
        signing_key: Option<SecretSlice<u8>>,
        bearer: Option<SecretString>,
    ) -> Self {
        Self {
            url,
            signing_key,
            bearer,
            max_attempts: 3,
            first_retry_delay: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
        }
    }

    /// Sends the event, retrying failures; never fails the run, only reports what happened.
    pub async fn deliver(
        &self,
        http: &reqwest::Client,
        campaign_id: &str,
        analysis: &VarianceAnalysis,
        now_unix: i64,
    ) -> WebhookRecord {
        let event = CompletedEvent {
            event_type: "SIMULATION_COMPLETED",
            campaign_id,
            variance_analysis: analysis,
            timestamp: now_unix,
        };
        let body = match serde_json::to_vec(&event) {
            Ok(body) => body,
            Err(e) => return failed(0, None, format!("could not encode the event: {e}")),
        };
        let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let mut last = failed(0, None, "not attempted".to_owned());
        let mut delay = self.first_retry_delay;
        for attempt in 1..=self.max_attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            let request = self.request(http, &body, &message_id, now_unix);
            match request.send().await {
                Ok(resp) if resp.status().is_success() => {
                    tracing::info!(
                        attempt,
                        status = resp.status().as_u16(),
                        "workforce planner notified"
                    );
                    return WebhookRecord {
                        status: "delivered",
                        attempts: attempt,
                        http_status: Some(resp.status().as_u16()),
                        error: None,
                    };
                }
                Ok(resp) => {
                    let status = resp.status();
                    let text = resp.text().await.unwrap_or_default();
                    let error = format!("the planner answered {status}: {}", truncate(&text, 300));
                    tracing::warn!(attempt, %error, "workforce planner notification failed");
                    last = failed(attempt, Some(status.as_u16()), error);
                    // A 4xx other than 408/429 will not change on retry.
                    if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429
                    {
                        break;
                    }
                }
                Err(e) => {
                    let error = format!("could not reach the planner: {}", e.without_url());
                    tracing::warn!(attempt, %error, "workforce planner notification failed");
                    last = failed(attempt, None, error);
                }
            }
        }
        tracing::error!(
            attempts = last.attempts,
            error = last.error.as_deref().unwrap_or(""),
            "workforce planner was not notified; the run itself stands"
        );
        last
    }

    fn request(
        &self,
        http: &reqwest::Client,
        body: &[u8],
        message_id: &str,
        now_unix: i64,
    ) -> reqwest::RequestBuilder {
        let mut request = http
            .post(self.url.clone())
            .timeout(self.timeout)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if let Some(key) = &self.signing_key {
            let signature = sign(key.expose_secret(), message_id, now_unix, body);
            request = request
                .header("webhook-id", message_id)
                .header("webhook-timestamp", now_unix.to_string())
                .header("webhook-signature", format!("v1,{signature}"));
        }
        if let Some(bearer) = &self.bearer
            && let Ok(mut value) =
                HeaderValue::from_str(&format!("Bearer {}", bearer.expose_secret()))
        {
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        request
    }
}

fn failed(attempts: u32, http_status: Option<u16>, error: String) -> WebhookRecord {
    WebhookRecord {
        status: "failed",
        attempts,
        http_status,
        error: Some(error),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}").
pub fn sign(key: &[u8], message_id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    BASE64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_test_vector() {
        // The example of the Standard Webhooks specification.
        let key = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(
            key.expose_secret(),
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
        );
        assert_eq!(sig, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn raw_secrets_are_used_as_bytes_and_bad_whsec_is_refused() {
        let key = signing_key("plain-secret").unwrap();
        assert_eq!(
            sign(key.expose_secret(), "m", 1, b"{}"),
            sign(b"plain-secret", "m", 1, b"{}")
        );
        assert!(signing_key("whsec_not base64!").is_err());
        assert!(signing_key("whsec_").is_err());
    }
}
