//! `cxone-sim history import` through the binary: the example exports, `--into`, stdin, and every
//! kind of bad input with its exit code and message.

use std::io::Write;
use std::process::Stdio;

use crate::common::{Sandbox, example, json, stderr, stdout};

fn import(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["history", "import"];
    all.extend_from_slice(args);
    sandbox.run(&all)
}

#[test]
fn every_example_export_imports_as_json() {
    let sb = Sandbox::new();
    let cases = [
        (
            "cxone-dialer-contacts",
            "history_cxone_dialer_contacts.json",
            "America/New_York",
        ),
        (
            "cxone-skill-summary",
            "history_cxone_skill_summary.json",
            "America/New_York",
        ),
        (
            "genesys-aggregates",
            "history_genesys_aggregates.json",
            "Europe/London",
        ),
        ("csv", "history_export.csv", "America/Chicago"),
    ];
    for (from, file, tz) in cases {
        let path = example(file);
        let out = import(
            &sb,
            &[
                "--from",
                from,
                path.to_str().unwrap(),
                "--tz",
                tz,
                "--bucket-minutes",
                "60",
                "--json",
            ],
        );
        assert!(out.status.success(), "{from}: {}", stderr(&out));
        let v = json(&out);
        let matrix = v["historical_matrix"].as_array().unwrap();
        let times: Vec<&str> = matrix
            .iter()
            .map(|b| b["time_bucket"].as_str().unwrap())
            .collect();
        assert_eq!(
            times,
            ["09:00-10:00", "10:00-11:00", "11:00-12:00"],
            "{from}"
        );
        for b in matrix {
            let (a, c) = (
                b["calls_attempted"].as_u64().unwrap(),
                b["calls_answered"].as_u64().unwrap(),
            );
            assert!(a > 0 && c <= a, "{from}: {b}");
            assert!(
                b["avg_talk_time_seconds"].as_f64().unwrap() > 60.0,
                "{from}: {b}"
            );
            assert!(b["abandons"].is_u64(), "{from}: {b}");
        }
        assert_eq!(v["source"]["format"], from);
        assert_eq!(v["source"]["time_zone"], tz);
    }
}

