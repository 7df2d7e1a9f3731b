//! `plan merge`: checking that shard files are complete parts of one plan, and their rows in grid
//! order (a k-way merge on the unit, each part read once more as a stream).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::PlanError;
use crate::spec::{PlanSpec, Shard};

/// What a complete part holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Its name (path).
    pub name: String,
    /// Its shard.
    pub shard: Shard,
    /// The plan it belongs to.
    pub spec: PlanSpec,
    /// Rows it holds.
    pub rows: usize,
}

const END_PREFIX: &str = "{\"plan_shard_end\"";

/// Reads a part through: its first line (the plan), its rows, and its last line (the row count).
pub fn read_part<I>(name: &str, lines: I) -> Result<Part, PlanError>
where
    I: IntoIterator<Item = Result<String, String>>,
{
    let mut lines = lines.into_iter();
    let fail = |message: String| PlanError::shard(name, message);
    let first = match lines.next() {
        Some(line) => line.map_err(fail)?,
        None => {
            return Err(fail(
                "is empty; it is not the output of `plan --shard`".into(),
            ));
        }
    };
    let header: Value = serde_json::from_str(&first).map_err(|e| {
        fail(format!(
            "line 1 is not the shard header of `plan --shard` ({e})"
        ))
    })?;
    let shard: Shard = serde_json::from_value(header["plan_shard"].clone())
        .map_err(|_| fail("line 1 is not the shard header of `plan --shard`".into()))?;
    let spec: PlanSpec = serde_json::from_value(header["plan"].clone())
        .map_err(|e| fail(format!("line 1 holds no readable plan ({e})")))?;
    let mut rows = 0;
    let mut end = None;
    for (i, line) in lines.enumerate() {
        let line = line.map_err(fail)?;
        if end.is_some() {
            return Err(fail(format!(
                "has lines after its last line (line {})",
                i + 2
            )));
        }
        if line.starts_with(END_PREFIX) {
            let value: Value = serde_json::from_str(&line)
                .map_err(|e| fail(format!("its last line is broken ({e})")))?;
            end = value["plan_shard_end"]["rows"].as_u64();
        } else {
            unit_of(&line).ok_or_else(|| fail(format!("line {} is not a row", i + 2)))?;
            rows += 1;
        }
    }
    match end {
        Some(n) if n == rows as u64 => Ok(Part {
            name: name.into(),
            shard,
            spec,
            rows,
        }),
        Some(n) => Err(fail(format!(
            "says it holds {n} rows but holds {rows}; run shard {} again",
            shard.index
        ))),
        None => Err(fail(format!(
            "is cut short (no last line after {rows} rows): shard {} did not finish; run it again",
            shard.index
        ))),
    }
}

