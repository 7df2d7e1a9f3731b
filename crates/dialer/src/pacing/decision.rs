//! The predictive dialer's decision: the most new lines `n` whose expected drops `E[E⁺]` stay
//! within the risk it takes, `E[E⁺] ≤ risk · lives`, the excess `E = lives − free` taken as normal.
//!
//! `E[E⁺] = sd · G(mean / sd)`, `G(z) = φ(z) + z·Φ(z)`, is tabulated ([`NormalLoss`]). Each
//! evaluation costs a square root and a division on the critical path, and most decisions (most
//! events) end with no new line at all, or with the one or two lines the last decision left room
//! for. Two facts spare most of those evaluations without changing any answer:
//!
//! - The table interpolates a convex function linearly, so each of its pieces, extended, is a line
//!   under the whole of it: `G(z) ≥ a + s·z` for every `z`, and so `sd · G(mean / sd) ≥ a·sd + s·mean`
//!   for every mean and `sd` ([`Support`]). The last count of lines the risk refused leaves such a
//!   line; with the variance now, `sd` is bounded from below without a square root
//!   (`sd ≥ sd₀ − (v₀ − v) / sd₀`), so a few multiplications show that the risk still refuses one
//!   more line ([`Refusal`]), or which count of lines it refuses at the least, where the search
//!   then starts.
//! - The expected drops per expected live answer grow with `n`, so the largest acceptable `n` is
//!   below the smallest refused one: a refusal shown by the bound is as good as one evaluated.

use crate::distribution::erfc;

/// Grid points per unit of `z` in [`NormalLoss`].
const LOSS_STEPS_PER_UNIT: f64 = 64.0;
/// The table covers `z` in `[-LOSS_RANGE, LOSS_RANGE]`; outside, `G(z)` is 0 or `z` to 1e-9.
const LOSS_RANGE: f64 = 8.0;
/// Relative margin by which the bound must exceed the risk to count as a refusal (it is exact in
/// real numbers; the margin covers rounding, and the table's tails, which are convex to ~1e-16).
const MARGIN: f64 = 1e-9;

/// `G(z) = E[max(Z + z, 0)]` for `Z` standard normal (`φ(z) + z·Φ(z)`), tabulated on a grid of
/// 1/64 with linear interpolation: within 1.3e-5 of the exact value (`G'' = φ ≤ 0.4`), against the
/// exact form's `exp` and `erfc`.
#[derive(Debug, Clone)]
pub(super) struct NormalLoss {
    table: Vec<f64>,
}

/// A line under the tabulated `G`: `G(z) ≥ a + s·z` for every `z`, with `a ≥ 0` and `0 ≤ s ≤ 1`;
/// so `sd · G(mean / sd) ≥ a·sd + s·mean` for every mean and every `sd ≥ 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Support {
    a: f64,
    s: f64,
}

impl NormalLoss {
    pub(super) fn new() -> Self {
        let points = (2.0 * LOSS_RANGE * LOSS_STEPS_PER_UNIT) as usize + 1;
        let table = (0..points)
            .map(|i| expected_positive_part(i as f64 / LOSS_STEPS_PER_UNIT - LOSS_RANGE, 1.0))
            .collect();
        Self { table }
    }

    /// `E[max(X, 0)]` for `X` normal with this mean and standard deviation.
    #[cfg(test)]
    pub(super) fn expected_positive_part(&self, mean: f64, sd: f64) -> f64 {
        self.at(mean, sd).0
    }

