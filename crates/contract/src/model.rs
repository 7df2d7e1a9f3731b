//! The campaign model's fixed assumptions (DESIGN §5.5), shared by the payload → request step
//! (the default line cap) and the request → scenario mapping in the `campaign` crate.

/// Mean ring time of a live answer, in seconds.
pub const LIVE_RING_MEAN_SECONDS: f64 = 8.0;
/// Coefficient of variation of the ring time of a live answer.
pub const LIVE_RING_CV: f64 = 0.5;
/// Ring time of an attempt that reaches no one (the no-answer timeout), in seconds.
pub const NO_ANSWER_SECONDS: f64 = 20.0;
/// Coefficient of variation of talk time.
pub const TALK_CV: f64 = 1.0;
/// The dialer's drop timer: a live answer it cannot connect within this is released.
pub const DROP_TIMER_SECONDS: f64 = 2.0;
/// The seed's `maxCalls`, and the smallest default cap.
pub const SEED_MAX_CALLS: u32 = 50;
/// Headroom of the default line cap over the lines a fully busy campaign keeps in use.
pub const LINE_HEADROOM: f64 = 2.0;

/// The default line cap: enough lines that the cap never starves the dialer.
///
/// A connect costs `1/p` attempts of mean ring `p·8 s + (1 − p)·20 s`, so with every agent busy
/// talking for `talk` seconds a campaign keeps `agents × (1 + ring_per_connect / talk)` lines in use;
/// the cap is twice that (at least the seed's 50, at most `max`), taking the shortest talk time.
pub fn default_max_calls(
    agents: u64,
    answer_rate: f64,
    shortest_talk_seconds: f64,
    max: u32,
) -> u32 {
    let p = answer_rate.clamp(0.01, 1.0);
    let ring_per_connect = (p * LIVE_RING_MEAN_SECONDS + (1.0 - p) * NO_ANSWER_SECONDS) / p;
    let per_agent = 1.0 + ring_per_connect / shortest_talk_seconds.max(1.0);
    let lines = (LINE_HEADROOM * agents as f64 * per_agent).ceil();
    if lines.is_finite() {
        (lines.min(f64::from(max)) as u32).max(SEED_MAX_CALLS.min(max))
    } else {
        max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_keeps_the_seed_and_scales_with_the_agents() {
        assert_eq!(default_max_calls(12, 0.38, 138.0, 100_000), 50);
        let thousand = default_max_calls(1000, 0.38, 138.0, 100_000);
        // 1 000 agents keep ~1 290 lines in use; the seed's 50 would starve them.
        assert!(thousand >= 2 * 1290 - 10, "{thousand}");
        assert!(
            default_max_calls(100, 0.38, 138.0, 100_000)
                > default_max_calls(10, 0.38, 138.0, 100_000)
        );
        assert_eq!(default_max_calls(10_000, 0.05, 1.0, 100_000), 100_000);
    }
}
