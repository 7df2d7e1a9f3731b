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
//! taken at its mean age); the survivals are tabulated once, so a band costs a few look-ups. Between full evaluations the
//! estimate moves on with its time derivative and is adjusted by each line that starts or ends.

use super::bands::{BANDS, StartBands};
use crate::distribution::Sampler;

/// Grid points of the survival tables.
const GRID: usize = 512;
/// Survival below which an age is past the tables' span.
const TAIL_SURVIVAL: f64 = 1e-4;
/// Simulated time between full evaluations, in band widths.
const REFRESH_BANDS: f64 = 2.0;
/// Relative change of the live-answer rate estimate that forces a full evaluation (it moves slowly,
/// over about 100 dials, and smaller changes wait for the next refresh).
const RATE_CHANGE: f64 = 0.25;

/// Survival functions of the live and other ring times on a grid of ages.
#[derive(Debug, Clone)]
struct RingTables {
    step: f64,
    inv_step: f64,
    /// `S_L` and `S_O` at the grid points.
    live: Vec<f64>,
    other: Vec<f64>,
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
        Self {
            step,
            inv_step: 1.0 / step,
            live,
            other,
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
        let i = x as usize;
        if i + 1 >= GRID {
            return (0.0, 0.0);
        }
        let f = x - i as f64;
        (
            self.live[i] + f * (self.live[i + 1] - self.live[i]),
            self.other[i] + f * (self.other[i + 1] - self.other[i]),
        )
    }
}

/// `π` from mean survivals.
#[inline]
fn live_share(p: f64, live: f64, other: f64) -> f64 {
    let l = p * live;
    let total = l + (1.0 - p) * other;
    if total <= 0.0 { 0.0 } else { l / total }
}

/// The estimate at the last full evaluation.
#[derive(Debug, Clone, Copy)]
struct Cached {
    at: f64,
    rate: f64,
    mean: f64,
    variance: f64,
    slope: f64,
    /// `π` and its change of a line just dialled (every line added after `at` is one).
    fresh: (f64, f64),
}

/// The lines ringing now, by start time, and the live answers expected from them.
#[derive(Debug, Clone)]
pub struct RingingLines {
    tables: RingTables,
    bands: StartBands,
    refresh: f64,
    cache: Option<Cached>,
}

impl RingingLines {
    /// Lines whose ring lasts `live` when a person answers and `other` otherwise.
    pub fn new(live: &Sampler, other: &Sampler) -> Self {
        let tables = RingTables::new(live, other);
        let width = tables.span() / (BANDS - 1) as f64;
        Self {
            tables,
            bands: StartBands::new(width),
            refresh: REFRESH_BANDS * width,
            cache: None,
        }
    }

    /// Seconds after which hardly any line is still ringing (its survival under 1e-4).
    pub fn longest_ring(&self) -> f64 {
        self.tables.span()
    }

    /// Lines ringing.
    pub fn len(&self) -> u32 {
        self.bands.len()
    }

    /// `π` of one line `age` old, and its change per second (over one band's width).
    #[inline]
    fn point(&self, p: f64, age: f64) -> (f64, f64) {
        let width = self.bands.width();
        let (l, o) = self.tables.survivals(age);
        let (l2, o2) = self.tables.survivals(age + width);
        let share = live_share(p, l, o);
        (share, (live_share(p, l2, o2) - share) / width)
    }

    /// Moves the cached estimate by one line (`sign` ±1) that started at `start`.
    #[inline]
    fn adjust(&mut self, start: f64, sign: f64) {
        if let Some(cache) = self.cache {
            let age = cache.at - start;
            let (share, slope) = if age <= 0.0 {
                cache.fresh
            } else {
                self.point(cache.rate, age)
            };
            let c = Cached {
                mean: (cache.mean + sign * share).max(0.0),
                variance: (cache.variance + sign * share * (1.0 - share)).max(0.0),
                slope: cache.slope + sign * slope,
                ..cache
            };
            self.cache = Some(c);
        }
    }

    /// A line starts ringing at `start` (no earlier than any line already added).
    pub fn add(&mut self, start: f64) {
        self.bands.add(start);
        self.adjust(start, 1.0);
    }

    /// The line that started ringing at `start` has its outcome.
    pub fn remove(&mut self, start: f64) {
        if self.bands.remove(start) {
            self.adjust(start, -1.0);
        }
    }

