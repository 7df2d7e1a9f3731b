//! How a dial attempt ends (DESIGN §9), and what becomes of a live answer.
//!
//! The engine tells pacing strategies about both through these types, never through booleans, so
//! that a new kind of outcome (answering machines told apart, AMD verdicts) reaches the strategies
//! without changing their signatures: a strategy asks [`DialOutcome::is_live`] or
//! [`LiveOutcome::is_drop`] and keeps working when variants are added.

/// What a dial attempt reached when it stopped ringing.
///
/// A scenario without an `outcomes` block (all of today's) tells only [`DialOutcome::Live`] from
/// [`DialOutcome::Other`]; the finer kinds are for scenarios that give their shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DialOutcome {
    /// A person answered.
    Live,
    /// An answering machine answered.
    Machine,
    /// The line was busy.
    Busy,
    /// No one answered before the no-answer timeout.
    NoAnswer,
    /// The number does not exist or cannot be reached.
    Invalid,
    /// No person answered: no answer, busy or machine, not told apart.
    Other,
}

impl DialOutcome {
    /// Whether a person answered.
    #[inline]
    pub fn is_live(self) -> bool {
        matches!(self, Self::Live)
    }
}

/// What answering-machine detection decided about an answered attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmdVerdict {
    /// Judged a person: the call is routed to an agent.
    Person,
    /// Judged a machine: the dialer hangs up (a person judged so is an AMD false positive).
    Machine,
}

/// What became of a live answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiveOutcome {
    /// Connected to an agent within `connect_within_seconds`.
    Connected,
    /// Connected to an agent, but later than `connect_within_seconds` (the law counts it as
    /// abandoned).
    ConnectedLate,
    /// Reached no agent within its patience.
    Abandoned,
    /// Judged a machine by answering-machine detection and hung up on (an AMD false positive): the
    /// FCC/FTC, Ofcom and CRTC formulas count it as abandoned, CXone's report not at all.
    HungUpAsMachine,
}

impl LiveOutcome {
    /// Whether the law counts it against the abandonment limit (abandoned, connected late or hung
    /// up on as a machine).
    #[inline]
    pub fn is_drop(self) -> bool {
        !matches!(self, Self::Connected)
    }

    /// Whether it reached no agent at all.
    #[inline]
    pub fn is_abandoned(self) -> bool {
        matches!(self, Self::Abandoned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_person_is_live_and_only_a_timely_connect_is_no_drop() {
        assert!(DialOutcome::Live.is_live());
        for other in [
            DialOutcome::Machine,
            DialOutcome::Busy,
            DialOutcome::NoAnswer,
            DialOutcome::Invalid,
            DialOutcome::Other,
        ] {
            assert!(!other.is_live(), "{other:?}");
        }
        assert!(!LiveOutcome::Connected.is_drop());
        assert!(LiveOutcome::ConnectedLate.is_drop());
        assert!(LiveOutcome::Abandoned.is_drop());
        assert!(LiveOutcome::HungUpAsMachine.is_drop());
        assert!(!LiveOutcome::HungUpAsMachine.is_abandoned());
        assert!(!LiveOutcome::ConnectedLate.is_abandoned());
        assert!(LiveOutcome::Abandoned.is_abandoned());
    }
}
