//! The DESIGN §5.3 metrics: one replication's counters turned into rates, and their estimates over
//! replications.
//!
//! The metric list is written once, in the `metric-names` crate (the simulate contract declares its
//! wire metrics from the same list): it defines [`MetricSet`], a struct with one field per metric,
//! generic over what each field holds — an [`Estimate`] in a report ([`Metrics`]), one
//! replication's `f64` value ([`MetricValues`]), a running accumulator while replications are
//! folded in. Adding a metric is one line there and its formula in [`MetricValues::from_tally`].

use serde::Serialize;

use crate::estimate::{Accumulator, Estimate, t_critical_95};
use crate::tally::Tally;

/// Defines [`MetricSet`] from the list of metric names (in report order) and their docs.
macro_rules! metric_set {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// Number of metrics.
        const COUNT: usize = [$(stringify!($name),)*].len();

        /// One value per DESIGN §5.3 metric, in report order; serialises as an object keyed by the
        /// metric names (`{"dials": …, "live_answers": …, …}`).
        #[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
        pub struct MetricSet<T> {
            $($(#[doc = $doc])* pub $name: T,)*
        }

        impl<T> MetricSet<T> {
            /// The metric names, in report order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name),)*];

            /// Applies `f` to every metric.
            pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> MetricSet<U> {
                MetricSet { $($name: f(self.$name),)* }
            }

            /// Pairs every metric's value with the metric name, in report order.
            pub fn named(&self) -> [(&'static str, &T); COUNT] {
                [$((stringify!($name), &self.$name),)*]
            }

            /// Calls `f` on each metric of `self` with the same metric of `other`.
            pub fn update_with<U>(&mut self, other: &MetricSet<U>, mut f: impl FnMut(&mut T, &U)) {
                $(f(&mut self.$name, &other.$name);)*
            }
        }
    };
}

metric_names::metric_list!(metric_set);

/// The metrics of a window or a bucket, each a mean over replications with its 95 % interval.
/// Serialises as `{"dials": {"mean": x, "ci95": [lo, hi] | null, "n": k}, …}`.
///
/// Each rate is the mean of the per-replication rates (not the ratio of the summed counts), and
/// `p90_wait_seconds` is the mean of the per-replication 90th percentiles (each from a fixed
/// histogram, within 0.8 %; not the percentile of the pooled waits). The machine counts are 0
/// without an `outcomes` block. A rate or wait is undefined in a replication where its denominator is 0 (no dials
/// for `answer_rate`, no live answers for the abandon rates, no connected calls for the waits, no
/// available or staffed agent time for `occupancy` and `connects_per_agent_hour`); such a
/// replication is left out of that metric's estimate rather than counted as 0, so the estimate's
/// `n` can be below the replications run. A metric defined in no replication has `n` 0, `mean` 0
/// and `ci95` `None`; one defined in a single replication has `ci95` `None` (see [`Estimate`]).
pub type Metrics = MetricSet<Estimate>;

/// One replication's metric values; a rate or wait over a zero denominator is [`UNDEFINED`] (NaN),
/// every count is defined.
pub type MetricValues = MetricSet<f64>;

/// The value a metric undefined in a replication has (a rate over a zero denominator);
/// `MetricsAccumulator::add` leaves it out. Test with `is_nan`.
pub const UNDEFINED: f64 = f64::NAN;

/// `numerator / denominator`, or [`UNDEFINED`] when the denominator is 0.
pub(crate) fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        UNDEFINED
    }
}

impl MetricValues {
    /// One replication's values from its counters.
    pub fn from_tally(tally: &Tally) -> Self {
        let live = tally.live_answers as f64;
        let connected = tally.connected as f64;
        Self {
            dials: tally.dials as f64,
            live_answers: live,
            answer_rate: ratio(live, tally.dials as f64),
            connected,
            abandoned: tally.abandoned as f64,
            late: tally.late as f64,
            abandon_rate: ratio(tally.abandoned as f64, live),
            compliance_abandon_rate: ratio(
                (tally.abandoned + tally.late + tally.amd_false_positives) as f64,
                (tally.live_answers + tally.amd_false_positives) as f64,
            ),
            occupancy: ratio(tally.busy_seconds, tally.available_seconds),
            connects_per_agent_hour: ratio(connected, tally.staffed_seconds / 3_600.0),
            mean_wait_seconds: ratio(tally.wait_seconds, connected),
            p90_wait_seconds: if tally.waits.total() > 0 {
                tally.waits.quantile(0.9)
            } else {
                UNDEFINED
            },
            peak_lines: f64::from(tally.peak_lines),
            amd_false_positives: tally.amd_false_positives as f64,
            machines: tally.machines as f64,
            machines_to_agents: tally.machines_to_agents as f64,
            machines_abandoned: tally.machines_abandoned as f64,
            busy: tally.busy as f64,
            no_answer: tally.no_answer as f64,
            invalid: tally.invalid as f64,
        }
    }