    /// Live answers expected from the lines ringing at `now`, with live-answer rate `p`, and the
    /// variance of that number.
    #[inline]
    pub fn expected_lives(&mut self, now: f64, p: f64) -> (f64, f64) {
        if self.bands.is_empty() {
            self.cache = None;
            return (0.0, 0.0);
        }
        match self.cache {
            Some(c)
                if now >= c.at
                    && now - c.at < self.refresh
                    && (p - c.rate).abs() <= RATE_CHANGE * c.rate =>
            {
                let mean = (c.mean + c.slope * (now - c.at)).clamp(0.0, f64::from(self.len()));
                (mean, c.variance)
            }
            _ => {
                let cache = self.evaluate(now, p);
                self.cache = Some(cache);
                (cache.mean, cache.variance)
            }
        }
    }

    fn evaluate(&self, now: f64, p: f64) -> Cached {
        let (mut mean, mut variance, mut slope) = (0.0, 0.0, 0.0);
        // A band is under a second wide, against rings of several seconds: its lines are taken at
        // their mean age.
        self.bands.for_each(now, |count, lo, hi| {
            let c = f64::from(count);
            let (share, change) = self.point(p, 0.5 * (lo + hi));
            mean += c * share;
            variance += c * share * (1.0 - share);
            slope += c * change;
        });
        Cached {
            fresh: self.point(p, 0.0),
            at: now,
            rate: p,
            mean,
            variance,
            slope,
        }
    }
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
}

impl AnswerRate {
    /// Starting from `rate`, never below `floor`, folding cohorts in `longest_ring` seconds after
    /// their dials.
    pub fn new(rate: f64, weight: f64, floor: f64, longest_ring: f64) -> Self {
        let lag = longest_ring.ceil().max(1.0) as i64 + 1;
        let slots = lag as usize + 2;
        Self {
            rate: rate.max(floor),
            weight,
            floor,
            lag,
            dials: vec![0; slots],
            lives: vec![0; slots],
            next: 0,
        }
    }

    /// The current estimate.
    #[inline]
    pub fn rate(&self) -> f64 {
        self.rate
    }

    #[inline]
    fn slot(&self, second: i64) -> usize {
        second.rem_euclid(self.dials.len() as i64) as usize
    }

    /// Folds in every cohort old enough at `now`.
    pub fn settle(&mut self, now: f64) {
        let last = now.floor() as i64 - self.lag;
        while self.next < last {
            let slot = self.slot(self.next);
            let (k, l) = (self.dials[slot], self.lives[slot]);
            if k > 0 {
                let keep = (1.0 - self.weight).powi(k as i32);
                let share = f64::from(l) / f64::from(k);
                self.rate = (keep * self.rate + (1.0 - keep) * share).max(self.floor);
            }
            self.dials[slot] = 0;
            self.lives[slot] = 0;
            self.next += 1;
            if self.dials.iter().all(|&d| d == 0) {
                // Nothing pending: skip straight on.
                self.next = self.next.max(last);
            }
        }
    }

    /// An attempt is dialled at `at`.
    pub fn dialled(&mut self, at: f64) {
        self.settle(at);
        let second = at.floor() as i64;
        let slot = self.slot(second.max(self.next));
        self.dials[slot] += 1;
    }

    /// The attempt dialled at `dialled_at` has its outcome.
    pub fn outcome(&mut self, live: bool, dialled_at: f64) {
        let second = dialled_at.floor() as i64;
        if live && second >= self.next {
            let slot = self.slot(second);
            self.lives[slot] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Distribution;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn expects_the_live_answers_actually_ringing() {
        // Lines dialled 5 a second, live with p = 0.1 after a lognormal 8 s ring, otherwise after
        // 15–25 s: at any moment about 4 live ones ring among about 94.
        let live = Distribution::Lognormal { mean: 8.0, cv: 0.5 }.sampler();
        let other = Distribution::Uniform {
            min: 15.0,
            max: 25.0,
        }
        .sampler();
        let p = 0.1;
        let mut lines = RingingLines::new(&live, &other);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut ringing: Vec<(f64, f64, bool)> = Vec::new();
        let (mut t, mut step) = (0.0, 0u32);
        let (mut estimated, mut exact, mut actual, mut naive) = (0.0, 0.0, 0.0, 0.0);
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
}
