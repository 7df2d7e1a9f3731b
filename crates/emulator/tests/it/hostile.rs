//! Hostile clients against a real server on 127.0.0.1: half-sent requests, oversize or oddly framed
//! bodies, floods of idle connections, and a shutdown while clients hold connections open.
//!
//! Requests are written by hand on raw TCP, since a well-behaved HTTP client cannot send them. Every
//! wait is bounded (a test fails instead of hanging), and no assertion depends on how fast the machine
//! is: the server's timeouts are set short, and the waits are many times longer.

use std::time::Duration;

use emulator::EmulatorConfig;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::*;

/// Longest any single wait of these tests may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

async fn connect(server: &Server) -> TcpStream {
    let addr = server.base.trim_start_matches("http://");
    TcpStream::connect(addr).await.unwrap()
}

/// Reads until the peer closes or `PATIENCE` passes; returns what arrived and whether it closed.
async fn read_all(stream: &mut TcpStream) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await {
            Err(_) => break false,
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    };
    (String::from_utf8_lossy(&out).into_owned(), closed)
}

/// Reads one response head (up to the blank line), within `PATIENCE`.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 1];
    while !out.ends_with(b"\r\n\r\n") {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await {
            Ok(Ok(1)) => out.push(buf[0]),
            other => panic!(
                "no complete response head ({other:?}): {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(head: &str) -> u16 {
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A simulate request head with `extra` headers and no body sent yet.
fn simulate_head(token: Option<&str>, extra: &str) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}{extra}\r\n",
        simulate_path(CAMPAIGN)
    )
}

#[tokio::test]
async fn an_oversize_content_length_is_refused_before_the_body_is_sent() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let mut stream = connect(&server).await;
    let head = simulate_head(
        Some(&token),
        "Content-Type: application/json\r\nContent-Length: 1000000000\r\n",
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Not one byte of the body is sent: the answer must come anyway.
    let answer = read_head(&mut stream).await;
    assert_eq!(status_of(&answer), 413, "{answer}");
    assert_eq!(server.state.simulations_run(), 0);
}

