//! The importer: options, the sources, and the state rows are pooled into as they stream by.

use std::collections::BTreeSet;
use std::io::Read;

use jiff::tz::TimeZone;
use serde_json::Value;

use crate::error::ImportError;
use crate::matrix::{Imported, SourceSummary};
use crate::pool::{Observation, Pool};
use crate::problem::{Problem, Problems};
use crate::value;

/// How many distinct skills and campaigns are remembered for the summary and for messages.
const MAX_IDS: usize = 100;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// CXone `GET …/wfm-data/skills/dialer-contacts`: rows under `outboundStats` or `wfM_OB_StatsV9`.
    CxoneDialerContacts,
    /// CXone `GET …/skills/summary`: `skillSummaries`, one document per interval.
    CxoneSkillSummary,
    /// Genesys Cloud `POST /api/v2/analytics/conversations/aggregates/query`.
    GenesysAggregates,
    /// Any CSV with a header.
    Csv,
}

impl Source {
    /// The name on the command line and in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Source::CxoneDialerContacts => "cxone-dialer-contacts",
            Source::CxoneSkillSummary => "cxone-skill-summary",
            Source::GenesysAggregates => "genesys-aggregates",
            Source::Csv => "csv",
        }
    }

    fn start_field(self) -> &'static str {
        match self {
            Source::CxoneDialerContacts => "intervalStartDate",
            Source::CxoneSkillSummary => "startDate",
            Source::GenesysAggregates => "interval",
            Source::Csv => "interval_start",
        }
    }
}

/// What counts as an answered call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Answered {
    /// Every connect (a person or a machine the dialer passed on).
    #[default]
    Connects,
    /// Right-party connects only (CXone sources).
    RightParty,
}

impl Answered {
    /// The name on the command line and in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Answered::Connects => "connects",
            Answered::RightParty => "rpc",
        }
    }
}

/// How to read and pool an export.
#[derive(Debug, Clone)]
pub struct Options {
    /// The time zone of the times of day (UTC by default).
    pub time_zone: TimeZone,
    /// Its name, for the summary.
    pub time_zone_name: String,
    /// Keep only these skills (all when empty); several are summed into one campaign.
    pub skills: Vec<String>,
    /// Keep only this campaign.
    pub campaign: Option<String>,
    /// What counts as answered.
    pub answered: Answered,
    /// Bucket length in minutes (the data's own interval when absent).
    pub bucket_minutes: Option<u32>,
    /// CSV columns: `(column, field)` pairs that override the default (a column named like its field).
    pub columns: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::UTC,
            time_zone_name: "UTC".into(),
            skills: Vec::new(),
            campaign: None,
            answered: Answered::Connects,
            bucket_minutes: None,
            columns: Vec::new(),
        }
    }
}

/// Reads exports and pools their rows; [`Importer::finish`] gives the matrix.
#[derive(Debug)]
pub struct Importer {
    pub(crate) source: Source,
    pub(crate) options: Options,
    pub(crate) pool: Pool,
    pub(crate) problems: Problems,
    files: Vec<String>,
    rows_read: u64,
    skills: BTreeSet<String>,
    campaigns: BTreeSet<String>,
}

impl Importer {
    /// An importer of `source`; options that do not fit it are refused here.
    pub fn new(source: Source, options: Options) -> Result<Self, ImportError> {
        let mut wrong = Vec::new();
        if options.answered == Answered::RightParty
            && !matches!(
                source,
                Source::CxoneDialerContacts | Source::CxoneSkillSummary
            )
        {
            wrong.push(format!(
                "--answered rpc needs right-party connects, which only CXone exports have ({} has none)",
                source.name()
            ));
        }
        if !options.skills.is_empty() && source == Source::GenesysAggregates {
            wrong.push("--skill does not apply to genesys-aggregates (its rows are per campaign): use --campaign".into());
        }
        if options.campaign.is_some() && source == Source::CxoneDialerContacts {
            wrong.push("--campaign does not apply to cxone-dialer-contacts (its rows are per skill): use --skill".into());
        }
        if !options.columns.is_empty() && source != Source::Csv {
            wrong.push(format!(
                "--map applies to csv only, not to {}",
                source.name()
            ));
        }
        for (_, field) in &options.columns {
            if !crate::csv_source::FIELDS.contains(&field.as_str()) {
                wrong.push(format!(
                    "--map: unknown field `{field}`; the fields are {}",
                    crate::csv_source::FIELDS.join(", ")
                ));
            }
        }
        if let Some(b) = options.bucket_minutes
            && (b == 0 || !1440u32.is_multiple_of(b))
        {
            wrong.push(format!(
                "--bucket-minutes {b} does not tile the day: pick a divisor of 1440 (15, 30, 60, …)"
            ));
        }
        if !wrong.is_empty() {
            return Err(ImportError::Options(wrong.join("\n")));
        }
        Ok(Self {
            pool: Pool::new(source.start_field()),
            source,
            options,
            problems: Problems::default(),
            files: Vec::new(),
            rows_read: 0,
            skills: BTreeSet::new(),
            campaigns: BTreeSet::new(),
        })
    }

    /// Reads one export; `file` names it in messages. Rows stream: memory does not grow with the
    /// file. Problems in rows are collected for [`Importer::finish`]; a file that is not of the
    /// source's shape at all stops here.
    pub fn read(&mut self, file: &str, reader: impl Read) -> Result<(), ImportError> {
        self.files.push(file.to_owned());
        match self.source {
            Source::CxoneDialerContacts => crate::cxone::read_dialer_contacts(self, file, reader),
            Source::CxoneSkillSummary => crate::cxone::read_skill_summary(self, file, reader),
            Source::GenesysAggregates => crate::genesys::read(self, file, reader),
            Source::Csv => crate::csv_source::read(self, file, reader),
        }
    }