    /// `E[max(X, 0)]` for `X` normal with this mean and standard deviation, and the line under
    /// `G` through the table's piece there.
    #[inline]
    fn at(&self, mean: f64, sd: f64) -> (f64, Support) {
        if sd <= 0.0 {
            // `max(mean, 0)`, which `G`'s asymptotes bound from below.
            return if mean > 0.0 {
                (mean, Support { a: 0.0, s: 1.0 })
            } else {
                (0.0, Support { a: 0.0, s: 0.0 })
            };
        }
        let z = mean / sd;
        if z <= -LOSS_RANGE {
            return (0.0, Support { a: 0.0, s: 0.0 });
        }
        if z >= LOSS_RANGE {
            return (mean, Support { a: 0.0, s: 1.0 });
        }
        let x = (z + LOSS_RANGE) * LOSS_STEPS_PER_UNIT;
        // Through `u32`, whose conversion costs less than `usize`'s (`x` is within the table).
        let i = x as u32 as usize;
        let (a, b) = (self.table[i], self.table[(i + 1).min(self.table.len() - 1)]);
        let s = (b - a) * LOSS_STEPS_PER_UNIT;
        let knot = i as f64 / LOSS_STEPS_PER_UNIT - LOSS_RANGE;
        (
            sd * (a + (x - i as f64) * (b - a)),
            Support {
                a: (a - s * knot).max(0.0),
                s: s.clamp(0.0, 1.0),
            },
        )
    }
}

/// `E[max(X, 0)]` for `X` normal with this mean and standard deviation.
pub(super) fn expected_positive_part(mean: f64, sd: f64) -> f64 {
    if sd <= 0.0 {
        return mean.max(0.0);
    }
    let z = mean / sd;
    let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = 0.5 * erfc(-z / std::f64::consts::SQRT_2);
    sd * density + mean * cdf
}

/// What a decision weighs: with `n` new lines, `lives + p·n` live answers expected against `free`
/// agents, with variance `coming_variance + n·p(1 − p) + free_variance`, and `risk` drops allowed
/// per expected live answer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outlook {
    /// Live answers waiting and expected from the lines ringing.
    pub lives: f64,
    /// Agents expected free within the look-ahead.
    pub free: f64,
    /// Variance of the live answers expected from the lines ringing.
    pub coming_variance: f64,
    /// Variance of the agents expected free.
    pub free_variance: f64,
    /// Live-answer rate of a new line.
    pub p: f64,
    /// Drops allowed per expected live answer.
    pub risk: f64,
}

impl Outlook {
    /// Expected live answers, expected excess and its variance with `n` new lines.
    #[inline]
    fn with(&self, n: f64) -> (f64, f64, f64) {
        let lives = self.lives + self.p * n;
        let variance = self.coming_variance + n * self.p * (1.0 - self.p) + self.free_variance;
        (lives, lives - self.free, variance)
    }
}

/// The line under the loss that the last refused count of lines left, and the spread there.
#[derive(Debug, Clone, Copy)]
struct Refusal {
    support: Support,
    variance: f64,
    sd: f64,
    /// `1 / sd` (0 when `sd` is 0).
    inv_sd: f64,
}

impl Refusal {
    /// `a·sd + s·mean − risk·lives` at `n` new lines, `sd` bounded from below by the spread at the
    /// refusal (`sd ≥ sd₀ − (v₀ − v) / sd₀` when the variance `v` is below `v₀`, which holds since
    /// `sd₀ − sd = (v₀ − v) / (sd₀ + sd)`): a lower bound on `E[E⁺] − risk · lives`.
    #[inline]
    fn excess_over_risk(&self, outlook: &Outlook, n: f64) -> (f64, f64) {
        let (lives, mean, variance) = outlook.with(n);
        let sd = self.sd - (self.variance - variance).max(0.0) * self.inv_sd;
        let bound = self.support.a * sd + self.support.s * mean;
        let allowed = outlook.risk * lives;
        (
            bound - allowed,
            MARGIN * (bound.abs() + allowed + self.support.a * self.sd),
        )
    }

    /// Whether the bound shows that `n` new lines are too many.
    #[inline]
    fn refuses(&self, outlook: &Outlook, n: f64) -> bool {
        let (over, margin) = self.excess_over_risk(outlook, n);
        over > margin
    }
}

/// One evaluation of the loss at a count of new lines.
#[derive(Debug, Clone, Copy)]
struct Judgement {
    acceptable: bool,
    support: Support,
    variance: f64,
    sd: f64,
}

