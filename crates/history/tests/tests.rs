//! The importer on each source's shape, time zones and daylight saving, filters and pooling.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use history::{Answered, Bucket, ImportError, Imported, Importer, Options, Source};
use jiff::tz::TimeZone;
use proptest::prelude::*;
use serde_json::{Value, json};

fn import(source: Source, options: Options, text: &str) -> Result<Imported, ImportError> {
    let mut importer = Importer::new(source, options)?;
    importer.read("export", text.as_bytes())?;
    importer.finish()
}

fn in_zone(name: &str) -> Options {
    Options {
        time_zone: TimeZone::get(name).unwrap(),
        time_zone_name: name.into(),
        ..Options::default()
    }
}

fn bucket<'a>(matrix: &'a [Bucket], time: &str) -> &'a Bucket {
    matrix
        .iter()
        .find(|b| b.time_bucket == time)
        .unwrap_or_else(|| panic!("no bucket {time} in {matrix:?}"))
}

fn dialer_row(start: &str, skill: u32, dials: u64, connects: u64, aht: u64) -> Value {
    json!({"intervalStartDate": start, "skillId": skill, "skillName": "OB", "dials": dials,
           "connects": connects, "connectsAHT": aht, "rightPartyConnects": connects / 2,
           "rightPartyConnectsAHT": aht + 10, "abandons": 1})
}

fn two_days() -> Vec<Value> {
    vec![
        dialer_row("2026-03-02T14:00:00.000Z", 4101, 100, 40, 120),
        dialer_row("2026-03-02T14:15:00.000Z", 4101, 90, 30, 150),
        dialer_row("2026-03-02T14:00:00.000Z", 4102, 50, 20, 90),
        dialer_row("2026-03-03T14:00:00.000Z", 4101, 60, 20, 150),
        dialer_row("2026-03-03T14:15:00.000Z", 4102, 40, 10, 100),
    ]
}

#[test]
fn dialer_contacts_pool_days_and_skills_per_local_time() {
    let text = json!({"outboundStats": two_days()}).to_string();
    let out = import(
        Source::CxoneDialerContacts,
        in_zone("America/New_York"),
        &text,
    )
    .unwrap();
    assert_eq!(out.historical_matrix.len(), 2);
    let first = bucket(&out.historical_matrix, "09:00-09:15");
    assert_eq!((first.calls_attempted, first.calls_answered), (210, 80));
    // (40 × 120 + 20 × 90 + 20 × 150) / 80
    assert_eq!(first.avg_talk_time_seconds, 120.0);
    assert_eq!(first.abandons, Some(3));
    assert_eq!(out.source.interval.data_minutes, 15);
    assert!(out.source.interval.inferred);
    assert_eq!(out.source.skills, vec!["4101", "4102"]);
}

#[test]
fn both_envelope_keys_and_string_numbers_read_alike() {
    let plain = json!({"outboundStats": two_days()}).to_string();
    let stringly: Vec<Value> = two_days()
        .into_iter()
        .map(|mut row| {
            for (_, v) in row.as_object_mut().unwrap().iter_mut() {
                if v.is_number() {
                    *v = Value::String(v.to_string());
                }
            }
            row
        })
        .collect();
    let v9 = json!({"businessUnitId": 1, "wfM_OB_StatsV9": stringly}).to_string();
    let a = import(Source::CxoneDialerContacts, Options::default(), &plain).unwrap();
    let b = import(Source::CxoneDialerContacts, Options::default(), &v9).unwrap();
    assert_eq!(a.historical_matrix, b.historical_matrix);
    assert_eq!(a.historical_matrix[0].time_bucket, "14:00-14:15");
}

#[test]
fn skill_filter_and_right_party_connects() {
    let text = json!({"outboundStats": two_days()}).to_string();
    let options = Options {
        skills: vec!["4102".into()],
        answered: Answered::RightParty,
        bucket_minutes: Some(60),
        ..Options::default()
    };
    let out = import(Source::CxoneDialerContacts, options, &text).unwrap();
    let only = &out.historical_matrix;
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].time_bucket, "14:00-15:00");
    assert_eq!((only[0].calls_attempted, only[0].calls_answered), (90, 15));
    // Right-party AHTs are the connects' + 10: (10 × 100 + 5 × 110) / 15.
    assert_eq!(only[0].avg_talk_time_seconds, 103.3);
    assert_eq!(out.source.rows_read, 5);
    assert_eq!(out.source.rows_used, 2);
}

/// Hourly rows covering one local day in New York, as UTC starts.
fn local_day_hourly(first_utc: &str, hours: i64) -> String {
    let start: jiff::Timestamp = first_utc.parse().unwrap();
    let rows: Vec<Value> = (0..hours)
        .map(|h| {
            let t = start + jiff::SignedDuration::from_hours(h);
            dialer_row(&t.to_string(), 1, 100 + h as u64, 10, 100)
        })
        .collect();
    json!({"outboundStats": rows}).to_string()
}

