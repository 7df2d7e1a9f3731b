"""The seed's pipeline: ``validate_simulation_variance``, ``sync_workforce_planner``,
``SimulationAuditLogger`` and ``CXoneAnswerSimulator``, which runs them in order (validate → simulate
with probability adjustments → variance check → webhook when compliant → audit, always), as
``cxone-sim run`` does.

The variance check, the webhook delivery (Standard Webhooks signatures, retries) and the audit line
(one locked, flushed append per run) are the Rust crates' code, so a run from Python and a run from
the command line compute, notify and record the same things.

The order itself is kept here as well as in ``crates/cli/src/pipeline.rs``, on purpose: in the seed,
``CXoneAnswerSimulator`` composes public objects — ``self.client`` (a
:class:`CXoneSimulationClient`), ``self.audit_logger`` (a :class:`SimulationAuditLogger`),
:func:`validate_simulation_variance` and :func:`sync_workforce_planner` — that its readers replace
or wrap (a client with its own token handling, a logger writing elsewhere). One native call running
the whole pipeline would bypass them. So Python owns the sequence of five calls and nothing else;
every step it calls is the Rust step the command runs.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _native
from ._errors import ComplianceError, CXoneError, ValidationError
from .client import CXoneAuthManager, CXoneSimulationClient
from .models import HistoricalCallMatrix, PredictiveSimulationPayload, payload_of

__all__ = [
    "validate_simulation_variance",
    "sync_workforce_planner",
    "SimulationAuditLogger",
    "CXoneAnswerSimulator",
]

logger = logging.getLogger("cxone_sim")

Bucket = Union[HistoricalCallMatrix, Mapping[str, Any]]


def _bucket_dicts(historical_matrix: Iterable[Bucket]) -> List[Dict[str, Any]]:
    return [
        b.model_dump() if isinstance(b, HistoricalCallMatrix) else HistoricalCallMatrix(**b).model_dump()
        for b in historical_matrix
    ]


def validate_simulation_variance(
    simulated_answer_rate: float,
    historical_matrix: Iterable[Bucket],
    compliance_threshold: float,
) -> Dict[str, Any]:
    """The seed's variance check: the relative deviation of ``simulated_answer_rate`` from the
    unweighted mean answer rate of the history buckets with attempts.

    Returns ``{"simulated_rate", "historical_mean_rate", "variance", "compliance_threshold",
    "is_compliant", "variance_status"}`` (``"PASS"`` or ``"FAIL"``). Raises ``ValueError`` when no
    bucket has attempts (or none has answers: a deviation from 0 is undefined).
    """
    history = json.dumps(_bucket_dicts(historical_matrix))
    result: Dict[str, Any] = json.loads(
        _native.variance(float(simulated_answer_rate), history, float(compliance_threshold))
    )
    return result


def sync_workforce_planner(
    callback_url: str,
    campaign_id: str,
    variance_result: Mapping[str, Any],
    headers: Optional[Mapping[str, str]] = None,
    *,
    secret: Optional[str] = None,
) -> Dict[str, Any]:
    """Notifies the workforce planner at ``callback_url``: ``POST {"eventType":
    "SIMULATION_COMPLETED", "campaignId", "varianceAnalysis", "timestamp"}``.

    Failures are retried (3 attempts), then logged; they never raise, as in the seed. Returns what
    happened: ``{"status": "delivered"|"failed", "attempts", "http_status"?, "error"?}``.

    ``headers`` may carry the planner's own ``Authorization: Bearer …``; no other header is sent.
    With ``secret`` (a ``whsec_…`` Standard Webhooks secret, or any string) requests carry
    ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``. The CXone access token is never
    sent to the planner.
    """
    bearer = None
    for name, value in (headers or {}).items():
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            bearer = value[len("bearer "):].strip()
        elif name.lower() != "content-type":
            raise ValidationError(
                "sync_workforce_planner",
                [
                    {
                        "loc": ("headers", name),
                        "msg": "only an Authorization bearer header can be sent to the planner",
                        "type": "value_error",
                        "input": value,
                    }
                ],
            )
    record = json.loads(
        _native.deliver_webhook(callback_url, campaign_id, json.dumps(dict(variance_result)), secret, bearer)
    )
    if record["status"] == "delivered":
        logger.info("Workforce planner synchronized successfully")
    else:
        logger.error("Callback synchronization failed: %s", record.get("error"))
    return dict(record)


class SimulationAuditLogger:
    """Appends one JSON line per run to ``log_file`` (default ``CXONE_AUDIT_LOG``, else
    ``simulation_audit.log``): the seed's fields (``timestamp``, ``campaign_id``, ``payload_snapshot``,
    ``response_status``, ``latency_ms``, ``variance_analysis``, ``model_accuracy_rate``) and the
    product's (``run_id``, ``backend``, ``outcome``, ``attempts``, ``adjustments``, ``abandon_rate``,
    ``webhook``, ``error``). Each line is written with one locked, flushed append, so concurrent
    writers never interleave. No secret or token is ever written.
    """

    def __init__(self, log_file: Optional[str] = None) -> None:
        self.log_file = log_file or os.environ.get("CXONE_AUDIT_LOG") or "simulation_audit.log"

    def record(
        self,
        campaign_id: Optional[str],
        payload: Optional[PredictiveSimulationPayload],
        response_data: Optional[Mapping[str, Any]],
        latency_ms: float,
        variance_result: Optional[Mapping[str, Any]],
        *,
        outcome: str = "SUCCESS",
        backend: str = "local",
        run_id: Optional[str] = None,
        attempts: int = 0,
        adjustments: int = 0,
        webhook: Optional[Mapping[str, Any]] = None,
        error: Optional[str] = None,
    ) -> None:
        """Appends the line for one run. Raises ``OSError`` when the file cannot be written."""
        snapshot = None
        if payload is not None:
            snapshot = (payload.answer_rate, payload.agent_efficiency, payload.max_simulation_window_minutes)
        _native.append_audit(
            self.log_file,
            run_id or str(uuid.uuid4()),
            backend,
            outcome,
            campaign_id,
            snapshot,
            None if response_data is None else json.dumps(dict(response_data)),
            float(latency_ms),
            None if variance_result is None else json.dumps(dict(variance_result)),
            attempts,
            adjustments,
            None if webhook is None else json.dumps(dict(webhook)),
            error,
        )
        logger.info("Audit log recorded for campaign %s", campaign_id)


class CXoneAnswerSimulator:
    """The seed's unified simulator: ``run_simulation(payload)`` validates, simulates (adjusting the
    answer rate down by 0.02 when abandonment would pass 3 %, at most ``max_adjustments`` times),
    checks the variance against history, notifies the workforce planner when compliant and records
    the run in the audit log, whatever its outcome.

    The backend is local (the engine in process: no network, no credentials needed) unless
    ``backend="cxone"`` or ``CXONE_BACKEND=cxone``. ``seed`` and ``replications`` fix the local run;
    ``audit_log`` overrides ``CXONE_AUDIT_LOG``. The planner's signing secret and bearer come from
    ``WORKFORCE_CALLBACK_SECRET`` and ``WORKFORCE_CALLBACK_TOKEN`` unless given.
    """

    def __init__(
        self,
        org_id: str,
        client_id: str,
        client_secret: str,
        workforce_callback_url: str = "",
        *,
        backend: Optional[str] = None,
        seed: Optional[int] = None,
        replications: Optional[int] = None,
        max_adjustments: int = 1,
        audit_log: Optional[str] = None,
        callback_secret: Optional[str] = None,
        callback_token: Optional[str] = None,
    ) -> None:
        self.auth = CXoneAuthManager(
            org_id, client_id, client_secret, backend=backend, seed=seed, replications=replications
        )
        self.client = CXoneSimulationClient(self.auth, max_adjustments=max_adjustments)
        self.audit_logger = SimulationAuditLogger(audit_log)
        self.callback_url = workforce_callback_url
        self.callback_secret = callback_secret or os.environ.get("WORKFORCE_CALLBACK_SECRET") or None
        self.callback_token = callback_token or os.environ.get("WORKFORCE_CALLBACK_TOKEN") or None

    @property
    def backend(self) -> str:
        """``local`` or ``cxone``."""
        return self.auth.backend

    def run_simulation(
        self, payload: Union[PredictiveSimulationPayload, Mapping[str, Any]]
    ) -> Dict[str, Any]:
        """Runs the whole pipeline on ``payload`` and returns the seed's result dict:
        ``{"status": "SUCCESS", "simulation_result": {…}, "variance_analysis": {…}, "latency_ms": …}``
        plus ``backend``, ``run_id``, ``campaign_id``, ``attempts``, ``adjustments``,
        ``answer_rate_requested`` and ``webhook`` — the object ``cxone-sim run --json`` prints. It is
        JSON-serialisable.

        Raises :class:`ValidationError` for an invalid payload (every violation),
        :class:`ComplianceError` (a ``ValueError``, as in the seed) when the variance is over its
        threshold or abandonment stays over the limit after the adjustments — its ``result`` is the
        ``"REJECTED"`` dict — and :class:`CXoneError` when the server cannot be used.
        """
        result: Dict[str, Any] = {
            "status": "SUCCESS",
            "backend": self.backend,
            "simulation_result": None,
            "variance_analysis": None,
            "latency_ms": 0.0,
            "run_id": str(uuid.uuid4()),
            "campaign_id": None,
            "attempts": 0,
            "adjustments": 0,
            "answer_rate_requested": None,
            "webhook": None,
        }
        checked: Optional[PredictiveSimulationPayload] = None
        try:
            if isinstance(payload, PredictiveSimulationPayload):
                result["campaign_id"] = payload.campaign_id
            elif isinstance(payload, Mapping):
                result["campaign_id"] = payload.get("campaign_id")
            checked = payload_of(payload)
            started = time.perf_counter()
            try:
                response = self.client.submit_simulation(checked)
            finally:
                result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
                result.update(self.client.last_submission)
            result["simulation_result"] = response
            simulated_rate = response.get("predictiveDialerSettings", {}).get(
                "answerRate", checked.answer_rate
            )
            variance = validate_simulation_variance(
                simulated_rate, checked.historical_matrix, checked.compliance_threshold_variance
            )
            result["variance_analysis"] = variance
            if not variance["is_compliant"]:
                logger.warning("Variance threshold exceeded. Simulation rejected for compliance safety.")
                raise ComplianceError(
                    f"Variance {variance['variance']:.4f} exceeds threshold "
                    f"{checked.compliance_threshold_variance}: the simulated answer rate "
                    f"{variance['simulated_rate']:.4f} is too far from the historical mean "
                    f"{variance['historical_mean_rate']:.4f}",
                    result,
                )
            if self.callback_url:
                headers = {"Authorization": f"Bearer {self.callback_token}"} if self.callback_token else None
                result["webhook"] = sync_workforce_planner(
                    self.callback_url, checked.campaign_id, variance, headers, secret=self.callback_secret
                )
        except ComplianceError as e:
            result["status"] = "REJECTED"
            result["error"] = str(e)
            self._audit(checked, result)
            raise
        except CXoneError as e:
            if e.kind == "adjustments_exhausted":
                result["status"] = "REJECTED"
                result["error"] = str(e)
                self._audit(checked, result)
                raise ComplianceError(str(e), result) from e
            result["status"] = "FAILED"
            result["error"] = str(e)
            logger.error("CXone API error: %s", e)
            self._audit(checked, result)
            raise
        except ValidationError as e:
            result["status"] = "FAILED"
            result["error"] = str(e)
            logger.error("Schema validation failed: %s", e.errors())
            self._audit(checked, result)
            raise
        self._audit(checked, result)
        return result

    def _audit(self, payload: Optional[PredictiveSimulationPayload], result: Dict[str, Any]) -> None:
        self.audit_logger.record(
            result["campaign_id"],
            payload,
            result["simulation_result"],
            result["latency_ms"],
            result["variance_analysis"],
            outcome=result["status"],
            backend=result["backend"],
            run_id=result["run_id"],
            attempts=result["attempts"],
            adjustments=result["adjustments"],
            webhook=result["webhook"],
            error=result.get("error"),
        )
