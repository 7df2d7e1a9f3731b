//! `run` and `simulate` with the built-in engine: no credentials, no network.

use serde_json::Value;

use crate::common::{Sandbox, example, json, stderr, stdout};

#[test]
fn run_without_a_payload_uses_the_seed_example_and_succeeds() {
    let sb = Sandbox::new();
    let out = sb.run(&["run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["status"], "SUCCESS");
    assert_eq!(result["backend"], "local");
    let response = &result["simulation_result"];
    assert_eq!(response["status"], "COMPLETED");
    let rate = response["predictiveDialerSettings"]["answerRate"]
        .as_f64()
        .unwrap();
    assert!((0.30..0.46).contains(&rate), "simulated answer rate {rate}");
    let abandon = response["metrics"]["compliance_abandon_rate"]["mean"]
        .as_f64()
        .unwrap();
    assert!(
        abandon <= dialer::Regime::Fcc.limit(),
        "compliance abandon rate {abandon}"
    );
    assert_eq!(result["variance_analysis"]["variance_status"], "PASS");
    let audit = sb.audit_lines();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["outcome"], "SUCCESS");
    assert_eq!(
        audit[0]["campaign_id"],
        "12345678-1234-1234-1234-123456789012"
    );
    assert_eq!(audit[0]["payload_snapshot"]["window_minutes"], 120);
}

#[test]
fn the_same_payload_gives_the_same_answer_and_a_seed_changes_it() {
    let sb = Sandbox::new();
    let payload = example("seed_payload.json");
    let metrics = |args: &[&str]| -> Value {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        json(&out)["simulation_result"]["metrics"].clone()
    };
    let p = payload.to_str().unwrap();
    let a = metrics(&["run", "--json", p]);
    let b = metrics(&["run", "--json", p]);
    assert_eq!(a, b);
    let c = metrics(&["run", "--json", "--seed", "7", p]);
    assert_ne!(a, c);
}

#[test]
fn the_table_names_the_key_figures() {
    let sb = Sandbox::new();
    let out = sb.run(&["run", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let table = stdout(&out);
    for label in [
        "run SUCCESS",
        "answer rate",
        "abandon rate (limit 3 %)",
        "agent occupancy",
        "variance vs history",
    ] {
        assert!(table.contains(label), "{label} missing from:\n{table}");
    }
}

#[test]
fn concurrent_runs_share_the_audit_log_without_losing_a_line() {
    let sb = Sandbox::new();
    let children: Vec<_> = (0..12)
        .map(|_| {
            sb.command(&["run", "--json", "--replications", "2"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let lines = sb.audit_lines();
    assert_eq!(lines.len(), 12);
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["run_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[test]
fn an_unwritable_audit_log_fails_the_run_but_still_prints_the_result() {
    let sb = Sandbox::new();
    let blocker = sb.write("not-a-dir", "");
    let log = blocker.join("audit.log");
    let out = sb.run(&["run", "--json", "--audit-log", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["status"], "SUCCESS");
    assert!(stderr(&out).contains("audit log"), "{}", stderr(&out));
}

#[test]
fn simulate_a_scenario_file_as_json() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        "simulate",
        "--json",
        "--replications",
        "3",
        example("ratio_scenario.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["replications"], 3);
    assert_eq!(report["seed"], 42);
    let abandon = &report["metrics"]["abandon_rate"];
    let (lo, mean, hi) = (
        abandon["ci95"][0].as_f64().unwrap(),
        abandon["mean"].as_f64().unwrap(),
        abandon["ci95"][1].as_f64().unwrap(),
    );
    assert!(
        lo <= mean && mean <= hi && mean > 0.0 && mean < 0.1,
        "{abandon}"
    );
}

#[test]
fn simulate_a_payload_prints_per_bucket_tables() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        "simulate",
        "--replications",
        "4",
        example("seed_payload.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("4 replications"), "{text}");
    assert!(text.contains("occupancy"), "{text}");
}

#[test]
fn simulate_rejects_bad_scenarios_with_every_path() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(example("ratio_scenario.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["agents"] = 0.into();
    v["live_answer_probability"] = 1.5.into();
    v["dialer"]["level"] = 0.5.into();
    let file = sb.write("bad.json", &v.to_string());
    let out = sb.run(&["simulate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for path in ["agents", "live_answer_probability", "dialer.level"] {
        assert!(err.contains(path), "{path} missing from {err}");
    }

    let out = sb.run(&[
        "simulate",
        "--replications",
        "20000",
        example("ratio_scenario.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("10000") || stderr(&out).contains("10 000"),
        "{}",
        stderr(&out)
    );

    let file = sb.write("neither.json", r#"{"hello": 1}"#);
    let out = sb.run(&["simulate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("neither a payload"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_regime_is_exit_2_naming_the_known_ones() {
    let sb = Sandbox::new();
    let out = sb.run(&["run", "--json", "--regime", "fca"]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--regime"), "{err}");
    assert!(err.contains("fcc, ofcom, crtc, cxone"), "{err}");
    assert!(sb.audit_lines().is_empty(), "nothing ran");
}

#[test]
fn simulate_json_carries_every_regime() {
    let sb = Sandbox::new();
    let file = example("amd_scenario.json");
    let out = sb.run(&[
        "simulate",
        "--json",
        "--replications",
        "4",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    for (key, limit) in [
        ("fcc", 0.03),
        ("ofcom", 0.03),
        ("crtc", 0.05),
        ("cxone", 0.03),
    ] {
        let regime = &report["compliance"][key];
        assert_eq!(regime["limit"], limit, "{key}");
        let rate = regime["rate"]["mean"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate), "{key}: {rate}");
        assert_eq!(regime["share_over_limit"]["n"].as_u64(), Some(4), "{key}");
    }
    // False positives count for the law, not for CXone's own report.
    assert!(
        report["metrics"]["amd_false_positives"]["mean"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let fcc = report["compliance"]["fcc"]["rate"]["mean"]
        .as_f64()
        .unwrap();
    let cxone = report["compliance"]["cxone"]["rate"]["mean"]
        .as_f64()
        .unwrap();
    assert!(fcc > cxone, "fcc {fcc} vs cxone {cxone}");
}
