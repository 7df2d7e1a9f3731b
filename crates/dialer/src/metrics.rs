//! The DESIGN §5.3 metrics: one replication's counters turned into rates, and their estimates over
//! replications.

use serde::Serialize;

use crate::estimate::{Accumulator, Estimate, t_critical_95};
use crate::tally::Tally;

/// Number of metrics.
pub const METRIC_COUNT: usize = 13;

/// The metric names, in report order.
pub const METRIC_NAMES: [&str; METRIC_COUNT] = [
    "dials",
    "live_answers",
    "answer_rate",
    "connected",
    "abandoned",
    "late",
    "abandon_rate",
    "compliance_abandon_rate",
    "occupancy",
    "connects_per_agent_hour",
    "mean_wait_seconds",
    "p90_wait_seconds",
    "peak_lines",
];

/// The metrics of a window or a bucket, each a mean over replications with its 95 % interval.
/// Serialises as `{"dials": {"mean": x, "ci95": [lo, hi] | null, "n": k}, …}`.
///
/// Each rate is the mean of the per-replication rates (not the ratio of the summed counts), and
/// `p90_wait_seconds` is the mean of the per-replication 90th percentiles (not the percentile of the
/// pooled waits). A rate or wait is undefined in a replication where its denominator is 0 (no dials
/// for `answer_rate`, no live answers for the abandon rates, no connected calls for the waits, no
/// available or staffed agent time for `occupancy` and `connects_per_agent_hour`); such a
/// replication is left out of that metric's estimate rather than counted as 0, so the estimate's
/// `n` can be below the replications run. A metric defined in no replication has `n` 0, `mean` 0
/// and `ci95` `None`; one defined in a single replication has `ci95` `None` (see [`Estimate`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Dial attempts started.
    pub dials: Estimate,
    /// Attempts that reached a live person.
    pub live_answers: Estimate,
    /// `live_answers / dials`.
    pub answer_rate: Estimate,
    /// Live answers connected to an agent.
    pub connected: Estimate,
    /// Live answers that reached no agent within their patience.
    pub abandoned: Estimate,
    /// Connected live answers that waited longer than `connect_within_seconds`.
    pub late: Estimate,
    /// `abandoned / live_answers`.
    pub abandon_rate: Estimate,
    /// `(abandoned + late) / live_answers`: the FCC/FTC figure held against the 3 % limit.
    pub compliance_abandon_rate: Estimate,
    /// Agent busy time (talk + wrap) over agent available (not paused) time.
    pub occupancy: Estimate,
    /// Connected live answers per staffed agent per hour.
    pub connects_per_agent_hour: Estimate,
    /// Mean wait from live answer to agent, over connected live answers.
    pub mean_wait_seconds: Estimate,
    /// 90th percentile of that wait (from a fixed histogram, within 0.8 %).
    pub p90_wait_seconds: Estimate,
    /// Most lines in use at once (dialling, waiting or talking).
    pub peak_lines: Estimate,
}

impl Metrics {
    /// The estimates in [`METRIC_NAMES`] order.
    pub fn to_array(&self) -> [Estimate; METRIC_COUNT] {
        [
            self.dials,
            self.live_answers,
            self.answer_rate,
            self.connected,
            self.abandoned,
            self.late,
            self.abandon_rate,
            self.compliance_abandon_rate,
            self.occupancy,
            self.connects_per_agent_hour,
            self.mean_wait_seconds,
            self.p90_wait_seconds,
            self.peak_lines,
        ]
    }

    fn from_array(e: [Estimate; METRIC_COUNT]) -> Self {
        Self {
            dials: e[0],
            live_answers: e[1],
            answer_rate: e[2],
            connected: e[3],
            abandoned: e[4],
            late: e[5],
            abandon_rate: e[6],
            compliance_abandon_rate: e[7],
            occupancy: e[8],
            connects_per_agent_hour: e[9],
            mean_wait_seconds: e[10],
            p90_wait_seconds: e[11],
            peak_lines: e[12],
        }
    }
}

/// The value [`metric_values`] gives a metric undefined in a replication (a rate over a zero
/// denominator); [`MetricsAccumulator::add`] leaves it out. Test with `is_nan`.
pub const UNDEFINED: f64 = f64::NAN;

/// `numerator / denominator`, or [`UNDEFINED`] when the denominator is 0.
fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        UNDEFINED
    }
}

/// One replication's metric values, in [`METRIC_NAMES`] order; a rate or wait over a zero
/// denominator is [`UNDEFINED`] (NaN), every count is defined.
pub fn metric_values(tally: &Tally) -> [f64; METRIC_COUNT] {
    let live = tally.live_answers as f64;
    let connected = tally.connected as f64;
    [
        tally.dials as f64,
        live,
        ratio(live, tally.dials as f64),
        connected,
        tally.abandoned as f64,
        tally.late as f64,
        ratio(tally.abandoned as f64, live),
        ratio((tally.abandoned + tally.late) as f64, live),
        ratio(tally.busy_seconds, tally.available_seconds),
        ratio(connected, tally.staffed_seconds / 3_600.0),
        ratio(tally.wait_seconds, connected),
        if tally.waits.total() > 0 {
            tally.waits.quantile(0.9)
        } else {
            UNDEFINED
        },
        f64::from(tally.peak_lines),
    ]
}