/// The decision's state: the table, the last refusal's bound, and the last answer.
#[derive(Debug, Clone)]
pub(super) struct Decision {
    loss: NormalLoss,
    refusal: Option<Refusal>,
    /// Lines in flight (ringing plus new) the last decision settled on: where the search starts.
    last_lines: u32,
    /// Evaluations of the loss (for the tests).
    #[cfg(test)]
    evaluations: std::cell::Cell<u32>,
}

impl Decision {
    pub(super) fn new() -> Self {
        Self {
            loss: NormalLoss::new(),
            refusal: None,
            last_lines: 0,
            #[cfg(test)]
            evaluations: std::cell::Cell::new(0),
        }
    }

    /// Whether `n` new lines keep the expected drops within the risk.
    #[inline(always)]
    fn judge(&self, outlook: &Outlook, n: u32) -> Judgement {
        #[cfg(test)]
        self.evaluations.set(self.evaluations.get() + 1);
        let (lives, mean, variance) = outlook.with(f64::from(n));
        let sd = variance.sqrt();
        let (loss, support) = self.loss.at(mean, sd);
        Judgement {
            acceptable: lives <= 0.0 || loss <= outlook.risk * lives,
            support,
            variance,
            sd,
        }
    }

    /// Whether `n` new lines keep the expected drops within the risk: refused at once where the
    /// last refusal's bound shows it, else evaluated (a refusal evaluated goes to `refused`).
    #[inline(always)]
    fn accepts(&self, outlook: &Outlook, n: u32, refused: &mut Option<Judgement>) -> bool {
        if let Some(refusal) = &self.refusal
            && refusal.refuses(outlook, f64::from(n))
        {
            return false;
        }
        let judged = self.judge(outlook, n);
        if !judged.acceptable {
            *refused = Some(judged);
        }
        judged.acceptable
    }

