//! CXone exports: `wfm-data/skills/dialer-contacts` (rows under `outboundStats` or
//! `wfM_OB_StatsV9`, streamed) and `skills/summary` (`skillSummaries`, one document per interval).

use std::io::Read;
use std::marker::PhantomData;

use jiff::ZonedDateTime;
use serde::Deserialize;
use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::error::ImportError;
use crate::importer::{Answered, Importer, RowCheck};
use crate::json_stream::{self, ArrayUnder};
use crate::pool::Observation;
use crate::{time, value};

/// The envelope keys of dialer-contacts rows (both are seen in the wild).
pub const DIALER_CONTACTS_KEYS: &[&str] = &["outboundStats", "wfM_OB_StatsV9"];

/// One row of `wfm-data/skills/dialer-contacts`; every number may arrive as a string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DialerRow {
    interval_start_date: Option<Value>,
    skill_id: Option<Value>,
    #[serde(flatten)]
    counts: Counts,
}

/// One row of `skills/summary`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SummaryRow {
    skill_id: Option<Value>,
    campaign_id: Option<Value>,
    is_outbound: Option<Value>,
    #[serde(flatten)]
    counts: Counts,
}

/// A saved `skills/summary` response with the interval it was asked for.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SummaryDocument {
    start_date: Option<Value>,
    end_date: Option<Value>,
    skill_summaries: Option<Vec<SummaryRow>>,
}

/// The counts both CXone exports share; every number may arrive as a string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    dials: Option<Value>,
    connects: Option<Value>,
    #[serde(rename = "connectsAHT")]
    connects_aht: Option<Value>,
    right_party_connects: Option<Value>,
    #[serde(rename = "rightPartyConnectsAHT")]
    right_party_connects_aht: Option<Value>,
    /// `abandons` in dialer-contacts, `abandonCount` in skills/summary.
    #[serde(alias = "abandonCount")]
    abandons: Option<Value>,
}

impl Counts {
    /// The row as an observation, every field checked (`abandons` is named `abandons_field`).
    fn observe(
        &self,
        c: &mut RowCheck<'_>,
        answered: Answered,
        abandons_field: &str,
        start: Option<ZonedDateTime>,
        length_seconds: Option<i64>,
    ) -> Option<Observation> {
        let dials = c.count("dials", self.dials.as_ref());
        let connects = c.optional_count("connects", self.connects.as_ref());
        let (field, aht_field, value, aht) = match answered {
            Answered::Connects => (
                "connects",
                "connectsAHT",
                &self.connects,
                &self.connects_aht,
            ),
            Answered::RightParty => (
                "rightPartyConnects",
                "rightPartyConnectsAHT",
                &self.right_party_connects,
                &self.right_party_connects_aht,
            ),
        };
        let answered = c.count(field, value.as_ref());
        if let Some(connects) = connects {
            c.answered_within_dials("connects", connects, "dials", dials);
        }
        if field != "connects" {
            c.answered_within_dials(field, answered, "dials", dials);
        }
        let aht = if answered > 0 {
            c.seconds(aht_field, aht.as_ref())
        } else {
            0.0
        };
        let abandons = c.optional_count(abandons_field, self.abandons.as_ref());
        start.map(|start| Observation {
            start,
            length_seconds,
            dials,
            answered,
            talk_seconds: answered as f64 * aht,
            talk_count: answered,
            abandons,
        })
    }
}

/// Reads a dialer-contacts export, row by row.
pub fn read_dialer_contacts(
    importer: &mut Importer,
    file: &str,
    reader: impl Read,
) -> Result<(), ImportError> {
    let format = "cxone-dialer-contacts";
    let mut missing = Vec::new();
    json_stream::documents(reader, file, format, |de, doc| {
        let mut on = |key: &'static str, index: usize, row: DialerRow| {
            dialer_row(importer, file, located(doc, key, index), row);
        };
        let found = ArrayUnder {
            keys: DIALER_CONTACTS_KEYS,
            on: &mut on,
            row: PhantomData,
        }
        .deserialize(de)?;
        if !found {
            missing.push(doc);
        }
        Ok(())
    })?;
    for doc in missing {
        importer.problem(
            file,
            &document(doc),
            None,
            "has no `outboundStats` or `wfM_OB_StatsV9` array: is this the response of wfm-data/skills/dialer-contacts?".into(),
        );
    }
    Ok(())
}

