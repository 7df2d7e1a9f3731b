//! The streaming counters of one replication in one report bucket.

use crate::histogram::WaitHistogram;

/// What one replication counted in one report bucket (or in the whole window).
///
/// Attempt outcomes (`dials` … `late`, the waits) count in the bucket where the attempt was dialled,
/// so `dials = live_answers + amd_false_positives + not_answered`, `live_answers = connected +
/// abandoned` and `not_answered = machines + busy + no_answer + invalid + other` hold exactly in
/// every bucket (other: the attempts of a scenario without an `outcomes` block that reached no one). Times (`busy_seconds`, `available_seconds`, `peak_lines`) count where they happen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Dial attempts started.
    pub dials: u64,
    /// Attempts a person answered and the dialer took for one (connected or abandoned).
    pub live_answers: u64,
    /// Attempts no person answered: machines, busy lines, no answers, invalid numbers (told apart
    /// below with an `outcomes` block) or, without one, "other".
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
    /// People hung up on because detection judged them machines (AMD false positives); they are
    /// not in `live_answers` and count in `not_answered`'s complement: every person who answered
    /// is `live_answers + amd_false_positives`.
    pub amd_false_positives: u64,
    /// Attempts an answering machine answered (with an `outcomes` block; otherwise in
    /// `not_answered` as "other").
    pub machines: u64,
    /// Machines connected to an agent (let through by detection, or with detection off).
    pub machines_to_agents: u64,
    /// Machines routed to an agent but dropped before one was free.
    pub machines_abandoned: u64,
    /// Attempts that found the line busy.
    pub busy: u64,
    /// Attempts no one answered before the no-answer timeout.
    pub no_answer: u64,
    /// Attempts to numbers that do not exist.
    pub invalid: u64,
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
        self.machines += other.machines;
        self.machines_to_agents += other.machines_to_agents;
        self.machines_abandoned += other.machines_abandoned;
        self.busy += other.busy;
        self.no_answer += other.no_answer;
        self.invalid += other.invalid;
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
