//! The JSON Lines audit log: one complete line per run, whatever its outcome.
//!
//! Each line is written with a single `write` under an exclusive file lock and flushed to disk before
//! the lock is released, so concurrent processes and crashes never leave a torn or interleaved line.
//! No secret or token is ever part of an entry: the entry holds only the fields below.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use cxone::VarianceAnalysis;
use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunOutcome {
    /// Simulated, compliant.
    Success,
    /// Simulated, but not compliant (variance over threshold, or abandonment over the limit).
    Rejected,
    /// Did not simulate: bad input, network, HTTP or I/O failure.
    Failed,
}

impl RunOutcome {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Success => "SUCCESS",
            RunOutcome::Rejected => "REJECTED",
            RunOutcome::Failed => "FAILED",
        }
    }
}

/// The payload fields the seed snapshots.
#[derive(Debug, Clone, Serialize)]
pub struct PayloadSnapshot {
    /// The answer rate asked for.
    pub answer_rate: f64,
    /// Agent efficiency.
    pub agent_efficiency: f64,
    /// Simulated window, minutes.
    pub window_minutes: u32,
}

/// What happened to the workforce-planner notification.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookRecord {
    /// `delivered`, `failed` or `skipped`.
    pub status: &'static str,
    /// HTTP attempts made.
    pub attempts: u32,
    /// The planner's last HTTP status, if it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Why delivery failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One line of the audit log: the seed's fields, then ours.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// When the run finished, RFC 3339 UTC.
    pub timestamp: String,
    /// The campaign, if the payload got far enough to name one.
    pub campaign_id: Option<String>,
    /// The payload's key settings, if it parsed.
    pub payload_snapshot: Option<PayloadSnapshot>,
    /// The server's `status` (e.g. `COMPLETED`), or `UNKNOWN` without a response.
    pub response_status: String,
    /// Time spent simulating, milliseconds.
    pub latency_ms: f64,
    /// The variance check, if it ran.
    pub variance_analysis: Option<VarianceAnalysis>,
    /// The server's `predictedAccuracy` (0 without a response, as the seed records it).
    pub model_accuracy_rate: f64,
    /// Unique id of this run.
    pub run_id: String,
    /// `local` or `cxone`.
    pub backend: &'static str,
    /// SUCCESS, REJECTED or FAILED.
    pub outcome: RunOutcome,
    /// HTTP (or in-process) simulate attempts, retries included.
    pub attempts: u32,
    /// Answer-rate adjustments made.
    pub adjustments: u32,
    /// The simulated compliance abandon rate, if known.
    pub abandon_rate: Option<f64>,
    /// The workforce-planner notification.
    pub webhook: Option<WebhookRecord>,
    /// What went wrong, for REJECTED and FAILED runs.
    pub error: Option<String>,
}

/// Appends one entry as one line.
pub fn append(path: &Path, entry: &AuditEntry) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.lock()?;
    // O_APPEND puts the single write at the end; the lock keeps writers on filesystems without
    // atomic appends from interleaving; sync_data makes the line survive a crash once we return.
    let written = file.write_all(&line).and_then(|()| file.sync_data());
    let unlocked = file.unlock();
    written.and(unlocked)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn entry(run: usize) -> AuditEntry {
        AuditEntry {
            timestamp: "2026-01-01T00:00:00Z".into(),
            campaign_id: Some(format!("campaign-{run}")),
            payload_snapshot: Some(PayloadSnapshot {
                answer_rate: 0.38,
                agent_efficiency: 0.82,
                window_minutes: 120,
            }),
            response_status: "COMPLETED".into(),
            latency_ms: 1.5,
            variance_analysis: None,
            model_accuracy_rate: 0.9,
            run_id: format!("run-{run}"),
            backend: "local",
            outcome: RunOutcome::Success,
            attempts: 1,
            adjustments: 0,
            abandon_rate: Some(0.01),
            webhook: None,
            // Long enough that a torn write would show.
            error: Some("x".repeat(2000)),
        }
    }

    #[test]
    fn concurrent_writers_never_tear_or_lose_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/audit.log");
        let threads = 8;
        let per_thread = 500;
        std::thread::scope(|s| {
            for t in 0..threads {
                let path = &path;
                s.spawn(move || {
                    for i in 0..per_thread {
                        append(path, &entry(t * per_thread + i)).unwrap();
                    }
                });
            }
        });
        let text = std::fs::read_to_string(&path).unwrap();
        let mut ids: Vec<String> = text
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["run_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ids.len(), threads * per_thread);
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            threads * per_thread,
            "every line is distinct and present"
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn outcome_serialises_in_capitals() {
        let line = serde_json::to_string(&entry(1)).unwrap();
        assert!(line.contains(r#""outcome":"SUCCESS""#), "{line}");
    }
}
