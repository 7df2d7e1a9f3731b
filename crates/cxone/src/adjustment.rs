//! The probability-adjustment loop: when the server says abandonment at this answer rate would pass
//! the limit (a 400 whose detail contains "probability adjustment"), ask again 0.02 lower.

use crate::backend::SimulateBackend;
use crate::error::{Endpoint, Error};
use crate::simulate::{ErrorBody, SimulateRequest, SimulateResponse, is_probability_adjustment};

/// How much each adjustment lowers the answer rate.
pub const ADJUSTMENT_STEP: f64 = 0.02;
/// The lowest answer rate an adjustment goes to (the contract's lower bound).
pub const MIN_ANSWER_RATE: f64 = 0.05;

/// A simulation that succeeded, perhaps after adjustments.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    /// The server's answer.
    pub response: SimulateResponse,
    /// HTTP requests made in total, over all adjustments.
    pub attempts: u32,
    /// Adjustments made (0 when the first answer rate was accepted).
    pub adjustments: u32,
    /// The answer rate of the request that succeeded, after adjustments.
    pub answer_rate_requested: f64,
}

/// Simulates `body`; on the probability-adjustment 400 lowers `answerRate` by 0.02 (never below 0.05)
/// and tries again under a new `Idempotency-Key`, at most `max_adjustments` times. Stops with
/// [`Error::AdjustmentsExhausted`] when the adjustments are spent or the rate is already at 0.05.
pub async fn simulate_with_adjustments<B: SimulateBackend>(
    backend: &B,
    campaign_id: &str,
    body: &SimulateRequest,
    max_adjustments: u32,
) -> Result<Simulated, Error> {
    let mut request = body.clone();
    let mut attempts = 0;
    let mut adjustments = 0;
    loop {
        // A new body needs a new key: a server would refuse the old key with another body.
        let key = uuid::Uuid::new_v4().to_string();
        let rate = request.predictive_dialer_settings.answer_rate;
        match backend.simulate(campaign_id, &request, &key).await {
            Ok(done) => {
                return Ok(Simulated {
                    response: done.value,
                    attempts: attempts + done.attempts,
                    adjustments,
                    answer_rate_requested: rate,
                });
            }
            Err(Error::Status {
                status: 400,
                endpoint: Endpoint::Simulate,
                detail,
                body,
                attempts: tried,
                ..
            }) if is_probability_adjustment(&detail) => {
                attempts += tried;
                if adjustments >= max_adjustments || rate <= MIN_ANSWER_RATE {
                    let last_simulation = serde_json::from_str::<ErrorBody>(&body)
                        .ok()
                        .and_then(|refusal| refusal.simulation);
                    return Err(Error::AdjustmentsExhausted {
                        adjustments,
                        last_answer_rate: rate,
                        detail,
                        attempts,
                        last_simulation,
                    });
                }
                let next = lowered(rate);
                adjustments += 1;
                tracing::info!(
                    from = rate,
                    to = next,
                    adjustments,
                    "the server asked for a probability adjustment; lowering the answer rate"
                );
                request = request.with_answer_rate(next);
            }
            Err(other) => return Err(other),
        }
    }
}

/// `rate − 0.02`, not below 0.05, rounded to six decimals so that 0.38 becomes 0.36 and not
/// 0.36000000000000004 on the wire.
pub fn lowered(rate: f64) -> f64 {
    let next = ((rate - ADJUSTMENT_STEP) * 1e6).round() / 1e6;
    next.max(MIN_ANSWER_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_steps_by_two_points_down_to_the_floor() {
        assert_eq!(lowered(0.38), 0.36);
        assert_eq!(lowered(0.375), 0.355);
        assert_eq!(lowered(0.07), 0.05);
        assert_eq!(lowered(0.06), 0.05);
        assert_eq!(lowered(0.05), 0.05);
        assert_eq!(serde_json::to_string(&lowered(0.38)).unwrap(), "0.36");
    }
}
