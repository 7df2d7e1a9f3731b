//! What an import gives: the historical matrix and a description of where it came from.

use serde::Serialize;

/// One bucket of the historical matrix, in the payload's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// `HH:MM-HH:MM`, local time of day.
    pub time_bucket: String,
    /// Dial attempts, summed over the days.
    pub calls_attempted: u64,
    /// Answered calls (connects or right-party connects), summed over the days.
    pub calls_answered: u64,
    /// The answered calls' mean talk time (the overall mean for a bucket without any).
    pub avg_talk_time_seconds: f64,
    /// Abandoned live answers, summed over the days, when every row of the export had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abandons: Option<u64>,
}

/// How the rows were cut into buckets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    /// The export's own interval, in minutes.
    pub data_minutes: u32,
    /// Whether that interval was inferred from the start times (the export gives no ends).
    pub inferred: bool,
    /// The buckets' length, in minutes.
    pub bucket_minutes: u32,
    /// The earliest interval start, UTC.
    pub first_start: Option<String>,
    /// The latest interval start, UTC.
    pub last_start: Option<String>,
    /// Whether the buckets carry `abandons`.
    pub abandons: bool,
    /// The mean talk time over every answered call, in seconds.
    pub overall_avg_talk_time_seconds: f64,
}

/// Where the matrix came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceSummary {
    /// The export format (`cxone-dialer-contacts`, …).
    pub format: &'static str,
    /// The files read (`stdin` for `-`).
    pub files: Vec<String>,
    /// The time zone the times of day are in.
    pub time_zone: String,
    /// What counts as answered: `connects` or `rpc`.
    pub answered: &'static str,
    /// Rows read, and rows kept by the filters.
    pub rows_read: u64,
    /// Rows pooled into the matrix.
    pub rows_used: u64,
    /// The skills kept (every skill seen, without `--skill`), at most 100.
    pub skills: Vec<String>,
    /// The campaigns kept, at most 100.
    pub campaigns: Vec<String>,
    /// How the rows were cut into buckets.
    pub interval: Interval,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    /// One bucket per time of day, in time order.
    pub historical_matrix: Vec<Bucket>,
    /// Where it came from.
    pub source: SourceSummary,
}
