//! The live answers still to come from the lines ringing now, in O(K) per decision.
//!
//! A line that has rung for `a` seconds without an outcome is live with probability
//! `π(a) = p·S_L(a) / (p·S_L(a) + (1 − p)·S_O(a))`, `S_L` and `S_O` the survival functions of the
//! live and the other ring times: a line that has outlasted most live rings is probably one that
//! nobody will answer. Counting every ringing line live with probability `p` instead overstates the
//! answers to come whenever unanswered attempts ring longer than answered ones (20 s against 8 s:
//! by 2.3× at `p` = 0.1), and the dialer then holds back lines it could have dialled.
//!
//! Lines start in time order, so they sit in [`StartBands`] (bands under a second wide, so each is
//! taken at its mean age); the survivals are tabulated once, so a band costs two look-ups and one
//! division. Between full evaluations (every five band widths) the estimate moves on with its
//! time derivative, and each line that starts or ends moves it by its band's figures at the last
//! evaluation (a fresh line's if it started since, drifting from its own start).

use super::bands::{BANDS, BandedSum, Estimate, floor_time};
use crate::distribution::Sampler;

/// Grid points of the survival tables.
const GRID: usize = 512;
/// Survival below which an age is past the tables' span.
const TAIL_SURVIVAL: f64 = 1e-4;
/// Simulated time between full evaluations, in band widths.
const REFRESH_BANDS: f64 = 5.0;
/// Dials in a second up to which [`AnswerRate`] has `(1 − weight)^k` in a table.
const KEEP_TABLE: i32 = 512;
/// Relative change of the live-answer rate estimate that forces a full evaluation (it moves slowly,
/// over about 100 dials, and smaller changes wait for the next refresh).
const RATE_CHANGE: f64 = 0.25;

/// Survival functions of the live and other ring times on a grid of ages.
#[derive(Debug, Clone)]
struct RingTables {
    step: f64,
    inv_step: f64,
    /// Per grid point: `S_L`, its rise to the next point, `S_O`, its rise to the next point (the
    /// last point's rises are 0).
    rows: Vec<[f64; 4]>,
    /// Age from which `S_L` is 0 at every point of the table, and so between them: a line that old
    /// is live with probability 0.
    silent_from: f64,
}

impl RingTables {
    fn new(live: &Sampler, other: &Sampler) -> Self {
        let mut span = 1.0_f64;
        for _ in 0..40 {
            if live.survival(span) <= TAIL_SURVIVAL && other.survival(span) <= TAIL_SURVIVAL {
                break;
            }
            span *= 1.5;
        }
        let step = span / (GRID - 1) as f64;
        let column = |law: &Sampler| -> Vec<f64> {
            (0..GRID).map(|i| law.survival(i as f64 * step)).collect()
        };
        let (live, other) = (column(live), column(other));
        let silent_from = match live.iter().rposition(|&l| l > 0.0) {
            Some(last) if last + 1 < GRID => (last + 1) as f64 * step,
            Some(_) => span,
            None => 0.0,
        };
        let rise =
            |column: &[f64], i: usize| column.get(i + 1).map_or(0.0, |next| next - column[i]);
        let rows = (0..GRID)
            .map(|i| [live[i], rise(&live, i), other[i], rise(&other, i)])
            .collect();
        Self {
            step,
            inv_step: 1.0 / step,
            rows,
            silent_from,
        }
    }

    /// The ages the tables cover: hardly any line rings longer.
    fn span(&self) -> f64 {
        self.step * (GRID - 1) as f64
    }

    /// The survivals `(S_L, S_O)` at `age`.
    #[inline]
    fn survivals(&self, age: f64) -> (f64, f64) {
        let x = age.max(0.0) * self.inv_step;
        // Through `u32`, whose conversion costs less than `usize`'s (`x` is at least 0; a huge one
        // saturates either way, past the grid).
        let i = x as u32 as usize;
        if i + 1 >= GRID {
            return (0.0, 0.0);
        }
        let f = x - i as f64;
        let [l, dl, o, d_o] = self.rows[i];
        (l + f * dl, o + f * d_o)
    }
}

/// `π` from mean survivals.
#[cfg(test)]
fn live_share(p: f64, live: f64, other: f64) -> f64 {
    let l = p * live;
    let total = l + (1.0 - p) * other;
    if total <= 0.0 { 0.0 } else { l / total }
}

/// Per line of a band, at the last full evaluation: `π`, `π(1 − π)` and `π`'s change per second.
type LineFigures = [f64; 3];

