//! The expected number of busy agents free within the look-ahead, in O(K) per decision.
//!
//! The predictive dialer needs `Σ q(age)` over the busy agents, `q(a) = P(T ≤ a + W | T > a)` the
//! chance that a talk (or wrap) already `a` long ends within the look-ahead `W`, and the variance
//! `Σ q(1 − q)`. Summing over every agent costs O(agents) survival evaluations (`ln`, `exp`,
//! `erfc`) per decision. Two facts make it cheap:
//!
//! - Busy agents start in time order, so they fall into 64 bands of start times
//!   ([`StartBands`]), each with its count and summed start times: an agent joins or leaves in
//!   O(1) and the band's mean age is known.
//! - `q` depends on the law and `W` only, so its running integrals `∫q` and `∫q²` are tabulated once
//!   per law over a grid of ages. A band then contributes its count times the mean of `q` over its
//!   ages (taken as spread evenly over the band's width around its mean age): two table look-ups,
//!   no `ln` or `exp`.
//!
//! Between full evaluations (every quarter of a band's width of simulated time), the estimate
//! moves on with its time derivative, and agents joining or leaving adjust it by what the last
//! evaluation counted their band's agents for (a new agent's by `q` at age 0, drifting from its
//! own start, not the evaluation's), so that a decision costs O(1) and a full evaluation O(K) per
//! quarter of a band. Each age is one look-up of a row holding `q`,
//! `∫q`, `∫q²` and their rises, so a band costs two look-ups and no division but one.

use super::bands::{BANDS, BandedSum, Estimate};
use crate::distribution::Sampler;
/// Grid points of the tables of `∫q` and `∫q²`.
const GRID: usize = 512;
/// Simulated time between full evaluations, in band widths.
const REFRESH_BANDS: f64 = 0.25;
/// Survival below which an age is past the table's span (older agents are rare, and `q` changes
/// slowly there).
const TAIL_SURVIVAL: f64 = 1e-4;

/// `q(a)` and its running integrals for one law and look-ahead, on a grid of ages.
#[derive(Debug, Clone)]
pub struct CompletionTable {
    inv_step: f64,
    step: f64,
    /// Per grid point: `q`, `∫₀^a q` and `∫₀^a q²`, then their rises to the next point (the last
    /// point's rises are those of `q` held at its last value).
    rows: Vec<[f64; 6]>,
}

impl CompletionTable {
    /// The table of `law` for a look-ahead of `horizon` seconds (`q` = 0 when `horizon` ≤ 0).
    pub fn new(law: &Sampler, horizon: f64) -> Self {
        let span = table_span(law, horizon.max(0.0));
        let step = span / (GRID - 1) as f64;
        let q: Vec<f64> = (0..GRID)
            .map(|i| {
                if horizon <= 0.0 {
                    0.0
                } else {
                    law.ends_within(i as f64 * step, horizon)
                }
            })
            .collect();
        let (mut q1, mut q2) = (vec![0.0; GRID], vec![0.0; GRID]);
        for i in 1..GRID {
            q1[i] = q1[i - 1] + 0.5 * step * (q[i - 1] + q[i]);
            q2[i] = q2[i - 1] + 0.5 * step * (q[i - 1] * q[i - 1] + q[i] * q[i]);
        }
        let last = q[GRID - 1];
        let rows = (0..GRID)
            .map(|i| {
                let rises = if i + 1 < GRID {
                    [q[i + 1] - q[i], q1[i + 1] - q1[i], q2[i + 1] - q2[i]]
                } else {
                    [0.0, step * last, step * last * last]
                };
                [q[i], q1[i], q2[i], rises[0], rises[1], rises[2]]
            })
            .collect();
        Self {
            inv_step: 1.0 / step,
            step,
            rows,
        }
    }

    /// `(q, ∫q, ∫q²)` at `age`: linear between grid points, and past the span `q` held at its
    /// last value (the integrals growing by it).
    #[inline]
    fn at(&self, age: f64) -> [f64; 3] {
        let x = age.max(0.0) * self.inv_step;
        let (i, f) = if x < (GRID - 1) as f64 {
            // Through `u32`, whose conversion costs less than `usize`'s (`x` is below the grid).
            let i = x as u32 as usize;
            (i, x - i as f64)
        } else {
            (GRID - 1, x - (GRID - 1) as f64)
        };
        let [q, q1, q2, dq, dq1, dq2] = self.rows[i];
        let q = if i + 1 < GRID { q + f * dq } else { q };
        [q, q1 + f * dq1, q2 + f * dq2]
    }

