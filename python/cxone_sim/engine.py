"""``simulate``: the dialer engine on a scenario or a payload, from Python.

The engine is a discrete-event simulator of a predictive dialer (DESIGN §5): replications run in
parallel, each from its own random stream of one seed, so a result is the same on every machine.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Union

from . import _native
from .models import PredictiveSimulationPayload

__all__ = ["simulate"]


def simulate(
    scenario: Union[Mapping[str, Any], PredictiveSimulationPayload],
    *,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]:
    """Runs the engine and returns its report, the object ``cxone-sim simulate --json`` prints:
    ``{"replications", "seed", "metrics": {name: {"mean", "ci95": [lo, hi], "n"}}, "compliance":
    {regime: {"limit", "period", "rate", "share_over_limit", "windows_over_limit", ...}},
    "buckets": [...]}``.

    ``scenario`` is an engine scenario (a dict in the scenario file's shape, DESIGN §5.6: ``agents``,
    ``dialer``, ``window_minutes``, distributions…) or a payload (a
    :class:`PredictiveSimulationPayload` or a dict with a ``historical_matrix``), mapped to a
    scenario as the emulator maps it. ``replications`` and ``seed`` override the scenario's.

    The GIL is released while the engine runs. Raises :class:`cxone_sim.ValidationError` listing
    every violation of the scenario.

    >>> report = simulate({"agents": 10, "window_minutes": 120, "dialer": {"mode": "progressive"},
    ...                    "live_answer_probability": 0.25, "talk_seconds": {"dist": "exp", "mean": 150},
    ...                    "ring_seconds": {"live": {"dist": "fixed", "mean": 8},
    ...                                     "other": {"dist": "fixed", "mean": 20}}},
    ...                   replications=4, seed=7)
    >>> report["metrics"]["abandoned"]["mean"]
    0.0
    """
    document = scenario.model_dump() if isinstance(scenario, PredictiveSimulationPayload) else dict(scenario)
    report: Dict[str, Any] = json.loads(_native.simulate(json.dumps(document), replications, seed))
    return report