/// The figures of one line `age` old (see [`RingingLines::point`]), bands `width` wide.
#[inline]
fn line_figures(tables: &RingTables, width: f64, inv_width: f64, p: f64, age: f64) -> LineFigures {
    let (l, o) = tables.survivals(age);
    let (l2, o2) = tables.survivals(age + width);
    let (a, a2) = (p * l, p * l2);
    let (total, total2) = (a + (1.0 - p) * o, a2 + (1.0 - p) * o2);
    if total <= 0.0 {
        return [0.0; 3];
    }
    let (share, later) = if total2 <= 0.0 {
        // Nothing rings that long: the later `π` is 0.
        (a / total, 0.0)
    } else {
        let inv = 1.0 / (total * total2);
        (a * total2 * inv, a2 * total * inv)
    };
    [share, share * (1.0 - share), (later - share) * inv_width]
}

/// The lines ringing now, by start time, and the live answers expected from them.
#[derive(Debug, Clone)]
pub struct RingingLines {
    tables: RingTables,
    /// Per line: `π`, `π(1 − π)` and `π`'s change per second.
    sum: BandedSum,
    /// The live-answer rate the estimate was evaluated at.
    rate: f64,
    inv_width: f64,
    refresh: f64,
}

impl RingingLines {
    /// Lines whose ring lasts `live` when a person answers and `other` otherwise.
    pub fn new(live: &Sampler, other: &Sampler) -> Self {
        let tables = RingTables::new(live, other);
        let width = tables.span() / (BANDS - 1) as f64;
        Self {
            tables,
            sum: BandedSum::new(width),
            rate: 0.0,
            inv_width: 1.0 / width,
            refresh: REFRESH_BANDS * width,
        }
    }

    /// Seconds after which hardly any line is still ringing (its survival under 1e-4).
    pub fn longest_ring(&self) -> f64 {
        self.tables.span()
    }

    /// Lines ringing.
    pub fn len(&self) -> u32 {
        self.sum.bands().len()
    }

    /// A line starts ringing at `start` (no earlier than any line already added).
    pub fn add(&mut self, start: f64) {
        self.sum.add(start, fresh);
    }

    /// The line that started ringing at `start` has its outcome.
    pub fn remove(&mut self, start: f64) {
        self.sum.remove(start, fresh);
    }

    /// Live answers expected from the lines ringing at `now`, with live-answer rate `p`, and the
    /// variance of that number.
    #[inline]
    pub fn expected_lives(&mut self, now: f64, p: f64) -> (f64, f64) {
        if self.sum.bands().is_empty() {
            self.sum.forget();
            return (0.0, 0.0);
        }
        match self.sum.estimate() {
            Some(c)
                if now >= c.at
                    && now - c.at < self.refresh
                    && (p - self.rate).abs() <= RATE_CHANGE * self.rate =>
            {
                let mean = (c.mean + c.slope * (now - c.at)).clamp(0.0, f64::from(self.len()));
                (mean, c.variance)
            }
            _ => {
                let estimate = self.evaluate(now, p);
                (estimate.mean, estimate.variance)
            }
        }
    }

    fn evaluate(&mut self, now: f64, p: f64) -> Estimate {
        let tables = &self.tables;
        let (width, inv_width) = (self.sum.bands().width(), self.inv_width);
        // Lines older than the longest live ring are live with probability 0: their bands (every
        // band whose youngest line is that old) count 0 and are not visited.
        let margin = 1e-9 * (1.0 + now.abs());
        let from = floor_time((now - tables.silent_from - margin) * inv_width);
        self.rate = p;
        // A band is under a second wide, against rings of several seconds: its lines are taken at
        // their mean age.
        self.sum.evaluate(
            now,
            from,
            |lo, hi| line_figures(tables, width, inv_width, p, 0.5 * (lo + hi)),
            line_figures(tables, width, inv_width, p, 0.0),
        )
    }
}

/// The figures of a line dialled in the same instant as the evaluation (start times are rounded),
/// in a band it did not see: a fresh line's.
fn fresh(estimate: &Estimate, _start: f64) -> LineFigures {
    estimate.fresh
}

/// The live-answer rate measured by cohort of dial time.
///
/// Averaging outcomes in the order they arrive biases the rate whenever the dialling rate moves:
/// live answers come back after about 8 s, the others after about 20 s, so just after a surge of
/// dials the answers arrive first and the rate reads high, and a little later the unanswered ones
/// arrive and it reads low — and the dialler, seeing few answers per line, dials a second surge.
/// Here the dials of each second are counted with their live answers and folded into an
/// exponential average (weight `weight` per dial) only once hardly any of them can still be
/// ringing, so the average is over dials, in dial order, at the cost of a lag of one longest ring.
#[derive(Debug, Clone)]
pub struct AnswerRate {
    rate: f64,
    weight: f64,
    floor: f64,
    /// Seconds a cohort waits before it is folded in.
    lag: i64,
    dials: Vec<u32>,
    lives: Vec<u32>,
    /// The oldest second not yet folded in.
    next: i64,
    /// `next + lag + 1`: the time from which a cohort is due to be folded in.
    due: f64,
    /// `(1 − weight)^k`, the share of the estimate a second of `k` dials keeps, for the `k` most
    /// seconds have (worked out once rather than by a loop of squarings each second).
    keep: Vec<f64>,
    /// Dials counted in cohorts not yet folded in.
    pending: u64,
}