#[test]
fn into_replaces_only_the_matrix_and_reads_the_export_from_stdin() {
    let sb = Sandbox::new();
    let payload = sb.write(
        "payload.json",
        r#"{"campaign_id": "c-1", "answer_rate": 0.38, "agents": 12,
            "historical_matrix": [{"time_bucket": "00:00-01:00", "calls_attempted": 1, "calls_answered": 1, "avg_talk_time_seconds": 1}],
            "zzz_kept": {"b": 1, "a": [1, 2]}}"#,
    );
    let csv = std::fs::read_to_string(example("history_export.csv")).unwrap();
    let mut child = sb
        .command(&[
            "history",
            "import",
            "--from",
            "csv",
            "-",
            "--into",
            payload.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let v = json(&out);
    assert_eq!(v["campaign_id"], "c-1");
    assert_eq!(v["agents"], 12);
    assert_eq!(v["zzz_kept"]["a"][1], 2);
    assert_eq!(v["historical_matrix"].as_array().unwrap().len(), 3);
    assert_eq!(v["historical_matrix"][0]["time_bucket"], "09:00-10:00");
    // The fields keep their order.
    let keys: Vec<usize> = [
        "campaign_id",
        "answer_rate",
        "agents",
        "historical_matrix",
        "zzz_kept",
    ]
    .iter()
    .map(|k| text.find(&format!("\"{k}\"")).unwrap())
    .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn the_default_output_is_a_table() {
    let sb = Sandbox::new();
    let path = example("history_genesys_aggregates.json");
    let out = import(
        &sb,
        &["--from", "genesys-aggregates", path.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("time_bucket") && text.contains("09:00-09:30"),
        "{text}"
    );
    assert!(text.contains("30-minute data"), "{text}");
}

/// Runs an import expected to fail with exit 2, and gives stderr.
fn refused(sb: &Sandbox, args: &[&str]) -> String {
    let out = import(sb, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    err
}

#[test]
fn row_problems_are_listed_at_once_with_file_row_and_field() {
    let sb = Sandbox::new();
    let path = sb.write(
        "bad.json",
        r#"{"wfM_OB_StatsV9": [
          {"intervalStartDate": "2026-03-02T14:00:00Z", "skillId": 1, "dials": "10", "connects": "12", "connectsAHT": "100"},
          {"intervalStartDate": "2026-03-02T14:15:00Z", "skillId": 1, "dials": "-4", "connects": "0"},
          {"intervalStartDate": "02/03/2026 14:30", "skillId": 1, "dials": 10, "connects": 1, "connectsAHT": 90},
          {"intervalStartDate": "2026-03-02T14:45:00Z", "skillId": 1, "dials": 10, "connects": 1}
        ]}"#,
    );
    let err = refused(
        &sb,
        &["--from", "cxone-dialer-contacts", path.to_str().unwrap()],
    );
    for expected in [
        "4 problems",
        "bad.json: wfM_OB_StatsV9[0]: `connects`: is 12, more than the row's 10 dials",
        "bad.json: wfM_OB_StatsV9[1]: `dials`: is -4: a count cannot be negative",
        "bad.json: wfM_OB_StatsV9[2]: `intervalStartDate`: is \"02/03/2026 14:30\": not an ISO-8601 time",
        "bad.json: wfM_OB_StatsV9[3]: `connectsAHT`: is missing",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn intervals_that_do_not_tile_the_day_are_refused() {
    let sb = Sandbox::new();
    // One row off the 15-minute grid of the others.
    let mut rows: Vec<String> = (0..12)
        .map(|q| {
            format!(
                r#"{{"intervalStartDate": "2026-03-02T{:02}:{:02}:00Z", "skillId": 1, "dials": 10, "connects": 3, "connectsAHT": 100}}"#,
                14 + q / 4,
                (q % 4) * 15
            )
        })
        .collect();
    rows.push(r#"{"intervalStartDate": "2026-03-02T15:05:00Z", "skillId": 1, "dials": 10, "connects": 3, "connectsAHT": 100}"#.into());
    let off_grid = sb.write(
        "off.json",
        &format!(r#"{{"outboundStats": [{}]}}"#, rows.join(",")),
    );
    let err = refused(
        &sb,
        &[
            "--from",
            "cxone-dialer-contacts",
            off_grid.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("off.json: outboundStats[12]: `intervalStartDate`: starts at 15:05, off the 15-minute grid"),
        "{err}"
    );

    // Genesys intervals of 7 minutes, and of two lengths.
    let metrics = r#""metrics": [{"metric": "nOutboundAttempted", "stats": {"count": 10}}, {"metric": "nOutboundConnected", "stats": {"count": 2}}, {"metric": "tTalkComplete", "stats": {"count": 2, "sum": 200000}}]"#;
    let seven = sb.write(
        "seven.json",
        &format!(r#"{{"results": [{{"group": {{"outboundCampaignId": "a"}}, "data": [{{"interval": "2026-03-02T14:00:00Z/2026-03-02T14:07:00Z", {metrics}}}]}}]}}"#),
    );
    let err = refused(
        &sb,
        &["--from", "genesys-aggregates", seven.to_str().unwrap()],
    );
    assert!(
        err.contains("seven.json: intervals of 7 minutes do not tile the day"),
        "{err}"
    );
    let mixed = sb.write(
        "mixed.json",
        &format!(
            r#"{{"results": [{{"group": {{"outboundCampaignId": "a"}}, "data": [
              {{"interval": "2026-03-02T14:00:00Z/2026-03-02T14:30:00Z", {metrics}}},
              {{"interval": "2026-03-02T14:30:00Z/2026-03-02T15:30:00Z", {metrics}}}]}}]}}"#
        ),
    );
    let err = refused(
        &sb,
        &["--from", "genesys-aggregates", mixed.to_str().unwrap()],
    );
    assert!(
        err.contains("mixed.json: results[0].data[1]: `interval`: lasts 60 minutes, but results[0].data[0] lasts 30"),
        "{err}"
    );

    // A bucket length that is not a whole number of the data's intervals.
    let path = example("history_genesys_aggregates.json");
    let err = refused(
        &sb,
        &[
            "--from",
            "genesys-aggregates",
            path.to_str().unwrap(),
            "--bucket-minutes",
            "45",
        ],
    );
    assert!(
        err.contains("--bucket-minutes 45 is not a whole number of the data's 30-minute intervals"),
        "{err}"
    );
}

#[test]
fn missing_csv_columns_are_all_named() {
    let sb = Sandbox::new();
    let path = sb.write("calls.csv", "Start,Dials,Talk\n2026-03-02 09:00,10,100\n");
    let err = refused(
        &sb,
        &[
            "--from",
            "csv",
            path.to_str().unwrap(),
            "--map",
            "Start=interval_start",
            "--map",
            "Connects=answered",
        ],
    );
    assert!(err.contains("calls.csv: header: `Connects`: is not a column (mapped to `answered`); the header has: Start, Dials, Talk"), "{err}");
    assert!(
        err.contains(
            "calls.csv: header: `attempts`: has no column: name one with --map COLUMN=attempts"
        ),
        "{err}"
    );
    assert!(
        err.contains("calls.csv: header: `talk_seconds`: has no column"),
        "{err}"
    );
}

#[test]
fn csv_row_problems_name_the_row_line_and_column() {
    let sb = Sandbox::new();
    let path = sb.write(
        "calls.csv",
        "answered,interval_start,attempts,talk_seconds\n3,2026-03-02 09:00,10,100\n30,2026-03-02 10:00,10,100\n1,noon,10,100\n",
    );
    let err = refused(&sb, &["--from", "csv", path.to_str().unwrap()]);
    assert!(
        err.contains("calls.csv: row 2 (line 3): `answered`: is 30, more than the row's 10 dials"),
        "{err}"
    );
    assert!(
        err.contains(
            "calls.csv: row 3 (line 4): `interval_start`: is \"noon\": not an ISO-8601 time"
        ),
        "{err}"
    );
}

#[test]
fn options_that_do_not_fit_are_usage_errors() {
    let sb = Sandbox::new();
    let genesys = example("history_genesys_aggregates.json");
    let err = refused(
        &sb,
        &[
            "--from",
            "genesys-aggregates",
            genesys.to_str().unwrap(),
            "--answered",
            "rpc",
        ],
    );
    assert!(
        err.contains("--answered rpc needs right-party connects"),
        "{err}"
    );
    let err = refused(
        &sb,
        &[
            "--from",
            "genesys-aggregates",
            genesys.to_str().unwrap(),
            "--tz",
            "Mars/Olympus",
        ],
    );
    assert!(
        err.contains("--tz Mars/Olympus: not a known time zone"),
        "{err}"
    );
    let csv = example("history_export.csv");
    let err = refused(
        &sb,
        &["--from", "csv", csv.to_str().unwrap(), "--map", "x=dialz"],
    );
    assert!(err.contains("unknown field `dialz`"), "{err}");
    let err = refused(
        &sb,
        &["--from", "csv", csv.to_str().unwrap(), "--skill", "nobody"],
    );
    assert!(
        err.contains("none of the 18 rows is left after --skill nobody"),
        "{err}"
    );
    let err = refused(
        &sb,
        &["--from", "cxone-dialer-contacts", genesys.to_str().unwrap()],
    );
    assert!(
        err.contains("has no `outboundStats` or `wfM_OB_StatsV9` array"),
        "{err}"
    );
    let err = refused(&sb, &["--from", "csv", "-", "--into", "-"]);
    assert!(err.contains("stdin (`-`) can be read only once"), "{err}");
}

#[test]
fn run_compares_simulated_with_historical_abandonment_per_bucket() {
    let sb = Sandbox::new();
    let imported = import(
        &sb,
        &[
            "--from",
            "csv",
            example("history_export.csv").to_str().unwrap(),
            "--into",
            example("seed_payload.json").to_str().unwrap(),
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let with_abandons = sb.write("with.json", &stdout(&imported));
    let out = sb.run(&["run", "--json", with_abandons.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let matrix: serde_json::Value = json(&imported)["historical_matrix"].clone();
    let rows = v["abandonment_by_bucket"].as_array().unwrap();
    // The seed's 120-minute window reaches the first two hourly buckets.
    assert_eq!(rows.len(), 2, "{v:#}");
    for (row, bucket) in rows.iter().zip(matrix.as_array().unwrap()) {
        assert_eq!(row["time_bucket"], bucket["time_bucket"]);
        let expected =
            bucket["abandons"].as_f64().unwrap() / bucket["calls_answered"].as_f64().unwrap();
        assert_eq!(row["historical_abandon_rate"].as_f64().unwrap(), expected);
        let simulated = row["simulated_abandon_rate"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&simulated), "{simulated}");
    }
    // The table shows it too; a history without abandons shows no comparison.
    let table = stdout(&sb.run(&["run", with_abandons.to_str().unwrap()]));
    assert!(table.contains("historical abandon rate"), "{table}");
    let plain = json(&sb.run(&[
        "run",
        "--json",
        example("seed_payload.json").to_str().unwrap(),
    ]));
    assert!(plain.get("abandonment_by_bucket").is_none());
}