/// Checks that the parts are every shard of one plan, once each; returns the plan.
pub fn check_parts(parts: &[Part]) -> Result<PlanSpec, PlanError> {
    let Some(first) = parts.first() else {
        return Err(PlanError::flag("plan merge", "give at least one part"));
    };
    let mut seen = BTreeSet::new();
    for part in parts {
        if part.shard.count != first.shard.count {
            return Err(PlanError::shard(
                &part.name,
                format!(
                    "is shard {} of {} but {} is of {}: parts of different --shard counts",
                    part.shard.index, part.shard.count, first.name, first.shard.count
                ),
            ));
        }
        if let Some(flag) = differing_flag(&first.spec, &part.spec) {
            return Err(PlanError::shard(
                &part.name,
                format!(
                    "was run with another {flag} than {}: parts of different plans cannot be merged",
                    first.name
                ),
            ));
        }
        if !seen.insert(part.shard.index) {
            return Err(PlanError::shard(
                &part.name,
                format!("is shard {} again; give each part once", part.shard.index),
            ));
        }
    }
    let missing: Vec<String> = (0..first.shard.count)
        .filter(|i| !seen.contains(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(PlanError::flag(
            "plan merge",
            format!(
                "shards {} of {} are missing",
                missing.join(", "),
                first.shard.count
            ),
        ));
    }
    Ok(first.spec.clone())
}

/// The first flag whose value differs between two plans.
fn differing_flag(a: &PlanSpec, b: &PlanSpec) -> Option<&'static str> {
    let checks: [(bool, &'static str); 10] = [
        (a.seed == b.seed, "--seed"),
        (a.replications == b.replications, "--replications"),
        (a.answer_rates == b.answer_rates, "--answer-rate"),
        (a.agents == b.agents, "--agents"),
        (a.sweeps == b.sweeps, "--strategy"),
        (a.regime == b.regime, "--regime"),
        (a.risk == b.risk, "--risk"),
        (a.risk_basis == b.risk_basis, "--risk-basis"),
        (
            a.target_connects_per_hour == b.target_connects_per_hour,
            "--target-connects-per-hour",
        ),
        (
            a.bases == b.bases && a.planning_answer_rate == b.planning_answer_rate,
            "input file",
        ),
    ];
    checks
        .into_iter()
        .find(|(same, _)| !same)
        .map(|(_, flag)| flag)
        .or_else(|| (a != b).then_some("input file"))
}

/// The unit of a row line (rows are written with `unit` first).
fn unit_of(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("{\"unit\":")?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

/// The rows of every part in grid order: the parts' row lines merged on their unit (each unit lies
/// wholly in one part, in order). Give each part's lines from the start; headers and last lines are
/// skipped. Lines that fail to read end the merge with their error.
pub struct MergedRows<I: Iterator<Item = Result<String, String>>> {
    parts: Vec<std::iter::Peekable<I>>,
}

impl<I: Iterator<Item = Result<String, String>>> MergedRows<I> {
    /// Merges the parts (each from its first line).
    pub fn new(parts: Vec<I>) -> Self {
        let parts = parts
            .into_iter()
            .map(|mut lines| {
                lines.next(); // the header
                lines.peekable()
            })
            .collect();
        Self { parts }
    }
}

impl<I: Iterator<Item = Result<String, String>>> Iterator for MergedRows<I> {
    type Item = Result<String, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut best: Option<(usize, usize)> = None;
        for (i, part) in self.parts.iter_mut().enumerate() {
            let unit = match part.peek() {
                None => continue,
                Some(Err(_)) => return part.next(),
                Some(Ok(line)) if line.starts_with(END_PREFIX) => continue,
                Some(Ok(line)) => unit_of(line).unwrap_or(usize::MAX),
            };
            if best.is_none_or(|(_, u)| unit < u) {
                best = Some((i, unit));
            }
        }
        best.and_then(|(i, _)| self.parts[i].next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Result<String, String>> {
        text.lines().map(|l| Ok(l.to_string())).collect()
    }

    #[test]
    fn rows_of_the_parts_come_out_in_unit_order() {
        let a = "{\"plan_shard\":{}}\n{\"unit\":0,\"x\":1}\n{\"unit\":0,\"x\":2}\n{\"unit\":2}\n{\"plan_shard_end\":{\"index\":0,\"rows\":3}}";
        let b = "{\"plan_shard\":{}}\n{\"unit\":1}\n{\"unit\":3}\n{\"plan_shard_end\":{\"index\":1,\"rows\":2}}";
        let merged: Vec<String> = MergedRows::new(vec![lines(b).into_iter(), lines(a).into_iter()])
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            merged,
            vec![
                "{\"unit\":0,\"x\":1}",
                "{\"unit\":0,\"x\":2}",
                "{\"unit\":1}",
                "{\"unit\":2}",
                "{\"unit\":3}"
            ]
        );
    }

    #[test]
    fn broken_parts_are_refused_with_the_reason() {
        let cases = [
            ("", "is empty"),
            ("not json", "not the shard header"),
            (
                "{\"plan_shard\":{\"index\":0,\"count\":1},\"plan\":{}}",
                "no readable plan",
            ),
        ];
        for (text, expected) in cases {
            let err = read_part("p.jsonl", lines(text)).unwrap_err().to_string();
            assert!(err.starts_with("p.jsonl: "), "{err}");
            assert!(err.contains(expected), "{text}: {err}");
        }
        let err = check_parts(&[]).unwrap_err().to_string();
        assert!(err.contains("at least one part"), "{err}");
    }
}
