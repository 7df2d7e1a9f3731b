//! A progress bar on stderr for long engine runs. It appears only once a run has taken a second, only
//! when stderr is a terminal, and clears itself when the last replication is done.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows how many replications are done.
#[derive(Clone)]
pub struct EngineProgress {
    bar: ProgressBar,
    started: Instant,
}

impl EngineProgress {
    /// A bar that stays hidden until the run has taken a second.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} simulating: {pos}/{len} replications [{elapsed_precise}] {wide_bar}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            started: Instant::now(),
        }
    }

    /// Records `done` of `total` replications (the engine calls this from its worker threads).
    pub fn update(&self, done: u64, total: u64) {
        if self.bar.is_hidden() && self.started.elapsed() > Duration::from_secs(1) {
            // `stderr()` draws only when stderr is a terminal.
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
        if done >= total {
            self.bar.finish_and_clear();
        }
    }
}
