//! The engine's integration tests, grouped by topic.

// Test helpers fail the test by panicking, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod buckets;
mod common;
mod determinism;
mod erlang_reference;
mod properties;
mod quality;
mod queueing;
mod sparse_rates;
mod strategies;
mod validation;
