//! The importer's errors.

use crate::problem::Problems;

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The options contradict each other or do not fit the source (a usage error).
    #[error("{0}")]
    Options(String),
    /// The file could not be read.
    #[error("could not read {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not well-formed JSON or CSV, or not of the source's shape; reading stopped here.
    #[error("{file} is not a valid {format} export: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The source format's name.
        format: &'static str,
        /// The parser's message, with the line and column (and JSON path) where it stopped.
        message: String,
    },
    /// The export was read but some rows or the result are wrong: every problem, listed.
    #[error("{} problem{} in the export:\n{problems}", problems.total, if problems.total == 1 { "" } else { "s" })]
    Invalid {
        /// Every problem found.
        problems: Problems,
    },
}