#[test]
fn a_23_hour_spring_forward_day_tiles() {
    // 2026-03-08 in New York: midnight EST is 05:00Z, the next midnight (EDT) is 04:00Z: 23 hours.
    let text = local_day_hourly("2026-03-08T05:00:00Z", 23);
    let out = import(
        Source::CxoneDialerContacts,
        in_zone("America/New_York"),
        &text,
    )
    .unwrap();
    let m = &out.historical_matrix;
    assert_eq!(m.len(), 23);
    assert!(m.iter().all(|b| b.time_bucket != "02:00-03:00"));
    assert_eq!(bucket(m, "01:00-02:00").calls_attempted, 101);
    // 07:00Z (the third row) is 03:00 EDT.
    assert_eq!(bucket(m, "03:00-04:00").calls_attempted, 102);
    assert_eq!(bucket(m, "23:00-24:00").calls_attempted, 122);
}

#[test]
fn a_25_hour_fall_back_day_pools_the_repeated_hour() {
    // 2026-11-01 in New York: midnight EDT is 04:00Z, the next midnight (EST) is 05:00Z: 25 hours.
    let text = local_day_hourly("2026-11-01T04:00:00Z", 25);
    let out = import(
        Source::CxoneDialerContacts,
        in_zone("America/New_York"),
        &text,
    )
    .unwrap();
    let m = &out.historical_matrix;
    assert_eq!(m.len(), 24);
    // 05:00Z is 01:00 EDT and 06:00Z is 01:00 EST: both in the 01:00 bucket.
    assert_eq!(bucket(m, "01:00-02:00").calls_attempted, 101 + 102);
    assert_eq!(bucket(m, "02:00-03:00").calls_attempted, 103);
}

#[test]
fn skill_summary_reads_iso_durations_and_document_intervals() {
    let doc = |start: &str, end: &str, dials: u64| {
        json!({"startDate": start, "endDate": end, "skillSummaries": [
            {"skillId": 11, "campaignId": 7, "isOutbound": true, "dials": dials, "connects": 10,
             "connectsAHT": "PT2M5S", "rightPartyConnects": 5, "rightPartyConnectsAHT": "PT3M",
             "abandonCount": "2"},
            {"skillId": 12, "campaignId": 7, "isOutbound": "true", "dials": "30", "connects": "10",
             "connectsAHT": "PT1M45S", "abandonCount": 0},
            {"skillId": 99, "campaignId": 8, "isOutbound": false, "dials": 0, "connects": 0,
             "connectsAHT": "PT0S"}]})
        .to_string()
    };
    let text = [
        doc("2026-03-02T14:00:00.000Z", "2026-03-02T14:30:00.000Z", 40),
        doc("2026-03-03T14:00:00.000Z", "2026-03-03T14:30:00.000Z", 50),
    ]
    .join("\n");
    let options = Options {
        campaign: Some("7".into()),
        ..in_zone("America/New_York")
    };
    let out = import(Source::CxoneSkillSummary, options, &text).unwrap();
    let m = &out.historical_matrix;
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].time_bucket, "09:00-09:30");
    assert_eq!((m[0].calls_attempted, m[0].calls_answered), (150, 40));
    assert_eq!(m[0].avg_talk_time_seconds, 115.0); // (125 + 105) / 2
    assert_eq!(m[0].abandons, Some(4));
    assert_eq!(out.source.interval.data_minutes, 30);
    assert!(!out.source.interval.inferred);
}

fn genesys(campaign: &str, data: Vec<Value>) -> Value {
    json!({"group": {"outboundCampaignId": campaign, "mediaType": "voice"}, "data": data})
}

fn genesys_interval(interval: &str, attempted: u64, connected: u64, talk_ms: u64) -> Value {
    json!({"interval": interval, "metrics": [
        {"metric": "nOutboundAttempted", "stats": {"count": attempted}},
        {"metric": "nOutboundConnected", "stats": {"count": connected}},
        {"metric": "nOutboundAbandoned", "stats": {"count": 1}},
        {"metric": "tTalkComplete", "stats": {"max": 300000, "min": 1000, "count": connected, "sum": talk_ms}}]})
}

