//! Closed-form queueing results the engine is checked against: Erlang B, Erlang C, Erlang A
//! (M/M/n+M, exact birth–death), M/M/n with a fixed patience (M/M/n+D) and Engset.
//!
//! Rates are per second and times in seconds; `traffic` is offered load in Erlangs
//! (arrival rate × mean handle time).

/// Erlang B: the blocking probability of `servers` servers offered `traffic` Erlangs with no queue
/// (by the stable recursion `B(k) = A·B(k−1) / (k + A·B(k−1))`).
pub fn erlang_b(servers: u32, traffic: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=servers {
        b = traffic * b / (f64::from(k) + traffic * b);
    }
    b
}

/// Erlang C: the probability that a call waits (M/M/n, infinite patience); 1 when the load is at or
/// over capacity.
pub fn erlang_c(servers: u32, traffic: f64) -> f64 {
    let n = f64::from(servers);
    if traffic >= n {
        return 1.0;
    }
    let b = erlang_b(servers, traffic);
    n * b / (n - traffic * (1.0 - b))
}

/// The Erlang C service level: the share of calls answered within `target` seconds.
pub fn service_level(servers: u32, traffic: f64, handle_seconds: f64, target: f64) -> f64 {
    let n = f64::from(servers);
    if traffic >= n {
        return 0.0;
    }
    1.0 - erlang_c(servers, traffic) * (-(n - traffic) * target / handle_seconds).exp()
}

/// The Erlang C average speed of answer (mean wait over all calls), in seconds.
pub fn average_speed_of_answer(servers: u32, traffic: f64, handle_seconds: f64) -> f64 {
    let n = f64::from(servers);
    if traffic >= n {
        return f64::INFINITY;
    }
    erlang_c(servers, traffic) * handle_seconds / (n - traffic)
}

/// Agent occupancy of an Erlang C queue: `traffic / servers`, at most 1.
pub fn occupancy(servers: u32, traffic: f64) -> f64 {
    (traffic / f64::from(servers)).min(1.0)
}

/// Steady state of a queue whose waiting calls may abandon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impatient {
    /// Share of calls that abandon.
    pub abandon_probability: f64,
    /// Share of calls that find every server busy.
    pub wait_probability: f64,
    /// Mean busy servers over servers.
    pub occupancy: f64,
}

/// Erlang A (M/M/n+M): Poisson arrivals at `arrival_rate`, exponential handle time and patience,
/// solved exactly as a birth–death chain (truncated where its terms vanish).
pub fn erlang_a(
    arrival_rate: f64,
    handle_seconds: f64,
    servers: u32,
    mean_patience: f64,
) -> Impatient {
    let (mu, theta, n) = (
        1.0 / handle_seconds,
        1.0 / mean_patience,
        f64::from(servers),
    );
    // Unnormalised state probabilities, rescaled whenever they grow large.
    let mut terms = vec![1.0_f64];
    let mut k = 0.0_f64;
    loop {
        k += 1.0;
        let death = k.min(n) * mu + (k - n).max(0.0) * theta;
        let Some(&last) = terms.last() else { break };
        let next = last * arrival_rate / death;
        terms.push(next);
        if next > 1e250 {
            for t in &mut terms {
                *t /= 1e250;
            }
        }
        let total: f64 = terms.iter().sum();
        if k > n && next < total * 1e-18 {
            break;
        }
    }
    let total: f64 = terms.iter().sum();
    let (mut queue, mut busy, mut waiting) = (0.0, 0.0, 0.0);
    for (k, t) in terms.iter().enumerate() {
        let k = k as f64;
        queue += (k - n).max(0.0) * t;
        busy += k.min(n) * t;
        if k >= n {
            waiting += t;
        }
    }
    Impatient {
        abandon_probability: theta * queue / total / arrival_rate,
        wait_probability: waiting / total,
        occupancy: busy / total / n,
    }
}

/// M/M/n+D: Poisson arrivals, exponential handle time, every caller waiting at most `patience`
/// seconds (the dialer's drop timer). Solved through the virtual waiting time `V`: its density is
/// `λ·p(n−1)·e^((λ−nμ)w)` up to `patience` and decays at rate `nμ` beyond it, and by PASTA a call
/// abandons when `V ≥ patience`.
pub fn fixed_patience(
    arrival_rate: f64,
    handle_seconds: f64,
    servers: u32,
    patience: f64,
) -> Impatient {
    let v = VirtualWait::new(arrival_rate, handle_seconds, servers, patience);
    Impatient {
        abandon_probability: v.abandon,
        wait_probability: 1.0 - v.no_wait,
        occupancy: (arrival_rate * handle_seconds * (1.0 - v.abandon) / f64::from(servers))
            .min(1.0),
    }
}