impl AnswerRate {
    /// Starting from `rate`, never below `floor`, folding cohorts in `longest_ring` seconds after
    /// their dials.
    pub fn new(rate: f64, weight: f64, floor: f64, longest_ring: f64) -> Self {
        let lag = longest_ring.ceil().max(1.0) as i64 + 1;
        // A power of two, so that a second's slot is a mask rather than a division.
        let slots = (lag as usize + 2).next_power_of_two();
        Self {
            rate: rate.max(floor),
            weight,
            floor,
            lag,
            dials: vec![0; slots],
            lives: vec![0; slots],
            next: 0,
            due: (lag + 1) as f64,
            keep: (0..KEEP_TABLE).map(|k| (1.0 - weight).powi(k)).collect(),
            pending: 0,
        }
    }

    /// The current estimate.
    #[inline]
    pub fn rate(&self) -> f64 {
        self.rate
    }

    #[inline]
    fn slot(&self, second: i64) -> usize {
        (second & (self.dials.len() as i64 - 1)) as usize
    }

    /// Folds in every cohort old enough at `now`.
    #[inline]
    pub fn settle(&mut self, now: f64) {
        // `floor(now) − lag > next` is `now ≥ next + lag + 1`: one comparison while none is due.
        if now < self.due {
            return;
        }
        self.fold(now);
        self.due = (self.next + self.lag + 1) as f64;
    }

    /// Folds in the cohorts due at `now`.
    fn fold(&mut self, now: f64) {
        let last = floor_time(now) - self.lag;
        if self.next >= last {
            return;
        }
        if self.pending == 0 {
            // Nothing pending: skip straight on.
            self.next = last;
            return;
        }
        while self.next < last {
            let slot = self.slot(self.next);
            let (k, l) = (self.dials[slot], self.lives[slot]);
            if k > 0 {
                let keep = self
                    .keep
                    .get(k as usize)
                    .copied()
                    .unwrap_or_else(|| (1.0 - self.weight).powi(k as i32));
                let share = f64::from(l) / f64::from(k);
                self.rate = (keep * self.rate + (1.0 - keep) * share).max(self.floor);
            }
            self.dials[slot] = 0;
            self.lives[slot] = 0;
            self.pending -= u64::from(k);
            self.next += 1;
            if self.pending == 0 {
                // Nothing pending: skip straight on.
                self.next = self.next.max(last);
            }
        }
    }

    /// An attempt is dialled at `at`.
    pub fn dialled(&mut self, at: f64) {
        self.settle(at);
        let second = floor_time(at);
        let slot = self.slot(second.max(self.next));
        self.dials[slot] += 1;
        self.pending += 1;
    }

