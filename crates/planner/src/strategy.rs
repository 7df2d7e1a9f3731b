//! The strategies a plan sweeps, as typed after `--strategy`:
//! `progressive`, `predictive[:T | :LO..HI[:STEP]]`, `ratio[:L | :LO..HI | :LO..HI:STEP]`,
//! `adaptive[:hard|tapered|average[:DROP_TARGET]]`.
//!
//! A ratio range without a step is a **bisection** on the level: the highest level whose breach
//! risk stays within bounds is found in a handful of runs instead of a fine grid.

use dialer::{AdaptiveVariant, DialerMode};
use serde::{Deserialize, Serialize};

use crate::error::PlanError;
use crate::range::Range;

/// The flag strategies come from.
const FLAG: &str = "--strategy";
/// Highest ratio level the engine takes.
pub const MAX_RATIO_LEVEL: f64 = 10.0;
/// Highest abandon (drop) target a strategy may aim at: above every regime's limit there is no
/// point in planning.
pub const MAX_TARGET: f64 = 0.05;
/// A bisection stops when the qualifying and failing levels are this close.
pub const BISECT_TOLERANCE: f64 = 0.05;
/// Predictive targets of a range given without a step.
const DEFAULT_TARGET_POINTS: usize = 3;

/// The default strategies: progressive, predictive at three targets and a ratio bisection.
pub const DEFAULT_STRATEGIES: &str = "progressive,predictive:0.01..0.02,ratio:1.0..3.0";

/// One thing to sweep for every agent count: a fixed dialer, or a bisection on the ratio level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "sweep", rename_all = "lowercase", deny_unknown_fields)]
pub enum Sweep {
    /// One dialer setting.
    Fixed {
        /// The dialer.
        dialer: DialerMode,
    },
    /// The highest ratio level in `lo..=hi` whose breach risk stays within bounds, by bisection.
    Bisect {
        /// Lowest level tried.
        lo: f64,
        /// Highest level tried.
        hi: f64,
        /// Stop when the bracket is this narrow.
        tolerance: f64,
    },
}

/// Parses a comma-separated `--strategy` list into the sweeps it stands for, in order.
pub fn parse_strategies(text: &str) -> Result<Vec<Sweep>, PlanError> {
    let mut sweeps = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(PlanError::flag(
                FLAG,
                format!("an empty entry in `{text}`; separate strategies with single commas"),
            ));
        }
        parse_one(item, &mut sweeps)?;
    }
    Ok(sweeps)
}

fn parse_one(item: &str, out: &mut Vec<Sweep>) -> Result<(), PlanError> {
    let (name, rest) = match item.split_once(':') {
        Some((name, rest)) => (name, Some(rest)),
        None => (item, None),
    };
    match name {
        "progressive" => match rest {
            None => out.push(Sweep::Fixed {
                dialer: DialerMode::Progressive,
            }),
            Some(_) => {
                return Err(PlanError::flag(
                    FLAG,
                    format!("`{item}`: progressive takes no parameter"),
                ));
            }
        },
        "predictive" => {
            let range = Range::parse(rest.unwrap_or("0.025"), FLAG)?;
            for target in range.points(DEFAULT_TARGET_POINTS, FLAG)? {
                check_target(item, "abandon target", target)?;
                out.push(Sweep::Fixed {
                    dialer: DialerMode::Predictive {
                        abandon_target: target,
                    },
                });
            }
        }
        "ratio" => {
            let range = Range::parse(rest.unwrap_or("1.0..3.0"), FLAG)?;
            for level in [range.lo, range.hi] {
                if !(1.0..=MAX_RATIO_LEVEL).contains(&level) {
                    return Err(PlanError::flag(
                        FLAG,
                        format!(
                            "`{item}`: a ratio level must be between 1 and {MAX_RATIO_LEVEL}, got {level}"
                        ),
                    ));
                }
            }
            if range.lo < range.hi && range.step.is_none() {
                out.push(Sweep::Bisect {
                    lo: range.lo,
                    hi: range.hi,
                    tolerance: BISECT_TOLERANCE,
                });
            } else {
                for level in range.points(2, FLAG)? {
                    out.push(Sweep::Fixed {
                        dialer: DialerMode::Ratio { level },
                    });
                }
            }
        }
        "adaptive" => {
            let mut parts = rest.unwrap_or("hard").splitn(2, ':');
            let variant = match parts.next().unwrap_or("hard") {
                "hard" => AdaptiveVariant::Hard,
                "tapered" => AdaptiveVariant::Tapered,
                "average" => AdaptiveVariant::Average,
                other => {
                    return Err(PlanError::flag(
                        FLAG,
                        format!(
                            "`{item}`: unknown adaptive variant `{other}`; use hard, tapered or average"
                        ),
                    ));
                }
            };
            let drop_target = match parts.next() {
                Some(text) => {
                    let range = Range::parse(text, FLAG)?;
                    if range.lo != range.hi {
                        return Err(PlanError::flag(
                            FLAG,
                            format!("`{item}`: give one drop target, not a range"),
                        ));
                    }
                    check_target(item, "drop target", range.lo)?;
                    range.lo
                }
                None => dialer::Regime::Fcc.limit(),
            };
            out.push(Sweep::Fixed {
                dialer: DialerMode::Adaptive {
                    variant,
                    drop_target,
                    max_level: 3.0,
                    intensity: 0.0,
                },
            });
        }
        other => {
            return Err(PlanError::flag(
                FLAG,
                format!(
                    "unknown strategy `{other}`; use progressive, predictive[:TARGET|:LO..HI], \
                     ratio[:LEVEL|:LO..HI[:STEP]] or adaptive[:hard|tapered|average]"
                ),
            ));
        }
    }
    Ok(())
}

