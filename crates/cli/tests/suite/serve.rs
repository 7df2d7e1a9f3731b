//! `cxone-sim serve` as a process: it says where it listens, logs requests, and stops on SIGTERM even
//! while clients hold half-sent requests.

use std::io::{BufRead, BufReader, Write as _};
use std::process::Stdio;

use crate::common::Sandbox;

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_logs_as_json_and_stops_gracefully_on_sigterm() {
    let sb = Sandbox::new();
    let mut child = sb
        // A short grace, so that the held connections below are closed soon after it.
        .command(&[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--shutdown-grace-seconds",
            "0.2",
        ])
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
    let health = cxone::client_builder()
        .build()
        .unwrap()
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    // Clients holding half-sent requests must not keep the server from stopping.
    let mut held = Vec::new();
    for _ in 0..5 {
        let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        stream
            .write_all(b"POST /api/v2/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
            .unwrap();
        held.push(stream);
    }

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    // Bounded: a server that never stops fails the test instead of hanging it.
    let status = tokio::task::spawn_blocking(move || {
        for _ in 0..3000 {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = child.kill();
        panic!("serve did not stop within 60 s of SIGTERM");
    })
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
