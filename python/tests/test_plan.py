"""``plan`` and ``plan_frame``: the object ``cxone-sim plan --json`` prints, from the same code; the
frame's typed columns and its way back to the rows; options and inputs checked with every problem
named."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

import cxone_sim
from cxone_sim import ValidationError, plan, plan_frame, plan_rows
from conftest import REPO, cxone_sim_binary

SEED = REPO / "examples" / "seed_payload.json"
RATIO = REPO / "examples" / "ratio_scenario.json"

# A small grid: two agent counts, three answer rates, four strategies (a bisection among them).
SMALL = {
    "agents": "8..10:2",
    "answer_rate": "0.36..0.40:0.02",
    "strategy": "progressive,predictive:0.02,ratio:1.0..2.0,adaptive:hard",
    "replications": 20,
    "risk": 0.3,
}
FLAGS = [
    "--agents", "8..10:2",
    "--answer-rate", "0.36..0.40:0.02",
    "--strategy", "progressive,predictive:0.02,ratio:1.0..2.0,adaptive:hard",
    "--replications", "20",
    "--risk", "0.3",
]


def cli_plan(path: Path, *flags: str) -> Dict[str, Any]:
    binary = cxone_sim_binary()
    if binary is None:
        pytest.skip("no cxone-sim binary: build it (cargo build) or set CXONE_SIM_BIN")
    done = subprocess.run(
        [str(binary), "plan", str(path), *flags, "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 3), done.stderr
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def seed_plan() -> Dict[str, Any]:
    return plan(SEED, **SMALL)


def test_a_payload_plan_is_the_command_s_json(seed_plan: Dict[str, Any]) -> None:
    assert seed_plan == cli_plan(SEED, *FLAGS)
    assert seed_plan["plan"]["input"] == str(SEED)
    assert len(seed_plan["rows"]) > 12
    row = seed_plan["rows"][0]
    assert set(row) == {"unit", "step", "answer_rate", "agents", "strategy", "scenario", "metrics", "compliance"}
    assert seed_plan["recommendation"] is not None and seed_plan["reason"] is None
    assert seed_plan["recommendation"]["agents"] in (8, 10)


def test_a_scenario_plan_with_the_defaults_is_the_command_s_json() -> None:
    options = {"agents": "10", "replications": 20, "seed": 3}
    with pytest.warns(UserWarning, match="replications"):
        from_python = plan(RATIO, **options)
    assert from_python == cli_plan(RATIO, "--agents", "10", "--replications", "20", "--seed", "3")
    # The defaults the command prints are in the plan, here too.
    flags = {d["flag"] for d in from_python["plan"]["defaults"]}
    assert {"--answer-rate", "--strategy", "--risk", "--regime"} <= flags
    # Too few replications for a 5 % risk: nothing qualifies, and the reason says why.
    assert from_python["recommendation"] is None
    assert "breach risk" in from_python["reason"]


def test_a_dict_input_and_python_ranges_give_the_same_rows(seed_plan: Dict[str, Any]) -> None:
    payload = json.loads(SEED.read_text())
    again = plan(
        payload,
        agents=(8, 10, 2),
        answer_rate=(0.36, 0.40, 0.02),
        strategy=["progressive", "predictive:0.02", "ratio:1.0..2.0", "adaptive:hard"],
        replications=20,
        risk=0.3,
        name=str(SEED),
    )
    assert again == seed_plan


def test_progress_is_reported_and_can_stop_the_plan() -> None:
    seen: List[tuple] = []
    result = plan(SEED, agents="8", answer_rate="0.38", strategy="progressive,ratio:1.5", replications=10, risk=0.3,
                  progress=lambda *p: seen.append(p))
    assert seen[0] == (0, 2, 0)
    assert seen[-1] == (2, 2, len(result["rows"]))
    assert [p[0] for p in seen] == [0, 1, 2]

    def stop(done: int, units: int, rows: int) -> None:
        if done == 1:
            raise KeyboardInterrupt("stopped by the caller")

    with pytest.raises(KeyboardInterrupt, match="stopped by the caller"):
        plan(SEED, agents="8", answer_rate="0.38", strategy="progressive,ratio:1.5,ratio:2.0",
             replications=10, progress=stop)


def test_the_gil_is_released_while_a_plan_runs() -> None:
    ticks = 0
    running = True

    def count() -> None:
        nonlocal ticks
        while running:
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    started = time.perf_counter()
    try:
        plan(SEED, agents="8..12:2", answer_rate="0.36..0.40:0.02", strategy="progressive,ratio:1.5", risk=0.3,
             replications=20)
    finally:
        running = False
        thread.join()
    elapsed = time.perf_counter() - started
    # With the GIL held for the whole plan the counter would stand still.
    assert ticks > elapsed * 100, (ticks, elapsed)


def test_bad_options_name_the_keyword() -> None:
    with pytest.raises(ValidationError) as caught:
        plan(SEED, agents="12..8")
    errors = caught.value.errors()
    assert errors[0]["loc"] == ("agents",) and "inverted" in errors[0]["msg"]
    for options, loc in [
        ({"risk": 1.5}, "risk"),
        ({"strategy": "zigzag"}, "strategy"),
        ({"regime": "mars"}, "regime"),
        ({"risk_basis": "decade"}, "risk_basis"),
        ({"replications": 0}, "replications"),
        ({"answer_rate": {"lo": 1}}, "answer_rate"),
    ]:
        with pytest.raises(ValidationError) as caught:
            plan(SEED, **options)
        assert caught.value.errors()[0]["loc"] == (loc,), (options, caught.value.errors())


def test_an_invalid_payload_lists_every_violation(seed_payload: Dict[str, Any]) -> None:
    seed_payload["answer_rate"] = 1.5
    seed_payload["historical_matrix"][1]["calls_answered"] = 10_000
    with pytest.raises(ValidationError) as caught:
        plan(seed_payload)
    locs = [e["loc"] for e in caught.value.errors()]
    assert ("answer_rate",) in locs
    assert ("historical_matrix", 1, "calls_answered") in locs
    with pytest.raises(ValidationError) as caught:
        plan({"something": "else"})
    assert "neither a payload" in caught.value.errors()[0]["msg"]


def test_plan_frame_has_typed_columns_and_round_trips(seed_plan: Dict[str, Any], pandas: Any) -> None:
    frame = plan_frame(SEED, **SMALL)
    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == len(seed_plan["rows"])
    assert list(frame["row"]) == list(range(len(frame)))
    dtypes = frame.dtypes
    for column in ("row", "unit", "step", "agents", "metrics.dials.n"):
        assert dtypes[column] == "int64", column
    for column in ("answer_rate", "metrics.connects_per_agent_hour.mean", "metrics.occupancy.ci95.1",
                   "compliance.fcc.windows_over_limit.share", "strategy.level"):
        assert dtypes[column] == "float64", column
    assert dtypes["strategy.mode"] == "string"
    # Only ratio rows have a level; the others are missing, not 0.
    ratio = frame["strategy.mode"] == "ratio"
    assert frame.loc[ratio, "strategy.level"].notna().all()
    assert frame.loc[~ratio, "strategy.level"].isna().all()
    assert frame.attrs["recommendation"] == seed_plan["recommendation"]
    assert plan_rows(frame) == seed_plan["rows"]
    # A frame is for analysis: the best rows by connects per agent hour.
    best = frame.sort_values("metrics.connects_per_agent_hour.mean", ascending=False).iloc[0]
    assert best["metrics.connects_per_agent_hour.mean"] == max(
        r["metrics"]["connects_per_agent_hour"]["mean"] for r in seed_plan["rows"]
    )


def test_plan_frame_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install pandas"):
        cxone_sim.plan_frame(SEED, agents="8", replications=10)
