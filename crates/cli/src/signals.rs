//! SIGINT (ctrl-c) and SIGTERM: what stops a run (recorded as FAILED) or the emulator (gracefully).

use anyhow::anyhow;

use crate::failure::Failure;

/// Handlers for SIGINT and SIGTERM, installed when this is created: a signal that comes any time
/// after [`Signals::install`] is caught, even before [`Signals::wait`] is first polled.
pub struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Installs the handlers (inside the async runtime). A handler that cannot be installed is
    /// simply not waited for: that signal keeps its default action.
    pub fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for SIGINT or SIGTERM and names the one that came.
    pub async fn wait(self) -> &'static str {
        #[cfg(unix)]
        {
            async fn next(signal: Option<tokio::signal::unix::Signal>) {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                () = next(self.interrupt) => "SIGINT",
                () = next(self.terminate) => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            "SIGINT"
        }
    }

    /// The failure of a run stopped by a signal (exit 1), once one comes.
    pub async fn interrupted(self) -> Failure {
        let name = self.wait().await;
        tracing::info!(signal = name, "run interrupted");
        Failure::runtime(anyhow!("interrupted by {name}: the run did not finish"))
            .hint("run it again; the audit log records this run as FAILED")
    }
}
