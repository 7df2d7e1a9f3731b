//! Integration tests of the client half against servers on loopback (wiremock binds `127.0.0.1:0`).

// clippy's allow-unwrap-in-tests covers `#[test]` functions only; the fixtures here are test code too,
// and a panic in them is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod adjustment;
mod client;
mod secrets;
mod tls;
mod token_cache;
