#!/usr/bin/env python3
"""SimPy peer of the dialer engine's reference scenario (VICIdial RATIO pacing).

The model is the one of DESIGN.md section 5 restricted to the reference scenario:

* ``agents`` agents, efficiency 1.0 (never paused), wrap 0: an agent is Ready or Talking.
  The agents are a ``simpy.Resource``; its FIFO request queue is the queue of live answers.
* RATIO pacing (Appendix A): ``goal = round(level * agents)`` lines in use, where a line is in use
  while its call is dialling/ringing, waiting for an agent or talking. Pacing runs after every state
  change and starts ``goal - lines_in_use`` new dials.
* A dial is a live answer with probability ``p`` (ring time uniform 1.6-14.4 s), otherwise it ends
  unanswered after a ring of uniform 10-30 s.
* A live answer takes a Ready agent at once, or waits at most ``patience`` seconds (fixed) in the
  FIFO; one that gets no agent in that time is abandoned.
* Talk time is lognormal with mean 120 s and coefficient of variation 0.8.

Counters: ``dials`` when a dial starts; a live answer is counted when it is resolved (connected or
abandoned), so ``live_answers == connected + abandoned`` holds at the end (live answers still
waiting when the window closes are reported as ``waiting_at_end``). ``occupancy`` is agent talk
time inside the window over agent time (agents x window).

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import sys
import time

import simpy


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the normal underlying a lognormal with this mean and coefficient of variation."""
    sigma2 = math.log1p(cv * cv)
    return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)


def round_half_away(x: float) -> int:
    """Rounding as Rust's f64::round (half away from zero), not Python's banker's rounding."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


class RatioDialer:
    """The dialer, its agents and its streaming counters."""

    def __init__(self, env: simpy.Environment, args: argparse.Namespace) -> None:
        self.env = env
        self.rng = random.Random(args.seed)
        self.agents = simpy.Resource(env, capacity=args.agents)
        self.goal = round_half_away(args.level * args.agents)
        self.max_lines = args.max_lines if args.max_lines > 0 else None
        self.p = args.p
        self.patience = args.patience
        self.live_ring = (args.live_ring_min, args.live_ring_max)
        self.other_ring = (args.other_ring_min, args.other_ring_max)
        self.talk_mu, self.talk_sigma = lognormal_params(args.talk_mean, args.talk_cv)
        self.end = args.minutes * 60.0

        self.lines_in_use = 0
        self.peak_lines = 0
        self.dials = 0
        self.connected = 0
        self.abandoned = 0
        self.talk_seconds = 0.0

    # Pacing (VICIdial RATIO), run after every state change.
    def pace(self) -> None:
        want = self.goal - self.lines_in_use
        if self.max_lines is not None:
            want = min(want, self.max_lines - self.lines_in_use)
        for _ in range(want):
            self.lines_in_use += 1
            self.dials += 1
            self.env.process(self.call())
        if self.lines_in_use > self.peak_lines:
            self.peak_lines = self.lines_in_use

    def line_free(self) -> None:
        self.lines_in_use -= 1
        self.pace()

    # One dial attempt, from dialling to hang-up.
    def call(self):
        env, rng = self.env, self.rng
        if rng.random() >= self.p:
            yield env.timeout(rng.uniform(*self.other_ring))
            self.line_free()
            return

        yield env.timeout(rng.uniform(*self.live_ring))
        req = self.agents.request()
        if not req.triggered:
            # No Ready agent: wait in the FIFO for at most the patience.
            if self.patience > 0:
                outcome = yield req | env.timeout(self.patience)
                got_agent = req in outcome
            else:
                got_agent = False
            if not got_agent:
                req.cancel()
                self.abandoned += 1
                self.line_free()
                return
            # Connected from the queue: the line stays in use, so no pacing is due.
        else:
            yield req

        self.connected += 1
        talk = rng.lognormvariate(self.talk_mu, self.talk_sigma)
        self.talk_seconds += max(0.0, min(talk, self.end - env.now))
        yield env.timeout(talk)
        self.agents.release(req)
        self.line_free()


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=240.0, help="simulated window (minutes)")
    ap.add_argument("--agents", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--level", type=float, default=1.2, help="RATIO dial level")
    ap.add_argument("--p", type=float, default=0.3, help="live-answer probability")
    ap.add_argument("--patience", type=float, default=2.0, help="fixed patience (s)")
    ap.add_argument("--max-lines", type=int, default=0, help="cap on lines in use (0 = none)")
    ap.add_argument("--live-ring-min", type=float, default=1.6)
    ap.add_argument("--live-ring-max", type=float, default=14.4)
    ap.add_argument("--other-ring-min", type=float, default=10.0)
    ap.add_argument("--other-ring-max", type=float, default=30.0)
    ap.add_argument("--talk-mean", type=float, default=120.0)
    ap.add_argument("--talk-cv", type=float, default=0.8)
    args = ap.parse_args(argv)
    if args.minutes <= 0 or args.agents <= 0:
        ap.error("--minutes and --agents must be positive")
    if not 0.0 <= args.p <= 1.0:
        ap.error("--p must be in [0, 1]")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    env = simpy.Environment()
    dialer = RatioDialer(env, args)

    start = time.perf_counter()
    dialer.pace()
    env.run(until=dialer.end)
    seconds = time.perf_counter() - start

    live_answers = dialer.connected + dialer.abandoned
    waiting_at_end = len(dialer.agents.queue)
    occupancy = dialer.talk_seconds / (args.agents * dialer.end)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux

    out = {
        "engine": "simpy",
        "simpy_version": simpy.__version__,
        "agents": args.agents,
        "minutes": args.minutes,
        "seed": args.seed,
        "level": args.level,
        "dials": dialer.dials,
        "live_answers": live_answers,
        "connected": dialer.connected,
        "abandoned": dialer.abandoned,
        "waiting_at_end": waiting_at_end,
        "answer_rate": live_answers / dialer.dials if dialer.dials else 0.0,
        "abandon_rate": dialer.abandoned / live_answers if live_answers else 0.0,
        "occupancy": occupancy,
        "peak_lines": dialer.peak_lines,
        "seconds": seconds,
        "dials_per_second": dialer.dials / seconds if seconds > 0 else 0.0,
        "peak_rss_mb": round(peak_rss_mb, 1),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
