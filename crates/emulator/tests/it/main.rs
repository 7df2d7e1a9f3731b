//! Integration tests of the emulator, grouped by topic, against `app().oneshot(..)` and a real server
//! bound to `127.0.0.1:0`.

// Test helpers outside `#[test]` functions panic on purpose when the set-up fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod hostile;
mod local;
mod oauth;
mod operations;
mod protection;
mod simulate;
mod support;