#[tokio::test]
async fn unauthenticated_requests_are_refused_before_their_body_is_read() {
    let server = Server::start(test_config()).await;
    for token in [None, Some("not-a-token")] {
        let mut stream = connect(&server).await;
        let head = simulate_head(
            token,
            "Content-Type: application/json\r\nContent-Length: 1000000\r\n",
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // The 1 MB body is never sent: a server that buffered it first would never answer.
        let answer = read_head(&mut stream).await;
        assert_eq!(status_of(&answer), 401, "{answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("www-authenticate: bearer"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn content_types_match_exactly() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    for (content_type, expected) in [
        ("application/jsonp", 415),
        ("application/json-seq", 415),
        ("text/json", 415),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
    ] {
        let response = server
            .http
            .post(server.url(&simulate_path(CAMPAIGN)))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(SEED_SIMULATE_BODY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{content_type}");
    }
    let response = server
        .http
        .post(server.url("/api/v2/oauth/token"))
        .header("content-type", "application/x-www-form-urlencodedx")
        .body(SEED_TOKEN_FORM)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn content_encodings_and_unknown_transfer_encodings_are_refused() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let cases = [
        ("Content-Encoding: gzip\r\nContent-Length: 2\r\n", "{}", 415),
        (
            "Content-Encoding: identity, br\r\nContent-Length: 2\r\n",
            "{}",
            415,
        ),
        (
            "Transfer-Encoding: gzip, chunked\r\n",
            "2\r\n{}\r\n0\r\n\r\n",
            501,
        ),
        // Not chunked last: the HTTP/1 parser itself refuses the framing.
        ("Transfer-Encoding: gzip\r\n", "", 400),
    ];
    for (headers, body, expected) in cases {
        let mut stream = connect(&server).await;
        let extra = format!("Content-Type: application/json\r\n{headers}");
        let request = format!("{}{body}", simulate_head(Some(&token), &extra));
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = read_head(&mut stream).await;
        assert_eq!(status_of(&answer), expected, "{headers}: {answer}");
    }
    assert_eq!(server.state.simulations_run(), 0);
}

#[tokio::test]
async fn content_length_with_chunked_is_framed_as_chunked_and_nothing_is_smuggled() {
    let server = Server::start(test_config()).await;
    let mut stream = connect(&server).await;
    // Content-Length covers the chunked body and a second request hidden after it; a server that
    // framed by Content-Length would answer twice (RFC 9112 §6.3 / §11.2).
    let smuggled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let chunked = "0\r\n\r\n";
    let request = format!(
        "POST /api/v2/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}{smuggled}",
        chunked.len() + smuggled.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (text, closed) = read_all(&mut stream).await;
    assert!(closed, "the connection is closed after the answer: {text}");
    assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "{text}");
    assert!(
        !text.contains("\"ok\""),
        "the smuggled request was not answered: {text}"
    );
}

#[tokio::test]
async fn half_sent_request_heads_are_cut_off_by_the_header_timeout() {
    let server = Server::start(EmulatorConfig {
        header_read_timeout: Duration::from_millis(500),
        ..test_config()
    })
    .await;
    // A slowloris client: part of a head, then silence; and one that sends nothing at all.
    let mut partial = connect(&server).await;
    partial
        .write_all(b"POST /api/v2/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1")
        .await
        .unwrap();
    let mut silent = connect(&server).await;
    // A keep-alive connection left idle after an answer is closed the same way (all three wait at once).
    let mut idle = connect(&server).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    for stream in [&mut partial, &mut silent] {
        let (_, closed) = read_all(stream).await;
        assert!(closed, "the server closed the connection");
    }
    let (text, closed) = read_all(&mut idle).await;
    assert!(closed && text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test]
async fn a_flood_of_idle_connections_is_capped_and_health_checks_answer_again() {
    let cap = 8;
    let flood = 40;
    let server = Server::start(EmulatorConfig {
        max_connections: cap,
        // Long enough for the whole flood to connect before the first idle connection is closed.
        header_read_timeout: Duration::from_millis(500),
        ..test_config()
    })
    .await;
    let mut streams = Vec::new();
    for _ in 0..flood {
        streams.push(connect(&server).await);
    }
    // Every connection ends: the ones over the cap at once with a 503, the idle ones by the timeout.
    let mut busy = 0;
    for stream in &mut streams {
        let (text, closed) = read_all(stream).await;
        assert!(closed, "every idle connection is closed in the end");
        if text.starts_with("HTTP/1.1 503") {
            assert!(
                text.to_ascii_lowercase().contains("retry-after: 1"),
                "{text}"
            );
            busy += 1;
        }
    }
    assert!(
        busy >= flood - cap,
        "{busy} of {flood} were refused with 503"
    );
    let health = server
        .http
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn shutdown_finishes_while_clients_hold_half_sent_requests() {
    let server = Server::start(EmulatorConfig {
        // Clients could hold their connections for a minute; the shutdown must not wait for them.
        header_read_timeout: Duration::from_secs(60),
        body_read_timeout: Duration::from_secs(60),
        shutdown_grace: Duration::from_millis(300),
        ..test_config()
    })
    .await;
    let token = server.dev_token().await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(&server).await;
        stream
            .write_all(b"POST /api/v2/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    for _ in 0..3 {
        let mut stream = connect(&server).await;
        let head = simulate_head(
            Some(&token),
            "Content-Type: application/json\r\nContent-Length: 100000\r\n",
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream
            .write_all(b"{\"predictiveDialerSettings\":")
            .await
            .unwrap();
        held.push(stream);
    }
    // Let the server take up the requests before it is told to stop.
    let health = server
        .http
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let stopped = tokio::time::timeout(PATIENCE, server.shutdown()).await;
    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
    for stream in &mut held {
        let (_, closed) = read_all(stream).await;
        assert!(closed, "held connections are closed by the shutdown");
    }
}

#[tokio::test]
async fn whole_numbers_written_as_floats_are_the_integers_the_document_allows() {
    let server = Server::start(test_config()).await;
    let token = server.dev_token().await;
    let mut body = seed_body();
    body["predictiveDialerSettings"]["maxCalls"] = 50.0.into();
    body["predictiveDialerSettings"]["interval"] = 3.0.into();
    body["historicalData"][0]["calls_attempted"] = 500.0.into();
    let response = server
        .simulate_raw(&token, CAMPAIGN, body.to_string(), None)
        .await;
    assert_eq!(response.status(), 200);
    body["predictiveDialerSettings"]["maxCalls"] = 50.5.into();
    let response = server
        .simulate_raw(&token, CAMPAIGN, body.to_string(), None)
        .await;
    assert_eq!(response.status(), 400);
    let detail: serde_json::Value = response.json().await.unwrap();
    assert!(
        detail["detail"].as_str().unwrap().contains("maxCalls"),
        "{detail}"
    );
}
