//! The JSON Lines audit log: one complete line per run, whatever its outcome.
//!
//! Each line is written with a single `write` under an exclusive file lock and flushed to disk before
//! the lock is released, so concurrent processes never interleave lines. A process killed in the middle
//! of its write (kill -9) can still leave part of a line: the next writer, under the same lock, finds
//! the unterminated tail and removes it before appending, so a completed run's line is never glued to
//! a fragment, and every line of the log parses.
//!
//! A line is at most [`MAX_LINE_BYTES`]: a longer `error` is cut, and the entry says so in `truncated`
//! (the original size and SHA-256), so a huge payload never makes a huge log line.
//! No secret or token is ever part of an entry: the entry holds only the fields below.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest as _, Sha256};

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
    /// Set when `error` was cut to keep the line under [`MAX_LINE_BYTES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncation>,
}

/// What was cut from an entry, so the original can still be recognised.
#[derive(Debug, Clone, Serialize)]
pub struct Truncation {
    /// The field cut.
    pub field: &'static str,
    /// Its size before the cut, bytes.
    pub original_bytes: usize,
    /// SHA-256 of the original, hex.
    pub sha256: String,
}

/// Longest line an entry makes, newline included.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// What `error` keeps of itself when an entry is cut.
const KEPT_ERROR_BYTES: usize = 4 * 1024;

/// The entry as one line, cut to [`MAX_LINE_BYTES`] if needed.
fn encode(entry: &AuditEntry) -> std::io::Result<Vec<u8>> {
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    if line.len() + 1 > MAX_LINE_BYTES
        && let Some(error) = &entry.error
    {
        let mut cut = entry.clone();
        cut.error = Some(format!(
            "{} [truncated: {} bytes in all]",
            crate::clip::clip(error, KEPT_ERROR_BYTES),
            error.len()
        ));
        cut.truncated = Some(Truncation {
            field: "error",
            original_bytes: error.len(),
            sha256: hex(&Sha256::digest(error.as_bytes())),
        });
        line = serde_json::to_vec(&cut).map_err(std::io::Error::other)?;
    }
    line.push(b'\n');
    Ok(line)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes an unterminated last line (what a writer killed mid-write leaves), so the next line starts
/// on a line of its own. Called under the file lock. Returns the bytes removed.
fn seal(file: &mut File) -> std::io::Result<u64> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(0);
    }
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut last)?;
    if last[0] == b'\n' {
        return Ok(0);
    }
    // Find the last newline, reading backwards a block at a time.
    let mut end = len;
    let mut keep = 0;
    let mut block = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let chunk = &mut block[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            keep = start + i as u64 + 1;
            break;
        }
        end = start;
    }
    // A whole entry whose newline was not written yet is kept: it only needs its newline.
    if len - keep <= MAX_LINE_BYTES as u64 {
        let mut tail = vec![0u8; (len - keep) as usize];
        file.seek(SeekFrom::Start(keep))?;
        file.read_exact(&mut tail)?;
        if serde_json::from_slice::<serde_json::Value>(&tail).is_ok_and(|v| v.is_object()) {
            file.write_all(b"\n")?;
            return Ok(0);
        }
    }
    file.set_len(keep)?;
    Ok(len - keep)
}

/// Appends one entry as one line. The file is created if missing; its directory is not (a typo in
/// `--audit-log` must not silently start a log elsewhere).
pub fn append(path: &Path, entry: &AuditEntry) -> std::io::Result<()> {
    let line = encode(entry)?;
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    // A character device or a pipe (`--audit-log /dev/null`, a FIFO to a collector) takes the line
    // as it is: there is no last line to seal and nothing to sync (fsync on /dev/null is EINVAL).
    if !file.metadata()?.file_type().is_file() {
        return file.write_all(&line);
    }
    file.lock()?;
    // O_APPEND puts the single write at the end; the lock keeps writers on filesystems without
    // atomic appends from interleaving; sync_data makes the line survive a crash once we return.
    let written = seal(&mut file)
        .map(|removed| {
            if removed > 0 {
                tracing::warn!(
                    bytes = removed,
                    "the audit log ended with an incomplete line left by an interrupted run; it was removed"
                );
            }
        })
        .and_then(|()| file.write_all(&line))
        .and_then(|()| file.sync_data());
    let unlocked = file.unlock();
    written.and(unlocked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_character_device_takes_the_line_without_a_sync() {
        append(Path::new("/dev/null"), &entry(1)).unwrap();
    }

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
            truncated: None,
        }
    }

    #[test]
    fn a_fragment_left_by_a_killed_writer_is_removed_before_the_next_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        append(&path, &entry(1)).unwrap();
        // What a writer killed mid-write leaves: part of a line, no newline.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"timestamp":"2026-01-01T00:00:00Z","campaign_id":"torn"#)
            .unwrap();
        drop(file);
        append(&path, &entry(2)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let ids: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["run_id"].to_string())
            .collect();
        assert_eq!(ids, [r#""run-1""#, r#""run-2""#]);
        assert!(!text.contains("torn"));

        // A whole entry that only lacks its newline is kept and terminated.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&serde_json::to_vec(&entry(9)).unwrap())
            .unwrap();
        drop(file);
        append(&path, &entry(4)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        );

        // A file that is only a fragment is emptied first.
        std::fs::write(&path, "{\"half").unwrap();
        append(&path, &entry(3)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("run-3"));
    }

    #[test]
    fn huge_errors_are_cut_with_their_size_and_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let mut big = entry(1);
        big.error = Some("é".repeat(5 * MAX_LINE_BYTES));
        append(&path, &big).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.len() <= MAX_LINE_BYTES, "{}", text.len());
        let line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(line["truncated"]["original_bytes"], 10 * MAX_LINE_BYTES);
        assert_eq!(line["truncated"]["sha256"].as_str().unwrap().len(), 64);
        assert!(line["error"].as_str().unwrap().contains("[truncated"));
        // An ordinary entry is not cut and says nothing about it.
        append(&path, &entry(2)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert!(last.get("truncated").is_none());
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_mkdir() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir/audit.log");
        let err = append(&path, &entry(1)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(!dir.path().join("no-such-dir").exists());
    }

    #[test]
    fn concurrent_writers_never_tear_or_lose_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        // Each append waits for the disk (sync_data): 8 writers of 125 lines contend on every one of
        // their appends, which is what a torn or lost line would come from.
        let threads = 8;
        let per_thread = 125;
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
