//! The engine's metrics as they travel in a simulate answer (DESIGN §5.3), typed.
//!
//! Tolerant on input: every metric is optional, a metric may be a bare number instead of
//! `{"mean", "ci95", "n"}`, and metrics this client does not know are kept in
//! [`SimulatedMetrics::extra`]. This type knows nothing of the engine; the `campaign` crate converts
//! the engine's report into it.

use serde::{Deserialize, Serialize};

/// A metric's mean over replications, with its 95 % interval when the server reports one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricEstimate {
    /// Mean over the replications where the metric is defined.
    pub mean: f64,
    /// 95 % confidence interval of the mean; `null` with fewer than two replications.
    pub ci95: Option<[f64; 2]>,
    /// Replications the estimate is over, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
}

impl MetricEstimate {
    /// A bare value with no interval.
    pub fn value(mean: f64) -> Self {
        Self {
            mean,
            ci95: None,
            n: None,
        }
    }
}

impl<'de> Deserialize<'de> for MetricEstimate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Full {
            mean: f64,
            #[serde(default)]
            ci95: Option<[f64; 2]>,
            #[serde(default)]
            n: Option<u64>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Bare(f64),
            Full(Full),
        }
        Ok(match Shape::deserialize(deserializer)? {
            Shape::Bare(mean) => Self::value(mean),
            Shape::Full(f) => Self {
                mean: f.mean,
                ci95: f.ci95,
                n: f.n,
            },
        })
    }
}

/// Declares, from the metric list (the `metric-names` crate, the engine's list too), the struct, its
/// names in report order and a by-name accessor.
macro_rules! metrics {
    ($( $(#[doc = $doc:literal])* $name:ident ),* $(,)?) => {
        /// The metrics of a window or a bucket; each one absent when the server does not report it.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct SimulatedMetrics {
            $( $(#[doc = $doc])*
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub $name: Option<MetricEstimate>, )*
            /// Metrics this client does not know; kept so nothing is lost.
            #[serde(flatten)]
            #[cfg_attr(feature = "openapi", schema(value_type = Object))]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        /// The known metric names, in report order.
        pub const METRIC_NAMES: &[&str] = &[$(stringify!($name)),*];

        impl SimulatedMetrics {
            /// The known metric called `name`, if reported.
            pub fn get(&self, name: &str) -> Option<MetricEstimate> {
                match name {
                    $(stringify!($name) => self.$name,)*
                    _ => None,
                }
            }

            /// Sets the known metric called `name` to `value`; `false`, and nothing set, for a name
            /// this type does not know.
            pub fn set(&mut self, name: &str, value: MetricEstimate) -> bool {
                match name {
                    $(stringify!($name) => self.$name = Some(value),)*
                    _ => return false,
                }
                true
            }
        }
    };
}

metric_names::metric_list!(metrics);

impl SimulatedMetrics {
    /// The abandonment the law counts: `compliance_abandon_rate`, or `abandon_rate` from a server
    /// that reports only that.
    pub fn compliance_abandon(&self) -> Option<f64> {
        self.compliance_abandon_rate
            .or(self.abandon_rate)
            .map(|e| e.mean)
    }
}

/// The metrics of one report bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedBucket {
    /// Position of the bucket on the window's timeline (0 = the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Start of the bucket, minutes from the window's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_minute: Option<f64>,
    /// End of the bucket, minutes from the window's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_minute: Option<f64>,
    /// The bucket's metrics.
    #[serde(default)]
    pub metrics: SimulatedMetrics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_tolerant_and_typed() {
        let m: SimulatedMetrics = serde_json::from_value(serde_json::json!({
            "dials": {"mean": 1200.0, "ci95": [1190.0, 1210.0], "n": 20},
            "occupancy": 0.8,
            "lineRatio": 1.7
        }))
        .unwrap();
        assert_eq!(m.dials.unwrap().ci95, Some([1190.0, 1210.0]));
        assert_eq!(m.occupancy, Some(MetricEstimate::value(0.8)));
        assert_eq!(m.get("occupancy").map(|e| e.mean), Some(0.8));
        assert_eq!(m.live_answers, None);
        assert_eq!(m.extra["lineRatio"], 1.7);
        assert_eq!(METRIC_NAMES.len(), 20);
    }

    #[test]
    fn known_metrics_are_set_by_name_and_unknown_ones_refused() {
        let mut m = SimulatedMetrics::default();
        assert!(m.set("peak_lines", MetricEstimate::value(22.0)));
        assert_eq!(m.peak_lines, Some(MetricEstimate::value(22.0)));
        assert!(!m.set("lineRatio", MetricEstimate::value(1.7)));
        assert!(m.extra.is_empty());
    }

    #[test]
    fn compliance_falls_back_to_the_abandon_rate() {
        let m = SimulatedMetrics {
            abandon_rate: Some(MetricEstimate::value(0.02)),
            ..Default::default()
        };
        assert_eq!(m.compliance_abandon(), Some(0.02));
    }
}