/// Running estimates of every metric, fed one replication at a time in replication order.
///
/// Each metric has its own count: an [`UNDEFINED`] value is left out of its metric, whose estimate
/// is then over fewer replications (with the `t` critical value for that count).
#[derive(Debug, Clone, Default)]
pub struct MetricsAccumulator {
    replications: u64,
    metrics: [Accumulator; METRIC_COUNT],
}

impl MetricsAccumulator {
    /// Adds one replication's values, leaving out the [`UNDEFINED`] (NaN) ones.
    pub fn add(&mut self, values: &[f64; METRIC_COUNT]) {
        self.replications += 1;
        for (acc, &v) in self.metrics.iter_mut().zip(values) {
            if !v.is_nan() {
                acc.add(v);
            }
        }
    }

    /// Replications added so far.
    pub fn replications(&self) -> u64 {
        self.replications
    }

    /// The estimates so far.
    pub fn metrics(&self) -> Metrics {
        self.metrics_with(t_critical_95(self.replications.max(2) - 1))
    }

    /// The estimates so far, given `t_critical_95(replications − 1)` (used for the metrics defined
    /// in every replication; the others get the critical value of their own count).
    pub fn metrics_with(&self, critical: f64) -> Metrics {
        Metrics::from_array(self.metrics.map(|a| {
            let count = a.count();
            if count == self.replications || count < 2 {
                a.estimate_with(critical)
            } else {
                a.estimate_with(t_critical_95(count - 1))
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_definitions_and_empty_tallies_leave_rates_undefined() {
        let tally = Tally {
            dials: 100,
            live_answers: 40,
            not_answered: 60,
            connected: 38,
            abandoned: 2,
            late: 1,
            busy_seconds: 300.0,
            available_seconds: 400.0,
            staffed_seconds: 7_200.0,
            wait_seconds: 19.0,
            peak_lines: 9,
            ..Tally::default()
        };
        let v = metric_values(&tally);
        assert_eq!(v[2], 0.4);
        assert_eq!(v[6], 0.05);
        assert_eq!(v[7], 0.075);
        assert_eq!(v[8], 0.75);
        assert_eq!(v[9], 19.0);
        assert_eq!(v[10], 0.5);
        assert_eq!(v[12], 9.0);
        let empty = metric_values(&Tally::default());
        for (i, &x) in empty.iter().enumerate() {
            let count = matches!(i, 0 | 1 | 3 | 4 | 5 | 12);
            assert_eq!(x.is_nan(), !count, "{}: {x}", METRIC_NAMES[i]);
            if count {
                assert_eq!(x, 0.0, "{}", METRIC_NAMES[i]);
            }
        }
    }

    #[test]
    fn undefined_values_are_left_out_of_their_metric_only() {
        let mut acc = MetricsAccumulator::default();
        let mut values = [1.0; METRIC_COUNT];
        values[6] = 0.1;
        acc.add(&values);
        values[6] = UNDEFINED;
        acc.add(&values);
        values[6] = 0.3;
        acc.add(&values);
        values[6] = UNDEFINED;
        values[10] = UNDEFINED;
        acc.add(&values);
        let m = acc.metrics();
        assert_eq!(acc.replications(), 4);
        // The mean over the two defined values, not (0.1 + 0 + 0.3 + 0) / 4.
        assert!(
            (m.abandon_rate.mean - 0.2).abs() < 1e-12,
            "{:?}",
            m.abandon_rate
        );
        assert_eq!(m.abandon_rate.n, 2);
        // Its interval uses t with 1 degree of freedom: s = √0.02, se = 0.1.
        let half = m.abandon_rate.half_width().unwrap();
        assert!((half - 12.706_205 * 0.1).abs() < 1e-5, "{half}");
        assert_eq!((m.mean_wait_seconds.mean, m.mean_wait_seconds.n), (1.0, 3));
        assert_eq!(m.dials.n, 4);
        assert_eq!(m.dials.ci95, Some([1.0, 1.0]));
    }

    #[test]
    fn a_metric_undefined_everywhere_has_no_mean_or_interval() {
        let mut acc = MetricsAccumulator::default();
        let mut values = [2.0; METRIC_COUNT];
        values[2] = UNDEFINED;
        acc.add(&values);
        acc.add(&values);
        let m = acc.metrics();
        assert_eq!(
            m.answer_rate,
            Estimate {
                mean: 0.0,
                ci95: None,
                n: 0
            }
        );
        let json = serde_json::to_value(m).unwrap();
        assert_eq!(
            json["answer_rate"],
            serde_json::json!({"mean": 0.0, "ci95": null, "n": 0})
        );
    }

    #[test]
    fn serialises_with_names_means_and_intervals() {
        let mut acc = MetricsAccumulator::default();
        acc.add(&[1.0; METRIC_COUNT]);
        let json = serde_json::to_value(acc.metrics()).unwrap();
        let object = json.as_object().unwrap();
        let names: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut expected = METRIC_NAMES.to_vec();
        expected.sort_unstable();
        let mut got = names.clone();
        got.sort_unstable();
        assert_eq!(got, expected);
        // One replication: the interval is undefined.
        assert_eq!(
            json["dials"],
            serde_json::json!({"mean": 1.0, "ci95": null, "n": 1})
        );
        acc.add(&[1.0; METRIC_COUNT]);
        let json = serde_json::to_value(acc.metrics()).unwrap();
        assert_eq!(
            json["dials"],
            serde_json::json!({"mean": 1.0, "ci95": [1.0, 1.0], "n": 2})
        );
    }
}
