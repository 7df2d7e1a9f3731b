//! What people read: the tables and messages, pinned as snapshots (ids, timings and paths filtered).

use crate::common::{Sandbox, example, stderr, stdout};

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // Keep the table's width: the replacements are as long as what they replace.
    settings.add_filter(
        r"(run id\s+┆ )[0-9a-f-]{36}",
        "$1[run id............................]",
    );
    settings.add_filter(
        r"(latency\s+┆ )\d+\.\d ms\s*",
        "$1[latency]                            ",
    );
    settings.add_filter(r"/\S*/examples/", "[examples]/");
    settings
}

#[test]
fn validate_lists_every_problem() {
    let out = Sandbox::new().run(&[
        "validate",
        example("invalid_payload.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    settings().bind(|| insta::assert_snapshot!(stderr(&out)));
}

#[test]
fn run_table_of_the_seed_example() {
    let out = Sandbox::new().run(&["run", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    settings().bind(|| insta::assert_snapshot!(stdout(&out)));
}
