//! One replication: the discrete-event loop.
//!
//! Time is `f64` seconds from the window's start. Events are ordered by (time, sequence), so equal
//! times resolve in scheduling order on every run. Dialling stops at the window's end; the loop then
//! runs on until every attempt dialled in the window has its outcome (answered or not, connected or
//! abandoned), so each counted attempt ends in exactly one outcome. Memory is fixed by the agents,
//! the lines in use and the report buckets, never by the number of calls.

use std::collections::VecDeque;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use crate::agents::AgentPool;
use crate::event::{Event, EventQueue, NOT_COUNTED};
use crate::model::Model;
use crate::pacing::{Pacing, PacingStrategy, Snapshot};
use crate::pauses::Pauses;
use crate::scenario::DialerMode;
use crate::tally::Tally;

mod answer;

/// A call routed to an agent, waiting for one.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    ticket: u64,
    answered_at: f64,
    cohort: u32,
    /// A machine detection took for a person (the dialer cannot tell).
    machine: bool,
}

/// Most patience timers of connected callers left in the event queue before it is compacted (or
/// the number of live events, if larger), so that memory stays bounded by the calls in progress.
const STALE_PATIENCE_SLACK: usize = 4_096;

/// The counters of one replication, one [`Tally`] per report bucket, and how many events it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationTally {
    /// One tally per segment of the schedule, in time order.
    pub buckets: Vec<Tally>,
    /// Events handled.
    pub events: u64,
    /// Most events pending at once (the event queue's peak size).
    pub peak_pending_events: usize,
}

/// Runs replication `index` of a model: stream `index` of the ChaCha8 generator seeded with `seed`.
pub fn run_replication(model: &Model, seed: u64, index: u64) -> ReplicationTally {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    Replication::new(model, rng).run()
}

struct Replication<'m> {
    model: &'m Model,
    rng: ChaCha8Rng,
    queue: EventQueue,
    now: f64,
    agents: AgentPool,
    dialling: u32,
    waiting: VecDeque<Waiting>,
    next_ticket: u64,
    /// Patience timers still queued for callers already connected (left for lazy deletion).
    stale_patience: usize,
    /// The agents' pause clocks (see [`crate::pauses`]).
    pauses: Pauses,
    pacing: Pacing,
    /// The talk law of each agent's current talk (kept only for strategies that track busy agents).
    talk_law: Vec<u16>,
    /// Index of the segment holding `now` (the last one once the window is over).
    segment: usize,
    tallies: Vec<Tally>,
    pacing_ticks: u64,
    events: u64,
}

impl<'m> Replication<'m> {
    fn new(model: &'m Model, rng: ChaCha8Rng) -> Self {
        let segments = model.schedule.segments();
        Self {
            model,
            rng,
            queue: EventQueue::with_capacity(2 * model.agents as usize + 64),
            now: 0.0,
            agents: AgentPool::new(model.agents),
            dialling: 0,
            waiting: VecDeque::new(),
            next_ticket: 0,
            stale_patience: 0,
            pauses: Pauses::new(model.pauses, model.agents),
            pacing: Pacing::for_model(model),
            talk_law: if matches!(model.dialer, DialerMode::Predictive { .. }) {
                vec![0; model.agents as usize]
            } else {
                Vec::new()
            },
            segment: 0,
            tallies: vec![Tally::default(); segments.len()],
            pacing_ticks: 0,
            events: 0,
        }
    }

    fn run(mut self) -> ReplicationTally {
        self.start();
        let instant_pacing = self.model.pacing_interval <= 0.0;
        while let Some((time, event)) = self.queue.pop() {
            if time >= self.model.window && self.dialling == 0 && self.waiting.is_empty() {
                break;
            }
            self.advance(time);
            self.events += 1;
            // A patience timer of a caller already connected changes nothing: no decision to redo.
            let stale = matches!(event, Event::Patience { ticket } if !self.is_waiting(ticket));
            self.handle(event);
            if instant_pacing && !stale {
                self.pace();
            }
        }
        self.advance(self.now.max(self.model.window));
        ReplicationTally {
            buckets: self.tallies,
            events: self.events,
            peak_pending_events: self.queue.peak_len(),
        }
    }

    /// Initial agent states and the first clock events.
    fn start(&mut self) {
        self.pauses
            .start(&mut self.agents, &mut self.queue, &mut self.rng);
        if let Some(at) = self.pacing.first_wake(&mut self.rng) {
            self.queue.push(at, Event::Wake);
        }
        if self.model.pacing_interval > 0.0 {
            self.queue.push(0.0, Event::PacingTick);
        } else {
            self.pace();
        }
    }

