//! Time distributions of the scenario file (ring, talk, wrap, patience) and their samplers.
//!
//! A [`Distribution`] is what the scenario file says; a [`Sampler`] is the same law prepared for the
//! hot loop (the lognormal's `mu` and `sigma` computed once, the uniform's width stored).

use rand::{Rng, RngExt};
use rand_distr::{Exp1, StandardNormal};
use serde::{Deserialize, Serialize};

/// A distribution of a duration in seconds, as written in the scenario file
/// (`{"dist": "lognormal", "mean": 120, "cv": 0.8}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Always `mean`.
    Fixed {
        /// The value.
        mean: f64,
    },
    /// Exponential with this mean.
    Exp {
        /// The mean.
        mean: f64,
    },
    /// Lognormal with this mean and coefficient of variation (standard deviation / mean).
    Lognormal {
        /// The mean.
        mean: f64,
        /// The coefficient of variation, > 0.
        cv: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// The smallest value.
        min: f64,
        /// The largest value.
        max: f64,
    },
}

impl Distribution {
    /// A duration of exactly zero.
    pub const ZERO: Self = Self::Fixed { mean: 0.0 };

    /// The mean of the law.
    pub fn mean(&self) -> f64 {
        match *self {
            Self::Fixed { mean } | Self::Exp { mean } | Self::Lognormal { mean, .. } => mean,
            Self::Uniform { min, max } => 0.5 * (min + max),
        }
    }

    /// The law prepared for sampling.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Self::Fixed { mean } => Sampler::Fixed(mean),
            Self::Exp { mean } => Sampler::Exp(mean),
            Self::Lognormal { mean, cv } => {
                let sigma2 = (1.0 + cv * cv).ln();
                Sampler::Lognormal {
                    mu: mean.ln() - 0.5 * sigma2,
                    sigma: sigma2.sqrt(),
                }
            }
            Self::Uniform { min, max } => Sampler::Uniform {
                min,
                width: max - min,
            },
        }
    }
}

/// A [`Distribution`] ready for the event loop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampler {
    /// Always this value.
    Fixed(f64),
    /// Exponential with this mean.
    Exp(f64),
    /// `exp(mu + sigma · Z)` with `Z` standard normal.
    Lognormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// `min + width · U` with `U` uniform on [0, 1).
    Uniform {
        /// The smallest value.
        min: f64,
        /// `max − min`.
        width: f64,
    },
}

impl Sampler {
    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Self::Fixed(value) => value,
            Self::Exp(mean) => mean * rng.sample::<f64, _>(Exp1),
            Self::Lognormal { mu, sigma } => {
                (mu + sigma * rng.sample::<f64, _>(StandardNormal)).exp()
            }
            Self::Uniform { min, width } => min + width * rng.random::<f64>(),
        }
    }

    /// The probability that a duration already `elapsed` long ends within the next `horizon`:
    /// `P(T ≤ elapsed + horizon | T > elapsed)`. A duration that should already have ended counts as
    /// ending at once (probability 1).
    pub fn ends_within(&self, elapsed: f64, horizon: f64) -> f64 {
        let survival = |t: f64| self.survival(t);
        let now = survival(elapsed);
        if now <= 0.0 {
            return 1.0;
        }
        (1.0 - survival(elapsed + horizon) / now).clamp(0.0, 1.0)
    }

    /// `P(T > t)`.
    pub fn survival(&self, t: f64) -> f64 {
        match *self {
            Self::Fixed(value) => {
                if t < value {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Exp(mean) => {
                if mean <= 0.0 {
                    0.0
                } else {
                    (-t.max(0.0) / mean).exp()
                }
            }
            Self::Lognormal { mu, sigma } => {
                if t <= 0.0 {
                    1.0
                } else {
                    0.5 * erfc((t.ln() - mu) / (sigma * std::f64::consts::SQRT_2))
                }
            }
            Self::Uniform { min, width } => {
                if t < min {
                    1.0
                } else if width <= 0.0 || t >= min + width {
                    0.0
                } else {
                    1.0 - (t - min) / width
                }
            }
        }
    }
}

/// The complementary error function, to about 1.2e-7 relative (Numerical Recipes' Chebyshev fit),
/// which is plenty for the pacing look-ahead that uses it.
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * poly.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn sample_mean_and_cv(dist: Distribution) -> (f64, f64) {
        let sampler = dist.sampler();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 400_000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let x = sampler.sample(&mut rng);
            sum += x;
            sum2 += x * x;
        }
        let mean = sum / n as f64;
        let var = sum2 / n as f64 - mean * mean;
        (mean, var.max(0.0).sqrt() / mean)
    }

    #[test]
    fn samplers_match_their_mean_and_cv() {
        let (m, cv) = sample_mean_and_cv(Distribution::Lognormal {
            mean: 120.0,
            cv: 0.8,
        });
        assert!((m / 120.0 - 1.0).abs() < 0.01, "{m}");
        assert!((cv - 0.8).abs() < 0.02, "{cv}");
        let (m, cv) = sample_mean_and_cv(Distribution::Exp { mean: 20.0 });
        assert!((m / 20.0 - 1.0).abs() < 0.01, "{m}");
        assert!((cv - 1.0).abs() < 0.02, "{cv}");
        let (m, _) = sample_mean_and_cv(Distribution::Uniform {
            min: 10.0,
            max: 30.0,
        });
        assert!((m / 20.0 - 1.0).abs() < 0.005, "{m}");
        let (m, cv) = sample_mean_and_cv(Distribution::Fixed { mean: 2.0 });
        assert_eq!((m, cv), (2.0, 0.0));
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207_050_285_1).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_792_949_715).abs() < 1e-7);
    }

    #[test]
    fn ends_within_is_conditional() {
        let exp = Distribution::Exp { mean: 10.0 }.sampler();
        // Memoryless: the past does not matter.
        assert!((exp.ends_within(100.0, 10.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        let fixed = Distribution::Fixed { mean: 60.0 }.sampler();
        assert_eq!(fixed.ends_within(50.0, 5.0), 0.0);
        assert_eq!(fixed.ends_within(50.0, 10.0), 1.0);
        let uniform = Distribution::Uniform {
            min: 0.0,
            max: 100.0,
        }
        .sampler();
        assert!((uniform.ends_within(50.0, 25.0) - 0.5).abs() < 1e-12);
        let lognormal = Distribution::Lognormal {
            mean: 100.0,
            cv: 1.0,
        }
        .sampler();
        let median = match lognormal {
            Sampler::Lognormal { mu, .. } => mu.exp(),
            _ => unreachable!(),
        };
        assert!((lognormal.survival(median) - 0.5).abs() < 1e-7);
    }
}
