//! The campaign crate's integration tests, grouped by topic.

// Test helpers fail the test by panicking, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod machines;
mod seed_payload;
