//! The compliance regimes a plan can be held to (DESIGN §8): their limits, periods and formulas,
//! in this one place.
//!
//! The engine does not simulate answering machines yet, so AMD false positives and machines sent to
//! agents are 0 and the formulas reduce to counts the engine has: FCC, Ofcom and CRTC count
//! `(abandoned + late) / live`, CXone's report `abandoned / live`.

use serde::{Deserialize, Serialize};

/// A compliance regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Regime {
    /// FCC/FTC (US): 3 % of live answers per campaign per 30 days.
    Fcc,
    /// Ofcom (UK): 3 % per campaign per 24 hours.
    Ofcom,
    /// CRTC (Canada): 5 % per calendar month.
    Crtc,
    /// CXone's Abandon Rate Compliance Report: 3 % per business unit per calendar day.
    Cxone,
}

/// One simulated window's counts, as the regimes' formulas need them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Live answers.
    pub live: u64,
    /// Live answers that reached no agent in time.
    pub abandoned: u64,
    /// Live answers connected after `connect_within_seconds`.
    pub late: u64,
}

impl WindowCounts {
    /// Adds another window's counts (periods pool numerators and denominators, as the rules do).
    pub fn add(&mut self, other: &Self) {
        self.live += other.live;
        self.abandoned += other.abandoned;
        self.late += other.late;
    }
}

impl Regime {
    /// Every regime, in report order.
    pub const ALL: [Regime; 4] = [Regime::Fcc, Regime::Ofcom, Regime::Crtc, Regime::Cxone];

    /// The name used on the command line and as the key of the `compliance` object.
    pub fn name(self) -> &'static str {
        match self {
            Regime::Fcc => "fcc",
            Regime::Ofcom => "ofcom",
            Regime::Crtc => "crtc",
            Regime::Cxone => "cxone",
        }
    }

    /// Parses a `--regime` value.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == text)
    }

    /// The highest abandonment share the regime allows.
    pub fn limit(self) -> f64 {
        match self {
            Regime::Fcc | Regime::Ofcom | Regime::Cxone => dialer::pacing::LEGAL_ABANDON_LIMIT,
            Regime::Crtc => 0.05,
        }
    }

    /// The period the limit applies over, in words.
    pub fn period(self) -> &'static str {
        match self {
            Regime::Fcc => "30 days, per campaign",
            Regime::Ofcom => "24 hours, per campaign",
            Regime::Crtc => "calendar month",
            Regime::Cxone => "calendar day, per business unit",
        }
    }

    /// Simulated windows (one a day) that make one period.
    pub fn period_days(self) -> usize {
        match self {
            Regime::Fcc | Regime::Crtc => 30,
            Regime::Ofcom | Regime::Cxone => 1,
        }
    }

    /// The regime's rate over some counts as `(numerator, denominator)`.
    pub fn fraction(self, counts: &WindowCounts) -> (u64, u64) {
        match self {
            Regime::Fcc | Regime::Ofcom | Regime::Crtc => {
                (counts.abandoned + counts.late, counts.live)
            }
            Regime::Cxone => (counts.abandoned, counts.live),
        }
    }
}
