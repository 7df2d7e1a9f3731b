//! The access tokens the emulator has issued, and when each expires.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// Most live tokens remembered; past it the oldest are forgotten, so a client minting tokens in a loop
/// cannot grow memory without bound.
const MAX_TOKENS: usize = 100_000;

/// The latest a token may expire, counted from its issue: about a hundred years. A longer lifetime is
/// cut to this so that no configured lifetime can overflow the clock.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// What a bearer token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The client the token was issued to.
    pub client_id: String,
    /// Scopes the token carries.
    pub scopes: Vec<String>,
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// The token was never issued (or was forgotten).
    Unknown,
    /// The token was issued but its lifetime is over.
    Expired,
}

struct Issued {
    grant: Grant,
    expires_at: Instant,
}

/// Issued tokens, keyed by the SHA-256 of the token so the raw tokens are not kept.
#[derive(Default)]
pub struct TokenStore {
    inner: Mutex<Tokens>,
}

#[derive(Default)]
struct Tokens {
    by_digest: HashMap<[u8; 32], Issued>,
    /// Digests in issue order; with one lifetime for all tokens this is also expiry order.
    order: VecDeque<[u8; 32]>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl TokenStore {
    /// Issues a new random token for `grant`, valid for `ttl`.
    pub fn issue(&self, grant: Grant, ttl: Duration) -> String {
        // Two v4 UUIDs: 244 bits from the operating system's generator.
        let mut bytes = [0u8; 32];
        bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = Instant::now();
        let key = digest(&token);
        let mut tokens = self.lock();
        while let Some(front) = tokens.order.front().copied() {
            let stale = tokens
                .by_digest
                .get(&front)
                .is_none_or(|issued| issued.expires_at <= now);
            if stale || tokens.order.len() >= MAX_TOKENS {
                tokens.order.pop_front();
                tokens.by_digest.remove(&front);
            } else {
                break;
            }
        }
        tokens.by_digest.insert(
            key,
            Issued {
                grant,
                expires_at: expiry(now, ttl),
            },
        );
        tokens.order.push_back(key);
        token
    }

    /// What `token` grants, if it was issued and has not expired.
    pub fn check(&self, token: &str) -> Result<Grant, TokenRefusal> {
        let tokens = self.lock();
        match tokens.by_digest.get(&digest(token)) {
            None => Err(TokenRefusal::Unknown),
            Some(issued) if issued.expires_at <= Instant::now() => Err(TokenRefusal::Expired),
            Some(issued) => Ok(issued.grant.clone()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        // A panic while holding the lock cannot leave the maps inconsistent (each update is one
        // insert or remove), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `now + ttl`, the lifetime cut to [`MAX_TOKEN_TTL`]; `now` itself only if even that would overflow.
fn expiry(now: Instant, ttl: Duration) -> Instant {
    now.checked_add(ttl.min(MAX_TOKEN_TTL))
        .or_else(|| now.checked_add(Duration::from_secs(24 * 3600)))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            client_id: "c".into(),
            scopes: vec!["s".into()],
        }
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_expire() {
        let store = TokenStore::default();
        let token = store.issue(grant(), Duration::from_secs(10));
        assert_eq!(store.check(&token), Ok(grant()));
        assert_eq!(store.check("nope"), Err(TokenRefusal::Unknown));
        tokio::time::advance(Duration::from_secs(11)).await;
        assert_eq!(store.check(&token), Err(TokenRefusal::Expired));
    }

    #[tokio::test(start_paused = true)]
    async fn expired_tokens_are_forgotten_on_issue() {
        let store = TokenStore::default();
        let old = store.issue(grant(), Duration::from_secs(1));
        tokio::time::advance(Duration::from_secs(2)).await;
        let new = store.issue(grant(), Duration::from_secs(1));
        assert_ne!(old, new);
        assert_eq!(store.check(&old), Err(TokenRefusal::Unknown));
        assert_eq!(store.lock().order.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_huge_lifetime_does_not_panic_and_the_token_lives() {
        let store = TokenStore::default();
        let token = store.issue(grant(), Duration::MAX);
        assert_eq!(store.check(&token), Ok(grant()));
        tokio::time::advance(Duration::from_secs(10 * 365 * 24 * 3600)).await;
        assert_eq!(store.check(&token), Ok(grant()));
        let another = store.issue(grant(), Duration::from_secs(u64::MAX));
        assert_eq!(store.check(&another), Ok(grant()));
    }
}
