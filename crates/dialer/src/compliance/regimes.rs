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
}

impl Regime {
    /// Every regime, in report order.
    pub const ALL: &'static [Regime] = &[Regime::Fcc];

    /// The regime's rule: its formula, limit and period.
    pub const fn rule(self) -> ComplianceRule {
        match self {
            Regime::Fcc => ComplianceRule {
                key: "fcc",
                limit: 0.03,
                period: "30 days, per campaign",
                period_days: 30,
                counts: fcc_counts,
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

    /// Position in [`Regime::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// FCC/FTC: `(abandoned + late + fp) / (live + fp)`; every person who answered is in the
/// denominator, and a person hung up on as a machine counts as abandoned.
fn fcc_counts(c: &PeriodCounts) -> (u64, u64) {
    (
        c.abandoned + c.late + c.false_positives,
        c.live + c.false_positives,
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
    fn the_fcc_formula_counts_late_calls_and_false_positives_as_abandoned() {
        let counts = PeriodCounts {
            live: 100,
            abandoned: 2,
            late: 1,
            false_positives: 4,
            ..PeriodCounts::default()
        };
        assert_eq!((Regime::Fcc.rule().counts)(&counts), (7, 104));
    }
}
