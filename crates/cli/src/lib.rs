//! The parts of `cxone-sim run` that other front ends share: the Python package (`python/`) records
//! and notifies exactly as the command does.
//!
//! # Layout
//! - [`any_backend`]: [`any_backend::AnyBackend`], the engine in process or a CXone-compatible server.
//! - [`webhook`]: the workforce-planner notification (Standard Webhooks signatures, retries).
//! - [`audit`]: the JSON Lines audit log, one locked, flushed line per run.
//! - [`clip`]: text cut to a size on a character boundary.
//! - [`plan`]: `plan`'s grid from a document and flags, and its rows run into the `--json`
//!   document and the recommendation.
//!
//! The binary (`src/main.rs`) holds the rest: the command line, configuration and the pipeline.
//!
//! # Example
//! ```
//! // The base64 HMAC-SHA256 a planner checks (sent as `webhook-signature: v1,<this>`).
//! let body = br#"{"eventType":"SIMULATION_COMPLETED"}"#;
//! let signature = cli::webhook::sign(b"planner-key", "msg_1", 1_700_000_000, body);
//! assert_eq!(signature.len(), 44); // 32 bytes, base64
//! assert_ne!(signature, cli::webhook::sign(b"other-key", "msg_1", 1_700_000_000, body));
//! ```

pub mod any_backend;
pub mod audit;
pub mod clip;
pub mod plan;
pub mod webhook;