    /// The matrix, or every problem found.
    pub fn finish(self) -> Result<Imported, ImportError> {
        let file = self.files.join(", ");
        let empty = (self.pool.rows() == 0).then(|| self.empty_message());
        let mut problems = self.problems;
        if let (Some(message), true) = (empty, problems.is_empty()) {
            problems.push(Problem {
                file: file.clone(),
                at: String::new(),
                field: None,
                message,
            });
        }
        if !problems.is_empty() {
            return Err(ImportError::Invalid { problems });
        }
        let (buckets, interval) = self
            .pool
            .buckets(self.options.bucket_minutes, &file)
            .map_err(|problems| ImportError::Invalid { problems })?;
        Ok(Imported {
            historical_matrix: buckets,
            source: SourceSummary {
                format: self.source.name(),
                files: self.files,
                time_zone: self.options.time_zone_name,
                answered: self.options.answered.name(),
                rows_read: self.rows_read,
                rows_used: self.pool.rows(),
                skills: self.skills.into_iter().collect(),
                campaigns: self.campaigns.into_iter().collect(),
                interval,
            },
        })
    }

    fn empty_message(&self) -> String {
        if self.rows_read == 0 {
            return format!("no rows: is this a {} export?", self.source.name());
        }
        let mut filters = Vec::new();
        if !self.options.skills.is_empty() {
            filters.push(format!("--skill {}", self.options.skills.join(",")));
        }
        if let Some(c) = &self.options.campaign {
            filters.push(format!("--campaign {c}"));
        }
        format!(
            "none of the {} rows is left after {}",
            self.rows_read,
            filters.join(" and ")
        )
    }

    /// Counts a row and says whether the filters keep it.
    pub(crate) fn keep(&mut self, skill: Option<&str>, campaign: Option<&str>) -> bool {
        self.rows_read += 1;
        let skill_ok = self.options.skills.is_empty()
            || skill.is_some_and(|s| self.options.skills.iter().any(|k| k == s));
        let campaign_ok = match &self.options.campaign {
            None => true,
            Some(c) => campaign == Some(c.as_str()),
        };
        let kept = skill_ok && campaign_ok;
        if kept {
            remember(&mut self.skills, skill);
            remember(&mut self.campaigns, campaign);
        }
        kept
    }

    /// Adds a well-formed row.
    pub(crate) fn add(&mut self, file: &str, at: &str, row: &Observation) {
        self.pool.add(row, file, at, &mut self.problems);
    }

    /// Records a problem.
    pub(crate) fn problem(&mut self, file: &str, at: &str, field: Option<&str>, message: String) {
        self.problems.push(Problem {
            file: file.to_owned(),
            at: at.to_owned(),
            field: field.map(str::to_owned),
            message,
        });
    }
}

fn remember(set: &mut BTreeSet<String>, id: Option<&str>) {
    if let Some(id) = id
        && set.len() < MAX_IDS
        && !set.contains(id)
    {
        set.insert(id.to_owned());
    }
}

/// One row's fields being checked: each conversion that fails is recorded, with the row and field.
pub(crate) struct RowCheck<'a> {
    pub importer: &'a mut Importer,
    pub file: &'a str,
    pub at: String,
    pub ok: bool,
    /// The fields already reported, so a check across fields does not repeat their problem.
    failed: Vec<String>,
}

impl<'a> RowCheck<'a> {
    pub fn new(importer: &'a mut Importer, file: &'a str, at: String) -> Self {
        Self {
            importer,
            file,
            at,
            ok: true,
            failed: Vec::new(),
        }
    }

    pub fn fail(&mut self, field: &str, message: String) {
        self.ok = false;
        self.failed.push(field.to_owned());
        self.importer
            .problem(self.file, &self.at, Some(field), message);
    }

    fn present<'v>(&mut self, field: &str, v: Option<&'v Value>) -> Option<&'v Value> {
        match v {
            None | Some(Value::Null) => {
                self.fail(field, "is missing".into());
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.fail(field, "is empty".into());
                None
            }
            Some(v) => Some(v),
        }
    }

    pub fn count(&mut self, field: &str, v: Option<&Value>) -> u64 {
        let Some(v) = self.present(field, v) else {
            return 0;
        };
        value::count(v).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    pub fn optional_count(&mut self, field: &str, v: Option<&Value>) -> Option<u64> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(value::count(v).unwrap_or_else(|m| {
                self.fail(field, m);
                0
            })),
        }
    }

    pub fn seconds(&mut self, field: &str, v: Option<&Value>) -> f64 {
        let Some(v) = self.present(field, v) else {
            return 0.0;
        };
        value::seconds(v).unwrap_or_else(|m| {
            self.fail(field, m);
            0.0
        })
    }

    /// Answered calls no more than dials, or a problem on the answered field (unless one of the
    /// two was already reported).
    pub fn answered_within_dials(
        &mut self,
        field: &str,
        answered: u64,
        dials_field: &str,
        dials: u64,
    ) {
        if self.failed.iter().any(|f| f == field || f == dials_field) {
            return;
        }
        if answered > dials {
            self.fail(
                field,
                format!("is {answered}, more than the row's {dials} dials"),
            );
        }
    }

    /// Pools the row if every field was right.
    pub fn finish(self, row: Option<Observation>) {
        if let (true, Some(row)) = (self.ok, row) {
            self.importer.add(self.file, &self.at, &row);
        }
    }
}
