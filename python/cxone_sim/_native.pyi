"""Type stubs of the native module ``cxone_sim._native`` (the Rust half of the package).

Documents and results cross as JSON text; the Python modules decode them.
"""

from typing import Callable, List, Optional, Tuple

__version__: str

def validate_payload(payload: str) -> List[Tuple[str, str, str]]:
    """Every violation of a payload (JSON text): (field path, message, error type)."""

def simulate_request(payload: str) -> str:
    """The simulate request body (JSON text) the seed sends for a valid payload."""

def variance(simulated_rate: float, history: str, threshold: float) -> str:
    """The seed's variance check (JSON text of its dict); raises ValueError without attempts."""

def simulate(document: str, replications: Optional[int] = None, seed: Optional[int] = None) -> str:
    """The engine's report (JSON text) for a payload or a scenario (JSON text); releases the GIL."""

def plan(
    document: str,
    name: str,
    answer_rate: Optional[str] = None,
    agents: Optional[str] = None,
    strategy: Optional[str] = None,
    regime: Optional[str] = None,
    risk: Optional[float] = None,
    risk_basis: Optional[str] = None,
    target_connects_per_hour: Optional[float] = None,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    progress: Optional[Callable[[int, int, int], object]] = None,
) -> str:
    """The ``cxone-sim plan --json`` document (JSON text) for a payload or scenario (JSON text);
    ``progress(units_done, units, rows)`` after each unit; releases the GIL."""

def import_history(
    source: str,
    paths: List[str],
    skills: List[str],
    campaign: Optional[str],
    answered: str,
    tz: str,
    bucket_minutes: Optional[int],
    columns: List[Tuple[str, str]],
) -> str:
    """``{"historical_matrix", "source"}`` (JSON text) of the exports, as ``history import --json``."""

def deliver_webhook(
    url: str, campaign_id: str, variance: str, secret: Optional[str] = None, bearer: Optional[str] = None
) -> str:
    """Posts SIMULATION_COMPLETED to the planner; returns the delivery record (JSON text)."""

def append_audit(
    path: str,
    run_id: str,
    backend: str,
    outcome_name: str,
    campaign_id: Optional[str],
    snapshot: Optional[Tuple[float, float, int]],
    response: Optional[str],
    latency_ms: float,
    variance: Optional[str],
    attempts: int,
    adjustments: int,
    webhook: Optional[str],
    error: Optional[str],
) -> None:
    """Appends one run's line to the audit log."""

class Backend:
    """Where simulations run: the engine in process, or a CXone-compatible server."""

    @staticmethod
    def local(seed: Optional[int] = None, replications: Optional[int] = None) -> "Backend": ...
    @staticmethod
    def cxone(base_url: str, token_url: str, client_id: str, client_secret: str) -> "Backend": ...
    @property
    def name(self) -> str: ...
    def access_token(self) -> Optional[str]: ...
    def token_fetches(self) -> int: ...
    def simulate(self, campaign_id: str, request: str, max_adjustments: int = 1) -> str:
        """``{"response", "attempts", "adjustments", "answer_rate_requested"}`` as JSON text."""
