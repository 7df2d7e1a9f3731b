//! `cxone-sim serve` as a process: it says where it listens, logs requests, and stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::Sandbox;

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_logs_as_json_and_stops_gracefully_on_sigterm() {
    let sb = Sandbox::new();
    let mut child = sb
        .command(&["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited before listening"
        );
        // With --log-format json the banner is a JSON line too, its address in `fields.url`.
        let banner: serde_json::Value = serde_json::from_str(&line).unwrap();
        if let Some(url) = banner["fields"]["url"].as_str() {
            assert_eq!(
                banner["fields"]["message"],
                format!("cxone-sim emulator listening on {url}")
            );
            break url.to_owned();
        }
    };
    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    let rest: Vec<String> = stderr.lines().map(Result::unwrap).collect();
    for line in &rest {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "every stderr line is JSON: {line}"
        );
    }
    let request_log = rest
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "finished processing request")
        .expect("a JSON request log line");
    assert_eq!(request_log["span"]["path"], "/healthz");
    assert!(
        rest.iter().any(|l| l.contains("emulator stopped")),
        "{rest:?}"
    );
}
