//! The compliance regimes (DESIGN §8): one table entry each.
//!
//! Adding a regime is this file only: a variant of [`Regime`], its place in [`Regime::ALL`] and its
//! [`ComplianceRule`] in [`Regime::rule`]. The report, the JSON object and every caller that lists
//! the regimes pick it up from there.

use super::{ComplianceRule, PeriodCounts};

/// A body of rules a campaign's abandonment is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Regime {
    /// The US FCC/FTC rule: 3 % of live answers per campaign over 30 days.
    Fcc,
    /// The UK Ofcom rule: 3 % of live answers per campaign over 24 hours, AMD false positives
    /// included.
    Ofcom,
    /// The Canadian CRTC rule: 5 % of live answers per calendar month.
    Crtc,
    /// CXone's Abandon Rate Compliance Report: 3 % of the calls it sees handled or abandoned,
    /// per business unit per calendar day.
    Cxone,
}

impl Regime {
    /// Every regime, in report order.
    pub const ALL: &'static [Regime] = &[Regime::Fcc, Regime::Ofcom, Regime::Crtc, Regime::Cxone];

    /// The regime's rule: its formula, limit and period.
    pub const fn rule(self) -> ComplianceRule {
        match self {
            Regime::Fcc => ComplianceRule {
                key: "fcc",
                limit: 0.03,
                period: "30 days, per campaign",
                period_days: 30,
                counts: people_counts,
            },
            Regime::Ofcom => ComplianceRule {
                key: "ofcom",
                limit: 0.03,
                period: "24 hours, per campaign",
                period_days: 1,
                counts: people_counts,
            },
            Regime::Crtc => ComplianceRule {
                key: "crtc",
                limit: 0.05,
                period: "calendar month",
                period_days: 30,
                counts: people_counts,
            },
            Regime::Cxone => ComplianceRule {
                key: "cxone",
                limit: 0.03,
                period: "calendar day, per business unit",
                period_days: 1,
                counts: cxone_counts,
            },
        }
    }

    /// The most abandonment the regime allows, as a fraction of its denominator.
    pub const fn limit(self) -> f64 {
        self.rule().limit
    }

    /// The regime's key in the `compliance` object and on the command line (`fcc`).
    pub const fn key(self) -> &'static str {
        self.rule().key
    }

    /// The regime with this key, if any.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.key() == key)
    }

    /// Whether the regime's formula counts a person hung up on as a machine (an AMD false
    /// positive) against its limit, read from the formula itself.
    pub fn counts_false_positives(self) -> bool {
        let one = PeriodCounts {
            false_positives: 1,
            ..PeriodCounts::default()
        };
        (self.rule().counts)(&one).0 > 0
    }

    /// Position in [`Regime::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// FCC/FTC, Ofcom and CRTC: `(abandoned + late + fp) / (live + fp)`; every person who answered is
/// in the denominator, and a person hung up on as a machine counts as abandoned (the conservative
/// reading of the FCC/FTC rule; Ofcom's "reasoned estimate" of false positives is here the
/// simulated count).
fn people_counts(c: &PeriodCounts) -> (u64, u64) {
    (
        c.abandoned + c.late + c.false_positives,
        c.live + c.false_positives,
    )
}

/// CXone's Abandon Rate Compliance Report: `abandoned / (handled − machines sent to agents +
/// abandoned)`. It counts what the dialer sees: a machine detection let through and the dialer
/// then dropped is an abandon to it, a person hung up on as a machine is not, and a late connect
/// is a connect.
fn cxone_counts(c: &PeriodCounts) -> (u64, u64) {
    let abandoned = c.abandoned + c.machines_abandoned;
    (
        abandoned,
        (c.handled - c.machines_to_agents.min(c.handled)) + abandoned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regimes_are_listed_in_index_order_with_unique_keys() {
        for (i, regime) in Regime::ALL.iter().enumerate() {
            assert_eq!(regime.index(), i);
            assert_eq!(Regime::from_key(regime.key()), Some(*regime));
            assert!((0.0..1.0).contains(&regime.limit()), "{regime:?}");
            assert!(regime.rule().period_days >= 1);
        }
        assert_eq!(Regime::from_key("nope"), None);
    }

    #[test]
    fn only_cxone_leaves_false_positives_out() {
        for &regime in Regime::ALL {
            assert_eq!(
                regime.counts_false_positives(),
                regime != Regime::Cxone,
                "{regime:?}"
            );
        }
    }

    #[test]
    fn the_fcc_formula_counts_late_calls_and_false_positives_as_abandoned() {
        let counts = PeriodCounts {
            live: 100,
            abandoned: 2,
            late: 1,
            false_positives: 4,
            ..PeriodCounts::default()
        };
        assert_eq!((Regime::Fcc.rule().counts)(&counts), (7, 104));
        // Ofcom and the CRTC count the same way, over their own periods and limits.
        assert_eq!((Regime::Ofcom.rule().counts)(&counts), (7, 104));
        assert_eq!((Regime::Crtc.rule().counts)(&counts), (7, 104));
        assert_eq!(Regime::Ofcom.rule().period_days, 1);
        assert_eq!(Regime::Crtc.limit(), 0.05);
    }

    #[test]
    fn the_cxone_report_sees_the_dialers_drops_only() {
        // 98 people handled (1 late) and 2 dropped; 4 people hung up on as machines; 5 machines
        // let through to agents, 1 more dropped before one was free.
        let counts = PeriodCounts {
            live: 100,
            abandoned: 2,
            late: 1,
            false_positives: 4,
            handled: 98 + 5,
            machines_to_agents: 5,
            machines_abandoned: 1,
        };
        assert_eq!((Regime::Cxone.rule().counts)(&counts), (3, 101));
        assert_eq!(Regime::Cxone.rule().period_days, 1);
    }
}
