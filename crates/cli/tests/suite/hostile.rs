//! The binary under hostile conditions: killed mid-run, interrupted, its reader gone, bad settings
//! files holding secrets, JSON logs, bad addresses. (`serve` stopping on SIGTERM while clients hold
//! half-sent requests is in `serve.rs`.)

use std::collections::HashSet;
use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Sandbox, example, stderr};

/// Longest a child may take to react before the test fails (not a speed assertion: a bound that
/// stops a hung test).
const PATIENCE: Duration = Duration::from_secs(60);

fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_bounded(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the child did not exit within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (bounded) for a child spawned with a piped stderr; its status and all it wrote on stderr.
fn wait_with_stderr(child: &mut std::process::Child) -> (std::process::ExitStatus, String) {
    let status = wait_bounded(child);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, err)
}

#[test]
fn runs_killed_mid_write_never_lose_or_glue_a_completed_line() {
    let sb = Sandbox::new();
    let log = sb.path("shared.log");
    let log = log.to_str().unwrap();
    // A line left torn by an earlier kill -9, as the kernel can leave it.
    std::fs::write(
        log,
        "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"campaign_id\":\"torn",
    )
    .unwrap();
    let runs = 12;
    let mut children: Vec<std::process::Child> = (0..runs)
        .map(|i| {
            sb.command(&[
                "run",
                "--json",
                "--seed",
                &i.to_string(),
                "--audit-log",
                log,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
        })
        .collect();
    // SIGKILL every third run at a different moment of its life.
    for (i, child) in children.iter_mut().enumerate() {
        if i % 3 == 0 {
            std::thread::sleep(Duration::from_millis(15 * i as u64));
            let _ = child.kill();
        }
    }
    let mut completed = HashSet::new();
    for mut child in children {
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = wait_bounded(&mut child);
        if status.success() {
            let result: Value = serde_json::from_str(&out).unwrap();
            completed.insert(result["run_id"].as_str().unwrap().to_owned());
        }
    }
    assert!(
        completed.len() >= runs * 2 / 3,
        "the runs not killed completed"
    );
    let text = std::fs::read_to_string(log).unwrap();
    let mut logged = HashSet::new();
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a line that does not parse ({e}): {line:?}"));
        logged.insert(entry["run_id"].as_str().unwrap().to_owned());
    }
    assert!(text.ends_with('\n'));
    let lost: Vec<_> = completed.difference(&logged).collect();
    assert!(
        lost.is_empty(),
        "completed runs missing from the log: {lost:?}"
    );
}

#[test]
fn sigterm_during_a_run_records_an_interrupted_failed_line() {
    // A server that accepts and never answers: the run waits for its token until the signal.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sb = Sandbox::new()
        .env("CXONE_BASE_URL", &base)
        .env("CXONE_CLIENT_ID", "app")
        .env("CXONE_CLIENT_SECRET", "hunter2-secret");
    let mut child = sb
        .command(&["run", "--backend", "cxone"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the token request is connected, the run is under way.
    let (_held, _) = listener.accept().unwrap();
    signal(child.id(), "TERM");
    let (status, err) = wait_with_stderr(&mut child);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    let audit = sb.audit_lines();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["outcome"], "FAILED");
    assert!(
        audit[0]["error"]
            .as_str()
            .unwrap()
            .contains("interrupted by SIGTERM")
    );
    assert!(!err.contains("hunter2"));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let sb = Sandbox::new();
    let (scenario, seed, export) = (
        example("ratio_scenario.json"),
        example("seed_payload.json"),
        example("history_export.csv"),
    );
    let (scenario, seed, export) = (
        scenario.to_str().unwrap(),
        seed.to_str().unwrap(),
        export.to_str().unwrap(),
    );
    // Every command that prints a table on stdout.
    let commands: [&[&str]; 3] = [
        &["simulate", scenario, "--replications", "2"],
        &[
            "plan",
            seed,
            "--agents",
            "8",
            "--strategy",
            "progressive",
            "--replications",
            "2",
            "--risk",
            "0.5",
        ],
        &["history", "import", "--from", "csv", export],
    ];
    for args in commands {
        let mut child = sb
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -0`: the reader closes before anything is printed.
        drop(child.stdout.take());
        let (status, err) = wait_with_stderr(&mut child);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn json_logs_make_every_stderr_line_json_errors_included() {
    let sb = Sandbox::new();
    let missing = sb.path("missing.json");
    for args in [
        vec![
            "--log-format",
            "json",
            "validate",
            missing.to_str().unwrap(),
        ],
        vec!["--log-format", "json", "serve", "--addr", "nonsense"],
        vec!["--log-format=json", "run", "--no-such-flag"],
    ] {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.trim().is_empty(), "{args:?}");
        for line in err.lines() {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {line}"));
            assert_eq!(v["level"], "ERROR", "{line}");
            assert!(
                v["fields"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
    }
}

#[test]
fn usage_errors_and_hints_a_user_can_follow() {
    let sb = Sandbox::new();
    let out = sb.run(&["serve", "--addr", "nonsense"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--addr"), "{}", stderr(&out));

    // A --clients file that is not there is named as such, not with the payload's stdin hint.
    let missing = sb.path("clients.toml");
    let out = sb.run(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--clients",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--clients"), "{err}");
    assert!(!err.contains("stdin"), "{err}");

    // An audit log in a directory that does not exist is an error, and no directory appears.
    let log = sb.path("no-such-dir/audit.log");
    let out = sb.run(&["run", "--audit-log", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("exists"), "{}", stderr(&out));
    assert!(!sb.path("no-such-dir").exists());

    // A bad scenario points back to `simulate`, not to `validate` (which takes payloads).
    let text = std::fs::read_to_string(example("ratio_scenario.json")).unwrap();
    let mut scenario: Value = serde_json::from_str(&text).unwrap();
    scenario["agents"] = 0.into();
    let bad = sb.write("bad.json", &scenario.to_string());
    let out = sb.run(&["simulate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let hint = stderr(&out);
    let hint = hint
        .lines()
        .find(|l| l.starts_with("hint:"))
        .unwrap_or_default();
    assert!(hint.contains("cxone-sim simulate"), "{hint}");
    assert!(!hint.contains("validate"), "{hint}");
}

#[test]
fn settings_files_that_do_not_parse_never_echo_a_secret() {
    let secret = "hunter2-secret-value";
    // `.env` with an unterminated quote on the secret's line.
    let sb = Sandbox::new();
    sb.write(
        ".env",
        &format!("CXONE_CLIENT_ID=app\nCXONE_CLIENT_SECRET='{secret}\n"),
    );
    let out = sb.run(&["validate", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".env") && err.contains("line 2"), "{err}");
    assert!(!err.contains(secret), "{err}");

    // Clients files: bad syntax, a wrong type, a duplicate key, a misspelt field.
    for text in [
        format!("[[client]]\nid = \"a\"\nsecret = \"{secret}\n"),
        format!("[[client]]\nid = \"a\"\nsecret = {secret}\n"),
        format!("[[client]]\nid = \"a\"\nsecret = \"{secret}\"\nsecret = \"{secret}\"\n"),
        format!("[[client]]\nid = \"a\"\nsecrett = \"{secret}\"\n"),
    ] {
        let sb = Sandbox::new();
        let clients = sb.write("clients.toml", &text);
        let out = sb.run(&[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--clients",
            clients.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(err.contains("line "), "{err}");
        assert!(!err.contains(secret), "{text}\n{err}");
    }
}

#[test]
fn verbose_shows_what_a_local_run_does() {
    let sb = Sandbox::new().env("NO_COLOR", "1");
    let out = sb.run(&["-v", "run", "--audit-log", "audit.log"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("built-in engine"), "{err}");
    assert!(err.contains("local simulation finished"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "NO_COLOR: no escape codes: {err:?}"
    );
}

#[cfg(unix)]
#[test]
fn an_audit_log_on_dev_null_is_accepted() {
    let sb = Sandbox::new();
    let out = sb.run(&["run", "--audit-log", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not recorded"), "{}", stderr(&out));
}