    /// `q(age)`.
    #[inline]
    pub fn q(&self, age: f64) -> f64 {
        self.at(age)[0]
    }

    /// Per agent of a band with ages spread over `[lo, hi]`: the mean of `q`, of `q(1 − q)`, and
    /// of `q`'s change per second.
    #[inline]
    fn band_figures(&self, lo: f64, hi: f64) -> [f64; 3] {
        let width = hi - lo;
        if width <= 1e-9 * self.step {
            // All at one age (the tail band): counted without a slope.
            let q = self.q(lo);
            return [q, q * (1.0 - q), 0.0];
        }
        let (low, high) = (self.at(lo), self.at(hi));
        let inv = 1.0 / width;
        let m1 = ((high[1] - low[1]) * inv).clamp(0.0, 1.0);
        let m2 = ((high[2] - low[2]) * inv).clamp(0.0, 1.0);
        [m1, (m1 - m2).max(0.0), (high[0] - low[0]) * inv]
    }

    /// The ages the table covers.
    pub fn span(&self) -> f64 {
        self.step * (GRID - 1) as f64
    }
}

/// Ages worth tabulating: until the survival is below [`TAIL_SURVIVAL`] (or the law's end), and at
/// least past the look-ahead.
fn table_span(law: &Sampler, horizon: f64) -> f64 {
    let floor = horizon.max(1e-3);
    let mut span = match *law {
        Sampler::Fixed(value) => value,
        Sampler::Uniform { min, width } => min + width,
        Sampler::Exp(mean) => mean,
        Sampler::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
    }
    .max(floor);
    // Doubling reaches the tail in a few steps; the bound keeps a heavy tail from a huge span.
    for _ in 0..20 {
        if law.survival(span) <= TAIL_SURVIVAL {
            break;
        }
        span *= 2.0;
    }
    (span * 1.001).max(floor)
}

/// The expected free agents of one law: its table, and its agents by band with the estimate.
#[derive(Debug, Clone)]
pub struct BandedAges {
    table: CompletionTable,
    /// Per agent: `q`, `q(1 − q)` and `q`'s change per second (over one band's width).
    sum: BandedSum,
    inv_width: f64,
    /// Seconds of simulated time between full evaluations (0 = every time).
    refresh: f64,
}

/// `q`, `q(1 − q)` and `q`'s change per second (over one band's width) at `age`.
#[inline]
fn point(table: &CompletionTable, width: f64, inv_width: f64, age: f64) -> [f64; 3] {
    let q = table.q(age);
    let later = table.q(age + width);
    [q, q * (1.0 - q), (later - q) * inv_width]
}

impl BandedAges {
    /// Agents of `law` free within `horizon`, re-evaluated in full every quarter of a band.
    pub fn new(law: &Sampler, horizon: f64) -> Self {
        let table = CompletionTable::new(law, horizon);
        let width = table.span() / (BANDS - 1) as f64;
        Self::with_refresh(table, width, REFRESH_BANDS * width)
    }

    /// The same with bands of `width` seconds and full evaluations every `refresh` seconds (0 = at
    /// every call).
    pub fn with_refresh(table: CompletionTable, width: f64, refresh: f64) -> Self {
        Self {
            table,
            sum: BandedSum::new(width),
            inv_width: 1.0 / width,
            refresh,
        }
    }

    /// Busy agents of this law.
    pub fn agents(&self) -> u32 {
        self.sum.bands().len()
    }

    /// An agent starts at `start` (no earlier than any agent already added).
    pub fn add(&mut self, start: f64) {
        let (table, width, inv_width) = (&self.table, self.sum.bands().width(), self.inv_width);
        // An agent in a band the last evaluation did not see counts by its own age.
        self.sum.add(start, |estimate, start| {
            point(table, width, inv_width, estimate.at - start)
        });
    }

    /// The agent that started at `start` is done.
    pub fn remove(&mut self, start: f64) {
        let (table, width, inv_width) = (&self.table, self.sum.bands().width(), self.inv_width);
        self.sum.remove(start, |estimate, start| {
            point(table, width, inv_width, estimate.at - start)
        });
    }