    /// The attempt dialled at `dialled_at` has its outcome.
    pub fn outcome(&mut self, live: bool, dialled_at: f64) {
        if live {
            let second = floor_time(dialled_at);
            if second >= self.next {
                let slot = self.slot(second);
                self.lives[slot] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Distribution;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    fn uniform(min: f64, max: f64) -> Sampler {
        Distribution::Uniform { min, max }.sampler()
    }

    #[test]
    fn expects_the_live_answers_actually_ringing() {
        // Lines dialled 5 a second, live with p = 0.1 after a lognormal 8 s ring, otherwise after
        // 15–25 s: at any moment about 4 live ones ring among about 94.
        let live = Distribution::Lognormal { mean: 8.0, cv: 0.5 }.sampler();
        let other = uniform(15.0, 25.0);
        let p = 0.1;
        let mut lines = RingingLines::new(&live, &other);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut ringing: Vec<(f64, f64, bool)> = Vec::new();
        let (mut t, mut step) = (0.0, 0u32);
        let (mut estimated, mut exact, mut actual, mut naive) = (0.0, 0.0, 0.0, 0.0);
        let (mut abs_err, mut probes) = (0.0, 0.0);
        while t < 3_000.0 {
            ringing.retain(|&(start, end, _)| {
                if end <= t {
                    lines.remove(start);
                    false
                } else {
                    true
                }
            });
            let is_live = rng.random::<f64>() < p;
            let ring = if is_live { &live } else { &other }.sample(&mut rng);
            ringing.push((t, t + ring, is_live));
            lines.add(t);
            step += 1;
            if t > 100.0 {
                let estimate = lines.expected_lives(t, p).0;
                let exact = ringing
                    .iter()
                    .map(|r| live_share(p, live.survival(t - r.0), other.survival(t - r.0)))
                    .sum::<f64>();
                abs_err += (estimate - exact).abs();
                probes += 1.0;
            }
            if t > 100.0 && step.is_multiple_of(10) {
                estimated += lines.expected_lives(t, p).0;
                actual += ringing.iter().filter(|r| r.2).count() as f64;
                exact += ringing
                    .iter()
                    .map(|r| live_share(p, live.survival(t - r.0), other.survival(t - r.0)))
                    .sum::<f64>();
                naive += p * ringing.len() as f64;
            }
            t += 0.2 * -(1.0 - rng.random::<f64>()).ln();
        }
        assert_eq!(lines.len() as usize, ringing.len());
        // At every step too (most of them between full evaluations, the estimate carried on by its
        // slope): on average within a few hundredths of a live answer of the exact sum.
        assert!(abs_err / probes < 0.05, "mean error {}", abs_err / probes);
        // The estimate matches the exact sum of `π` over the lines, and on average over the run the
        // live lines actually ringing; `p` times the lines would count more than twice as many.
        assert!(
            (estimated / exact - 1.0).abs() < 0.015,
            "{estimated} vs {exact}"
        );
        assert!(
            (estimated / actual - 1.0).abs() < 0.06,
            "{estimated} vs {actual}"
        );
        assert!(naive / actual > 2.0, "{naive} vs {actual}");
    }

    #[test]
    fn the_answer_rate_is_measured_by_dial_time() {
        // A surge of 1 000 dials at 0 s, 30 % live: answers come back at 8 s, the others at 20 s.
        let mut rate = AnswerRate::new(0.5, 0.01, 0.02, 25.0);
        for i in 0..1_000 {
            rate.dialled(0.0);
            let _ = i;
        }
        for i in 0..1_000 {
            rate.outcome(i % 10 < 3, 0.0);
        }
        // Nothing is folded in until the cohort can no longer be ringing.
        rate.settle(20.0);
        assert_eq!(rate.rate(), 0.5);
        rate.settle(40.0);
        assert!((rate.rate() - 0.3).abs() < 1e-3, "{}", rate.rate());
        // Later cohorts move it, one dial's weight at a time.
        rate.dialled(50.0);
        rate.outcome(true, 50.0);
        rate.settle(100.0);
        assert!(rate.rate() > 0.3 && rate.rate() < 0.31, "{}", rate.rate());
    }

    #[test]
    fn equal_rings_keep_the_answer_rate() {
        let ring = Distribution::Exp { mean: 10.0 }.sampler();
        let mut lines = RingingLines::new(&ring, &ring);
        for i in 0..50 {
            lines.add(f64::from(i) * 0.3);
        }
        let (mean, variance) = lines.expected_lives(15.0, 0.3);
        assert!((mean - 15.0).abs() < 1e-6, "{mean}");
        assert!((variance - 50.0 * 0.21).abs() < 1e-6, "{variance}");
    }

    #[test]
    fn lines_past_the_longest_live_ring_count_nothing_without_a_visit() {
        // Live rings end by 14.4 s: lines older than that are unanswered, and the evaluation that
        // skips their bands finds what the sum over every line finds.
        let (live, other) = (uniform(1.6, 14.4), uniform(10.0, 30.0));
        let p = 0.3;
        let mut lines = RingingLines::new(&live, &other);
        assert!((lines.tables.silent_from - 14.4).abs() < 2.0 * lines.tables.step);
        let starts: Vec<f64> = (0..300).map(|i| f64::from(i) * 0.1).collect();
        for &start in &starts {
            lines.add(start);
        }
        let now = 30.0;
        let (mean, variance) = lines.expected_lives(now, p);
        let exact: f64 = starts
            .iter()
            .map(|&s| live_share(p, live.survival(now - s), other.survival(now - s)))
            .sum();
        assert!((mean - exact).abs() < 0.01 * exact, "{mean} vs {exact}");
        assert!(variance > 0.0);
        // An old line leaving moves nothing; a young one takes its share out.
        lines.remove(0.0);
        assert_eq!(lines.expected_lives(now, p).0, mean);
        lines.remove(29.9);
        assert!(lines.expected_lives(now, p).0 < mean - 0.2);
    }
}
