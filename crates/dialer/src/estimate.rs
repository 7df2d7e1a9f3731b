//! Means with 95 % confidence intervals over replications (Student's t).

use serde::Serialize;

/// A metric's mean over the replications where it is defined, and its 95 % confidence interval.
///
/// The interval is `mean ± t(0.975, n − 1) · s / √n` over the `n` replications where the metric is
/// defined (a rate is undefined in a replication where its denominator is 0, e.g. an abandon rate
/// without live answers). With fewer than two such replications the sample gives no measure of its
/// own spread, so the interval is undefined: `ci95` is `None` (JSON `null`) rather than a
/// zero-width `[mean, mean]` that would claim certainty. With none at all the metric is undefined:
/// `n` is 0, `mean` is 0 (a JSON-safe placeholder, not a measurement) and `ci95` is `None`.
///
/// Serialises as `{"mean": x, "ci95": [lo, hi] | null, "n": k}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over the replications where the metric is defined (0 when it is defined in none).
    pub mean: f64,
    /// 95 % confidence interval of the mean, `[low, high]`; `None` with fewer than two values.
    pub ci95: Option<[f64; 2]>,
    /// Replications the estimate is over: those where the metric is defined.
    pub n: u64,
}

impl Estimate {
    /// Half the width of the confidence interval, when it is defined.
    pub fn half_width(&self) -> Option<f64> {
        self.ci95.map(|[low, high]| 0.5 * (high - low))
    }

    /// Whether the metric was defined in at least one replication.
    pub fn is_defined(&self) -> bool {
        self.n > 0
    }
}

/// Welford's running mean and variance, fed in replication order so the result is the same for
/// any thread count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accumulator {
    count: u64,
    mean: f64,
    sum_squares: f64,
}

impl Accumulator {
    /// Adds one replication's value.
    pub fn add(&mut self, value: f64) {
        self.count += 1;
        let delta = value - self.mean;
        self.mean += delta / self.count as f64;
        self.sum_squares += delta * (value - self.mean);
    }

    /// Values added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    #[cfg(test)]
    /// The mean and its 95 % confidence interval (undefined with fewer than two values).
    pub fn estimate(&self) -> Estimate {
        self.estimate_with(t_critical_95(self.count.max(2) - 1))
    }

    /// The mean and its 95 % confidence interval, given `t_critical_95(count − 1)` (so that many
    /// estimates over the same replications compute it once). With fewer than two values the
    /// interval is `None` and `critical` is unused.
    pub fn estimate_with(&self, critical: f64) -> Estimate {
        if self.count < 2 {
            return Estimate {
                mean: self.mean,
                ci95: None,
                n: self.count,
            };
        }
        let n = self.count as f64;
        let standard_error = (self.sum_squares.max(0.0) / (n - 1.0) / n).sqrt();
        let half = critical * standard_error;
        Estimate {
            mean: self.mean,
            ci95: Some([self.mean - half, self.mean + half]),
            n: self.count,
        }
    }
}

/// The two-sided 95 % critical value of Student's t with `df` degrees of freedom (`df` ≥ 1):
/// the `t` with `P(|T| > t) = 0.05`.
pub fn t_critical_95(df: u64) -> f64 {
    t_critical(df, 0.05)
}

/// The `t` with `P(|T| > t) = alpha` for Student's t with `df` degrees of freedom.
///
/// `P(|T| > t) = I_x(df/2, 1/2)` with `x = df / (df + t²)`, so this solves for `x` by bisection
/// (the regularised incomplete beta rises with `x`) and converts back.
pub fn t_critical(df: u64, alpha: f64) -> f64 {
    let a = df.max(1) as f64 / 2.0;
    let (mut low, mut high) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if regularized_beta(mid, a, 0.5) < alpha {
            low = mid;
        } else {
            high = mid;
        }
        if high - low < 1e-17 {
            break;
        }
    }
    let x = 0.5 * (low + high);
    (2.0 * a * (1.0 - x) / x).sqrt()
}

/// The regularised incomplete beta function `I_x(a, b)` (continued fraction, Lentz's method).
fn regularized_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut result = d;
    for m in 1..10_000 {
        let m = f64::from(m);
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 + even * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + even / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        result *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 + odd * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + odd / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let step = d * c;
        result *= step;
        if (step - 1.0).abs() < 1e-16 {
            break;
        }
    }
    result
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; about 1e-15 relative).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_critical_values_match_tables() {
        // Published to 6 decimals.
        for (df, expected) in [
            (1, 12.706_205),
            (2, 4.302_653),
            (4, 2.776_445),
            (9, 2.262_157),
            (19, 2.093_024),
            (100, 1.983_972),
            (100_000, 1.959_988),
        ] {
            let t = t_critical_95(df);
            assert!((t - expected).abs() < 1e-6, "df {df}: {t} vs {expected}");
        }
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
    }

    #[test]
    fn accumulator_gives_mean_and_interval() {
        let mut acc = Accumulator::default();
        for v in [1.0, 2.0, 3.0, 4.0, 5.0] {
            acc.add(v);
        }
        let e = acc.estimate();
        assert_eq!(e.mean, 3.0);
        // s = √2.5, se = √0.5, t(4) = 2.776445.
        let half = 2.776_445_105 * 0.5f64.sqrt();
        assert!((e.half_width().unwrap() - half).abs() < 1e-6, "{e:?}");
        assert_eq!(e.n, 5);
    }

    #[test]
    fn one_value_gives_no_interval() {
        let mut single = Accumulator::default();
        single.add(7.0);
        let e = single.estimate();
        assert_eq!(e.mean, 7.0);
        assert_eq!(e.n, 1);
        assert_eq!(e.ci95, None);
        assert_eq!(e.half_width(), None);
        assert_eq!(
            serde_json::to_value(e).unwrap(),
            serde_json::json!({"mean": 7.0, "ci95": null, "n": 1})
        );
        let none = Accumulator::default().estimate();
        assert_eq!((none.mean, none.ci95, none.n), (0.0, None, 0));
        assert!(!none.is_defined());
        single.add(9.0);
        let two = single.estimate();
        // s = √2, se = 1, t(1) = 12.706205.
        let [low, high] = two.ci95.unwrap();
        assert!((low - (8.0 - 12.706_205)).abs() < 1e-5, "{two:?}");
        assert!((high - (8.0 + 12.706_205)).abs() < 1e-5, "{two:?}");
    }
}
