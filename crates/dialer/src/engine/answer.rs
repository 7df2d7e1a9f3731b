//! What happens once an attempt stops ringing (DESIGN §9): an attempt no one answered ends; an
//! answer goes through answering-machine detection, if the dialer runs it, and is then hung up on
//! or routed to an agent, at once or after a wait in the queue.
//!
//! The strategies are told what the dialer perceives, not the truth: a machine detection lets
//! through is an answer routed like a person's (and its drop, a drop), a person judged a machine an
//! attempt that reached no one. The one exception is that person's fate: the strategies are also
//! told [`LiveOutcome::HungUpAsMachine`], as the regimes count it, in place of the estimate from
//! the detector's measured false-positive rate a dialer would use.

use crate::event::Event;
use crate::outcome::{AmdVerdict, DialOutcome, LiveOutcome};
use crate::outcome_mix::MachineRouting;
use crate::pacing::PacingStrategy;

use super::{Replication, Waiting};

impl Replication<'_> {
    /// An attempt stops ringing with `outcome`.
    pub(super) fn dial_end(&mut self, outcome: DialOutcome, cohort: u32, dialled_at: f64) {
        if !outcome.is_live()
            && let Some(tally) = self.tally(cohort)
        {
            tally.not_answered += 1;
            match outcome {
                DialOutcome::Machine => tally.machines += 1,
                DialOutcome::Busy => tally.busy += 1,
                DialOutcome::NoAnswer => tally.no_answer += 1,
                DialOutcome::Invalid => tally.invalid += 1,
                _ => {}
            }
        }
        let answered = match outcome {
            DialOutcome::Live => true,
            DialOutcome::Machine => self.model.machines != MachineRouting::Unheard,
            _ => false,
        };
        if !answered {
            self.ends_unrouted(outcome, dialled_at);
            return;
        }
        match self.model.machines {
            MachineRouting::Detected(detector) => {
                let verdict = detector.verdict(outcome.is_live(), &mut self.rng);
                let listened = detector.detect.sample(&mut self.rng) as f32;
                if listened > 0.0 {
                    // The line stays in use (counted as dialling) while detection listens.
                    self.queue.push(
                        self.now + f64::from(listened),
                        Event::Detected {
                            outcome,
                            verdict,
                            cohort,
                            dialled_at: dialled_at as f32,
                            listened,
                        },
                    );
                } else {
                    self.detected(outcome, verdict, cohort, dialled_at, self.now);
                }
            }
            MachineRouting::ToAgents | MachineRouting::Unheard => {
                self.route(outcome, cohort, dialled_at, self.now);
            }
        }
    }

    /// The attempt dialled at `dialled_at` ends without reaching an agent; the dialer saw `seen`.
    fn ends_unrouted(&mut self, seen: DialOutcome, dialled_at: f64) {
        self.dialling -= 1;
        self.pacing.on_dial_end(seen, dialled_at);
        self.release_held();
    }

    /// Detection has decided about an answer (by a person when `outcome` is live, else a machine)
    /// that came at `answered_at`.
    pub(super) fn detected(
        &mut self,
        outcome: DialOutcome,
        verdict: AmdVerdict,
        cohort: u32,
        dialled_at: f64,
        answered_at: f64,
    ) {
        if verdict == AmdVerdict::Person {
            self.route(outcome, cohort, dialled_at, answered_at);
            return;
        }
        if outcome.is_live()
            && let Some(tally) = self.tally(cohort)
        {
            tally.amd_false_positives += 1;
        }
        self.ends_unrouted(DialOutcome::Machine, dialled_at);
        if outcome.is_live() {
            // The pacer counts its false positives as the regimes do (a dialer would estimate them
            // from its detector's measured rate; here it is told the simulated count).
            self.pacing.on_live_outcome(LiveOutcome::HungUpAsMachine);
        }
    }

    /// Routes an answer that came at `answered_at` to an agent: connected at once if one is Ready,
    /// else queued until its patience, counted from the answer, runs out.
    fn route(&mut self, outcome: DialOutcome, cohort: u32, dialled_at: f64, answered_at: f64) {
        self.dialling -= 1;
        self.pacing.on_dial_end(DialOutcome::Live, dialled_at);
        let machine = !outcome.is_live();
        if !machine && let Some(tally) = self.tally(cohort) {
            tally.live_answers += 1;
        }
        if let Some(agent) = self.agents.take_ready() {
            self.connect(agent, machine, answered_at, cohort);
            return;
        }
        let patience = self.model.patience.sample(&mut self.rng);
        let deadline = answered_at + patience;
        // Detection may already have used up the patience.
        if patience <= 0.0 || (answered_at < self.now && deadline <= self.now) {
            self.abandon(machine, cohort);
            return;
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.waiting.push_back(Waiting {
            ticket,
            answered_at,
            cohort,
            machine,
        });
        self.queue.push(deadline, Event::Patience { ticket });
    }

    /// A routed call reached no agent in time.
    pub(super) fn abandon(&mut self, machine: bool, cohort: u32) {
        if let Some(tally) = self.tally(cohort) {
            if machine {
                tally.machines_abandoned += 1;
            } else {
                tally.abandoned += 1;
            }
        }
        self.pacing.on_live_outcome(LiveOutcome::Abandoned);
    }

    /// `agent` takes a routed call that came at `answered_at`: a conversation, or a machine it
    /// spends `machine_handle_seconds` on. The wait runs from the answer, so detection time counts
    /// against the 2-second rule.
    pub(super) fn connect(&mut self, agent: u32, machine: bool, answered_at: f64, cohort: u32) {
        let wait = self.now - answered_at;
        let late = wait > self.model.connect_within;
        if let Some(tally) = self.tallies.get_mut(cohort as usize) {
            if machine {
                tally.machines_to_agents += 1;
            } else {
                tally.connected += 1;
                tally.wait_seconds += wait;
                tally.waits.record(wait);
                if late {
                    tally.late += 1;
                }
            }
        }
        self.pacing.on_live_outcome(if late {
            LiveOutcome::ConnectedLate
        } else {
            LiveOutcome::Connected
        });
        self.agents.start_talking(agent, self.now);
        if machine {
            // A machine's handling is not reported to a strategy that tracks busy agents: it
            // ends within seconds, and its agent is counted free again when it does.
            let handle = self.model.machine_handle.sample(&mut self.rng);
            self.queue
                .push(self.now + handle, Event::MachineEnd { agent });
        } else {
            let segment = &self.model.schedule.segments()[self.segment];
            let (law, talk) = (segment.talk_law, segment.talk_sampler.sample(&mut self.rng));
            if let Some(busy) = self.pacing.busy_agents() {
                busy.talk_starts(law, self.now);
                self.talk_law[agent as usize] = law;
            }
            self.queue.push(self.now + talk, Event::TalkEnd { agent });
        }
    }
}
