//! What can be wrong with a plan's inputs or with the shards given to a merge.

/// A plan that cannot be run or merged. Every message names the flag (or file) to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A flag's value is wrong: `flag` names it, `message` says why and what would do.
    #[error("{flag}: {message}")]
    Flag {
        /// The flag, as typed on the command line (`--answer-rate`).
        flag: &'static str,
        /// What is wrong and what to give instead.
        message: String,
    },
    /// A scenario of the grid does not pass the engine's checks.
    #[error("the grid point {point} cannot be simulated: {message}")]
    Scenario {
        /// Which grid point (`agents 18, ratio 3.0, answer rate 0.40`).
        point: String,
        /// The engine's violations.
        message: String,
    },
    /// A shard file given to `plan merge` is unusable or does not fit the others.
    #[error("{part}: {message}")]
    Shard {
        /// The part, as named by the caller (usually its path).
        part: String,
        /// What is wrong with it.
        message: String,
    },
}

impl PlanError {
    /// A [`PlanError::Flag`].
    pub fn flag(flag: &'static str, message: impl Into<String>) -> Self {
        Self::Flag {
            flag,
            message: message.into(),
        }
    }

    /// A [`PlanError::Shard`].
    pub fn shard(part: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Shard {
            part: part.into(),
            message: message.into(),
        }
    }
}
