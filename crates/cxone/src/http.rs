//! The HTTP client every caller of the CXone API (and of the webhook) builds on.

/// A `reqwest` client builder with TLS set up: rustls on the `ring` crypto provider.
///
/// Build every HTTP client through this: `reqwest::Client::new()` alone has no crypto provider
/// and panics at its first TLS set-up. Calling it more than once is harmless (the provider is
/// installed for the process once; a provider installed before by the embedding program stays).
pub fn client_builder() -> reqwest::ClientBuilder {
    // `Err` means a provider is installed already, which is all that is needed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