#[test]
fn genesys_aggregates_talk_in_milliseconds_and_campaign_filter() {
    let text = json!({"results": [
        genesys("a", vec![
            genesys_interval("2026-06-01T13:00:00.000Z/2026-06-01T13:30:00.000Z", 100, 40, 40 * 150_000),
            genesys_interval("2026-06-02T13:00:00.000Z/2026-06-02T13:30:00.000Z", 80, 20, 20 * 90_000),
            genesys_interval("2026-06-02T13:30:00.000Z/2026-06-02T14:00:00.000Z", 50, 0, 0),
        ]),
        genesys("b", vec![genesys_interval("2026-06-01T13:00:00.000Z/2026-06-01T13:30:00.000Z", 999, 1, 1000)]),
    ]})
    .to_string();
    let options = Options {
        campaign: Some("a".into()),
        ..in_zone("Europe/London")
    };
    let out = import(Source::GenesysAggregates, options, &text).unwrap();
    let m = &out.historical_matrix;
    // 13:00Z is 14:00 BST.
    let first = bucket(m, "14:00-14:30");
    assert_eq!((first.calls_attempted, first.calls_answered), (180, 60));
    assert_eq!(first.avg_talk_time_seconds, 130.0);
    assert_eq!(first.abandons, Some(2));
    // No connects: the overall mean.
    assert_eq!(bucket(m, "14:30-15:00").avg_talk_time_seconds, 130.0);
    assert_eq!(out.source.campaigns, vec!["a"]);
}

#[test]
fn csv_columns_in_any_order_and_mapped_names() {
    let a = "interval_start,attempts,answered,talk_seconds\n2026-03-02T14:00:00Z,100,40,120\n2026-03-02T14:30:00Z,80,30,PT2M\n";
    let b = "talk_seconds,answered,interval_start,attempts\n120,40,2026-03-02T14:00:00Z,100\nPT2M,30,2026-03-02T14:30:00Z,80\n";
    let c = "Dials,Start,AHT,Connects\n100,2026-03-02 09:00,120,40\n80,2026-03-02 09:30,120,30\n";
    let ny = || in_zone("America/New_York");
    let mapped = Options {
        columns: vec![
            ("Dials".into(), "attempts".into()),
            ("start".into(), "interval_start".into()),
            ("AHT".into(), "talk_seconds".into()),
            ("Connects".into(), "answered".into()),
        ],
        ..ny()
    };
    let a = import(Source::Csv, ny(), a).unwrap();
    let b = import(Source::Csv, ny(), b).unwrap();
    let c = import(Source::Csv, mapped, c).unwrap();
    assert_eq!(a.historical_matrix, b.historical_matrix);
    assert_eq!(a.historical_matrix, c.historical_matrix);
    assert_eq!(a.historical_matrix[0].time_bucket, "09:00-09:30");
    assert_eq!(a.historical_matrix[0].abandons, None);
}

#[test]
fn problems_are_all_listed_with_row_and_field() {
    let text = json!({"outboundStats": [
        dialer_row("2026-03-02T14:00:00Z", 1, 10, 20, 100),
        {"intervalStartDate": "not a time", "skillId": 1, "dials": -3, "connects": 1, "connectsAHT": 1},
        {"skillId": 1, "dials": 5},
    ]})
    .to_string();
    let Err(ImportError::Invalid { problems }) =
        import(Source::CxoneDialerContacts, Options::default(), &text)
    else {
        panic!("expected problems")
    };
    let text = problems.to_string();
    assert_eq!(problems.total, 5, "{text}");
    assert!(
        text.contains("outboundStats[0]: `connects`: is 20, more than the row's 10 dials"),
        "{text}"
    );
    assert!(
        text.contains("outboundStats[1]: `intervalStartDate`"),
        "{text}"
    );
    assert!(
        text.contains("outboundStats[1]: `dials`: is -3: a count cannot be negative"),
        "{text}"
    );
    assert!(
        text.contains("outboundStats[2]: `intervalStartDate`: is missing"),
        "{text}"
    );
    assert!(
        text.contains("outboundStats[2]: `connects`: is missing"),
        "{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Pooling sums: the order of the rows cannot change the matrix.
    #[test]
    fn pooling_is_invariant_to_row_order(
        rows in prop::collection::vec((0u32..3, 0u32..4, 0u32..2, 1u64..200, 0u64..100, 30u64..300), 1..40),
        seed in any::<u64>(),
    ) {
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|(day, quarter, skill, dials, connects, aht)| {
                let start = format!("2026-03-0{}T14:{:02}:00Z", day + 2, quarter * 15);
                dialer_row(&start, skill, dials, connects.min(dials), aht)
            })
            .collect();
        let mut shuffled = rows.clone();
        // A Fisher–Yates shuffle driven by the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let options = || Options { bucket_minutes: Some(60), ..Options::default() };
        let a = import(Source::CxoneDialerContacts, options(), &json!({"outboundStats": rows}).to_string());
        let b = import(Source::CxoneDialerContacts, options(), &json!({"outboundStats": shuffled}).to_string());
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.historical_matrix, b.historical_matrix),
            (Err(a), Err(b)) => prop_assert_eq!(
                matches!(a, ImportError::Invalid { .. }),
                matches!(b, ImportError::Invalid { .. })
            ),
            (a, b) => prop_assert!(false, "one order imported, the other did not: {a:?} / {b:?}"),
        }
    }
}
