//! The client's log lines never hold the secret or a token.
//!
//! This test installs a tracing subscriber, so it has a test binary (a process) of its own: tracing's
//! per-callsite interest is global, and a test on another thread of the same process touching the same
//! callsites first could make this subscriber miss events (it did, under `cargo test`, most runs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

// The shared fixtures; this binary uses only some of them.
#[allow(dead_code)]
mod support;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use cxone::{Error, RetryPolicy};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

/// Collects every event and span field as text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<String>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut Fields(&mut self.lines.lock().unwrap()));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.lines.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut lines = self.lines.lock().unwrap();
        event.record(&mut Fields(&mut lines));
        lines.push('\n');
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn log_lines_never_hold_the_secret_or_the_token() {
    let capture = Capture::default();
    // A current-thread test: every event of this test is emitted on this thread.
    let _guard = tracing::subscriber::set_default(capture.clone());

    let server = MockServer::start().await;
    mount_tokens(&server, 2).await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SIMULATE_PATH))
        .respond_with(needs_adjustment())
        .mount(&server)
        .await;
    let (client, _) = client(&server, RetryPolicy::immediate(3));
    let error = cxone::simulate_with_adjustments(&client, CAMPAIGN, &request(0.38), 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::AdjustmentsExhausted { adjustments: 1, .. }),
        "{error:?}"
    );

    let logged = capture.lines.lock().unwrap().clone();
    // The log saw the refresh, the retry and the adjustment, so it had every chance to leak.
    assert!(logged.contains("refreshing"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    assert!(logged.contains("probability adjustment"), "{logged}");
    assert!(logged.contains(CLIENT_ID), "{logged}");
    assert_clean(&[logged]);
}
