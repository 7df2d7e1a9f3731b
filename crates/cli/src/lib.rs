//! The parts of `cxone-sim run` that other front ends share: the Python package (`python/`) records
//! and notifies exactly as the command does.
//!
//! # Layout
//! - [`webhook`]: the workforce-planner notification (Standard Webhooks signatures, retries).
//! - [`audit`]: the JSON Lines audit log, one locked, flushed line per run.
//!
//! The binary (`src/main.rs`) holds the rest: the command line, configuration and the pipeline.

pub mod audit;
pub mod webhook;
