//! Busy agents (or ringing lines) grouped by start time, for sums over their ages in O(K).
//!
//! Things that start in time order fall into [`BANDS`] bands of start times: a ring indexed by band
//! number whose oldest band only moves forward (bands that leave the ring join one tail band). Each
//! band keeps its count and the sum of its start times, so a member joins or leaves in O(1) and the
//! band's mean age is known; [`StartBands::for_each_from`] hands each band's count and age range to
//! a sum. [`BandValues`] keeps what a sum found for each band, so that a member leaving later takes
//! its band's share out of the sum without evaluating anything; [`BandedSum`] puts the two together
//! with the sum itself, for the busy agents and the ringing lines alike.

/// Bands of start times in a ring.
pub const BANDS: usize = 64;

/// Counts and summed start times of members, by band of start time.
#[derive(Debug, Clone)]
pub struct StartBands {
    width: f64,
    inv_width: f64,
    /// Members per band, the ring indexed by band number modulo [`BANDS`].
    count: [u32; BANDS],
    /// Sum of the start times of each band's members.
    sum: [f64; BANDS],
    /// Bit `slot` set: that band has members (so that a sum visits only those, without a branch
    /// per band that the processor cannot foresee).
    occupied: u64,
    /// The oldest band number the ring holds; it only moves forward.
    first: i64,
    tail_count: u32,
    tail_sum: f64,
    members: u32,
}

/// Which band a member is in: a band of the ring by its number, or the tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// The band of this number (start times `[number · width, (number + 1) · width)`).
    Ring(i64),
    /// The tail band, holding every band that left the ring.
    Tail,
}

/// `floor(x)` as an integer, with no call into libm (a truncation, one less when it rounded up);
/// for the times and band numbers of a simulation, well within `i64`.
#[inline]
pub fn floor_time(x: f64) -> i64 {
    let truncated = x as i64;
    truncated - i64::from((truncated as f64) > x)
}

impl StartBands {
    /// Bands of `width` seconds of start times each.
    pub fn new(width: f64) -> Self {
        Self {
            width,
            inv_width: 1.0 / width,
            count: [0; BANDS],
            sum: [0.0; BANDS],
            occupied: 0,
            first: 0,
            tail_count: 0,
            tail_sum: 0.0,
            members: 0,
        }
    }

    /// Seconds of start times per band.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Members held.
    #[inline]
    pub fn len(&self) -> u32 {
        self.members
    }

    /// Whether no member is held.
    pub fn is_empty(&self) -> bool {
        self.members == 0
    }

    #[inline]
    fn band(&self, start: f64) -> i64 {
        floor_time(start * self.inv_width)
    }

    #[inline]
    fn slot(band: i64) -> usize {
        band.rem_euclid(BANDS as i64) as usize
    }

    /// A member starts at `start` (no earlier than any member already added); the number of the
    /// band of its start time.
    pub fn add(&mut self, start: f64) -> i64 {
        let number = self.band(start);
        let band = number;
        // Bands that fall out of the ring join the tail, oldest first.
        while band >= self.first + BANDS as i64 {
            let slot = Self::slot(self.first);
            self.tail_count += self.count[slot];
            self.tail_sum += self.sum[slot];
            self.count[slot] = 0;
            self.sum[slot] = 0.0;
            self.occupied &= !(1 << slot);
            self.first += 1;
            if self.members == self.tail_count {
                // Nothing left in the ring: jump straight to the new band.
                self.first = self.first.max(band - BANDS as i64 + 1);
            }
        }
        let band = band.max(self.first);
        let slot = Self::slot(band);
        self.count[slot] += 1;
        self.sum[slot] += start;
        self.occupied |= 1 << slot;
        self.members += 1;
        number
    }

    /// The member that started at `start` leaves: the number of the band of its start time, none
    /// if no member of its band was held.
    pub fn remove(&mut self, start: f64) -> Option<i64> {
        let band = self.band(start);
        if band < self.first {
            if self.tail_count == 0 {
                return None;
            }
            self.tail_count -= 1;
            self.tail_sum = if self.tail_count == 0 {
                0.0
            } else {
                self.tail_sum - start
            };
        } else {
            let slot = Self::slot(band);
            if self.count[slot] == 0 {
                return None;
            }
            self.count[slot] -= 1;
            let emptied = self.count[slot] == 0;
            self.sum[slot] = if emptied { 0.0 } else { self.sum[slot] - start };
            self.occupied &= !(u64::from(emptied) << slot);
        }
        self.members -= 1;
        Some(band)
    }

    /// Calls `f(band, count, lo, hi)` for every non-empty band at `now`: its members and their
    /// ages, taken as spread evenly over at most the band's width around their mean age (the tail
    /// band: all at its mean age).
    #[cfg(test)]
    pub fn for_each(&self, now: f64, f: impl FnMut(Band, u32, f64, f64)) {
        self.for_each_from(now, i64::MIN, f);
    }

