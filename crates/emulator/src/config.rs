//! How an emulator is set up: registered clients, token lifetime, limits and fault injection.
//!
//! The emulator reads no environment and parses no flags: the `cxone-sim serve` command builds an
//! [`EmulatorConfig`] and hands it over. [`load_clients_toml`] turns a `--clients FILE` into clients.

use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use campaign::WorkLimits;

/// Id of the development client every default configuration registers.
pub const DEV_CLIENT_ID: &str = "dev-client";
/// Secret of the development client. It is public on purpose: the emulator is a test double.
pub const DEV_CLIENT_SECRET: &str = "dev-secret";

/// A client allowed to ask the token endpoint for a token.
#[derive(Debug, Clone)]
pub struct RegisteredClient {
    /// The `client_id` it presents.
    pub id: String,
    /// The `client_secret` it presents; `Debug` prints `[REDACTED]`.
    pub secret: SecretString,
    /// Scopes its tokens carry, e.g. `outbound:campaign:edit`.
    pub scopes: Vec<String>,
}

impl RegisteredClient {
    /// The documented development client: `dev-client` / `dev-secret` with both outbound scopes.
    pub fn development() -> Self {
        Self {
            id: DEV_CLIENT_ID.into(),
            secret: SecretString::from(DEV_CLIENT_SECRET),
            scopes: vec![
                contract::token::SCOPE_VIEW.into(),
                contract::token::SCOPE_EDIT.into(),
            ],
        }
    }
}

/// Everything an emulator needs to know. Every field has a sensible default ([`Default`]).
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Clients the token endpoint accepts. Default: the development client only.
    pub clients: Vec<RegisteredClient>,
    /// Lifetime of an access token. Default: 3600 s.
    pub token_ttl: Duration,
    /// Campaign ids the simulate endpoint knows; others get 404. `None` (default): every valid id.
    pub known_campaigns: Option<Vec<String>>,
    /// Simulate requests a client may make per second (token bucket, burst of the same size).
    /// `None` or `Some(0)` lifts the limit. Default: 20.
    pub rate_limit_per_second: Option<u32>,
    /// Largest request body accepted, bytes; larger ones get 413. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// Engine work a simulate request may ask for; more gets 400 naming the limit.
    pub work_limits: WorkLimits,
    /// Simulations run at once; more wait for a free slot. Default: the number of CPUs.
    pub max_concurrent_simulations: usize,
    /// Longest a simulate request may wait for a slot and run; after it, 503. Default: 60 s.
    pub simulation_timeout: Duration,
    /// Longest any request may take end to end (slow uploads included); after it, 408. Default: 120 s.
    pub request_timeout: Duration,
    /// Share (0–1) of simulate requests answered with an injected fault (429, 500 or 503, or a delay
    /// when [`fault_delay`](Self::fault_delay) is set). Default: 0.
    pub fault_rate: f64,
    /// Seed of the fault generator, so a test sees the same faults on every run. Default: 0.
    pub fault_seed: u64,
    /// How long a delay fault holds a request before answering it normally. Zero (default): no delay
    /// faults, only error faults.
    pub fault_delay: Duration,
    /// How long an `Idempotency-Key` is remembered. Default: 24 h.
    pub idempotency_ttl: Duration,
    /// Most `Idempotency-Key`s remembered; the oldest is forgotten first. Default: 10 000.
    pub idempotency_capacity: usize,
    /// Most bytes of stored answers the idempotency store holds; the oldest keys are forgotten first,
    /// and an answer larger than this is not stored at all. Default: 64 MiB.
    pub idempotency_max_bytes: usize,
    /// Longest a connection may take to send a request's headers, and longest an idle keep-alive
    /// connection is kept open; the connection is closed after it. Default: 10 s.
    pub header_read_timeout: Duration,
    /// Longest a request's body may take to arrive once its headers are in; after it, 408. Default: 30 s.
    pub body_read_timeout: Duration,
    /// Most connections open at once; a connection beyond it is answered 503 with `Retry-After` and
    /// closed, so a flood of idle connections cannot exhaust file descriptors. Default: 256.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before closing their connections. Default: 5 s.
    pub shutdown_grace: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            clients: vec![RegisteredClient::development()],
            token_ttl: Duration::from_secs(3600),
            known_campaigns: None,
            rate_limit_per_second: Some(20),
            max_body_bytes: 1024 * 1024,
            work_limits: WorkLimits::default(),
            max_concurrent_simulations: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            simulation_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(120),
            fault_rate: 0.0,
            fault_seed: 0,
            fault_delay: Duration::ZERO,
            idempotency_ttl: Duration::from_secs(24 * 3600),
            idempotency_capacity: 10_000,
            idempotency_max_bytes: 64 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 256,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// A configuration (a clients file, local backend options) could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The text is not TOML of the expected shape. Only toml's message and the line are kept: its
    /// `Display` quotes the offending line, which may hold a secret.
    #[error("clients file is not valid: line {line}: {message}")]
    Parse {
        /// The 1-based line of the problem (0 when toml names none).
        line: usize,
        /// toml's message, without the quoted source.
        message: String,
    },
    /// The file registers no client.
    #[error("clients file registers no client; add a [[client]] table with id, secret and scopes")]
    NoClients,
    /// A client is registered twice.
    #[error("client {0:?} is registered more than once")]
    DuplicateClient(String),
    /// A client has an empty id or secret.
    #[error("client #{0} has an empty id or secret")]
    EmptyCredential(usize),
    /// Replications outside what the work limits allow.
    #[error("replications is {given}; it must be between 1 and {max}")]
    Replications {
        /// The replications asked for.
        given: u32,
        /// The most allowed.
        max: u32,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    #[serde(default)]
    client: Vec<ClientEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    id: String,
    secret: String,
    #[serde(default)]
    scopes: Vec<String>,
}