fn check_target(item: &str, what: &str, target: f64) -> Result<(), PlanError> {
    if target > 0.0 && target <= MAX_TARGET {
        Ok(())
    } else {
        Err(PlanError::flag(
            FLAG,
            format!(
                "`{item}`: the {what} must be above 0 and at most {MAX_TARGET} (a share, 0.02 = 2 %), got {target}"
            ),
        ))
    }
}

/// A dialer setting for people: `ratio 1.35`, `predictive 2.0 %`, `adaptive hard`.
pub fn describe(dialer: &DialerMode) -> String {
    dialer.describe()
}

/// The strategy family of a setting (for charts with one line per strategy).
pub fn family(dialer: &DialerMode) -> String {
    match dialer {
        DialerMode::Ratio { .. } => "ratio".into(),
        other => describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_expands_to_five_sweeps() {
        let sweeps = parse_strategies(DEFAULT_STRATEGIES).unwrap();
        assert_eq!(sweeps.len(), 5);
        assert_eq!(
            sweeps[0],
            Sweep::Fixed {
                dialer: DialerMode::Progressive
            }
        );
        let targets: Vec<f64> = sweeps[1..4]
            .iter()
            .map(|s| match s {
                Sweep::Fixed {
                    dialer: DialerMode::Predictive { abandon_target },
                } => *abandon_target,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(targets, vec![0.01, 0.015, 0.02]);
        assert_eq!(
            sweeps[4],
            Sweep::Bisect {
                lo: 1.0,
                hi: 3.0,
                tolerance: BISECT_TOLERANCE
            }
        );
    }

    #[test]
    fn fixed_levels_grids_and_adaptive_variants() {
        let sweeps = parse_strategies("ratio:1.5, ratio:1..2:0.5,adaptive:tapered:0.02").unwrap();
        let levels: Vec<DialerMode> = sweeps
            .iter()
            .filter_map(|s| match s {
                Sweep::Fixed { dialer } => Some(*dialer),
                Sweep::Bisect { .. } => None,
            })
            .collect();
        assert_eq!(levels[0], DialerMode::Ratio { level: 1.5 });
        assert_eq!(levels[1..4].len(), 3);
        assert_eq!(
            levels[4],
            DialerMode::Adaptive {
                variant: AdaptiveVariant::Tapered,
                drop_target: 0.02,
                max_level: 3.0,
                intensity: 0.0
            }
        );
        assert_eq!(describe(&levels[4]), "adaptive tapered 2 %");
    }

    #[test]
    fn unknown_strategies_and_parameters_out_of_range_are_refused() {
        let cases = [
            ("poisson", "unknown strategy `poisson`"),
            ("progresive", "unknown strategy `progresive`"),
            ("progressive:2", "takes no parameter"),
            ("predictive:0", "must be above 0"),
            ("predictive:0.2", "at most 0.05"),
            ("predictive:0.03..0.01", "inverted"),
            ("ratio:0.5..2", "between 1 and 10"),
            ("ratio:1..12", "between 1 and 10"),
            ("ratio:1..2:0", "step must be above 0"),
            ("adaptive:soft", "unknown adaptive variant `soft`"),
            ("adaptive:hard:0.01..0.02", "one drop target"),
            ("progressive,,ratio", "empty entry"),
        ];
        for (text, expected) in cases {
            let err = parse_strategies(text).unwrap_err().to_string();
            assert!(err.starts_with("--strategy: "), "{text}: {err}");
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
