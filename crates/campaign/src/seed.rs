//! The seed of a simulation, derived from the request so the same request gives the same answer.

use contract::SimulateRequest;
use sha2::{Digest, Sha256};

/// SHA-256 of the campaign id and the request's canonical JSON.
///
/// Canonical: the request re-serialized from its parsed form, so key spelling (`callsAttempted` or
/// `calls_attempted`), key order, whitespace and number spelling (`145` or `145.0`) do not change it.
fn request_digest(request: &SimulateRequest, campaign_id: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(campaign_id.as_bytes());
    hasher.update([0u8]);
    // Serializing plain structs of numbers, strings and enums cannot fail; should it ever, the digest of
    // the campaign id alone is still deterministic.
    if let Ok(json) = serde_json::to_vec(request) {
        hasher.update(&json);
    }
    hasher.finalize().into()
}

/// The engine seed of a request: the top 53 bits of the first 8 bytes, big-endian, of the SHA-256 of
/// the campaign id and the request's canonical JSON (so snake_case or camelCase history, key order
/// and whitespace do not change it). 53 bits, at most [`contract::simulate::MAX_SEED`], so a JSON
/// reader that holds numbers as doubles (`jq`, JavaScript) keeps it exact.
pub fn derive_seed(request: &SimulateRequest, campaign_id: &str) -> u64 {
    let digest = request_digest(request, campaign_id);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) >> 11
}

/// The simulation id: a UUID built from bytes 8–23 of the digest, so a repeated request reports the
/// same simulation.
pub fn simulation_id(request: &SimulateRequest, campaign_id: &str, seed: u64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(request_digest(request, campaign_id));
    hasher.update(seed.to_be_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> SimulateRequest {
        serde_json::from_str(json).unwrap()
    }

    const SNAKE: &str = r#"{"predictiveDialerSettings":{"answerRate":0.38,"agentEfficiency":0.82,"interval":3,"maxCalls":50,"dialerType":"PREDICTIVE"},"simulationWindowMinutes":120,"historicalData":[{"time_bucket":"09:00-10:00","calls_attempted":500,"calls_answered":190,"avg_talk_time_seconds":145}]}"#;
    const CAMEL: &str = r#"{ "simulationWindowMinutes": 120, "historicalData": [{"timeBucket":"09:00-10:00","callsAttempted":500,"callsAnswered":190,"avgTalkTimeSeconds":145.0}], "predictiveDialerSettings":{"answerRate":0.38,"agentEfficiency":0.82,"interval":3,"maxCalls":50} }"#;

    #[test]
    fn seed_ignores_spelling_but_not_content() {
        let a = derive_seed(&request(SNAKE), "c1");
        assert_eq!(a, derive_seed(&request(CAMEL), "c1"));
        assert_ne!(a, derive_seed(&request(SNAKE), "c2"));
        let other = request(SNAKE).with_answer_rate(0.36);
        assert_ne!(a, derive_seed(&other, "c1"));
        assert!(
            a <= contract::simulate::MAX_SEED,
            "{a} does not fit in 53 bits"
        );
    }

    #[test]
    fn simulation_id_is_a_stable_uuid() {
        let r = request(SNAKE);
        let id = simulation_id(&r, "c1", 1);
        assert_eq!(id, simulation_id(&r, "c1", 1));
        assert_ne!(id, simulation_id(&r, "c1", 2));
        assert!(uuid::Uuid::parse_str(&id).is_ok());
    }
}
