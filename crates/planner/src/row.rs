//! A row: one grid point with its complete scenario, metrics and compliance object, as JSON text;
//! and the few numbers of it the recommendation needs, read back from that text.
//!
//! Rows travel as text (`--json`, shard files, merges) and every summary is read from the text, so a
//! merged run and an unsharded one see the same numbers bit for bit.

use dialer::{Compliance, DialerMode, Metrics, Regime, Scenario};
use serde::Serialize;
use serde_json::Value;

use crate::spec::RiskBasis;

/// One grid point's row, as it is written.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// The unit it belongs to (grid order).
    pub unit: usize,
    /// Its setting's position within the unit (a bisection's steps; 0 for a fixed dialer).
    pub step: usize,
    /// The answer rate of the band.
    pub answer_rate: f64,
    /// Agents.
    pub agents: u32,
    /// The dialer setting (the scenario's `dialer`).
    pub strategy: DialerMode,
    /// The complete scenario: `cxone-sim simulate` on it reproduces the row.
    pub scenario: &'a Scenario,
    /// The engine's metrics.
    pub metrics: &'a Metrics,
    /// The engine's compliance object: every regime it computes.
    pub compliance: &'a Compliance,
}

impl Row<'_> {
    /// The row as one line of compact JSON.
    pub fn to_json(&self) -> String {
        // Invariant: every field serialises (numbers, strings and derived structs; a NaN mean
        // would be written as null, not fail).
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the recommendation reads from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowSummary {
    /// The unit.
    pub unit: usize,
    /// The step within it.
    pub step: usize,
    /// The answer rate.
    pub answer_rate: f64,
    /// Agents.
    pub agents: u32,
    /// The dialer setting.
    pub strategy: DialerMode,
    /// Mean compliance abandon rate (the FCC/FTC figure).
    pub abandon_rate: f64,
    /// Mean connects per staffed agent hour.
    pub connects_per_agent_hour: f64,
    /// Share of windows (or periods) over the regime's limit.
    pub breach_share: f64,
    /// Its Wilson 95 % upper bound: the breach risk.
    pub breach_upper: f64,
    /// Windows (or periods) behind it.
    pub breach_n: u64,
    /// Mean occupancy.
    pub occupancy: f64,
}

impl RowSummary {
    /// Connects per hour for the whole team.
    pub fn connects_per_hour(&self) -> f64 {
        self.connects_per_agent_hour * f64::from(self.agents)
    }

    /// Reads a row's summary from its JSON text, the breach risk of `regime` over `basis`.
    pub fn from_json(text: &str, regime: Regime, basis: RiskBasis) -> Result<Self, String> {
        let row: Value = serde_json::from_str(text).map_err(|e| format!("not a JSON row: {e}"))?;
        let number = |path: &[&str]| -> Result<f64, String> {
            let mut v = &row;
            for key in path {
                v = v
                    .get(key)
                    .ok_or_else(|| format!("no `{}`", path.join(".")))?;
            }
            // A metric undefined in every replication is written as null: read it as 0.
            Ok(v.as_f64().unwrap_or(0.0))
        };
        let risk = ["compliance", regime.key(), basis.key()];
        let strategy = serde_json::from_value(row.get("strategy").cloned().unwrap_or_default())
            .map_err(|e| format!("`strategy`: {e}"))?;
        let upper = {
            let path = [risk[0], risk[1], risk[2], "ci95"];
            match row.pointer(&format!("/{}", path.join("/"))) {
                // No window counted (no live answers): nothing is known, the bound is 1.
                Some(Value::Null) => 1.0,
                Some(ci) => ci
                    .get(1)
                    .and_then(Value::as_f64)
                    .ok_or_else(|| format!("`{}` is not [low, high]", path.join(".")))?,
                None => return Err(format!("no `{}`", path.join("."))),
            }
        };
        Ok(Self {
            unit: number(&["unit"])? as usize,
            step: number(&["step"])? as usize,
            answer_rate: number(&["answer_rate"])?,
            agents: number(&["agents"])? as u32,
            strategy,
            abandon_rate: number(&["metrics", "compliance_abandon_rate", "mean"])?,
            connects_per_agent_hour: number(&["metrics", "connects_per_agent_hour", "mean"])?,
            breach_share: number(&[risk[0], risk[1], risk[2], "share"])?,
            breach_upper: upper,
            breach_n: number(&[risk[0], risk[1], risk[2], "n"])? as u64,
            occupancy: number(&["metrics", "occupancy", "mean"])?,
        })
    }
}