    /// Moves the clock to `time`, adding agent time and line peaks to the buckets it crosses
    /// (only between the warm-up's end and the window's end).
    #[inline]
    fn advance(&mut self, time: f64) {
        debug_assert!(
            time >= self.now,
            "time ran backwards: {} < {}",
            time,
            self.now
        );
        let segments = self.model.schedule.segments();
        let end = time.min(self.model.window);
        let mut from = self.now;
        while from < end {
            let segment_end = segments[self.segment].end;
            let stop = end.min(segment_end);
            let counted_from = from.max(self.model.warmup);
            if stop > counted_from {
                let dt = stop - counted_from;
                let lines = self.lines_in_use();
                let tally = &mut self.tallies[self.segment];
                tally.busy_seconds += f64::from(self.agents.busy()) * dt;
                tally.available_seconds += f64::from(self.agents.available()) * dt;
                tally.staffed_seconds += f64::from(self.model.agents) * dt;
                tally.peak_lines = tally.peak_lines.max(lines);
            }
            from = stop;
            if stop >= segment_end && self.segment + 1 < segments.len() {
                self.segment += 1;
            } else if stop >= segment_end {
                break;
            }
        }
        self.now = time;
    }

    #[inline]
    fn lines_in_use(&self) -> u32 {
        self.dialling + self.waiting.len() as u32 + self.agents.talking()
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::DialEnd {
                outcome,
                cohort,
                dialled_at,
            } => self.dial_end(outcome, cohort, f64::from(dialled_at)),
            Event::Detected {
                outcome,
                verdict,
                cohort,
                dialled_at,
                listened,
            } => {
                let answered_at = self.now - f64::from(listened);
                self.detected(outcome, verdict, cohort, f64::from(dialled_at), answered_at);
            }
            Event::MachineEnd { agent } => self.agent_free(agent),
            Event::Patience { ticket } => self.patience_ends(ticket),
            Event::TalkEnd { agent } => {
                let wrap = self.model.wrap.sample(&mut self.rng);
                let since = self.agents.since(agent);
                if let Some(busy) = self.pacing.busy_agents() {
                    busy.talk_ends(self.talk_law[agent as usize], since);
                    if wrap > 0.0 {
                        busy.wrap_starts(self.now);
                    }
                }
                if wrap > 0.0 {
                    self.agents.start_wrap(agent, self.now);
                    self.queue.push(self.now + wrap, Event::WrapEnd { agent });
                } else {
                    self.agent_free(agent);
                }
            }
            Event::WrapEnd { agent } => {
                let since = self.agents.since(agent);
                if let Some(busy) = self.pacing.busy_agents() {
                    busy.wrap_ends(since);
                }
                self.agent_free(agent);
            }
            Event::PauseStart { agent } => {
                let reserved = self.all_ready_reserved();
                self.pauses.comes_due(
                    agent,
                    self.now,
                    reserved,
                    &mut self.agents,
                    &mut self.queue,
                    &mut self.rng,
                );
            }
            Event::PauseEnd { agent } => {
                self.pauses
                    .ends(agent, self.now, &mut self.agents, &mut self.queue);
                self.agent_free(agent);
            }
            Event::PacingTick => {
                self.pace();
                self.pacing_ticks += 1;
                let next = self.pacing_ticks as f64 * self.model.pacing_interval;
                if next < self.model.window {
                    self.queue.push(next, Event::PacingTick);
                }
            }
            Event::Wake => {
                if self.now < self.model.window {
                    let (snapshot, pacing) = self.snapshot_and_pacing();
                    let wanted = pacing.on_wake(&snapshot);
                    self.start_lines(wanted);
                    if let Some(at) = self.pacing.next_wake(self.now, &mut self.rng) {
                        self.queue.push(at, Event::Wake);
                    }
                }
            }
        }
    }

    /// Splits the state into what pacing reads (a snapshot) and the strategy it runs.
    fn snapshot_and_pacing(&mut self) -> (Snapshot<'_>, &mut Pacing) {
        let snapshot = Snapshot {
            now: self.now,
            agents: &self.agents,
            waiting: self.waiting.len() as u32,
            dialling: self.dialling,
        };
        (snapshot, &mut self.pacing)
    }

    /// Runs the strategy and starts the lines it asks for, within `max_lines`.
    #[inline]
    fn pace(&mut self) {
        if self.now >= self.model.window {
            return;
        }
        let (snapshot, pacing) = self.snapshot_and_pacing();
        let wanted = pacing.lines_to_start(&snapshot);
        self.start_lines(wanted);
    }

    /// Starts `wanted` lines now, within `max_lines`.
    #[inline]
    fn start_lines(&mut self, wanted: u32) {
        let room = self.model.max_lines.saturating_sub(self.lines_in_use());
        for _ in 0..wanted.min(room) {
            self.dial();
        }
    }

    /// Starts one attempt now; its outcome is drawn at once, its ring time by outcome.
    #[inline]
    fn dial(&mut self) {
        let segment = &self.model.schedule.segments()[self.segment];
        let outcome = segment.mix.draw(&mut self.rng);
        let ring = self.model.ring(outcome).sample(&mut self.rng);
        let cohort = if self.now >= self.model.warmup {
            self.tallies[self.segment].dials += 1;
            self.segment as u32
        } else {
            NOT_COUNTED
        };
        self.dialling += 1;
        let dialled_at = self.now as f32;
        if self.pacing.follows_lines() {
            self.pacing.on_dial(f64::from(dialled_at));
        }
        self.queue.push(
            self.now + ring,
            Event::DialEnd {
                outcome,
                cohort,
                dialled_at,
            },
        );
    }

    #[inline]
    fn tally(&mut self, cohort: u32) -> Option<&mut Tally> {
        self.tallies.get_mut(cohort as usize)
    }

    /// Whether the caller of `ticket` is still waiting for an agent.
    #[inline]
    fn is_waiting(&self, ticket: u64) -> bool {
        self.waiting
            .binary_search_by_key(&ticket, |w| w.ticket)
            .is_ok()
    }

    /// A waiting call's patience runs out: abandoned, unless it was connected meanwhile.
    fn patience_ends(&mut self, ticket: u64) {
        // Tickets join the queue in increasing order and leave it from the front (connected) or
        // from anywhere (abandoned), so the queue stays sorted by ticket.
        if let Ok(at) = self.waiting.binary_search_by_key(&ticket, |w| w.ticket)
            && let Some(waiting) = self.waiting.remove(at)
        {
            self.abandon(waiting.machine, waiting.cohort);
        } else {
            self.stale_patience = self.stale_patience.saturating_sub(1);
        }
    }

    /// A waiting caller was connected: its patience timer is now stale. When stale timers outnumber
    /// both the slack and the live events, the queue drops them, so its size stays bounded by the
    /// calls in progress however long the patience.
    fn patience_went_stale(&mut self) {
        self.stale_patience += 1;
        let live = self.queue.len().saturating_sub(self.stale_patience);
        if self.stale_patience > STALE_PATIENCE_SLACK.max(live) {
            let waiting = &self.waiting;
            self.queue.retain(|event| match event {
                Event::Patience { ticket } => {
                    waiting.binary_search_by_key(ticket, |w| w.ticket).is_ok()
                }
                _ => true,
            });
            self.stale_patience = 0;
        }
    }

    /// An agent finishes its work: it takes its due pause, the oldest waiting live answer, or
    /// becomes Ready.
    fn agent_free(&mut self, agent: u32) {
        if self.agents.pause_due(agent) {
            self.pauses.begin(
                agent,
                self.now,
                &mut self.agents,
                &mut self.queue,
                &mut self.rng,
            );
        } else if let Some(waiting) = self.waiting.pop_front() {
            self.patience_went_stale();
            self.connect(agent, waiting.machine, waiting.answered_at, waiting.cohort);
        } else {
            self.agents.make_ready(agent);
            self.release_held();
        }
    }

    /// Whether every Ready agent (held ones too) is promised to a call ringing or waiting, so that a
    /// progressive dialer must keep them all.
    #[inline]
    fn all_ready_reserved(&self) -> bool {
        all_reserved(
            self.pacing.reserves_agents(),
            self.dialling + self.waiting.len() as u32,
            &self.agents,
        )
    }

    /// Held agents pause as soon as the calls in progress no longer need them.
    #[inline]
    fn release_held(&mut self) {
        let (reserves, promised) = (
            self.pacing.reserves_agents(),
            self.dialling + self.waiting.len() as u32,
        );
        self.pauses.release_held(
            self.now,
            |agents| all_reserved(reserves, promised, agents),
            &mut self.agents,
            &mut self.queue,
            &mut self.rng,
        );
    }
}

/// Whether a strategy that `reserves` agents has every Ready agent (held ones too) promised to one
/// of the `promised` calls ringing or waiting.
#[inline]
fn all_reserved(reserves: bool, promised: u32, agents: &AgentPool) -> bool {
    reserves && agents.ready() + agents.held() <= promised
}

#[cfg(test)]
mod tests;