    /// Expected agents of this law free within the look-ahead at `now`, and its variance.
    #[inline]
    pub fn expected_free(&mut self, now: f64) -> (f64, f64) {
        if self.sum.bands().is_empty() {
            self.sum.forget();
            return (0.0, 0.0);
        }
        match self.sum.estimate() {
            Some(c) if now >= c.at && now - c.at < self.refresh => {
                let mean = c.mean + c.slope * (now - c.at);
                (
                    mean.clamp(0.0, f64::from(self.sum.bands().len())),
                    c.variance,
                )
            }
            _ => {
                let estimate = self.evaluate(now);
                (estimate.mean, estimate.variance)
            }
        }
    }

    /// The full O(K) evaluation.
    fn evaluate(&mut self, now: f64) -> Estimate {
        let table = &self.table;
        let fresh = point(table, self.sum.bands().width(), self.inv_width, 0.0);
        self.sum
            .evaluate(now, i64::MIN, |lo, hi| table.band_figures(lo, hi), fresh)
    }
}

/// The busy agents of every talk law and of the wrap law, for the look-ahead.
///
/// A wrapping agent is free once its wrap ends within `W`; a talking agent once its talk *and* the
/// wrap after it end: `P(remaining talk ≤ W − w)`, exactly so for a fixed wrap `w` and with `w` the
/// wrap's mean for other wrap laws (an approximation that ignores the wrap's spread, small when the
/// wrap is short against the talk). Tables are built the first time a law is used.
#[derive(Debug, Clone)]
pub struct FreeAgents {
    talk_laws: Vec<Sampler>,
    talk_horizon: f64,
    talk: Vec<Option<BandedAges>>,
    /// Talk laws with busy agents (so that a long schedule of laws costs nothing when idle).
    active: Vec<u16>,
    wrap: BandedAges,
}

impl FreeAgents {
    /// Busy agents of these talk laws and this wrap law, looked at `horizon` seconds ahead.
    pub fn new(talk_laws: &[Sampler], wrap: &Sampler, wrap_mean: f64, horizon: f64) -> Self {
        Self {
            talk_laws: talk_laws.to_vec(),
            talk_horizon: horizon - wrap_mean,
            talk: vec![None; talk_laws.len()],
            active: Vec::new(),
            wrap: BandedAges::new(wrap, horizon),
        }
    }

    /// An agent starts talking at `at` on talk law `law` (an index into the laws given).
    pub fn talk_starts(&mut self, law: u16, at: f64) {
        let Some(slot) = self.talk.get_mut(usize::from(law)) else {
            return;
        };
        let bands = slot.get_or_insert_with(|| {
            BandedAges::new(&self.talk_laws[usize::from(law)], self.talk_horizon)
        });
        if bands.agents() == 0 {
            self.active.push(law);
        }
        bands.add(at);
    }

    /// The talk on law `law` that began at `since` ends.
    pub fn talk_ends(&mut self, law: u16, since: f64) {
        if let Some(Some(bands)) = self.talk.get_mut(usize::from(law)) {
            bands.remove(since);
            if bands.agents() == 0 {
                self.active.retain(|&l| l != law);
            }
        }
    }

    /// An agent starts its wrap at `at`.
    pub fn wrap_starts(&mut self, at: f64) {
        self.wrap.add(at);
    }

    /// The wrap that began at `since` ends.
    pub fn wrap_ends(&mut self, since: f64) {
        self.wrap.remove(since);
    }

