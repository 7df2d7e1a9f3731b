//! How a command fails: the exit code scripts rely on, the message, and a hint that says what to do.

use std::fmt;
use std::process::ExitCode;
use std::sync::OnceLock;

use crate::args::LogFormat;

/// How stderr lines look, set once by `main` from `--log-format`.
static LOG_FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Sets the stderr format for [`Failure::report`] and [`notice`].
pub fn set_log_format(format: LogFormat) {
    let _ = LOG_FORMAT.set(format);
}

fn json_logs() -> bool {
    LOG_FORMAT.get() == Some(&LogFormat::Json)
}

/// Longest error text printed on stderr or kept in the audit log.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

pub use cli::clip::clip;

/// Prints one line on stderr: as text (`prefix: message`), or with `--log-format json` as a JSON
/// object shaped like the log lines (`timestamp`, `level`, `fields.message` and the other fields).
pub fn notice(level: &str, message: &str, fields: &[(&str, &str)]) {
    if json_logs() {
        let mut map = serde_json::Map::new();
        map.insert("message".into(), message.into());
        for (k, v) in fields {
            map.insert((*k).into(), (*v).into());
        }
        let line = serde_json::json!({
            "timestamp": jiff::Timestamp::now().to_string(),
            "level": level,
            "fields": map,
        });
        eprintln!("{line}");
    } else {
        eprintln!("{message}");
        for (k, v) in fields {
            eprintln!("  {k}: {v}");
        }
    }
}

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

    /// Prints the error chain and the hint on stderr (as JSON with `--log-format json`), and gives the
    /// exit code. A message longer than [`MAX_MESSAGE_BYTES`] is cut and says so.
    pub fn report(&self) -> ExitCode {
        let full = self.to_string();
        let text = clip(&full, MAX_MESSAGE_BYTES);
        let text = if text.len() < full.len() {
            format!("{text} [truncated: {} bytes in all]", full.len())
        } else {
            full.clone()
        };
        if json_logs() {
            let mut fields = vec![("exit_code", self.kind.code().to_string())];
            if let Some(hint) = &self.hint {
                fields.push(("hint", hint.clone()));
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            notice("ERROR", &text, &fields);
        } else {
            eprintln!("error: {text}");
            if let Some(hint) = &self.hint {
                eprintln!("hint: {hint}");
            }
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
