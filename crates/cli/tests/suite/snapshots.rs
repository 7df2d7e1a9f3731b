//! What people read: the tables and messages, pinned as snapshots (ids, timings and paths filtered).

use crate::common::{Sandbox, example, stderr, stdout};

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // Keep the table's width: the replacements are as long as what they replace.
    settings.add_filter(
        r"(run id\s+┆ )[0-9a-f#-]{36}",
        "$1[run id............................]",
    );
    settings.add_filter(
        r"(latency\s+┆ )[\d#]+\.[\d#] ms\s*",
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

/// The table's figures with every digit after a row's label as `#`: the snapshot pins the layout,
/// the labels and the units, not the engine's numbers (other tests assert those by property), so an
/// engine change does not re-bless it.
fn figures_masked(table: &str) -> String {
    table
        .lines()
        .map(|line| match line.split_once('┆') {
            Some((label, rest)) => {
                let rest: String = rest
                    .chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect();
                format!("{label}┆{rest}")
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn run_table_of_the_seed_example() {
    let out = Sandbox::new().run(&["run", example("seed_payload.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("run SUCCESS"), "{table}");
    settings().bind(|| insta::assert_snapshot!(figures_masked(&table)));
}
