//! Ranges typed on the command line: `LO..HI[:STEP]` or a single value.

use crate::error::PlanError;

/// Most points one range may expand to (a typo such as a step of 0.0001 must not start a week-long
/// run).
pub const MAX_POINTS: usize = 10_000;

/// A closed range `lo..=hi`, with an optional step; `lo == hi` is a single point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lowest value.
    pub lo: f64,
    /// Highest value (≥ `lo`).
    pub hi: f64,
    /// Distance between points; absent = the caller's default spacing.
    pub step: Option<f64>,
}

impl Range {
    /// Parses `LO..HI[:STEP]` or `X`, naming `flag` in every error.
    pub fn parse(text: &str, flag: &'static str) -> Result<Self, PlanError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PlanError::flag(
                flag,
                "is empty; give LO..HI[:STEP] or one value",
            ));
        }
        let (span, step) = match text.split_once(':') {
            Some((span, step)) => (span, Some(number(step, flag, "step")?)),
            None => (text, None),
        };
        let (lo, hi) = match span.split_once("..") {
            Some((lo, hi)) => (number(lo, flag, "low end")?, number(hi, flag, "high end")?),
            None => {
                let x = number(span, flag, "value")?;
                (x, x)
            }
        };
        if hi < lo {
            return Err(PlanError::flag(
                flag,
                format!(
                    "the range {text} is inverted (its high end {hi} is below its low end {lo}); write {hi}..{lo}"
                ),
            ));
        }
        if let Some(step) = step
            && step <= 0.0
        {
            return Err(PlanError::flag(
                flag,
                format!("the step must be above 0, got {step} in {text}"),
            ));
        }
        Ok(Self { lo, hi, step })
    }

    /// The points `lo, lo + step, …` up to `hi` (`hi` itself when it lies on the grid); without a
    /// step, `default_points` evenly spaced points from `lo` to `hi` (one when `lo == hi`). Values
    /// are rounded to 9 decimals so `0.1 + 0.2` prints as `0.3`.
    pub fn points(&self, default_points: usize, flag: &'static str) -> Result<Vec<f64>, PlanError> {
        if self.hi == self.lo {
            return Ok(vec![self.lo]);
        }
        let step = self
            .step
            .unwrap_or((self.hi - self.lo) / (default_points.max(2) - 1) as f64);
        let count = ((self.hi - self.lo) / step + 1e-9).floor() + 1.0;
        if !count.is_finite() || count > MAX_POINTS as f64 {
            return Err(PlanError::flag(
                flag,
                format!(
                    "{}..{}:{step} gives {count:.0} points, over the limit of {MAX_POINTS}; use a larger step",
                    self.lo, self.hi
                ),
            ));
        }
        Ok((0..count as usize)
            .map(|i| round9(self.lo + i as f64 * step))
            .collect())
    }
}

/// `x` rounded to 9 decimals.
pub fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

fn number(text: &str, flag: &'static str, what: &str) -> Result<f64, PlanError> {
    let text = text.trim();
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(PlanError::flag(
            flag,
            format!(
                "its {what} `{text}` is not a number; write LO..HI[:STEP], e.g. 0.30..0.45:0.05"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_single_values() {
        let r = Range::parse("0.30..0.40:0.05", "--answer-rate").unwrap();
        assert_eq!(r.points(3, "--answer-rate").unwrap(), vec![0.3, 0.35, 0.4]);
        let r = Range::parse("6..18", "--agents").unwrap();
        assert_eq!(
            r.points(3, "--agents").unwrap(),
            vec![6.0, 12.0, 18.0],
            "no step: the default number of points"
        );
        let r = Range::parse(" 0.38 ", "--answer-rate").unwrap();
        assert_eq!(r.points(5, "--answer-rate").unwrap(), vec![0.38]);
        // A step that does not divide the span stops before the high end.
        let r = Range::parse("1..3:0.75", "--agents").unwrap();
        assert_eq!(r.points(3, "--agents").unwrap(), vec![1.0, 1.75, 2.5]);
    }

    #[test]
    fn bad_ranges_name_the_flag_and_the_problem() {
        let cases = [
            ("", "is empty"),
            ("0.4..0.3", "inverted"),
            ("0.3..0.4:0", "step must be above 0"),
            ("0.3..0.4:-1", "step must be above 0"),
            ("a..0.4", "low end `a` is not a number"),
            ("0.3..", "high end `` is not a number"),
            ("0.3..inf", "not a number"),
        ];
        for (text, expected) in cases {
            let err = Range::parse(text, "--answer-rate").unwrap_err().to_string();
            assert!(err.starts_with("--answer-rate: "), "{text}: {err}");
            assert!(err.contains(expected), "{text}: {err}");
        }
        let huge = Range::parse("0..1:0.00001", "--answer-rate").unwrap();
        let err = huge.points(3, "--answer-rate").unwrap_err().to_string();
        assert!(err.contains("over the limit"), "{err}");
    }
}
