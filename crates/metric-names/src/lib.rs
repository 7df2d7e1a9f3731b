//! The DESIGN §5.3 metric list, written once.
//!
//! The engine (`dialer`) reports these metrics and the simulate contract (`contract`) carries them;
//! neither depends on the other, and both declare their metric types from this one list, so a
//! metric added here is in the engine's report and on the wire under the same name, in the same
//! order. [`metric_list!`] hands the list to a macro of the caller's, which declares what it needs
//! (a struct with one field per metric, a by-name accessor, …); [`NAMES`] is the list as strings.
//!
//! ```
//! macro_rules! count {
//!     ($($(#[doc = $doc:literal])* $name:ident,)*) => {
//!         const COUNT: usize = [$(stringify!($name),)*].len();
//!     };
//! }
//! metric_names::metric_list!(count);
//! assert_eq!(COUNT, metric_names::NAMES.len());
//! assert_eq!(metric_names::NAMES[0], "dials");
//! ```

#![no_std]

/// Calls the macro `$callback` with the metric list, in report order: each metric's doc comment
/// followed by its name and a comma, `$(#[doc = "…"])* name,` (match it with
/// `$($(#[doc = $doc:literal])* $name:ident,)*`).
#[macro_export]
macro_rules! metric_list {
    ($callback:ident) => {
        $callback! {
            /// Dial attempts started.
            dials,
            /// Attempts that reached a live person.
            live_answers,
            /// `live_answers / dials`.
            answer_rate,
            /// Live answers connected to an agent.
            connected,
            /// Live answers that reached no agent within their patience.
            abandoned,
            /// Connected live answers that waited longer than the connect limit (by default the
            /// FCC/FTC 2-second rule; the engine's `connect_within_seconds`).
            late,
            /// `abandoned / live_answers`.
            abandon_rate,
            /// `(abandoned + late + amd_false_positives) / (live_answers + amd_false_positives)`: the
            /// FCC/FTC figure held against the legal limit.
            compliance_abandon_rate,
            /// Agent busy time (talk + wrap) over agent available (not paused) time.
            occupancy,
            /// Connected live answers per staffed agent per hour.
            connects_per_agent_hour,
            /// Mean wait from live answer to agent, over connected live answers.
            mean_wait_seconds,
            /// 90th percentile of that wait.
            p90_wait_seconds,
            /// Most lines in use at once (dialling, waiting or talking).
            peak_lines,
            /// People hung up on because detection judged them machines (AMD false positives).
            amd_false_positives,
            /// Attempts an answering machine answered.
            machines,
            /// Machines connected to an agent (let through by detection, or with detection off).
            machines_to_agents,
            /// Machines routed to an agent but dropped before one was free (CXone counts them
            /// abandoned).
            machines_abandoned,
            /// Attempts that found the line busy.
            busy,
            /// Attempts no one answered before the no-answer timeout.
            no_answer,
            /// Attempts to numbers that do not exist.
            invalid,
        }
    };
}

macro_rules! names {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// The metric names, in report order.
        pub const NAMES: &[&str] = &[$(stringify!($name),)*];
    };
}

metric_list!(names);
