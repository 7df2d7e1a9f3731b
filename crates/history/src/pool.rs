//! Pooling: rows from any number of days summed per local time of day (one slot per minute of the
//! day, so memory stays flat however long the export), then the data's interval inferred, checked
//! to tile the day, and the slots grouped into buckets.

use jiff::{Timestamp, ZonedDateTime};

use crate::matrix::{Bucket, Interval};
use crate::problem::{Problem, Problems};

const MINUTES_PER_DAY: u32 = 1440;

/// One row of an export, in plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The interval's start, in the local time zone.
    pub start: ZonedDateTime,
    /// The interval's length in seconds, when the export says (an end, or the query's span).
    pub length_seconds: Option<i64>,
    /// Dial attempts.
    pub dials: u64,
    /// Answered calls (connects or right-party connects).
    pub answered: u64,
    /// Talk time of the answered calls, summed, in seconds.
    pub talk_seconds: f64,
    /// How many calls that talk time is over (the weight of its mean).
    pub talk_count: u64,
    /// Abandoned live answers, when the export has them.
    pub abandons: Option<u64>,
}

/// The sums of one minute of the day.
#[derive(Debug, Clone, Default)]
struct Slot {
    rows: u64,
    dials: u64,
    answered: u64,
    talk_seconds: f64,
    talk_count: u64,
    abandons: u64,
    /// The first row that fell here, to name it when this time of day is off the grid.
    first: Option<(String, String)>,
}

/// Rows pooled per local minute of the day.
#[derive(Debug, Clone)]
pub struct Pool {
    slots: Vec<Slot>,
    rows: u64,
    rows_without_abandons: u64,
    /// The first row's interval length, and where it was, to compare the others with.
    length: Option<(i64, String, String)>,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    /// The name of the start field in this source, for messages.
    start_field: String,
}

impl Pool {
    /// An empty pool; `start_field` is how the source names the interval's start.
    pub fn new(start_field: &str) -> Self {
        Self {
            slots: vec![Slot::default(); MINUTES_PER_DAY as usize],
            rows: 0,
            rows_without_abandons: 0,
            length: None,
            first: None,
            last: None,
            start_field: start_field.to_owned(),
        }
    }

    /// Rows added so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Drops `abandons` from the result: the export turned out not to have them.
    pub fn forget_abandons(&mut self) {
        self.rows_without_abandons = self.rows;
    }

    /// Adds one row found at `file`/`at`; what is wrong with it goes to `problems`.
    pub fn add(&mut self, row: &Observation, file: &str, at: &str, problems: &mut Problems) {
        let z = &row.start;
        let problem = |field: &str, message: String| Problem {
            file: file.to_owned(),
            at: at.to_owned(),
            field: Some(field.to_owned()),
            message,
        };
        if z.second() != 0 || z.subsec_nanosecond() != 0 {
            problems.push(problem(
                &self.start_field,
                format!("starts at {}, not on a whole minute", z.time()),
            ));
            return;
        }
        if let Some(length) = row.length_seconds {
            if length <= 0 || length % 60 != 0 {
                problems.push(problem(
                    &self.start_field,
                    format!("lasts {length} s, not a whole number of minutes"),
                ));
                return;
            }
            match &self.length {
                None => self.length = Some((length, file.to_owned(), at.to_owned())),
                Some((first, first_file, first_at)) if *first != length => {
                    let there = if first_file == file {
                        first_at.clone()
                    } else {
                        format!("{first_file} {first_at}")
                    };
                    problems.push(problem(
                        &self.start_field,
                        format!(
                            "lasts {} minutes, but {there} lasts {}: intervals of different lengths do not tile the day",
                            length / 60,
                            first / 60
                        ),
                    ));
                    return;
                }
                Some(_) => {}
            }
        }
        let minute = z.hour() as usize * 60 + z.minute() as usize;
        let slot = &mut self.slots[minute];
        slot.rows += 1;
        slot.dials += row.dials;
        slot.answered += row.answered;
        slot.talk_seconds += row.talk_seconds;
        slot.talk_count += row.talk_count;
        match row.abandons {
            Some(a) => slot.abandons += a,
            None => self.rows_without_abandons += 1,
        }
        if slot.first.is_none() {
            slot.first = Some((file.to_owned(), at.to_owned()));
        }
        self.rows += 1;
        let ts = z.timestamp();
        self.first = Some(self.first.map_or(ts, |f| f.min(ts)));
        self.last = Some(self.last.map_or(ts, |l| l.max(ts)));
    }

