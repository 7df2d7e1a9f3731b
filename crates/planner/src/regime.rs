//! The one place a plan's `--regime` meets the engine's compliance regimes (DESIGN §8), and the
//! number of windows a risk needs.
//!
//! The engine's regime table ([`dialer::Regime::ALL`]) decides what can be computed: a regime added
//! there is accepted here with no change.

use dialer::Regime;
use serde::{Deserialize, Deserializer, Serializer};

use crate::error::PlanError;

/// The regimes of DESIGN §8, as `--regime` names them.
pub const NAMES: [&str; 4] = ["fcc", "ofcom", "crtc", "cxone"];

/// The two-sided 95 % normal quantile of the Wilson interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The engine's regime named `key`.
pub fn resolve(key: &str) -> Result<Regime, PlanError> {
    if let Some(regime) = Regime::from_key(key) {
        return Ok(regime);
    }
    let computed: Vec<&str> = Regime::ALL.iter().map(|r| r.key()).collect();
    let message = if NAMES.contains(&key) {
        format!(
            "the {key} regime is not computed by this engine yet; the regimes it computes: {}",
            computed.join(", ")
        )
    } else {
        format!("unknown regime `{key}`; use one of {}", computed.join(", "))
    };
    Err(PlanError::flag("--regime", message))
}

/// The smallest `n` for which 0 windows over the limit in `n` gives a Wilson 95 % upper bound
/// below `risk`: `z² / (n + z²) < risk`.
pub fn windows_needed(risk: f64) -> u32 {
    let z2 = Z95 * Z95;
    (z2 / risk - z2).floor().max(0.0) as u32 + 1
}

/// Serialises a regime as its key (`"fcc"`).
pub fn serialize<S: Serializer>(regime: &Regime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(regime.key())
}

/// Reads a regime from its key.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Regime, D::Error> {
    let key = String::deserialize(deserializer)?;
    resolve(&key).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_replications_let_zero_breaches_meet_the_risk() {
        // 0 of 73: upper bound z²/(n+z²) just under 5 %; 0 of 72 just over.
        assert_eq!(windows_needed(0.05), 73);
        let upper = |n: u64| dialer::Share::wilson(0, n).ci95.unwrap()[1];
        assert!(upper(73) < 0.05 && upper(72) > 0.05);
        assert!(upper(u64::from(windows_needed(0.01))) < 0.01);
    }

    #[test]
    fn regimes_resolve_through_the_engines_table() {
        assert_eq!(resolve("fcc").unwrap(), Regime::Fcc);
        for key in NAMES {
            match resolve(key) {
                Ok(regime) => assert_eq!(regime.key(), key),
                Err(e) => assert!(
                    e.to_string().contains("not computed by this engine yet"),
                    "{e}"
                ),
            }
        }
        let err = resolve("eu").unwrap_err().to_string();
        assert!(err.starts_with("--regime: unknown regime `eu`"), "{err}");
    }
}