/// The waits of connected calls in an M/M/n+D queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectedWaits {
    /// Mean wait of a connected call (zeros included), in seconds.
    pub mean_seconds: f64,
    /// 90th percentile of that wait, in seconds.
    pub p90_seconds: f64,
}

/// The waits of connected calls in the M/M/n+D queue of [`fixed_patience`].
pub fn fixed_patience_waits(
    arrival_rate: f64,
    handle_seconds: f64,
    servers: u32,
    patience: f64,
) -> ConnectedWaits {
    let v = VirtualWait::new(arrival_rate, handle_seconds, servers, patience);
    let (c, tau) = (v.exponent, patience);
    // ∫₀^τ w·e^(cw) dw.
    let first_moment = if (c * tau).abs() < 1e-6 {
        tau * tau / 2.0 + c * tau.powi(3) / 3.0
    } else {
        ((c * tau).exp() * (c * tau - 1.0) + 1.0) / (c * c)
    };
    let connected = 1.0 - v.abandon;
    let target = 0.9 * connected;
    let p90 = if v.no_wait >= target {
        0.0
    } else {
        let mass = (target - v.no_wait) / v.density;
        let x = if c == 0.0 {
            mass
        } else {
            (c * mass).ln_1p() / c
        };
        x.min(tau)
    };
    ConnectedWaits {
        mean_seconds: v.density * first_moment / connected,
        p90_seconds: p90,
    }
}

/// The law of the virtual waiting time `V` of an M/M/n+D queue: an atom `no_wait` at 0, then the
/// density `density · e^(exponent · w)` on `(0, patience)`, and the rest (`abandon`) beyond.
struct VirtualWait {
    no_wait: f64,
    density: f64,
    exponent: f64,
    abandon: f64,
}

impl VirtualWait {
    fn new(arrival_rate: f64, handle_seconds: f64, servers: u32, patience: f64) -> Self {
        let (lambda, mu, n) = (arrival_rate, 1.0 / handle_seconds, f64::from(servers));
        let traffic = lambda / mu;
        // p(k) for k < n, relative to p(0), rescaled when large.
        let mut below = Vec::with_capacity(servers as usize);
        let mut term = 1.0_f64;
        for k in 0..servers {
            if k > 0 {
                term *= traffic / f64::from(k);
            }
            below.push(term);
            if term > 1e250 {
                for t in &mut below {
                    *t /= 1e250;
                }
                term /= 1e250;
            }
        }
        let last = below.last().copied().unwrap_or(0.0);
        let c = lambda - n * mu;
        let grown = (c * patience).exp();
        let inside = if (c * patience).abs() < 1e-12 {
            patience
        } else {
            (c * patience).exp_m1() / c
        };
        let waiting_mass = lambda * last * (inside + grown / (n * mu));
        let total = below.iter().sum::<f64>() + waiting_mass;
        Self {
            no_wait: below.iter().sum::<f64>() / total,
            density: lambda * last / total,
            exponent: c,
            abandon: lambda * last * grown / (n * mu) / total,
        }
    }
}

/// Steady state of an Engset loss system.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Engset {
    /// Share of requests that find every server busy (and are lost): the call congestion.
    pub call_congestion: f64,
    /// Share of time every server is busy: the time congestion.
    pub time_congestion: f64,
    /// Mean busy servers over servers.
    pub occupancy: f64,
}

