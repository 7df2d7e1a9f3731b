//! Events and the queue that orders them by (time, sequence), so that events at equal times are
//! handled in the order they were scheduled, the same way on every run.

use crate::outcome::DialOutcome;

/// What happens at an event's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A dial attempt stops ringing: a live person answers, or the attempt ends with no one.
    DialEnd {
        /// What the attempt reached.
        outcome: DialOutcome,
        /// The report bucket the attempt counts in, or [`NOT_COUNTED`] during warm-up.
        cohort: u32,
        /// When it was dialled, in seconds (single precision keeps the event small; pacing uses
        /// it only to group lines by age, and is told the same rounded time at the dial).
        dialled_at: f32,
    },
    /// The waiting live answer with this ticket runs out of patience, if it is still waiting.
    Patience {
        /// The ticket the live answer got when it joined the queue.
        ticket: u64,
    },
    /// An agent's conversation ends.
    TalkEnd {
        /// The agent.
        agent: u32,
    },
    /// An agent's after-call work ends.
    WrapEnd {
        /// The agent.
        agent: u32,
    },
    /// An agent's scheduled pause begins.
    PauseStart {
        /// The agent.
        agent: u32,
    },
    /// An agent's scheduled pause ends.
    PauseEnd {
        /// The agent.
        agent: u32,
    },
    /// The pacing strategy runs (when it runs on an interval).
    PacingTick,
    /// The pacing strategy's own clock: the time it asked to be woken at
    /// ([`crate::pacing::PacingStrategy::next_wake`]).
    Wake,
}

/// Cohort of an attempt started during warm-up: its outcome is not counted.
pub const NOT_COUNTED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The time's bits above the sequence number: for the finite, non-negative times of the
    /// engine the bits of an `f64` order like its value, so one integer comparison orders entries
    /// by (time, sequence).
    key: u128,
    event: Event,
}

impl Entry {
    #[inline]
    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }

    #[inline]
    fn before(&self, other: &Self) -> bool {
        self.key < other.key
    }
}

/// A binary min-heap of events keyed by (time, sequence).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: Vec<Entry>,
    next_sequence: u64,
    /// Most events pending at once.
    peak: usize,
}

impl EventQueue {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: Vec::with_capacity(capacity),
            next_sequence: 0,
            peak: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Most events pending at once so far.
    pub fn peak_len(&self) -> usize {
        self.peak
    }

    #[cfg(test)]
    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time` (finite and non-negative), after every event already scheduled at
    /// that time.
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        debug_assert!(time >= 0.0 && time.is_finite(), "bad event time {time}");
        // `+ 0.0` turns a −0.0 into +0.0, whose bits order correctly.
        let entry = Entry {
            key: (u128::from((time + 0.0).to_bits()) << 64) | u128::from(self.next_sequence),
            event,
        };
        self.next_sequence += 1;
        let mut hole = self.heap.len();
        self.heap.push(entry);
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = entry;
        self.peak = self.peak.max(self.heap.len());
    }

    /// Keeps only the events for which `keep` is true. Keys are unique, so the order in which the
    /// remaining events pop is the same as before, on every run.
    pub fn retain(&mut self, mut keep: impl FnMut(&Event) -> bool) {
        self.heap.retain(|entry| keep(&entry.event));
        let len = self.heap.len();
        for start in (0..len / 2).rev() {
            let entry = self.heap[start];
            let mut hole = start;
            loop {
                let mut child = 2 * hole + 1;
                if child >= len {
                    break;
                }
                if child + 1 < len && self.heap[child + 1].before(&self.heap[child]) {
                    child += 1;
                }
                if !self.heap[child].before(&entry) {
                    break;
                }
                self.heap[hole] = self.heap[child];
                hole = child;
            }
            self.heap[hole] = entry;
        }
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let last = self.heap.pop()?;
        let len = self.heap.len();
        if len == 0 {
            return Some((last.time(), last.event));
        }
        let top = self.heap[0];
        // Floyd's bottom-up deletion: walk the hole down to a leaf along the smaller children
        // (one comparison per level, without a data-dependent branch), then sift the former last
        // entry up from there, which is usually a step or two.
        let mut hole = 0;
        let mut child = 1;
        while child + 1 < len {
            child += usize::from(self.heap[child + 1].before(&self.heap[child]));
            self.heap[hole] = self.heap[child];
            hole = child;
            child = 2 * hole + 1;
        }
        if child < len {
            self.heap[hole] = self.heap[child];
            hole = child;
        }
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if !last.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = last;
        Some((top.time(), top.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn pops_in_time_then_sequence_order() {
        let mut queue = EventQueue::with_capacity(4);
        queue.push(5.0, Event::TalkEnd { agent: 1 });
        queue.push(1.0, Event::TalkEnd { agent: 2 });
        queue.push(5.0, Event::TalkEnd { agent: 3 });
        queue.push(5.0, Event::TalkEnd { agent: 4 });
        queue.push(0.5, Event::PacingTick);
        let order: Vec<Event> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(
            order,
            vec![
                Event::PacingTick,
                Event::TalkEnd { agent: 2 },
                Event::TalkEnd { agent: 1 },
                Event::TalkEnd { agent: 3 },
                Event::TalkEnd { agent: 4 },
            ]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn matches_a_sort_on_random_input() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut queue = EventQueue::with_capacity(0);
        let mut expected = Vec::new();
        for i in 0..2_000u32 {
            // Coarse times so that many ties occur.
            let time = f64::from(rng.random_range(0..50u32));
            queue.push(time, Event::TalkEnd { agent: i });
            expected.push((time, i));
            if i % 3 == 0 {
                expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let (t, e) = queue.pop().unwrap();
                let (et, ei) = expected.remove(0);
                assert_eq!((t, e), (et, Event::TalkEnd { agent: ei }));
            }
        }
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (et, ei) in expected {
            assert_eq!(queue.pop(), Some((et, Event::TalkEnd { agent: ei })));
        }
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn retain_drops_events_and_keeps_the_order_of_the_rest() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut queue = EventQueue::with_capacity(0);
        let mut expected = Vec::new();
        for i in 0..1_000u32 {
            let time = f64::from(rng.random_range(0..40u32));
            queue.push(time, Event::TalkEnd { agent: i });
            if i % 3 != 0 {
                expected.push((time, i));
            }
        }
        assert_eq!(queue.peak_len(), 1_000);
        queue.retain(|event| !matches!(event, Event::TalkEnd { agent } if agent % 3 == 0));
        assert_eq!(queue.len(), expected.len());
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (et, ei) in expected {
            assert_eq!(queue.pop(), Some((et, Event::TalkEnd { agent: ei })));
        }
        assert!(queue.is_empty());
        assert_eq!(queue.peak_len(), 1_000);
    }
}
