//! `Idempotency-Key` replay: the same key with the same body gets the stored answer without simulating
//! again; the same key with another body is refused.
//!
//! Keys are scoped to the client that sent them, remembered for a while (24 h by default) in a bounded
//! store that forgets the oldest first. A request still running holds its key: a retry with the same key
//! waits for that answer instead of simulating twice.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::failure::ApiFailure;

/// Longest `Idempotency-Key` accepted.
pub const MAX_KEY_LEN: usize = 255;

/// A stored answer: status and JSON body bytes, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status of the first answer.
    pub status: u16,
    /// Its body.
    pub body: axum::body::Bytes,
}

/// The slot of one key: the fingerprint of the request that claimed it, and its answer once known.
#[derive(Clone)]
pub struct Slot {
    fingerprint: [u8; 32],
    /// Filled once by the first request to finish; others wait on it.
    pub answer: Arc<OnceCell<StoredResponse>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("answered", &self.answer.initialized())
            .finish_non_exhaustive()
    }
}

struct Entry {
    slot: Slot,
    created_at: Instant,
}

/// The bounded, expiring key store.
pub struct IdempotencyStore {
    ttl: Duration,
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<(String, String), Entry>,
    /// Keys in arrival order, for expiry and eviction of the oldest.
    order: VecDeque<(String, String)>,
}

/// The fingerprint of a request: campaign and body bytes.
pub fn fingerprint(campaign_id: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(campaign_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(body);
    hasher.finalize().into()
}

/// Checks an `Idempotency-Key` header value: 1–255 visible ASCII characters.
pub fn check_key(key: &str) -> Result<(), ApiFailure> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiFailure::bad_request(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID works well)"
        )));
    }
    Ok(())
}

impl IdempotencyStore {
    /// A store remembering at most `capacity` keys for `ttl` each.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The slot for `client`'s `key`, claimed for `fingerprint` if new; 422 if the key was used with
    /// another request.
    pub fn claim(
        &self,
        client: &str,
        key: &str,
        fingerprint: [u8; 32],
    ) -> Result<Slot, ApiFailure> {
        let now = Instant::now();
        // Each update is one insert or remove, so a poisoned lock is still safe to use.
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(front) = entries.order.front() {
            let expired = entries
                .by_key
                .get(front)
                .is_none_or(|e| now.duration_since(e.created_at) >= self.ttl);
            if !expired && entries.order.len() < self.capacity {
                break;
            }
            if let Some(front) = entries.order.pop_front() {
                entries.by_key.remove(&front);
            }
        }
        let id = (client.to_owned(), key.to_owned());
        if let Some(entry) = entries.by_key.get(&id) {
            if entry.slot.fingerprint != fingerprint {
                return Err(ApiFailure::new(
                    422,
                    "this Idempotency-Key was already used with a different request; \
                     use a new key for a new request",
                ));
            }
            return Ok(entry.slot.clone());
        }
        let slot = Slot {
            fingerprint,
            answer: Arc::new(OnceCell::new()),
        };
        entries.by_key.insert(
            id.clone(),
            Entry {
                slot: slot.clone(),
                created_at: now,
            },
        );
        entries.order.push_back(id);
        Ok(slot)
    }

    /// Keys remembered now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_key
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn same_key_same_body_shares_a_slot_other_body_is_422() {
        let store = IdempotencyStore::new(Duration::from_secs(60), 10);
        let a = fingerprint("c", b"{}");
        let first = store.claim("client", "k", a).unwrap();
        first
            .answer
            .set(StoredResponse {
                status: 200,
                body: "x".into(),
            })
            .unwrap();
        let again = store.claim("client", "k", a).unwrap();
        assert_eq!(again.answer.get().map(|r| r.status), Some(200));
        let other = store
            .claim("client", "k", fingerprint("c", b"{ }"))
            .unwrap_err();
        assert_eq!(other.status, 422);
        let other_campaign = store
            .claim("client", "k", fingerprint("d", b"{}"))
            .unwrap_err();
        assert_eq!(other_campaign.status, 422);
        let other_client = store.claim("someone", "k", a).unwrap();
        assert!(other_client.answer.get().is_none(), "keys are per client");
    }

    #[tokio::test(start_paused = true)]
    async fn keys_expire_and_the_oldest_is_evicted() {
        let store = IdempotencyStore::new(Duration::from_secs(60), 2);
        store.claim("c", "1", [1; 32]).unwrap();
        store.claim("c", "2", [2; 32]).unwrap();
        store.claim("c", "3", [3; 32]).unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.claim("c", "1", [9; 32]).is_ok(), "key 1 was evicted");
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(store.claim("c", "3", [9; 32]).is_ok(), "key 3 expired");
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn keys_are_checked() {
        assert!(check_key("0b7c6a4e-7d0e-4a3c-9d7f-1c3b2a190000").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("has space").is_err());
        assert!(check_key(&"k".repeat(256)).is_err());
    }
}