    /// The most new lines, from 1 to `ceiling`, whose expected drops stay within the risk; 0 if not
    /// even one (`dialling` lines are ringing already). The ratio grows with `n`: it gallops from
    /// the last decision's answer, since one event seldom moves it by more than a line or two,
    /// then bisects.
    #[inline]
    pub(super) fn most_lines(&mut self, outlook: &Outlook, dialling: u32, ceiling: u32) -> u32 {
        let mut refused = None;
        let start = self.last_lines.saturating_sub(dialling).clamp(1, ceiling);
        let found = if self.accepts(outlook, start, &mut refused) {
            let mut step = 1u32;
            let mut low = start;
            loop {
                let next = low.saturating_add(step).min(ceiling);
                if next == low {
                    break Some((low, low + 1));
                }
                if !self.accepts(outlook, next, &mut refused) {
                    break Some((low, next));
                }
                low = next;
                step = step.saturating_mul(2);
            }
        } else {
            let mut step = 1u32;
            let mut high = start;
            loop {
                if high == 1 {
                    // Not even one line.
                    break None;
                }
                let next = high.saturating_sub(step).max(1);
                if self.accepts(outlook, next, &mut refused) {
                    break Some((next, high));
                }
                high = next;
                step = step.saturating_mul(2);
            }
        };
        let low = match found {
            Some((mut low, mut high)) => {
                while high - low > 1 {
                    let mid = low + (high - low) / 2;
                    if self.accepts(outlook, mid, &mut refused) {
                        low = mid;
                    } else {
                        high = mid;
                    }
                }
                low
            }
            None => 0,
        };
        // The smallest count evaluated and refused leaves the bound for the next decisions.
        if let Some(judged) = refused {
            self.refusal = Some(Refusal {
                support: judged.support,
                variance: judged.variance,
                sd: judged.sd,
                inv_sd: if judged.sd > 0.0 {
                    1.0 / judged.sd
                } else {
                    0.0
                },
            });
        }
        self.last_lines = dialling + low;
        low
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn expected_positive_part_of_a_normal() {
        assert!((expected_positive_part(0.0, 1.0) - 0.398_942_280_4).abs() < 1e-7);
        assert!((expected_positive_part(5.0, 0.0) - 5.0).abs() < 1e-12);
        assert!(expected_positive_part(-10.0, 1.0) < 1e-20);
        // The table follows the exact form everywhere, to within its interpolation error.
        let loss = NormalLoss::new();
        for i in -1_000..1_000 {
            let (mean, sd) = (f64::from(i) * 0.0123, 1.7);
            let (table, exact) = (
                loss.expected_positive_part(mean, sd),
                expected_positive_part(mean, sd),
            );
            assert!(
                (table - exact).abs() < 1.3e-5 * sd,
                "{mean}: {table} vs {exact}"
            );
        }
        assert_eq!(loss.expected_positive_part(-20.0, 1.0), 0.0);
        assert_eq!(loss.expected_positive_part(3.0, 0.0), 3.0);
    }

    #[test]
    fn every_piece_of_the_table_is_a_line_under_all_of_it() {
        let loss = NormalLoss::new();
        let zs: Vec<f64> = (-1_200..=1_200).map(|i| f64::from(i) / 100.0).collect();
        for &z0 in &zs {
            let (_, line) = loss.at(z0, 1.0);
            assert!(
                line.a >= 0.0 && (0.0..=1.0).contains(&line.s),
                "{z0}: {line:?}"
            );
            for &z in &zs {
                let (g, _) = loss.at(z, 1.0);
                assert!(
                    line.a + line.s * z <= g + 1e-13 * (1.0 + z.abs()),
                    "piece at {z0} above the table at {z}"
                );
            }
        }
    }

    #[test]
    fn the_bound_never_changes_the_answer() {
        // Random outlooks, some drifting a little between decisions as between events, others
        // jumping: the search with the last refusal's bound finds what the same search evaluating
        // every count finds, and the bound settles many of its steps.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut decision = Decision::new();
        let mut outlook = Outlook {
            lives: 20.0,
            free: 10.0,
            coming_variance: 5.0,
            free_variance: 2.0,
            p: 0.3,
            risk: 0.025,
        };
        let (mut bounded, mut total) = (0, 0);
        for step in 0..20_000 {
            if step % 50 == 0 {
                outlook = Outlook {
                    lives: rng.random::<f64>() * 300.0,
                    free: rng.random::<f64>() * 200.0,
                    coming_variance: rng.random::<f64>() * 60.0,
                    free_variance: rng.random::<f64>() * 30.0,
                    p: 0.02 + 0.9 * rng.random::<f64>(),
                    risk: 0.0005 + 0.3 * rng.random::<f64>(),
                };
            } else {
                outlook.lives = (outlook.lives + rng.random::<f64>() - 0.5).max(0.0);
                outlook.free = (outlook.free + 0.5 * rng.random::<f64>() - 0.2).max(0.0);
                outlook.coming_variance =
                    (outlook.coming_variance + 0.4 * rng.random::<f64>() - 0.2).max(0.0);
                outlook.free_variance =
                    (outlook.free_variance + 0.2 * rng.random::<f64>() - 0.1).max(0.0);
            }
            let ceiling = 1 + (rng.random::<f64>() * 400.0) as u32;
            let mut unbounded = decision.clone();
            unbounded.refusal = None;
            let want = unbounded.most_lines(&outlook, 0, ceiling);
            let (got, evaluated) = (
                decision.most_lines(&outlook, 0, ceiling),
                decision.evaluations.get(),
            );
            assert_eq!(got, want, "step {step}: {outlook:?}, ceiling {ceiling}");
            assert_eq!(decision.last_lines, unbounded.last_lines);
            total += unbounded.evaluations.get();
            bounded += unbounded.evaluations.get() - evaluated;
            decision.evaluations.set(0);
            // What was just dialled rings on.
            outlook.lives += outlook.p * f64::from(got);
            outlook.coming_variance += outlook.p * (1.0 - outlook.p) * f64::from(got);
        }
        assert!(
            bounded * 4 > total,
            "the bound settled {bounded} of {total} steps"
        );
    }
}
