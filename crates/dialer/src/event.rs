//! Events and the queue that orders them by (time, sequence), so that events at equal times are
//! handled in the order they were scheduled, the same way on every run.

/// What happens at an event's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A dial attempt stops ringing: a live person answers, or the attempt ends with no one.
    DialEnd {
        /// Whether a live person answers.
        live: bool,
        /// The report bucket the attempt counts in, or [`NOT_COUNTED`] during warm-up.
        cohort: u32,
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
    /// The next open-loop (Poisson) dial attempt.
    PoissonDial,
    /// The adaptive strategy samples its state (every second).
    AdaptiveSample,
}

/// Cohort of an attempt started during warm-up: its outcome is not counted.
pub const NOT_COUNTED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Entry {
    time: f64,
    sequence: u64,
    event: Event,
}

impl Entry {
    /// Strict (time, sequence) order. Times are finite, so `<` on them is a total order.
    #[inline]
    fn before(&self, other: &Self) -> bool {
        self.time < other.time || (self.time == other.time && self.sequence < other.sequence)
    }
}

/// A binary min-heap of events keyed by (time, sequence).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: Vec<Entry>,
    next_sequence: u64,
}

impl EventQueue {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: Vec::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time` (finite), after every event already scheduled at that time.
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        let entry = Entry {
            time,
            sequence: self.next_sequence,
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
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let last = self.heap.pop()?;
        let len = self.heap.len();
        if len == 0 {
            return Some((last.time, last.event));
        }
        let top = self.heap[0];
        // Sift the former last entry down from the root.
        let mut hole = 0;
        loop {
            let left = 2 * hole + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len && self.heap[right].before(&self.heap[left]) {
                right
            } else {
                left
            };
            if !self.heap[child].before(&last) {
                break;
            }
            self.heap[hole] = self.heap[child];
            hole = child;
        }
        self.heap[hole] = last;
        Some((top.time, top.event))
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.first().map(|e| e.time)
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
}
