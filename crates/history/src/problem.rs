//! What is wrong with an export: every problem names the file, the row (or JSON path) and the field,
//! and all of them are reported at once.

use std::fmt;

/// How many problems are kept in full; past that only their number is kept, so an export that is
/// wrong on every row still streams in flat memory.
pub const MAX_LISTED: usize = 50;

/// One problem in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (`stdin` for `-`).
    pub file: String,
    /// Where in the file: `outboundStats[3]`, `row 7 (line 8)`, `header`, or empty for the whole file.
    pub at: String,
    /// The field (a JSON key or a CSV column), when the problem is in one.
    pub field: Option<String>,
    /// What is wrong, and what to do when that is not obvious.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.at.is_empty() {
            write!(f, ": {}", self.at)?;
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems found so far: the first [`MAX_LISTED`] in full, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// The problems kept in full, in the order they were found.
    pub listed: Vec<Problem>,
    /// How many problems were found in all (at least `listed.len()`).
    pub total: usize,
}

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(problem);
        }
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.listed.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {problem}")?;
        }
        if self.total > self.listed.len() {
            write!(f, "\n  … and {} more", self.total - self.listed.len())?;
        }
        Ok(())
    }
}