/// `text` with every double-quoted value replaced by `"…"`: serde quotes the value it refused
/// (`invalid type: string "…"`), which may be a secret. Field names (in backticks) stay.
fn without_quoted_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        if inside {
            out.push_str("\"…\"");
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

/// Reads registered clients from TOML:
///
/// ```toml
/// [[client]]
/// id = "planner"
/// secret = "s3cret"
/// scopes = ["outbound:campaign:view", "outbound:campaign:edit"]
/// ```
pub fn load_clients_toml(text: &str) -> Result<Vec<RegisteredClient>, ConfigError> {
    let file: ClientsFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
        line: e.span().map_or(0, |span| {
            text[..span.start.min(text.len())].matches('\n').count() + 1
        }),
        message: without_quoted_values(e.message().trim()),
    })?;
    if file.client.is_empty() {
        return Err(ConfigError::NoClients);
    }
    let mut out: Vec<RegisteredClient> = Vec::with_capacity(file.client.len());
    for (i, entry) in file.client.into_iter().enumerate() {
        if entry.id.is_empty() || entry.secret.is_empty() {
            return Err(ConfigError::EmptyCredential(i + 1));
        }
        if out.iter().any(|c| c.id == entry.id) {
            return Err(ConfigError::DuplicateClient(entry.id));
        }
        out.push(RegisteredClient {
            id: entry.id,
            secret: SecretString::from(entry.secret),
            scopes: entry.scopes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn clients_file_loads() {
        let clients = load_clients_toml(
            r#"
            [[client]]
            id = "planner"
            secret = "s3cret"
            scopes = ["outbound:campaign:view"]

            [[client]]
            id = "editor"
            secret = "other"
            scopes = ["outbound:campaign:view", "outbound:campaign:edit"]
            "#,
        )
        .unwrap();
        assert_eq!(clients.len(), 2);
        assert_eq!(clients[0].id, "planner");
        assert_eq!(clients[0].secret.expose_secret(), "s3cret");
        assert_eq!(clients[1].scopes.len(), 2);
        assert!(!format!("{:?}", clients[0]).contains("s3cret"));
    }

    #[test]
    fn bad_clients_files_are_rejected() {
        assert!(matches!(load_clients_toml(""), Err(ConfigError::NoClients)));
        assert!(matches!(
            load_clients_toml("[[client]]\nid = \"a\"\nsecret = \"b\"\n[[client]]\nid = \"a\"\nsecret = \"c\"\n"),
            Err(ConfigError::DuplicateClient(id)) if id == "a"
        ));
        assert!(matches!(
            load_clients_toml("[[client]]\nid = \"a\"\nsecret = \"\"\n"),
            Err(ConfigError::EmptyCredential(1))
        ));
        let typo = load_clients_toml("[[client]]\nid = \"a\"\nsecrett = \"b\"\n").unwrap_err();
        assert!(typo.to_string().contains("secret"), "{typo}");
        assert!(typo.to_string().contains("line 3"), "{typo}");
    }

    #[test]
    fn parse_errors_never_quote_the_secret() {
        for text in [
            "[[client]]\nid = \"a\"\nsecret = \"hunter2-secret\n",
            "[[client]]\nid = \"a\"\nsecret = hunter2-secret\n",
            "[[client]]\nid = \"a\"\nsecret = \"hunter2-secret\"\nsecret = \"hunter2-secret\"\n",
            "[[client]]\nid = \"a\"\nsecret = \"hunter2-secret\"\nscopes = \"hunter2-secret\"\n",
            "[[client]]\nid = \"a\"\nsecrett = \"hunter2-secret\"\n",
        ] {
            let err = load_clients_toml(text).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("line "), "{err}");
        }
    }

    #[test]
    fn default_registers_the_development_client() {
        let config = EmulatorConfig::default();
        assert_eq!(config.clients.len(), 1);
        assert_eq!(config.clients[0].id, DEV_CLIENT_ID);
        assert_eq!(config.clients[0].secret.expose_secret(), DEV_CLIENT_SECRET);
        assert_eq!(config.rate_limit_per_second, Some(20));
        assert!(config.max_concurrent_simulations >= 1);
    }
}
