"""cxone_sim: what a predictive dialer does at a given answer rate, from Python.

The seed tutorial's API — ``PredictiveSimulationPayload``, ``HistoricalCallMatrix``,
``CXoneAuthManager``, ``CXoneSimulationClient``, ``validate_simulation_variance``,
``sync_workforce_planner``, ``SimulationAuditLogger``, ``CXoneAnswerSimulator`` — over the Rust
engine, CXone client and emulator. Simulations run locally, in process, unless ``backend="cxone"``
or ``CXONE_BACKEND=cxone``; then they go to a CXone-compatible server.

>>> from cxone_sim import CXoneAnswerSimulator, PredictiveSimulationPayload, HistoricalCallMatrix
>>> payload = PredictiveSimulationPayload(
...     campaign_id="spring-renewals", answer_rate=0.38, agent_efficiency=0.82,
...     max_simulation_window_minutes=120, compliance_threshold_variance=0.10,
...     historical_matrix=[HistoricalCallMatrix(time_bucket="09:00-10:00", calls_attempted=500,
...                                             calls_answered=190, avg_talk_time_seconds=145)])
>>> result = CXoneAnswerSimulator("org", "id", "secret").run_simulation(payload)
>>> result["status"]
'SUCCESS'

Beyond the seed: :func:`simulate` runs the engine on a scenario or payload dict; :func:`plan` and
:func:`plan_frame` (pandas) sweep strategies, agents and answer rates and recommend a setting, as
``cxone-sim plan`` does; :func:`import_history` turns CXone or Genesys exports (or a CSV) into a
historical matrix, as ``cxone-sim history import`` does.
"""

from ._errors import ComplianceError, CXoneError, ValidationError
from ._native import __version__
from .client import CXoneAuthManager, CXoneSimulationClient
from .engine import simulate
from .history import import_history
from .models import HistoricalCallMatrix, PredictiveSimulationPayload
from .planning import plan, plan_frame, plan_rows
from .pipeline import (
    CXoneAnswerSimulator,
    SimulationAuditLogger,
    sync_workforce_planner,
    validate_simulation_variance,
)

__all__ = [
    "__version__",
    "ComplianceError",
    "CXoneAnswerSimulator",
    "CXoneAuthManager",
    "CXoneError",
    "CXoneSimulationClient",
    "HistoricalCallMatrix",
    "PredictiveSimulationPayload",
    "SimulationAuditLogger",
    "ValidationError",
    "import_history",
    "plan",
    "plan_frame",
    "plan_rows",
    "simulate",
    "sync_workforce_planner",
    "validate_simulation_variance",
]