    /// The same for the bands numbered `from` on only (the tail too only if it is younger).
    #[inline]
    pub fn for_each_from(&self, now: f64, from: i64, mut f: impl FnMut(Band, u32, f64, f64)) {
        // Bit `k` of `bits`: band `first + k` has members.
        let mut bits = self.occupied.rotate_right(Self::slot(self.first) as u32);
        let skip = from.saturating_sub(self.first).clamp(0, BANDS as i64);
        bits &= u64::MAX.checked_shl(skip as u32).unwrap_or(0);
        while bits != 0 {
            let band = self.first + i64::from(bits.trailing_zeros());
            bits &= bits - 1;
            let slot = Self::slot(band);
            let count = self.count[slot];
            let mean_age = (now - self.sum[slot] / f64::from(count)).max(0.0);
            let oldest = (now - band as f64 * self.width).max(0.0);
            let youngest = (now - (band + 1) as f64 * self.width).max(0.0);
            let half = 0.5 * (oldest - youngest);
            let lo = (mean_age - half).max(0.0);
            f(Band::Ring(band), count, lo, lo.max(mean_age + half));
        }
        if self.tail_count > 0 && from < self.first {
            let age = (now - self.tail_sum / f64::from(self.tail_count)).max(0.0);
            f(Band::Tail, self.tail_count, age, age);
        }
    }
}

/// `N` figures per member of each band, as a full evaluation found them: a member leaving (or one
/// joining a band that was evaluated) moves the sum by its band's figures, which is what the
/// evaluation counted it for. A band the evaluation did not see has none.
#[derive(Debug, Clone)]
pub struct BandValues<const N: usize> {
    /// Band numbers from here on were in the ring at the evaluation; older ones in the tail.
    first: i64,
    /// Bands numbered below this one (the tail too, if it is older) count 0 in every figure.
    zero_below: i64,
    /// Bit `slot` set: the ring band in that slot was evaluated.
    set: u64,
    ring: [[f64; N]; BANDS],
    tail: Option<[f64; N]>,
}

impl<const N: usize> Default for BandValues<N> {
    fn default() -> Self {
        Self {
            first: 0,
            zero_below: i64::MIN,
            set: 0,
            ring: [[0.0; N]; BANDS],
            tail: None,
        }
    }
}

impl<const N: usize> BandValues<N> {
    /// Forgets every band's figures before an evaluation of `bands`.
    #[inline]
    pub fn clear(&mut self, bands: &StartBands) {
        self.first = bands.first;
        self.zero_below = i64::MIN;
        self.set = 0;
        self.tail = None;
    }

    /// Every member of a band numbered below `band` (and of the tail, if it is older) counts 0 in
    /// every figure: the evaluation found so without visiting them. (A band older than the ring's
    /// oldest is in the tail, which the evaluation then visits: nothing is zero.)
    #[inline]
    pub fn zero_before(&mut self, band: i64) {
        if band >= self.first {
            self.zero_below = band;
        }
    }

    /// The evaluation found `values` per member of `band`.
    #[inline]
    pub fn record(&mut self, band: Band, values: [f64; N]) {
        match band {
            Band::Ring(number) => {
                let slot = StartBands::slot(number);
                self.ring[slot] = values;
                self.set |= 1 << slot;
            }
            Band::Tail => self.tail = Some(values),
        }
    }

    /// The figures of the band numbered `band` (of a member's start time) as it was at the
    /// evaluation, if it was evaluated.
    #[inline]
    pub fn get(&self, band: i64) -> Option<[f64; N]> {
        if band < self.zero_below {
            Some([0.0; N])
        } else if band < self.first {
            self.tail
        } else if band < self.first + BANDS as i64 {
            let slot = StartBands::slot(band);
            (self.set & (1 << slot) != 0).then(|| self.ring[slot])
        } else {
            None
        }
    }
}

/// A sum over members of three figures each (a mean, its variance and the mean's change per
/// second), by band of start time: the sum a full evaluation found, moved on since by every member
/// that joined or left, by the figures the evaluation counted its band's members for.
#[derive(Debug, Clone)]
pub struct BandedSum {
    bands: StartBands,
    per_band: BandValues<3>,
    estimate: Option<Estimate>,
}

/// The sums at the last full evaluation, kept up to date as members join and leave.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    /// When the evaluation was.
    pub at: f64,
    /// Sum of the members' means.
    pub mean: f64,
    /// Sum of their variances.
    pub variance: f64,
    /// `d mean / dt`.
    pub slope: f64,
    /// The figures of a member that starts at `at` or later.
    pub fresh: [f64; 3],
}

impl BandedSum {
    /// Bands of `width` seconds of start times each, not yet evaluated.
    pub fn new(width: f64) -> Self {
        Self {
            bands: StartBands::new(width),
            per_band: BandValues::default(),
            estimate: None,
        }
    }