    /// Every metric set to `value`.
    pub fn splat(value: f64) -> Self {
        MetricSet::<()>::default().map(|()| value)
    }
}

/// Running estimates of every metric, fed one replication at a time in replication order.
///
/// Each metric has its own count: an [`UNDEFINED`] value is left out of its metric, whose estimate
/// is then over fewer replications (with the `t` critical value for that count).
#[derive(Debug, Clone, Default)]
pub struct MetricsAccumulator {
    replications: u64,
    metrics: MetricSet<Accumulator>,
}

impl MetricsAccumulator {
    /// Adds one replication's values, leaving out the [`UNDEFINED`] (NaN) ones.
    pub fn add(&mut self, values: &MetricValues) {
        self.replications += 1;
        self.metrics.update_with(values, |acc, &v| {
            if !v.is_nan() {
                acc.add(v);
            }
        });
    }

    #[cfg(test)]
    /// Replications added so far.
    pub fn replications(&self) -> u64 {
        self.replications
    }

    #[cfg(test)]
    /// The estimates so far.
    pub fn metrics(&self) -> Metrics {
        self.metrics_with(t_critical_95(self.replications.max(2) - 1))
    }

    /// The estimates so far, given `t_critical_95(replications − 1)` (used for the metrics defined
    /// in every replication; the others get the critical value of their own count).
    pub fn metrics_with(&self, critical: f64) -> Metrics {
        self.metrics
            .map(|a| estimate_over(&a, self.replications, critical))
    }
}

/// The estimate of one accumulator over `replications` replications, given the critical value for
/// all of them (a count below that gets the critical value of its own count).
pub(crate) fn estimate_over(a: &Accumulator, replications: u64, critical: f64) -> Estimate {
    let count = a.count();
    if count == replications || count < 2 {
        a.estimate_with(critical)
    } else {
        a.estimate_with(t_critical_95(count - 1))
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
        let v = MetricValues::from_tally(&tally);
        assert_eq!(v.answer_rate, 0.4);
        assert_eq!(v.abandon_rate, 0.05);
        assert_eq!(v.compliance_abandon_rate, 0.075);
        assert_eq!(v.occupancy, 0.75);
        assert_eq!(v.connects_per_agent_hour, 19.0);
        assert_eq!(v.mean_wait_seconds, 0.5);
        assert_eq!(v.peak_lines, 9.0);
        // People hung up on as machines join both sides of the FCC/FTC figure.
        let with_fp = MetricValues::from_tally(&Tally {
            amd_false_positives: 10,
            ..tally.clone()
        });
        assert_eq!(with_fp.compliance_abandon_rate, 13.0 / 50.0);
        assert_eq!(with_fp.abandon_rate, 0.05);
        assert_eq!(with_fp.amd_false_positives, 10.0);
        let empty = MetricValues::from_tally(&Tally::default());
        let counts = [
            "dials",
            "live_answers",
            "connected",
            "abandoned",
            "late",
            "peak_lines",
            "amd_false_positives",
            "machines",
            "machines_to_agents",
            "machines_abandoned",
            "busy",
            "no_answer",
            "invalid",
        ];
        for (name, &x) in empty.named() {
            let count = counts.contains(&name);
            assert_eq!(x.is_nan(), !count, "{name}: {x}");
            if count {
                assert_eq!(x, 0.0, "{name}");
            }
        }
    }

    #[test]
    fn undefined_values_are_left_out_of_their_metric_only() {
        let mut acc = MetricsAccumulator::default();
        let mut values = MetricValues::splat(1.0);
        values.abandon_rate = 0.1;
        acc.add(&values);
        values.abandon_rate = UNDEFINED;
        acc.add(&values);
        values.abandon_rate = 0.3;
        acc.add(&values);
        values.abandon_rate = UNDEFINED;
        values.mean_wait_seconds = UNDEFINED;
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
        let mut values = MetricValues::splat(2.0);
        values.answer_rate = UNDEFINED;
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
        acc.add(&MetricValues::splat(1.0));
        let json = serde_json::to_value(acc.metrics()).unwrap();
        let object = json.as_object().unwrap();
        let names: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut expected = Metrics::NAMES.to_vec();
        expected.sort_unstable();
        let mut got = names.clone();
        got.sort_unstable();
        assert_eq!(got, expected);
        // One replication: the interval is undefined.
        assert_eq!(
            json["dials"],
            serde_json::json!({"mean": 1.0, "ci95": null, "n": 1})
        );
        acc.add(&MetricValues::splat(1.0));
        let json = serde_json::to_value(acc.metrics()).unwrap();
        assert_eq!(
            json["dials"],
            serde_json::json!({"mean": 1.0, "ci95": [1.0, 1.0], "n": 2})
        );
    }
}
