//! SIGINT (ctrl-c) and SIGTERM: what stops a run (recorded as FAILED) or the emulator (gracefully).

use anyhow::anyhow;

use crate::failure::Failure;

/// Waits for SIGINT or SIGTERM and names the one that came. If a handler cannot be installed, that
/// signal is simply not waited for (its default action still applies).
pub async fn signal() -> &'static str {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => "SIGINT",
        () = terminate => "SIGTERM",
    }
}

/// The failure of a run stopped by a signal (exit 1), once one comes.
pub async fn interrupted() -> Failure {
    let name = signal().await;
    tracing::info!(signal = name, "run interrupted");
    Failure::runtime(anyhow!("interrupted by {name}: the run did not finish"))
        .hint("run it again; the audit log records this run as FAILED")
}