    /// The buckets: the data's interval (or `bucket_minutes`), checked to tile the day.
    pub fn buckets(
        &self,
        bucket_minutes: Option<u32>,
        file: &str,
    ) -> Result<(Vec<Bucket>, Interval), Problems> {
        let mut problems = Problems::default();
        let whole = |message: String| Problem {
            file: file.to_owned(),
            at: String::new(),
            field: None,
            message,
        };
        let occupied: Vec<usize> = (0..self.slots.len())
            .filter(|&m| self.slots[m].rows > 0)
            .collect();
        if occupied.is_empty() {
            problems.push(whole("no rows to import".into()));
            return Err(problems);
        }
        let (data_minutes, inferred) = match &self.length {
            Some((seconds, _, _)) => ((seconds / 60) as u32, false),
            None if occupied.len() == 1 => match bucket_minutes {
                Some(b) => (b, false),
                None => {
                    problems.push(whole(format!(
                        "every row starts at {}: one time of day does not tell the interval; give --bucket-minutes",
                        hhmm(occupied[0] as u32)
                    )));
                    return Err(problems);
                }
            },
            None => (self.infer_minutes(), true),
        };
        if data_minutes == 0 || !MINUTES_PER_DAY.is_multiple_of(data_minutes) {
            problems.push(whole(format!(
                "intervals of {data_minutes} minutes do not tile the day (1440 minutes is not a whole number of them)"
            )));
            return Err(problems);
        }
        let d = data_minutes as usize;
        // The grid's phase: the offset (mod d) that most rows start on.
        let mut by_phase = vec![0u64; d];
        for &m in &occupied {
            by_phase[m % d] += self.slots[m].rows;
        }
        let phase = (0..d)
            .max_by_key(|&p| (by_phase[p], std::cmp::Reverse(p)))
            .unwrap_or(0);
        for &m in &occupied {
            if m % d != phase {
                let slot = &self.slots[m];
                let (f, at) = slot.first.clone().unwrap_or_default();
                let more = if slot.rows > 1 {
                    format!(" ({} rows start then)", slot.rows)
                } else {
                    String::new()
                };
                problems.push(Problem {
                    file: f,
                    at,
                    field: Some(self.start_field.clone()),
                    message: format!(
                        "starts at {}{more}, off the {d}-minute grid of the other rows ({}, {}, …): the intervals do not tile the day",
                        hhmm(m as u32),
                        hhmm(phase as u32),
                        hhmm((phase + d) as u32)
                    ),
                });
            }
        }
        let bucket = bucket_minutes.unwrap_or(data_minutes);
        if bucket == 0 || !MINUTES_PER_DAY.is_multiple_of(bucket) {
            problems.push(whole(format!(
                "--bucket-minutes {bucket} does not tile the day: pick a divisor of 1440 (15, 30, 60, …)"
            )));
        } else if !bucket.is_multiple_of(data_minutes) {
            problems.push(whole(format!(
                "--bucket-minutes {bucket} is not a whole number of the data's {data_minutes}-minute intervals"
            )));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let b = bucket as usize;
        let mut sums: Vec<Slot> = vec![Slot::default(); MINUTES_PER_DAY as usize / b + 1];
        for &m in &occupied {
            let s = &self.slots[m];
            let k = (m - phase) / b;
            let t = &mut sums[k];
            t.rows += s.rows;
            t.dials += s.dials;
            t.answered += s.answered;
            t.talk_seconds += s.talk_seconds;
            t.talk_count += s.talk_count;
            t.abandons += s.abandons;
        }
        let talk: f64 = sums.iter().map(|s| s.talk_seconds).sum();
        let talk_count: u64 = sums.iter().map(|s| s.talk_count).sum();
        if talk_count == 0 || talk <= 0.0 {
            problems.push(whole(
                "no answered call has a talk time: avg_talk_time_seconds cannot be set".into(),
            ));
            return Err(problems);
        }
        let overall = talk / talk_count as f64;
        let with_abandons = self.rows_without_abandons == 0;
        let mut buckets = Vec::new();
        for (k, s) in sums.iter().enumerate() {
            if s.rows == 0 {
                continue;
            }
            let start = (phase + k * b) as u32;
            let end = start + bucket;
            if end > MINUTES_PER_DAY {
                problems.push(whole(format!(
                    "the bucket from {} would cross midnight: give --bucket-minutes {}",
                    hhmm(start),
                    gcd(phase as u32, bucket).max(1)
                )));
                continue;
            }
            let mean = if s.talk_count > 0 && s.talk_seconds > 0.0 {
                s.talk_seconds / s.talk_count as f64
            } else {
                overall
            };
            buckets.push(Bucket {
                time_bucket: format!("{}-{}", hhmm(start), hhmm(end)),
                calls_attempted: s.dials,
                calls_answered: s.answered,
                avg_talk_time_seconds: (mean * 10.0).round() / 10.0,
                abandons: with_abandons.then_some(s.abandons),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((
            buckets,
            Interval {
                data_minutes,
                inferred,
                bucket_minutes: bucket,
                first_start: self.first.map(|t| t.to_string()),
                last_start: self.last.map(|t| t.to_string()),
                abandons: with_abandons,
                overall_avg_talk_time_seconds: (overall * 10.0).round() / 10.0,
            },
        ))
    }

    /// The interval of start-only rows: the longest divisor of an hour on whose grid at least 90 %
    /// of the rows start (so one stray row is reported, not taken as the interval).
    fn infer_minutes(&self) -> u32 {
        const CANDIDATES: [usize; 12] = [60, 30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1];
        for &d in &CANDIDATES {
            let mut by_phase = vec![0u64; d];
            for (m, s) in self.slots.iter().enumerate() {
                by_phase[m % d] += s.rows;
            }
            let best = by_phase.iter().copied().max().unwrap_or(0);
            if best as f64 >= 0.9 * self.rows as f64 {
                return d as u32;
            }
        }
        1
    }
}

/// `HH:MM` for a minute of the day (`24:00` for 1440).
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}
