//! How a command fails: the exit code scripts rely on, the message, and a hint that says what to do.

use std::fmt;
use std::process::ExitCode;

/// The exit codes of DESIGN §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// 1: network, HTTP, I/O — something outside the input went wrong.
    Runtime,
    /// 2: the input or the command line is wrong; fixing it will help.
    Invalid,
    /// 3: the simulation ran but the result is not compliant.
    Compliance,
}

impl ExitKind {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitKind::Runtime => 1,
            ExitKind::Invalid => 2,
            ExitKind::Compliance => 3,
        }
    }
}

impl From<ExitKind> for ExitCode {
    fn from(kind: ExitKind) -> Self {
        ExitCode::from(kind.code())
    }
}

/// A failed command: what happened (with its causes), how to exit, and what to try.
#[derive(Debug)]
pub struct Failure {
    /// The exit code family.
    pub kind: ExitKind,
    /// The error and its context chain.
    pub error: anyhow::Error,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl Failure {
    /// Bad input or usage (exit 2).
    pub fn invalid(error: impl Into<anyhow::Error>) -> Self {
        Self {
            kind: ExitKind::Invalid,
            error: error.into(),
            hint: None,
        }
    }

    /// A runtime failure (exit 1).
    pub fn runtime(error: impl Into<anyhow::Error>) -> Self {
        Self {
            kind: ExitKind::Runtime,
            error: error.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prints the error chain and the hint on stderr, and gives the exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {self}");
        if let Some(hint) = &self.hint {
            eprintln!("hint: {hint}");
        }
        self.kind.into()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        for cause in self.error.chain().skip(1) {
            write!(f, "\n  caused by: {cause}")?;
        }
        Ok(())
    }
}

/// A command's result.
pub type Outcome<T = ()> = Result<T, Failure>;