/// Engset: `sources` sources, each idle for exponential times of mean `1/γ` between requests and
/// `servers` servers with mean hold `1/μ`; `idle_traffic` = γ/μ is the traffic of one idle source.
/// Lost requests return their source to idle. (Insensitive to the hold-time distribution.)
///
/// A ratio dialer with patience 0, instant pacing and exponential ring times is this system: the
/// lines are the sources (a ringing line turns into a live answer at rate `p / mean ring`), the
/// agents the servers.
pub fn engset(sources: u32, servers: u32, idle_traffic: f64) -> Engset {
    let servers = servers.min(sources);
    // Terms C(N, k)·β^k and C(N − 1, k)·β^k, relative to k = 0, rescaled together.
    let (mut time_terms, mut call_terms) = (vec![1.0_f64], vec![1.0_f64]);
    let (big_n, beta) = (f64::from(sources), idle_traffic);
    for k in 0..servers {
        let k = f64::from(k);
        let Some(&t) = time_terms.last() else { break };
        let Some(&c) = call_terms.last() else { break };
        time_terms.push(t * (big_n - k) / (k + 1.0) * beta);
        call_terms.push(c * (big_n - 1.0 - k) / (k + 1.0) * beta);
        if t > 1e250 || c > 1e250 {
            time_terms.iter_mut().for_each(|x| *x /= 1e250);
            call_terms.iter_mut().for_each(|x| *x /= 1e250);
        }
    }
    let time_total: f64 = time_terms.iter().sum();
    let call_total: f64 = call_terms.iter().sum();
    let busy: f64 = time_terms
        .iter()
        .enumerate()
        .map(|(k, t)| k as f64 * t)
        .sum::<f64>()
        / time_total;
    Engset {
        call_congestion: call_terms.last().copied().unwrap_or(0.0) / call_total,
        time_congestion: time_terms.last().copied().unwrap_or(0.0) / time_total,
        occupancy: if servers == 0 {
            0.0
        } else {
            busy / f64::from(servers)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The design's figures (DESIGN §5.7) are checked to 1e-9 against 50-digit references in
    // `tests/erlang_reference.rs`; these tests cover limits and identities.

    #[test]
    fn erlang_b_and_c_identities() {
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_c(10, 10.0), 1.0);
        assert!((occupancy(14, 10.0) - 10.0 / 14.0).abs() < 1e-15);
        // C > B below capacity.
        assert!(erlang_c(10, 8.0) > erlang_b(10, 8.0));
    }

    #[test]
    fn erlang_a_carried_load() {
        let a = erlang_a(10.0 / 60.0, 60.0, 10, 2.0);
        // Carried load: every call not abandoned is served.
        assert!((a.occupancy - (1.0 - a.abandon_probability)).abs() < 1e-12);
        assert!(a.wait_probability > a.abandon_probability);
    }

    #[test]
    fn erlang_a_tends_to_erlang_b_and_c() {
        let impatient = erlang_a(8.0 / 60.0, 60.0, 10, 1e-9);
        assert!((impatient.abandon_probability - erlang_b(10, 8.0)).abs() < 1e-6);
        let patient = erlang_a(8.0 / 60.0, 60.0, 10, 1e9);
        assert!(patient.abandon_probability < 1e-6);
        assert!((patient.wait_probability - erlang_c(10, 8.0)).abs() < 1e-6);
    }

    #[test]
    fn fixed_patience_limits_and_the_2_second_timer() {
        let zero = fixed_patience(8.0 / 60.0, 60.0, 10, 0.0);
        assert!((zero.abandon_probability - erlang_b(10, 8.0)).abs() < 1e-12);
        let long = fixed_patience(8.0 / 60.0, 60.0, 10, 1e4);
        assert!(long.abandon_probability < 1e-12);
        assert!((long.wait_probability - erlang_c(10, 8.0)).abs() < 1e-9);
        // At λ = nμ the exponent vanishes; the limit must hold on either side.
        let at = fixed_patience(10.0 / 60.0, 60.0, 10, 2.0).abandon_probability;
        let near = fixed_patience(10.0 / 60.0 * (1.0 + 1e-9), 60.0, 10, 2.0).abandon_probability;
        assert!((at - near).abs() < 1e-8);
        // A fixed 2 s timer drops fewer than exponential patience of the same mean.
        assert!(at < erlang_a(10.0 / 60.0, 60.0, 10, 2.0).abandon_probability);
    }

    #[test]
    fn fixed_patience_waits_are_bounded_by_the_timer() {
        let waits = fixed_patience_waits(10.0 / 60.0, 60.0, 10, 10.0);
        assert!(
            waits.mean_seconds > 0.0 && waits.mean_seconds < 10.0,
            "{waits:?}"
        );
        assert!(waits.p90_seconds > waits.mean_seconds && waits.p90_seconds <= 10.0);
        // With a 2 s timer fewer than 10 % of connected calls wait at all.
        let short = fixed_patience_waits(10.0 / 60.0, 60.0, 10, 2.0);
        assert_eq!(short.p90_seconds, 0.0);
        assert!(short.mean_seconds > 0.0);
        // The exponent's limit holds on either side of λ = nμ.
        let near = fixed_patience_waits(10.0 / 60.0 * (1.0 + 1e-9), 60.0, 10, 10.0);
        assert!((near.mean_seconds - waits.mean_seconds).abs() < 1e-8);
        assert!((near.p90_seconds - waits.p90_seconds).abs() < 1e-8);
        // A light load rarely waits: the 90th percentile is 0.
        assert_eq!(
            fixed_patience_waits(1.0 / 60.0, 60.0, 10, 2.0).p90_seconds,
            0.0
        );
    }

    #[test]
    fn engset_limits() {
        // 15 lines (ratio 1.5 × 10 agents), p = 0.25, ring 20 s, talk 60 s: β = 0.25/20 · 60.
        let e = engset(15, 10, 0.75);
        assert!(e.time_congestion > e.call_congestion, "{e:?}");
        // With as many servers as sources nothing is lost.
        assert_eq!(engset(5, 5, 2.0).call_congestion, 0.0);
        // Many sources with a small β tend to Erlang B.
        let poisson_like = engset(1_000_000, 10, 8.0 / 1_000_000.0);
        assert!((poisson_like.call_congestion - erlang_b(10, 8.0)).abs() < 1e-5);
    }
}
