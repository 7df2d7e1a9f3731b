//! Integration tests of the `cxone-sim` binary, grouped by topic.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "suite/common.rs"]
mod common;
#[path = "suite/emulator_e2e.rs"]
mod emulator_e2e;
#[path = "suite/history.rs"]
mod history;
#[path = "suite/hostile.rs"]
mod hostile;
#[path = "suite/plan.rs"]
mod plan;
#[path = "suite/run_cxone.rs"]
mod run_cxone;
#[path = "suite/run_local.rs"]
mod run_local;
#[path = "suite/serve.rs"]
mod serve;
#[path = "suite/snapshots.rs"]
mod snapshots;
#[path = "suite/validate.rs"]
mod validate;
