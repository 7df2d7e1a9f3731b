//! The streaming counters of one replication in one report bucket.

use crate::histogram::WaitHistogram;

/// What one replication counted in one report bucket (or in the whole window).
///
/// Attempt outcomes (`dials` … `late`, the waits) count in the bucket where the attempt was dialled,
/// so `dials = live_answers + not_answered` and `live_answers = connected + abandoned` hold exactly in
/// every bucket. Times (`busy_seconds`, `available_seconds`, `peak_lines`) count where they happen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Dial attempts started.
    pub dials: u64,
    /// Attempts that reached a live person.
    pub live_answers: u64,
    /// Attempts that reached no one (no answer, busy, machine).
    pub not_answered: u64,
    /// Live answers connected to an agent.
    pub connected: u64,
    /// Live answers that reached no agent within their patience.
    pub abandoned: u64,
    /// Connected live answers that waited longer than `connect_within_seconds`.
    pub late: u64,
    /// Sum of the waits of connected live answers, in seconds.
    pub wait_seconds: f64,
    /// The waits of connected live answers.
    pub waits: WaitHistogram,
    /// Agent time talking or wrapping up, in agent-seconds.
    pub busy_seconds: f64,
    /// Agent time not paused, in agent-seconds.
    pub available_seconds: f64,
    /// Staffed agent time (paused or not), in agent-seconds.
    pub staffed_seconds: f64,
    /// Most lines in use at once (dialling, waiting or talking).
    pub peak_lines: u32,
    /// People hung up on because detection judged them machines (0 until AMD is simulated).
    pub amd_false_positives: u64,
    /// Machines detection let through to an agent (0 until AMD is simulated).
    pub machines_to_agents: u64,
}

impl Tally {
    /// Adds another tally (of a later bucket of the same replication) to this one.
    pub fn merge(&mut self, other: &Self) {
        self.dials += other.dials;
        self.live_answers += other.live_answers;
        self.not_answered += other.not_answered;
        self.connected += other.connected;
        self.abandoned += other.abandoned;
        self.late += other.late;
        self.wait_seconds += other.wait_seconds;
        self.waits.merge(&other.waits);
        self.busy_seconds += other.busy_seconds;
        self.available_seconds += other.available_seconds;
        self.staffed_seconds += other.staffed_seconds;
        self.peak_lines = self.peak_lines.max(other.peak_lines);
        self.amd_false_positives += other.amd_false_positives;
        self.machines_to_agents += other.machines_to_agents;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_counts_and_keeps_the_peak() {
        let mut a = Tally {
            dials: 3,
            live_answers: 1,
            not_answered: 2,
            connected: 1,
            peak_lines: 7,
            busy_seconds: 10.0,
            ..Tally::default()
        };
        let b = Tally {
            dials: 2,
            live_answers: 2,
            connected: 1,
            abandoned: 1,
            peak_lines: 5,
            busy_seconds: 5.0,
            ..Tally::default()
        };
        a.merge(&b);
        assert_eq!(
            (a.dials, a.live_answers, a.connected, a.abandoned),
            (5, 3, 2, 1)
        );
        assert_eq!(a.peak_lines, 7);
        assert_eq!(a.busy_seconds, 15.0);
    }
}
