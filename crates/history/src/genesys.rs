//! Genesys Cloud `POST /api/v2/analytics/conversations/aggregates/query`, grouped by
//! `outboundCampaignId`: `results[].data[]` with an `interval` (`start/end`) and `metrics`
//! (`nOutboundAttempted`, `nOutboundConnected`, `nOutboundAbandoned` as `stats.count`,
//! `tTalkComplete` as `stats.sum` in milliseconds over `stats.count` calls). Results stream one at
//! a time.

use std::io::Read;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeSeed;
use serde_json::{Map, Value};

use crate::error::ImportError;
use crate::importer::{Importer, RowCheck};
use crate::json_stream::{self, ArrayUnder};
use crate::pool::Observation;
use crate::{time, value};

#[derive(Debug, Deserialize)]
struct GroupResult {
    group: Option<Map<String, Value>>,
    data: Option<Vec<IntervalData>>,
}

#[derive(Debug, Deserialize)]
struct IntervalData {
    interval: Option<Value>,
    metrics: Option<Vec<Metric>>,
}

#[derive(Debug, Deserialize)]
struct Metric {
    metric: Option<String>,
    stats: Option<Map<String, Value>>,
}

/// Which metrics the file had at all: Genesys leaves a metric out of an interval where it is zero,
/// so a metric missing everywhere means the query did not ask for it.
#[derive(Debug, Default)]
struct Seen {
    attempted: bool,
    connected: bool,
    abandoned: bool,
}

/// Reads an aggregates response.
pub fn read(importer: &mut Importer, file: &str, reader: impl Read) -> Result<(), ImportError> {
    let mut seen = Seen::default();
    let mut missing = false;
    let rows_before = importer.pool.rows();
    json_stream::documents(reader, file, "genesys-aggregates", |de, _doc| {
        let mut on = |_key: &'static str, index: usize, result: GroupResult| {
            group_result(importer, file, index, result, &mut seen);
        };
        let found = ArrayUnder {
            keys: &["results"],
            on: &mut on,
            row: PhantomData,
        }
        .deserialize(de)?;
        missing |= !found;
        Ok(())
    })?;
    if missing {
        importer.problem(
            file,
            "",
            Some("results"),
            "is missing: is this the response of analytics/conversations/aggregates/query?".into(),
        );
    }
    if importer.pool.rows() > rows_before {
        for (ok, metric) in [
            (seen.attempted, "nOutboundAttempted"),
            (seen.connected, "nOutboundConnected"),
        ] {
            if !ok {
                importer.problem(
                    file,
                    "",
                    Some(metric),
                    "is in no interval: add it to the query's metrics".into(),
                );
            }
        }
        if !seen.abandoned {
            importer.pool.forget_abandons();
        }
    }
    Ok(())
}

fn group_result(
    importer: &mut Importer,
    file: &str,
    index: usize,
    result: GroupResult,
    seen: &mut Seen,
) {
    let campaign = result
        .group
        .as_ref()
        .and_then(|g| g.get("outboundCampaignId"))
        .and_then(value::id);
    let tz = importer.options.time_zone.clone();
    for (j, data) in result.data.unwrap_or_default().into_iter().enumerate() {
        if !importer.keep(None, campaign.as_deref()) {
            continue;
        }
        let at = format!("{}.data[{j}]", json_stream::path("results", index));
        let mut c = RowCheck::new(importer, file, at);
        let interval = match data.interval.as_ref() {
            Some(Value::String(s)) => time::interval(s).map_err(|m| c.fail("interval", m)).ok(),
            _ => {
                c.fail("interval", "is missing".into());
                None
            }
        };
        let metrics = data.metrics.unwrap_or_default();
        let stat = |name: &str, stat: &str| {
            metrics
                .iter()
                .find(|m| m.metric.as_deref() == Some(name))
                .map(|m| m.stats.as_ref().and_then(|s| s.get(stat)).cloned())
        };
        let count = |c: &mut RowCheck<'_>, name: &str, seen: &mut bool| match stat(name, "count") {
            None => 0,
            Some(v) => {
                *seen = true;
                c.count(&format!("{name}.stats.count"), v.as_ref())
            }
        };
        let dials = count(&mut c, "nOutboundAttempted", &mut seen.attempted);
        let connected = count(&mut c, "nOutboundConnected", &mut seen.connected);
        let abandoned = count(&mut c, "nOutboundAbandoned", &mut seen.abandoned);
        c.answered_within_dials(
            "nOutboundConnected.stats.count",
            connected,
            "nOutboundAttempted.stats.count",
            dials,
        );
        let (talk_ms, talk_count) =
            match (stat("tTalkComplete", "sum"), stat("tTalkComplete", "count")) {
                (Some(sum), Some(n)) => (
                    c.seconds("tTalkComplete.stats.sum", sum.as_ref()),
                    c.count("tTalkComplete.stats.count", n.as_ref()),
                ),
                _ => (0.0, 0),
            };
        let observation = interval.map(|(start, end)| Observation {
            start: start.to_zoned_datetime(tz.clone()),
            length_seconds: Some(end.as_second() - start.as_second()),
            dials,
            answered: connected,
            talk_seconds: talk_ms / 1000.0,
            talk_count,
            abandons: Some(abandoned),
        });
        c.finish(observation);
    }
}
