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
/// Serialises as `{"dials": {"mean": x, "ci95": [lo, hi]}, …}`.
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

/// `numerator / denominator`, or 0 when the denominator is 0 (never NaN).
fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    }
}

/// One replication's metric values, in [`METRIC_NAMES`] order.
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
        tally.waits.quantile(0.9),
        f64::from(tally.peak_lines),
    ]
}

/// Running estimates of every metric, fed one replication at a time in replication order.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccumulator {
    metrics: [Accumulator; METRIC_COUNT],
}

impl MetricsAccumulator {
    /// Adds one replication's values.
    pub fn add(&mut self, values: &[f64; METRIC_COUNT]) {
        for (acc, &v) in self.metrics.iter_mut().zip(values) {
            acc.add(v);
        }
    }

    /// The estimates so far.
    pub fn metrics(&self) -> Metrics {
        let count = self.metrics[0].count();
        self.metrics_with(t_critical_95(count.max(2) - 1))
    }

    /// The estimates so far, given `t_critical_95(replications − 1)`.
    pub fn metrics_with(&self, critical: f64) -> Metrics {
        Metrics::from_array(self.metrics.map(|a| a.estimate_with(critical)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_definitions_and_empty_tallies_give_zeros() {
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
        assert!(empty.iter().all(|&x| x == 0.0));
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
        assert_eq!(
            json["dials"],
            serde_json::json!({"mean": 1.0, "ci95": [1.0, 1.0]})
        );
    }
}