    /// The members by band.
    #[inline]
    pub fn bands(&self) -> &StartBands {
        &self.bands
    }

    /// The sums at the last evaluation, moved on by the members since, if there was one.
    #[inline]
    pub fn estimate(&self) -> Option<&Estimate> {
        self.estimate.as_ref()
    }

    /// Forgets the estimate (there are no members left to sum).
    #[inline]
    pub fn forget(&mut self) {
        self.estimate = None;
    }

    /// A member starts at `start` (no earlier than any member already added); `unseen` gives the
    /// figures of one that started before the evaluation in a band it did not see.
    #[inline]
    pub fn add(&mut self, start: f64, unseen: impl FnOnce(&Estimate, f64) -> [f64; 3]) {
        let band = self.bands.add(start);
        self.adjust(start, band, 1.0, unseen);
    }

    /// The member that started at `start` leaves (if one of its band was held).
    #[inline]
    pub fn remove(&mut self, start: f64, unseen: impl FnOnce(&Estimate, f64) -> [f64; 3]) {
        if let Some(band) = self.bands.remove(start) {
            self.adjust(start, band, -1.0, unseen);
        }
    }

    /// Moves the estimate by one member (`sign` ±1) that started at `start`: by its band's figures
    /// at the last evaluation (what that evaluation counted it for), by a fresh member's if it
    /// started since.
    #[inline]
    fn adjust(
        &mut self,
        start: f64,
        band: i64,
        sign: f64,
        unseen: impl FnOnce(&Estimate, f64) -> [f64; 3],
    ) {
        if let Some(estimate) = &mut self.estimate {
            let [mean, spread, slope] = if start >= estimate.at {
                // Fresh at `start`, not at the evaluation: the drift since then is not its own.
                let [mean, spread, slope] = estimate.fresh;
                [mean - slope * (start - estimate.at), spread, slope]
            } else if let Some(figures) = self.per_band.get(band) {
                figures
            } else {
                unseen(estimate, start)
            };
            estimate.mean = (estimate.mean + sign * mean).max(0.0);
            estimate.variance = (estimate.variance + sign * spread).max(0.0);
            estimate.slope += sign * slope;
        }
    }

    /// The full evaluation at `now`: `figures(count, lo, hi)` per member of each band visited, the
    /// bands numbered below `from` (and the tail, if older) taken to count 0 without a visit.
    #[inline]
    pub fn evaluate(
        &mut self,
        now: f64,
        from: i64,
        mut figures: impl FnMut(f64, f64) -> [f64; 3],
        fresh: [f64; 3],
    ) -> Estimate {
        let (mut mean, mut variance, mut slope) = (0.0, 0.0, 0.0);
        let (bands, per_band) = (&self.bands, &mut self.per_band);
        per_band.clear(bands);
        per_band.zero_before(from);
        bands.for_each_from(now, from, |band, count, lo, hi| {
            let c = f64::from(count);
            let found = figures(lo, hi);
            mean += c * found[0];
            variance += c * found[1];
            slope += c * found[2];
            per_band.record(band, found);
        });
        let estimate = Estimate {
            at: now,
            mean,
            variance,
            slope,
            fresh,
        };
        self.estimate = Some(estimate);
        estimate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_join_leave_and_age_into_the_tail() {
        let mut bands = StartBands::new(1.0);
        for i in 0..200 {
            bands.add(f64::from(i) * 0.5);
        }
        assert_eq!(bands.len(), 200);
        // 100 s of starts over 64 bands of 1 s: the oldest have joined the tail.
        let (mut total, mut tail) = (0, 0);
        bands.for_each(100.0, |band, count, lo, hi| {
            assert_eq!(band == Band::Tail, lo == hi && hi > 64.0);
            total += count;
            if lo == hi {
                tail = count;
            }
            assert!(hi - lo <= 1.0 + 1e-12 && lo >= 0.0);
        });
        assert_eq!(total, 200);
        assert!(tail > 0);
        assert!(bands.remove(0.0).is_some(), "a tail member leaves");
        assert!(bands.remove(99.5).is_some(), "a ring member leaves");
        assert_eq!(bands.len(), 198);
        // Mean ages: the band holding starts 98.0 and 98.5 has mean age 1.75 at 100 s.
        let mut found = false;
        bands.for_each(100.0, |_, count, lo, hi| {
            if count == 2 && (0.5 * (lo + hi) - 1.75).abs() < 1e-9 {
                found = true;
            }
        });
        assert!(found);
        for (x, floor) in [
            (2.5, 2),
            (-2.5, -3),
            (-3.0, -3),
            (0.0, 0),
            (7.0, 7),
            (-0.1, -1),
        ] {
            assert_eq!(floor_time(x), floor, "{x}");
        }
        let mut empty = StartBands::new(1.0);
        assert!(empty.remove(3.0).is_none());
        assert!(empty.is_empty());
    }
}
