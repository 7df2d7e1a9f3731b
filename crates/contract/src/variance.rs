//! Variance analysis: is the simulated answer rate consistent with history?
//!
//! Computed exactly as the seed does: the unweighted mean of the bucket answer rates over buckets with
//! attempts, and the relative deviation of the simulated rate from it.
//!
//! Live with live: when history's `calls_answered` counts answering machines too
//! (`answered_includes_machines`), each bucket's rate is its answered rate minus the machine share
//! ([`live_rate`]) before the mean is taken, so the simulated live-answer rate is held against
//! history's live-answer rate.

use serde::{Deserialize, Serialize};

use crate::payload::HistoricalBucket;

/// The outcome of the variance check, with the seed's field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VarianceAnalysis {
    /// The answer rate the simulation produced.
    pub simulated_rate: f64,
    /// Unweighted mean of `calls_answered / calls_attempted` over buckets with attempts (less the
    /// machine share per bucket when the answered calls count machines).
    pub historical_mean_rate: f64,
    /// `|simulated − historical| / historical`.
    pub variance: f64,
    /// The largest variance accepted.
    pub compliance_threshold: f64,
    /// `variance <= compliance_threshold`.
    pub is_compliant: bool,
    /// `PASS` or `FAIL`.
    pub variance_status: String,
}

/// Why a variance could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VarianceError {
    /// No bucket has attempts, so history has no answer rate.
    #[error("the historical matrix has no bucket with calls attempted, so it gives no answer rate")]
    NoAttempts,
    /// Every bucket with attempts has zero answers: a relative deviation from 0 is undefined.
    #[error(
        "the historical answer rate is 0 (no bucket has answered calls), so a relative variance is undefined"
    )]
    ZeroHistoricalRate,
    /// The simulated rate is not a finite number.
    #[error("the simulated answer rate {0} is not a finite number")]
    NotFinite(f64),
}

/// The seed's unweighted mean bucket answer rate, over buckets with attempts: the one copy of this
/// formula (the campaign mapping scales bucket rates by it too).
pub fn historical_mean_rate(history: &[HistoricalBucket]) -> Option<f64> {
    mean_of_rates(history.iter().filter_map(HistoricalBucket::answer_rate))
}

/// The unweighted mean of bucket answer rates (buckets without attempts left out by the caller);
/// `None` for no rates.
pub fn mean_of_rates(rates: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = rates
        .into_iter()
        .fold((0.0, 0_u32), |(sum, n), rate| (sum + rate, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// A bucket's live-answer rate from its answered rate: less `machines_in_answered`, the share of
/// attempts machines answered when the answered calls count them (0 when they do not), never
/// below 0.
pub fn live_rate(answered_rate: f64, machines_in_answered: f64) -> f64 {
    if machines_in_answered > 0.0 {
        (answered_rate - machines_in_answered).max(0.0)
    } else {
        answered_rate
    }
}

/// [`historical_mean_rate`] of the live-answer rates ([`live_rate`]).
pub fn historical_live_rate(
    history: &[HistoricalBucket],
    machines_in_answered: f64,
) -> Option<f64> {
    mean_of_rates(
        history
            .iter()
            .filter_map(HistoricalBucket::answer_rate)
            .map(|rate| live_rate(rate, machines_in_answered)),
    )
}

/// Compares the simulated rate with history against `threshold`.
pub fn analyse(
    simulated_rate: f64,
    history: &[HistoricalBucket],
    threshold: f64,
) -> Result<VarianceAnalysis, VarianceError> {
    analyse_live(simulated_rate, history, threshold, 0.0)
}

/// [`analyse`] with history's answered calls holding `machines_in_answered` of the attempts as
/// machines ([`crate::Payload::machines_in_answered`]): the simulated live-answer rate against
/// history's live-answer rate.
pub fn analyse_live(
    simulated_rate: f64,
    history: &[HistoricalBucket],
    threshold: f64,
    machines_in_answered: f64,
) -> Result<VarianceAnalysis, VarianceError> {
    if !simulated_rate.is_finite() {
        return Err(VarianceError::NotFinite(simulated_rate));
    }
    let mean =
        historical_live_rate(history, machines_in_answered).ok_or(VarianceError::NoAttempts)?;
    if mean == 0.0 {
        return Err(VarianceError::ZeroHistoricalRate);
    }
    let variance = (simulated_rate - mean).abs() / mean;
    let is_compliant = variance <= threshold;
    Ok(VarianceAnalysis {
        simulated_rate,
        historical_mean_rate: mean,
        variance,
        compliance_threshold: threshold,
        is_compliant,
        variance_status: if is_compliant { "PASS" } else { "FAIL" }.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(attempted: u64, answered: u64) -> HistoricalBucket {
        HistoricalBucket {
            time_bucket: "09:00-10:00".into(),
            calls_attempted: attempted,
            calls_answered: answered,
            avg_talk_time_seconds: 120.0,
            abandons: None,
        }
    }

    #[test]
    fn seed_example_mean_is_unweighted() {
        let history = [
            bucket(500, 190),
            bucket(620, 245),
            bucket(480, 175),
            bucket(0, 0),
        ];
        let mean = historical_mean_rate(&history).unwrap();
        let expected = (190.0 / 500.0 + 245.0 / 620.0 + 175.0 / 480.0) / 3.0;
        assert!((mean - expected).abs() < 1e-15);
        let v = analyse(0.36, &history, 0.10).unwrap();
        assert!((v.variance - (0.36 - expected).abs() / expected).abs() < 1e-15);
        assert!(v.is_compliant);
        assert_eq!(v.variance_status, "PASS");
    }

    #[test]
    fn answered_calls_with_machines_are_compared_live_with_live() {
        let history = [bucket(500, 390), bucket(620, 445)];
        let answered = (390.0 / 500.0 + 445.0 / 620.0) / 2.0;
        let v = analyse_live(0.38, &history, 0.10, 0.40).unwrap();
        assert!((v.historical_mean_rate - (answered - 0.40)).abs() < 1e-12);
        assert_eq!(
            analyse_live(0.38, &history, 0.10, 0.0),
            analyse(0.38, &history, 0.10)
        );
        assert_eq!(live_rate(0.3, 0.4), 0.0);
        assert_eq!(live_rate(0.3, 0.0), 0.3);
    }

    #[test]
    fn over_threshold_fails() {
        let v = analyse(0.5, &[bucket(100, 38)], 0.10).unwrap();
        assert!(!v.is_compliant);
        assert_eq!(v.variance_status, "FAIL");
    }

    #[test]
    fn zero_rate_and_no_attempts_are_errors_not_nan() {
        assert_eq!(
            analyse(0.3, &[bucket(0, 0)], 0.1),
            Err(VarianceError::NoAttempts)
        );
        assert_eq!(
            analyse(0.3, &[bucket(10, 0)], 0.1),
            Err(VarianceError::ZeroHistoricalRate)
        );
        assert!(matches!(
            analyse(f64::NAN, &[bucket(10, 3)], 0.1),
            Err(VarianceError::NotFinite(_))
        ));
    }
}
