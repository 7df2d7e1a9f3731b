//! Call history from real exports: CXone's `wfm-data/skills/dialer-contacts` and `skills/summary`,
//! Genesys Cloud's conversation aggregates, or any CSV, turned into the historical matrix a payload
//! carries (one bucket per local time of day, several days and skills pooled).
//!
//! Pure: it reads from any [`std::io::Read`] and does no HTTP. Rows stream: memory stays flat
//! however large the export (at most one slot per minute of the day is kept).
//!
//! # Layout
//! - [`importer`]: the [`Source`]s, the [`Options`] and the [`Importer`] rows are pooled into.
//! - `cxone`, `genesys`, `csv_source`: one reader per export format.
//! - `json_stream`: JSON documents and arrays read one row at a time.
//! - [`pool`]: pooling per minute of the day, interval inference, the tiling checks, the buckets.
//! - [`matrix`]: what an import gives ([`Imported`]): the buckets and a summary of the source.
//! - [`problem`], [`error`]: every problem named by file, row (or JSON path) and field.
//! - `time`, `value`: times, numbers and durations as exports write them.
//!
//! Choices the design leaves open:
//! - A bucket is emitted for each time of day that has rows; a time of day no day has is left out.
//! - `abandons` is in the buckets only when every row of the export has it.
//! - Start-only rows (dialer-contacts, a CSV without `interval_end`): the interval is the longest
//!   divisor of an hour on whose grid at least 90 % of the rows start; the others are reported as
//!   not tiling the day.
//! - In a CSV, a time with an offset (`Z`, `-05:00`) is converted to the time zone; one without is
//!   taken as already local to it. In CXone JSON, a time without an offset is UTC.
//!
//! # Example
//! ```
//! use history::{Importer, Options, Source};
//!
//! let export = r#"{"outboundStats": [
//!   {"intervalStartDate": "2026-03-02T14:00:00Z", "skillId": 101, "dials": "120",
//!    "connects": "45", "connectsAHT": "130", "abandons": 1},
//!   {"intervalStartDate": "2026-03-02T14:15:00Z", "skillId": 101, "dials": 100,
//!    "connects": 40, "connectsAHT": 150, "abandons": 0},
//!   {"intervalStartDate": "2026-03-03T14:00:00Z", "skillId": 101, "dials": 80,
//!    "connects": 15, "connectsAHT": 100, "abandons": 2}]}"#;
//! let mut importer = Importer::new(Source::CxoneDialerContacts, Options::default())?;
//! importer.read("contacts.json", export.as_bytes())?;
//! let imported = importer.finish()?;
//! let first = &imported.historical_matrix[0];
//! assert_eq!(first.time_bucket, "14:00-14:15");
//! assert_eq!((first.calls_attempted, first.calls_answered), (200, 60));
//! assert_eq!(first.avg_talk_time_seconds, 122.5); // (45 × 130 + 15 × 100) / 60
//! assert_eq!(first.abandons, Some(3));
//! # Ok::<(), history::ImportError>(())
//! ```

mod csv_source;
mod cxone;
pub mod error;
mod genesys;
pub mod importer;
mod json_stream;
pub mod matrix;
pub mod pool;
pub mod problem;
mod time;
mod value;

pub use error::ImportError;
pub use importer::{Answered, Importer, Options, Source};
pub use matrix::{Bucket, Imported, Interval, SourceSummary};
pub use problem::{Problem, Problems};
