"""``simulate``: the engine on a scenario or a payload, deterministic for a seed, with its scenario
checks, and with the GIL released while it runs."""

from __future__ import annotations

import json
import threading
import time

import pytest

import cxone_sim
from cxone_sim import PredictiveSimulationPayload, ValidationError, simulate
from conftest import REPO

RATIO = json.loads((REPO / "examples" / "ratio_scenario.json").read_text())
PROGRESSIVE = {
    "agents": 10,
    "window_minutes": 120,
    "warmup_minutes": 15,
    "dialer": {"mode": "progressive"},
    "live_answer_probability": 0.25,
    "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
    "talk_seconds": {"dist": "exp", "mean": 150},
    "replications": 4,
    "seed": 7,
}


def test_a_scenario_gives_the_engine_report() -> None:
    report = simulate(PROGRESSIVE)
    assert report["replications"] == 4 and report["seed"] == 7
    metrics = report["metrics"]
    # Progressive dialling holds an agent for every call: nothing is abandoned.
    assert metrics["abandoned"]["mean"] == 0.0
    assert 0.5 < metrics["occupancy"]["mean"] < 1.0
    lo, hi = metrics["occupancy"]["ci95"]
    assert lo <= metrics["occupancy"]["mean"] <= hi
    assert len(report["buckets"]) == 2
    # The compliance object (DESIGN §8): progressive dialling never breaches.
    fcc = report["compliance"]["fcc"]
    assert fcc["limit"] == 0.03 and fcc["rate"]["mean"] == 0.0
    assert fcc["windows_over_limit"]["share"] == 0.0 and fcc["windows_over_limit"]["n"] == 4
    json.dumps(report)


def test_the_same_seed_gives_the_same_report_and_another_seed_another() -> None:
    first = simulate(PROGRESSIVE, replications=3, seed=11)
    assert simulate(PROGRESSIVE, replications=3, seed=11) == first
    assert first["replications"] == 3 and first["seed"] == 11
    assert simulate(PROGRESSIVE, replications=3, seed=12)["metrics"] != first["metrics"]


def test_a_payload_is_mapped_as_the_emulator_maps_it(seed_payload) -> None:
    from_dict = simulate(seed_payload, replications=2)
    from_model = simulate(PredictiveSimulationPayload(**seed_payload), replications=2)
    assert from_dict == from_model
    assert abs(from_dict["metrics"]["answer_rate"]["mean"] - 0.38) < 0.05
    # The 120-minute window covers the first two hours of history.
    assert len(from_dict["buckets"]) == 2


def test_scenario_violations_are_all_reported() -> None:
    bad = {**PROGRESSIVE, "agents": 0, "live_answer_probability": 1.5}
    with pytest.raises(ValidationError) as caught:
        simulate(bad)
    locs = [e["loc"] for e in caught.value.errors()]
    assert ("agents",) in locs and ("live_answer_probability",) in locs
    with pytest.raises(ValidationError) as caught:
        simulate({**PROGRESSIVE, "agentz": 3})
    assert caught.value.errors()[0]["type"] == "extra_forbidden"
    no_talk = {k: v for k, v in PROGRESSIVE.items() if k != "talk_seconds"}
    with pytest.raises(ValidationError) as caught:
        simulate(no_talk)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("talk_seconds",), "missing")]
    assert "line 1" not in caught.value.errors()[0]["msg"]
    with pytest.raises(ValidationError, match="neither a payload"):
        simulate({"hello": 1})
    with pytest.raises(ValidationError):
        simulate(PROGRESSIVE, replications=0)


def test_two_simulations_in_two_threads_run_at_the_same_time() -> None:
    # Long enough that each call spans many thread switches; the assertions do not depend on speed.
    scenario = {**RATIO, "window_minutes": 4320, "replications": 8}
    spans = {}
    ticks = []
    go = threading.Barrier(3)

    def run(name: str) -> None:
        go.wait()
        started = time.monotonic()
        simulate(scenario, seed=1)
        spans[name] = (started, time.monotonic())

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    go.wait()
    # The main thread keeps running Python while both simulations run: it could not if either held
    # the GIL.
    while any(t.is_alive() for t in threads):
        ticks.append(time.monotonic())
        time.sleep(0.001)
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    assert max(a0, b0) < min(a1, b1), "the two simulations did not overlap"
    start, end = max(a0, b0), min(a1, b1)
    third = (end - start) / 3
    middle = [t for t in ticks if start + third < t < end - third]
    assert middle, f"no Python ran in the middle of the simulations (spans {spans}, {len(ticks)} ticks): the GIL was held"


def test_the_package_names_its_version() -> None:
    assert cxone_sim.__version__.count(".") == 2
