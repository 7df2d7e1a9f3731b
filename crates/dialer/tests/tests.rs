//! The engine's integration tests, grouped by topic.

mod common;
mod determinism;
mod properties;
mod queueing;
mod strategies;
mod validation;
