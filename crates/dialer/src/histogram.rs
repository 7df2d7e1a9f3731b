//! A fixed-size histogram of waiting times, so that percentiles need no per-call storage.
//!
//! Bin 0 holds waits under 1 ms (most connects wait exactly 0). Above that, bins are log-linear:
//! each power of two of milliseconds is split in 64 equal bins, so a reported percentile (the middle
//! of its bin) is within 0.8 % of the true value, up to 2^24 ms (4.7 h); longer waits share the
//! last bin.

/// Bins per power of two.
const SUB_BINS: usize = 64;
/// Powers of two of milliseconds covered above 1 ms.
const OCTAVES: usize = 24;
/// Total bins: the zero bin, the log-linear bins and the overflow bin.
const BINS: usize = 1 + OCTAVES * SUB_BINS + 1;

/// Counts of waiting times (in seconds) in fixed bins.
#[derive(Clone, PartialEq, Eq)]
pub struct WaitHistogram {
    counts: Box<[u32; BINS]>,
    total: u64,
}

impl std::fmt::Debug for WaitHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitHistogram")
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Default for WaitHistogram {
    fn default() -> Self {
        Self {
            counts: Box::new([0; BINS]),
            total: 0,
        }
    }
}

impl WaitHistogram {
    /// Counts one wait of `seconds` (≥ 0).
    #[inline]
    pub fn record(&mut self, seconds: f64) {
        let bin = bin_of(seconds);
        self.counts[bin] = self.counts[bin].saturating_add(1);
        self.total += 1;
    }

    /// Number of waits recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Self) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            *mine = mine.saturating_add(*theirs);
        }
        self.total += other.total;
    }

    /// The `q` quantile (0 < q ≤ 1) in seconds: the middle of the bin holding the
    /// `ceil(q · total)`-th smallest wait; 0 when the histogram is empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (bin, &count) in self.counts.iter().enumerate() {
            seen += u64::from(count);
            if seen >= rank {
                return middle_of(bin);
            }
        }
        middle_of(BINS - 1)
    }
}

#[inline]
fn bin_of(seconds: f64) -> usize {
    let millis = seconds * 1_000.0;
    if millis.is_nan() || millis < 1.0 {
        return 0;
    }
    // The exponent and the top mantissa bits of an f64 are its octave and its place in it.
    let bits = millis.to_bits();
    let octave = ((bits >> 52) & 0x7ff) as usize - 1023;
    if octave >= OCTAVES {
        return BINS - 1;
    }
    let sub = ((bits >> (52 - 6)) & (SUB_BINS as u64 - 1)) as usize;
    1 + octave * SUB_BINS + sub
}

fn middle_of(bin: usize) -> f64 {
    if bin == 0 {
        return 0.0;
    }
    let index = (bin - 1).min(OCTAVES * SUB_BINS - 1);
    let (octave, sub) = (index / SUB_BINS, index % SUB_BINS);
    let low = f64::from(1u32 << octave) * (1.0 + sub as f64 / SUB_BINS as f64);
    let width = f64::from(1u32 << octave) / SUB_BINS as f64;
    (low + 0.5 * width) / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_waits_give_zero_quantiles() {
        let mut h = WaitHistogram::default();
        for _ in 0..10 {
            h.record(0.0);
        }
        assert_eq!(h.quantile(0.9), 0.0);
        assert_eq!(h.total(), 10);
        assert_eq!(WaitHistogram::default().quantile(0.9), 0.0);
    }

    #[test]
    fn quantiles_are_within_bin_precision() {
        let mut h = WaitHistogram::default();
        // 0.001 s … 10 s in 10 000 equal steps: the 90th percentile is 9.0 s.
        for i in 1..=10_000 {
            h.record(f64::from(i) * 0.001);
        }
        let p90 = h.quantile(0.9);
        assert!((p90 / 9.0 - 1.0).abs() < 0.008, "{p90}");
        let p50 = h.quantile(0.5);
        assert!((p50 / 5.0 - 1.0).abs() < 0.008, "{p50}");
    }

    #[test]
    fn bins_are_monotone_and_overflow_is_kept() {
        let mut last = 0;
        for i in 0..100_000 {
            let bin = bin_of(f64::from(i) * 0.01);
            assert!(bin >= last);
            last = bin;
        }
        assert_eq!(bin_of(1e9), BINS - 1);
        let mut a = WaitHistogram::default();
        let mut b = WaitHistogram::default();
        a.record(1.0);
        b.record(3.0);
        b.record(1e9);
        a.merge(&b);
        assert_eq!(a.total(), 3);
        assert!(a.quantile(1.0) > 10_000.0);
    }
}