fn dialer_row(importer: &mut Importer, file: &str, at: String, row: DialerRow) {
    let skill = row.skill_id.as_ref().and_then(value::id);
    if !importer.keep(skill.as_deref(), None) {
        return;
    }
    let answered = importer.options.answered;
    let tz = importer.options.time_zone.clone();
    let mut c = RowCheck::new(importer, file, at);
    let start = match row.interval_start_date.as_ref() {
        Some(Value::String(s)) => match time::utc_instant(s) {
            Ok(ts) => Some(ts.to_zoned_datetime(tz)),
            Err(m) => {
                c.fail("intervalStartDate", m);
                None
            }
        },
        None | Some(Value::Null) => {
            c.fail("intervalStartDate", "is missing".into());
            None
        }
        Some(other) => {
            c.fail("intervalStartDate", format!("is {other}: not a time"));
            None
        }
    };
    let observation = row
        .counts
        .observe(&mut c, answered, "abandons", start, None);
    c.finish(observation);
}

/// Reads saved skills/summary responses: each document carries the `startDate` (and `endDate`)
/// it was asked for beside `skillSummaries`, since the response itself does not say.
pub fn read_skill_summary(
    importer: &mut Importer,
    file: &str,
    reader: impl Read,
) -> Result<(), ImportError> {
    let format = "cxone-skill-summary";
    json_stream::documents(reader, file, format, |de, doc| {
        // Each document is one interval's few rows: pooled as soon as it is read.
        let d = SummaryDocument::deserialize(de)?;
        summary_document(importer, file, doc, d);
        Ok(())
    })?;
    Ok(())
}

fn summary_document(importer: &mut Importer, file: &str, doc: usize, d: SummaryDocument) {
    let at = document(doc);
    let Some(rows) = d.skill_summaries else {
        importer.problem(
            file,
            &at,
            None,
            "has no `skillSummaries` array: is this the response of skills/summary?".into(),
        );
        return;
    };
    let tz = importer.options.time_zone.clone();
    let instant = |importer: &mut Importer, field: &str, v: Option<&Value>| match v {
        Some(Value::String(s)) => time::utc_instant(s)
            .map_err(|m| importer.problem(file, &at, Some(field), m))
            .ok(),
        _ => None,
    };
    let start = match d.start_date.as_ref() {
        None | Some(Value::Null) => {
            importer.problem(
                file,
                &at,
                Some("startDate"),
                "is missing: a skills/summary response does not say which interval it covers; save the request's startDate and endDate beside skillSummaries".into(),
            );
            None
        }
        v => instant(importer, "startDate", v),
    };
    let end = instant(importer, "endDate", d.end_date.as_ref());
    let length = match (start, end, importer.options.bucket_minutes) {
        (Some(s), Some(e), _) => Some(e.as_second() - s.as_second()),
        (Some(_), None, Some(b)) => Some(i64::from(b) * 60),
        (Some(_), None, None) => {
            importer.problem(
                file,
                &at,
                Some("endDate"),
                "is missing: give the request's endDate, or --bucket-minutes".into(),
            );
            None
        }
        _ => None,
    };
    let (Some(start), Some(length)) = (start, length) else {
        return;
    };
    let answered = importer.options.answered;
    for (index, row) in rows.into_iter().enumerate() {
        let outbound = row
            .is_outbound
            .as_ref()
            .is_none_or(|v| !matches!(v, Value::Bool(false)) && v.as_str() != Some("false"));
        let skill = row.skill_id.as_ref().and_then(value::id);
        let campaign = row.campaign_id.as_ref().and_then(value::id);
        if !importer.keep(skill.as_deref(), campaign.as_deref()) || !outbound {
            continue;
        }
        let mut c = RowCheck::new(importer, file, located(doc, "skillSummaries", index));
        let observation = row.counts.observe(
            &mut c,
            answered,
            "abandonCount",
            Some(start.to_zoned_datetime(tz.clone())),
            Some(length),
        );
        c.finish(observation);
    }
}

/// `document N` for the second and later documents of a file, nothing for the first.
fn document(doc: usize) -> String {
    if doc == 0 {
        "the document".into()
    } else {
        format!("document {}", doc + 1)
    }
}

/// A row's place: `outboundStats[3]`, or `document 2, outboundStats[3]`.
fn located(doc: usize, key: &str, index: usize) -> String {
    let path = json_stream::path(key, index);
    if doc == 0 {
        path
    } else {
        format!("document {}, {path}", doc + 1)
    }
}