    /// Busy agents expected free within the look-ahead at `now`, and the variance of that number.
    #[inline]
    pub fn expected(&mut self, now: f64) -> (f64, f64) {
        let (mut mean, mut variance) = self.wrap.expected_free(now);
        for &law in &self.active {
            if let Some(Some(bands)) = self.talk.get_mut(usize::from(law)) {
                let (m, v) = bands.expected_free(now);
                mean += m;
                variance += v;
            }
        }
        (mean, variance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Distribution;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    /// Agents of a steady stream (one start every `gap` seconds on average), each busy for a draw of
    /// the law: the start times of those still busy at `now`.
    fn busy_at(law: &Sampler, gap: f64, now: f64, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut t = 0.0;
        let mut starts = Vec::new();
        while t < now {
            if t + law.sample(&mut rng) > now {
                starts.push(t);
            }
            t += gap * -(1.0 - rng.random::<f64>()).ln();
        }
        starts
    }

    fn exact(law: &Sampler, starts: &[f64], now: f64, horizon: f64) -> (f64, f64) {
        starts.iter().fold((0.0, 0.0), |(m, v), &s| {
            let q = if horizon <= 0.0 {
                0.0
            } else {
                law.ends_within(now - s, horizon)
            };
            (m + q, v + q * (1.0 - q))
        })
    }

    fn laws() -> Vec<(&'static str, Sampler)> {
        vec![
            ("exp", Distribution::Exp { mean: 120.0 }.sampler()),
            (
                "lognormal",
                Distribution::Lognormal {
                    mean: 120.0,
                    cv: 0.9,
                }
                .sampler(),
            ),
            ("fixed", Distribution::Fixed { mean: 120.0 }.sampler()),
            (
                "uniform",
                Distribution::Uniform {
                    min: 30.0,
                    max: 210.0,
                }
                .sampler(),
            ),
        ]
    }

    #[test]
    fn matches_the_exact_sum_within_a_percent() {
        // 2 000 busy agents on average; look-ahead 10 s, or 10 s less a 5 s fixed wrap.
        for (name, law) in laws() {
            for horizon in [10.0, 5.0] {
                let mut bands = BandedAges::new(&law, horizon);
                let now = 3_600.0;
                // Evenly spaced starts for the fixed law: random ones would split the band at its
                // jump by chance (the dynamic test below allows for that).
                let starts = if name == "fixed" {
                    (0..2_000)
                        .map(|i| now - 119.99 + 0.06 * f64::from(i))
                        .collect()
                } else {
                    busy_at(&law, 0.06, now, 11)
                };
                for &s in &starts {
                    bands.add(s);
                }
                let (mean, variance) = bands.expected_free(now);
                let (want, want_variance) = exact(&law, &starts, now, horizon);
                // The fixed law's jump falls inside one band: up to a couple of its agents either way.
                let slack = if name == "fixed" { 2.0 } else { 0.0 };
                assert!(
                    (mean - want).abs() < 0.01 * want + slack,
                    "{name}, W {horizon}: {mean} vs exact {want}"
                );
                assert!(
                    (variance - want_variance).abs() <= 0.02 * want_variance + 0.01 * want,
                    "{name}, W {horizon}: variance {variance} vs exact {want_variance}"
                );
            }
        }
    }

    #[test]
    fn follows_agents_leaving_and_time_passing_between_full_evaluations() {
        for (name, law) in laws() {
            let horizon = 8.0;
            let mut bands = BandedAges::new(&law, horizon);
            let jumps = name == "fixed";

            let mut rng = ChaCha8Rng::seed_from_u64(5);
            // A live stream: agents start every 0.1 s and leave when their draw ends.
            let mut busy: Vec<(f64, f64)> = Vec::new();
            let mut t = 0.0;
            let mut worst: f64 = 0.0;
            let mut step = 0u32;
            while t < 1_500.0 {
                step += 1;
                busy.retain(|&(start, end)| {
                    if end <= t {
                        bands.remove(start);
                        false
                    } else {
                        true
                    }
                });
                let duration = law.sample(&mut rng);
                busy.push((t, t + duration));
                bands.add(t);
                if t > 600.0 && step.is_multiple_of(16) {
                    let starts: Vec<f64> = busy.iter().map(|b| b.0).collect();
                    let (want, _) = exact(&law, &starts, t, horizon);
                    let (mean, _) = bands.expected_free(t);
                    // A law with a jump (fixed) splits one band at its edge: allow for that band's
                    // binomial spread on top of 1.5 %.
                    let band = busy.len() as f64 / BANDS as f64;
                    let allowed = 0.015 * want + if jumps { 4.0 * band.sqrt() } else { 0.0 };
                    worst = worst.max((mean - want).abs() / allowed);
                }
                t += 0.1 * -(1.0 - rng.random::<f64>()).ln();
            }
            assert_eq!(bands.agents() as usize, busy.len());
            assert!(worst <= 1.0, "{name}: worst error {worst} of the allowance");
        }
    }

    #[test]
    fn nothing_is_free_with_no_look_ahead_left() {
        let law = Distribution::Exp { mean: 60.0 }.sampler();
        let mut bands = BandedAges::new(&law, 0.0);
        bands.add(1.0);
        assert_eq!(bands.expected_free(5.0), (0.0, 0.0));
    }
}
