//! [`Violation`]: one thing wrong with an input, with the path of the field at fault.
//!
//! Every crate that checks input (the engine's scenario, the payload and the wire contract) reports
//! with this one type, so a caller lists problems from any of them the same way.
//!
//! [`shape`] describes a JSON document field by field and checks a parsed document against it, so a
//! type, missing-field or unknown-field problem reads in the user's words too.
//!
//! ```
//! use violation::Violation;
//!
//! let v = Violation::new("historical_matrix[2].calls_answered", "must not exceed calls_attempted (500)");
//! assert_eq!(v.to_string(), "historical_matrix[2].calls_answered: must not exceed calls_attempted (500)");
//! ```

use std::fmt;

pub mod shape;

/// One broken rule: where (`dialer.level`, `historical_matrix[2].calls_answered`), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field at fault, as a path from the document's root.
    pub path: String,
    /// What is wrong with it and what would be right, lowercase, no trailing period.
    pub message: String,
}

impl Violation {
    /// A violation at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Violation {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_without_a_path_is_its_message() {
        assert_eq!(
            Violation::new("", "not a payload").to_string(),
            "not a payload"
        );
        assert_eq!(Violation::new("a.b", "bad").to_string(), "a.b: bad");
    }
}
