//! The `compliance` object of a simulate answer (DESIGN §8), typed: each regime's abandonment rate,
//! its limit, and the share of periods and of single windows over the limit.
//!
//! Tolerant on input, as the metrics are: every regime and every figure is optional (a server that
//! does not send the object, or a regime, simply does not report it), fields this client does not
//! know are ignored, and a rate may be a bare number. This type knows nothing of the engine; the
//! `campaign` crate converts the engine's report into it.

use serde::{Deserialize, Serialize};

use crate::metrics::MetricEstimate;

/// A share of periods or windows, with its Wilson 95 % interval and how many it is over.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareEstimate {
    /// The share, 0..1.
    pub share: f64,
    /// Wilson 95 % interval; `null` when it is over no period.
    #[serde(default)]
    pub ci95: Option<[f64; 2]>,
    /// Periods or windows it is over, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
}

/// One regime's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegimeCompliance {
    /// The most the rate may be, as a fraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// The period the regime counts over, in words (`30 days, per campaign`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The regime's rate per simulated window, mean and 95 % interval over replications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<MetricEstimate>,
    /// The share of periods over the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_over_limit: Option<ShareEstimate>,
    /// Simulated windows (days) that make one period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u32>,
    /// The share of single windows over the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_over_limit: Option<ShareEstimate>,
}

/// The `compliance` object: one entry per regime, each absent when the server does not report it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceReport {
    /// The US FCC/FTC rule: 3 % per campaign over 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fcc: Option<RegimeCompliance>,
    /// The UK Ofcom rule: 3 % per campaign over 24 hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ofcom: Option<RegimeCompliance>,
    /// The Canadian CRTC rule: 5 % per calendar month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crtc: Option<RegimeCompliance>,
    /// CXone's Abandon Rate Compliance Report: 3 % per business unit per calendar day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cxone: Option<RegimeCompliance>,
}

/// The regime keys, in report order.
pub const REGIME_KEYS: [&str; 4] = ["fcc", "ofcom", "crtc", "cxone"];

impl ComplianceReport {
    /// The figures of the regime keyed `key` (`fcc`, `ofcom`, `crtc`, `cxone`), if reported.
    pub fn get(&self, key: &str) -> Option<&RegimeCompliance> {
        match key {
            "fcc" => self.fcc.as_ref(),
            "ofcom" => self.ofcom.as_ref(),
            "crtc" => self.crtc.as_ref(),
            "cxone" => self.cxone.as_ref(),
            _ => None,
        }
    }

    /// A slot for the regime keyed `key`, or `None` for a key this client does not know.
    pub fn slot(&mut self, key: &str) -> Option<&mut Option<RegimeCompliance>> {
        match key {
            "fcc" => Some(&mut self.fcc),
            "ofcom" => Some(&mut self.ofcom),
            "crtc" => Some(&mut self.crtc),
            "cxone" => Some(&mut self.cxone),
            _ => None,
        }
    }

    /// The reported regimes with their keys, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &RegimeCompliance)> {
        REGIME_KEYS
            .into_iter()
            .filter_map(|key| Some((key, self.get(key)?)))
    }

    /// Whether no regime is reported.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_tolerantly_and_keeps_the_report_order() {
        let report: ComplianceReport = serde_json::from_value(serde_json::json!({
            "crtc": {"limit": 0.05, "rate": 0.012, "futureField": true},
            "fcc": {"limit": 0.03, "period": "30 days, per campaign",
                    "rate": {"mean": 0.024, "ci95": [0.023, 0.025], "n": 40},
                    "share_over_limit": {"share": 0.0, "ci95": [0.0, 0.07], "n": 40},
                    "period_days": 30,
                    "windows_over_limit": {"share": 0.025, "ci95": null, "n": 40}},
            "acma": {"limit": 0.05}
        }))
        .unwrap();
        let keys: Vec<&str> = report.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["fcc", "crtc"]);
        let fcc = report.fcc.as_ref().unwrap();
        assert_eq!(fcc.period_days, Some(30));
        assert_eq!(fcc.share_over_limit.unwrap().ci95, Some([0.0, 0.07]));
        assert_eq!(fcc.windows_over_limit.unwrap().ci95, None);
        let crtc = report.get("crtc").unwrap();
        assert_eq!(crtc.rate, Some(MetricEstimate::value(0.012)));
        assert_eq!(crtc.share_over_limit, None);
        assert!(report.ofcom.is_none());
        assert!(ComplianceReport::default().is_empty());
    }
}
