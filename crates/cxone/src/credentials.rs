//! The secrets the client holds: the API application's credentials and the access token they buy.
//!
//! Both keep their secret in a [`SecretString`]; their `Debug` prints `[redacted]`, and the secret is
//! reached only through `expose_secret`, at the one place that puts it on the wire.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// The OAuth 2.0 client credentials of a CXone API application (`CXONE_CLIENT_ID`,
/// `CXONE_CLIENT_SECRET`).
#[derive(Clone)]
pub struct ClientCredentials {
    /// The application's client id; not a secret, it may be logged.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: SecretString,
}

impl ClientCredentials {
    /// Credentials from an id and a secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        }
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// A bearer token from the token endpoint.
///
/// Each token the cache fetches carries its fetch number, so that a caller who saw a token refused can
/// tell whether another caller has already replaced it (see [`TokenCache::refresh`]).
///
/// [`TokenCache::refresh`]: crate::TokenCache::refresh
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    fetch: u64,
}

impl AccessToken {
    /// A token with its secret and the number of the fetch that produced it.
    pub fn new(secret: impl Into<String>, fetch: u64) -> Self {
        Self {
            secret: SecretString::from(secret.into()),
            fetch,
        }
    }

    /// The token itself, for the `Authorization` header. Never log it.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }

    /// The number of the token request that produced this token (1 for the first).
    pub fn fetch(&self) -> u64 {
        self.fetch
    }

    /// `Bearer <token>`, marked sensitive so that HTTP layers never print it; `None` when the token
    /// holds characters a header cannot carry.
    pub fn authorization(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.expose_secret())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[redacted]")
            .field("fetch", &self.fetch)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_secret_and_the_token() {
        let credentials = ClientCredentials::new("app-1", "hunter2-secret");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("app-1"));
        assert!(!shown.contains("hunter2-secret"));

        let token = AccessToken::new("tok-abc123", 1);
        let shown = format!("{token:?}");
        assert!(!shown.contains("tok-abc123"));
        assert_eq!(token.expose_secret(), "tok-abc123");
    }

    #[test]
    fn the_authorization_header_is_sensitive() {
        let header = AccessToken::new("tok-abc123", 1).authorization().unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Bearer tok-abc123");
        assert!(!format!("{header:?}").contains("tok-abc123"));
        assert!(AccessToken::new("bad\ntoken", 1).authorization().is_none());
    }
}
