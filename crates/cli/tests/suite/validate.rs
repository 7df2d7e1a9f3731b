//! `cxone-sim validate`.

use crate::common::{Sandbox, example, json, stderr, stdout};

#[test]
fn eight_mistakes_are_all_named_with_exit_2() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        "validate",
        example("invalid_payload.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for field in [
        "campaign_id",
        "answer_rate",
        "agent_efficiency",
        "max_simulation_window_minutes",
        "compliance_threshold_variance",
        "agents",
        "historical_matrix[0].calls_answered",
        "historical_matrix[1].time_bucket",
        "historical_matrix[2].avg_talk_time_seconds",
    ] {
        assert!(
            err.contains(&format!("{field}:")),
            "{field} missing from:\n{err}"
        );
    }
}

#[test]
fn json_verdict_lists_paths() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        "validate",
        "--json",
        example("invalid_payload.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    assert_eq!(v["violations"].as_array().unwrap().len(), 9);
}

#[test]
fn the_seed_example_is_valid() {
    let sb = Sandbox::new();
    let out = sb.run(&["validate", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("is valid"));
}

#[test]
fn unknown_fields_and_broken_json_are_named() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(example("seed_payload.json"))
        .unwrap()
        .replace("\"answer_rate\"", "\"answer_rat\"");
    let file = sb.write("typo.json", &text);
    let out = sb.run(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("answer_rat"), "{}", stderr(&out));

    let file = sb.write("broken.json", "{\"campaign_id\": ");
    let out = sb.run(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
}

#[test]
fn a_missing_file_is_exit_2_with_a_hint() {
    let sb = Sandbox::new();
    let out = sb.run(&["validate", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.json"));
    assert!(stderr(&out).contains("hint:"));
}

#[test]
fn a_history_inferring_too_many_agents_fails_validate_and_local_run_speaks_of_no_endpoint() {
    let sb = Sandbox::new();
    let payload = sb.write(
        "huge.json",
        r#"{"campaign_id": "big", "answer_rate": 0.38, "agent_efficiency": 0.82,
            "max_simulation_window_minutes": 60, "compliance_threshold_variance": 0.10,
            "historical_matrix": [{"time_bucket": "09:00-10:00", "calls_attempted": 20000,
                                   "calls_answered": 15027, "avg_talk_time_seconds": 3600}]}"#,
    );
    let out = sb.run(&["validate", payload.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("18326 agents"), "{err}");
    assert!(err.contains("give `agents`"), "{err}");
    let out = sb.run(&["run", payload.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("18326 agents"), "{err}");
    assert!(!err.contains("endpoint answered"), "{err}");
}

#[test]
fn a_json_array_is_not_a_payload_and_a_seed_must_fit_in_53_bits() {
    let sb = Sandbox::new();
    let payload = sb.write(
        "array.json",
        r#"["c", 0.38, 0.82, 120, [{"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190, "avg_talk_time_seconds": 145}], 0.1]"#,
    );
    let out = sb.run(&["validate", payload.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("JSON object"), "{}", stderr(&out));
    let out = sb.run(&["run", "--seed", "9007199254740992"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn type_missing_and_unknown_field_problems_are_all_named_in_plain_words() {
    let sb = Sandbox::new();
    let payload = sb.write(
        "mixed.json",
        r#"{"answer_rat": 0.38, "agent_efficiency": 0.82, "agents": "12",
            "max_simulation_window_minutes": 120, "compliance_threshold_variance": 0.10,
            "historical_matrix": [{"time_bucket": "09:00-10:00", "calls_attempted": 500,
                                   "calls_answered": 190, "avg_talk_time_seconds": 145},
                                  {"time_bucket": "10:00-11:00", "calls_attempted": 500,
                                   "calls_answered": "12", "avg_talk_time_seconds": 145}]}"#,
    );
    let out = sb.run(&["validate", payload.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for line in [
        "campaign_id: missing; the outbound campaign's ID",
        "answer_rate: missing; the expected share of dial attempts a live person answers",
        r#"agents: must be a whole number from 1 to 10 000 (got "12")"#,
        r#"historical_matrix[1].calls_answered: must be a whole number ≥ 0 (got "12")"#,
        "answer_rat: unknown field; did you mean answer_rate?",
    ] {
        assert!(err.contains(line), "{line:?} missing from:\n{err}");
    }
    assert!(!err.contains("expected u32"), "{err}");
    let out = sb.run(&["validate", "--json", payload.to_str().unwrap()]);
    let v = json(&out);
    assert_eq!(v["valid"], false);
    let paths: Vec<&str> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "campaign_id",
            "answer_rate",
            "historical_matrix[1].calls_answered",
            "agents",
            "answer_rat"
        ]
    );
}

#[test]
fn scenario_files_are_validated_with_the_engines_rules_and_say_so() {
    let sb = Sandbox::new();
    for name in ["ratio_scenario.json", "amd_scenario.json"] {
        let out = sb.run(&["validate", example(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("is valid (checked as a scenario)"),
            "{}",
            stdout(&out)
        );
    }
    let text = std::fs::read_to_string(example("ratio_scenario.json")).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["warmup_minutes"] = (-1).into();
    scenario["dialer"]["level"] = 20.into();
    let bad = sb.write("bad_scenario.json", &scenario.to_string());
    let out = sb.run(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("(checked as a scenario) has 2 problems"),
        "{err}"
    );
    assert!(err.contains("warmup_minutes:"), "{err}");
    assert!(err.contains("dialer.level:"), "{err}");
    assert!(
        err.contains("hint: ") && err.contains("ratio_scenario.json"),
        "{err}"
    );
    let out = sb.run(&["validate", "--json", bad.to_str().unwrap()]);
    let v = json(&out);
    assert_eq!(v["kind"], "scenario");
    assert_eq!(v["violations"].as_array().unwrap().len(), 2);

    scenario["dialer"] = serde_json::json!({"mode": "ratio", "levle": 2});
    let typo = sb.write("typo_scenario.json", &scenario.to_string());
    let out = sb.run(&["validate", typo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("dialer.levle: unknown field; did you mean level?"),
        "{err}"
    );
    assert!(err.contains("dialer.level: missing"), "{err}");
}
