//! `Idempotency-Key` replay: the same key with the same body gets the stored answer without simulating
//! again; the same key with another body is refused.
//!
//! Keys are scoped to the client that sent them, remembered for a while (24 h by default) in a store
//! bounded in keys and in bytes of stored answers (one day-long answer is megabytes) that forgets the
//! oldest first. A request still running holds its key: a retry with the same key
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
    /// Bytes of the stored answer, once [`IdempotencyStore::stored`] has counted it.
    bytes: usize,
}

/// The bounded, expiring key store.
pub struct IdempotencyStore {
    ttl: Duration,
    capacity: usize,
    max_bytes: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<(String, String), Entry>,
    /// Keys in arrival order, for expiry and eviction of the oldest.
    order: VecDeque<(String, String)>,
    /// Bytes of all stored answers counted so far.
    bytes: usize,
}

impl Entries {
    /// Forgets the oldest key (whatever its state: a request still running keeps its own handle on
    /// the slot and answers normally).
    fn evict_oldest(&mut self) {
        if let Some(front) = self.order.pop_front()
            && let Some(entry) = self.by_key.remove(&front)
        {
            self.bytes -= entry.bytes;
        }
    }
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
    /// A store remembering at most `capacity` keys for `ttl` each, holding at most `max_bytes` of
    /// answers.
    pub fn new(ttl: Duration, capacity: usize, max_bytes: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            max_bytes,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// Counts the answer now stored in `client`'s `key` slot, then forgets the oldest keys until the
    /// answers fit in the byte budget. An answer larger than the whole budget is not kept: its key is
    /// forgotten, so a retry simulates again (and gets the same answer: the seed derives from the
    /// request).
    pub fn stored(&self, client: &str, key: &str, bytes: usize) {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let id = (client.to_owned(), key.to_owned());
        let Some(entry) = entries.by_key.get_mut(&id) else {
            return;
        };
        if entry.bytes != 0 {
            return;
        }
        if bytes > self.max_bytes {
            entries.by_key.remove(&id);
            entries.order.retain(|k| *k != id);
            return;
        }
        entry.bytes = bytes;
        entries.bytes += bytes;
        while entries.bytes > self.max_bytes {
            entries.evict_oldest();
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
            entries.evict_oldest();
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
                bytes: 0,
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

    /// Bytes of answers held now.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn same_key_same_body_shares_a_slot_other_body_is_422() {
        let store = IdempotencyStore::new(Duration::from_secs(60), 10, 1 << 20);
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
        let store = IdempotencyStore::new(Duration::from_secs(60), 2, 1 << 20);
        store.claim("c", "1", [1; 32]).unwrap();
        store.claim("c", "2", [2; 32]).unwrap();
        store.claim("c", "3", [3; 32]).unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.claim("c", "1", [9; 32]).is_ok(), "key 1 was evicted");
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(store.claim("c", "3", [9; 32]).is_ok(), "key 3 expired");
        assert_eq!(store.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn answers_are_bounded_in_bytes_not_only_in_keys() {
        let store = IdempotencyStore::new(Duration::from_secs(60), 100, 1000);
        for k in 0..5u8 {
            store.claim("c", &k.to_string(), [k; 32]).unwrap();
            store.stored("c", &k.to_string(), 400);
        }
        // 5 × 400 bytes do not fit in 1000: only the two newest answers are kept.
        assert_eq!(store.len(), 2);
        assert_eq!(store.bytes(), 800);
        assert!(store.claim("c", "0", [9; 32]).is_ok(), "key 0 was evicted");
        assert!(store.claim("c", "4", [9; 32]).is_err(), "key 4 is kept");
        // An answer over the whole budget is not kept at all, and evicts nothing.
        store.claim("c", "big", [7; 32]).unwrap();
        store.stored("c", "big", 1001);
        assert!(
            store.claim("c", "big", [8; 32]).is_ok(),
            "the big answer was not kept"
        );
        assert!(
            store.claim("c", "4", [9; 32]).is_err(),
            "key 4 is still kept"
        );
        assert!(store.bytes() <= 1000);
    }

    #[test]
    fn keys_are_checked() {
        assert!(check_key("0b7c6a4e-7d0e-4a3c-9d7f-1c3b2a190000").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("has space").is_err());
        assert!(check_key(&"k".repeat(256)).is_err());
    }
}
