//! Progress bars on stderr for long engine runs and plans. A bar appears only once a run has taken a
//! second, only when stderr is a terminal, and clears itself when the run is done.

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

/// Shows how many units of a plan are done and how many rows they made.
pub struct PlanProgress {
    bar: ProgressBar,
    started: Instant,
}

impl PlanProgress {
    /// A bar that stays hidden until the plan has taken a second.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} planning: {pos}/{len} settings swept, {msg} [{elapsed_precise}] {wide_bar}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            started: Instant::now(),
        }
    }

    /// Records the plan's progress.
    pub fn update(&self, progress: planner::Progress) {
        if self.bar.is_hidden() && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_length(progress.units as u64);
        self.bar.set_position(progress.units_done as u64);
        self.bar.set_message(format!("{} rows", progress.rows));
        if progress.units_done >= progress.units {
            self.bar.finish_and_clear();
        }
    }
}
