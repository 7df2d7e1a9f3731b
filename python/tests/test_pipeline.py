"""``CXoneAnswerSimulator.run_simulation`` on the local backend: the seed's result, a rejected run,
the audit line of every outcome, and the workforce-planner webhook against a real server on
127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest

from cxone_sim import (
    ComplianceError,
    CXoneAnswerSimulator,
    CXoneAuthManager,
    CXoneError,
    SimulationAuditLogger,
    ValidationError,
    sync_workforce_planner,
    validate_simulation_variance,
)


def audit_lines(path: Path) -> List[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_run_returns_the_seed_result_and_is_json(seed_payload, tmp_path: Path) -> None:
    simulator = CXoneAnswerSimulator("org", "id", "secret", replications=4, seed=1)
    result = simulator.run_simulation(seed_payload)
    assert json.loads(json.dumps(result)) == result
    assert result["status"] == "SUCCESS" and result["backend"] == "local"
    assert result["attempts"] == 1 and result["adjustments"] == 0
    assert result["answer_rate_requested"] == 0.38
    assert result["webhook"] is None
    simulated = result["simulation_result"]["predictiveDialerSettings"]["answerRate"]
    assert result["variance_analysis"] == validate_simulation_variance(
        simulated, seed_payload["historical_matrix"], 0.10
    )
    assert result["simulation_result"]["metrics"]["dials"]["n"] == 4
    # A fixed seed gives the same simulation again.
    again = simulator.run_simulation(seed_payload)
    assert again["simulation_result"]["metrics"] == result["simulation_result"]["metrics"]
    assert again["run_id"] != result["run_id"]
    assert [e["outcome"] for e in audit_lines(tmp_path / "simulation_audit.log")] == ["SUCCESS", "SUCCESS"]


def test_a_variance_over_threshold_is_rejected_and_recorded(seed_payload, tmp_path: Path) -> None:
    log = tmp_path / "audit" / "runs.jsonl"
    log.parent.mkdir()
    simulator = CXoneAnswerSimulator("org", "id", "secret", replications=2, audit_log=str(log))
    with pytest.raises(ComplianceError) as caught:
        simulator.run_simulation({**seed_payload, "answer_rate": 0.6})
    assert isinstance(caught.value, ValueError)
    result = caught.value.result
    assert result["status"] == "REJECTED"
    assert result["variance_analysis"]["variance_status"] == "FAIL"
    assert "exceeds threshold" in result["error"]
    (entry,) = audit_lines(log)
    assert entry["outcome"] == "REJECTED" and entry["error"] == result["error"]
    assert entry["variance_analysis"] == result["variance_analysis"]
    assert entry["abandon_rate"] == result["simulation_result"]["metrics"]["compliance_abandon_rate"]["mean"]


def test_an_invalid_payload_fails_and_is_recorded(seed_payload, tmp_path: Path) -> None:
    simulator = CXoneAnswerSimulator("org", "id", "secret")
    with pytest.raises(ValidationError):
        simulator.run_simulation({**seed_payload, "answer_rate": 3.0, "campaign_id": "ok-id"})
    (entry,) = audit_lines(tmp_path / "simulation_audit.log")
    assert entry["outcome"] == "FAILED"
    assert entry["campaign_id"] == "ok-id"
    assert entry["response_status"] == "UNKNOWN" and entry["payload_snapshot"] is None
    assert "answer_rate" in entry["error"]


def test_the_audit_log_comes_from_the_environment(seed_payload, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CXONE_AUDIT_LOG", str(tmp_path / "env.log"))
    CXoneAnswerSimulator("org", "id", "secret", replications=2).run_simulation(seed_payload)
    assert len(audit_lines(tmp_path / "env.log")) == 1
    assert not (tmp_path / "simulation_audit.log").exists()


def test_the_audit_logger_keeps_the_seed_signature(seed_payload, tmp_path: Path) -> None:
    from cxone_sim import PredictiveSimulationPayload

    payload = PredictiveSimulationPayload(**seed_payload)
    SimulationAuditLogger().record("c-1", payload, {"status": "COMPLETED", "predictedAccuracy": 0.9,
                                                    "campaignId": "c-1", "simulationId": "s",
                                                    "predictiveDialerSettings": {"answerRate": 0.37},
                                                    "simulationWindowMinutes": 120, "metrics": {}},
                                   12.5, None)
    (entry,) = audit_lines(tmp_path / "simulation_audit.log")
    assert entry["response_status"] == "COMPLETED" and entry["model_accuracy_rate"] == 0.9
    assert entry["latency_ms"] == 12.5 and entry["outcome"] == "SUCCESS"
    assert entry["timestamp"].endswith("Z")


def test_the_local_backend_has_no_token_and_bad_settings_are_named(monkeypatch) -> None:
    with pytest.raises(CXoneError, match="no access token"):
        CXoneAuthManager("org", "id", "secret").get_access_token()
    monkeypatch.setenv("CXONE_BACKEND", "cloud")
    with pytest.raises(ValidationError) as caught:
        CXoneAnswerSimulator("org", "id", "secret")
    assert caught.value.errors()[0]["loc"] == ("CXONE_BACKEND",)
    with pytest.raises(ValidationError) as caught:
        CXoneAuthManager("org", "id", "secret", backend="cxone", base_url="http://example.com")
    assert caught.value.errors()[0]["loc"] == ("base_url",)
    with pytest.raises(ValidationError) as caught:
        CXoneAnswerSimulator("org", "id", "secret", backend="local", replications=0)
    assert caught.value.errors()[0]["loc"] == ("replications",)


class Planner(BaseHTTPRequestHandler):
    """A workforce planner that records what it receives and answers with ``status``."""

    received: List[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"headers": dict(self.headers), "body": body})
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def planner() -> Iterator[type]:
    handler = type("PlannerHandler", (Planner,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{server.server_port}/hooks/simulation"
    yield handler
    server.shutdown()


def test_a_compliant_run_notifies_the_planner_signed_and_without_the_cxone_token(
    seed_payload, planner, monkeypatch, tmp_path: Path
) -> None:
    secret = "whsec_" + base64.b64encode(b"planner-key").decode()
    monkeypatch.setenv("WORKFORCE_CALLBACK_SECRET", secret)
    monkeypatch.setenv("WORKFORCE_CALLBACK_TOKEN", "planner-token")
    simulator = CXoneAnswerSimulator("org", "id", "secret", planner.url, replications=2)
    result = simulator.run_simulation(seed_payload)
    assert result["webhook"] == {"status": "delivered", "attempts": 1, "http_status": 200}
    (request,) = planner.received
    event = json.loads(request["body"])
    assert event["eventType"] == "SIMULATION_COMPLETED"
    assert event["campaignId"] == seed_payload["campaign_id"]
    assert event["varianceAnalysis"] == result["variance_analysis"]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["authorization"] == "Bearer planner-token"
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    expected = base64.b64encode(hmac.new(b"planner-key", signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    (entry,) = audit_lines(tmp_path / "simulation_audit.log")
    assert entry["webhook"]["status"] == "delivered"


def test_a_failed_delivery_is_retried_then_recorded_without_failing(planner) -> None:
    planner.status = 503
    record = sync_workforce_planner(planner.url, "c-1", {"simulated_rate": 0.37, "historical_mean_rate": 0.38,
                                                        "variance": 0.02, "compliance_threshold": 0.1,
                                                        "is_compliant": True, "variance_status": "PASS"}, {})
    assert record["status"] == "failed" and record["http_status"] == 503
    assert record["attempts"] == len(planner.received) == 3


def test_the_planner_gets_only_its_own_headers() -> None:
    with pytest.raises(ValidationError) as caught:
        sync_workforce_planner("http://127.0.0.1:9/", "c", {}, {"X-Api-Key": "k"})
    assert caught.value.errors()[0]["loc"] == ("headers", "X-Api-Key")


def test_abandonment_over_the_limit_is_adjusted_then_rejected(seed_payload, tmp_path: Path) -> None:
    # Three agents dialled in POWER mode at three lines each: far over 3 % at any answer rate.
    payload = {**seed_payload, "agents": 3, "dialer_type": "POWER"}
    simulator = CXoneAnswerSimulator("org", "id", "secret", replications=2, max_adjustments=2)
    with pytest.raises(ComplianceError) as caught:
        simulator.run_simulation(payload)
    result = caught.value.result
    assert result["status"] == "REJECTED"
    assert result["adjustments"] == 2 and result["attempts"] == 3
    assert result["answer_rate_requested"] == pytest.approx(0.34)
    assert isinstance(caught.value.__cause__, CXoneError)
    assert caught.value.__cause__.kind == "adjustments_exhausted"
    assert "probability adjustment" in result["error"]
    (entry,) = audit_lines(tmp_path / "simulation_audit.log")
    assert entry["outcome"] == "REJECTED" and entry["adjustments"] == 2 and entry["attempts"] == 3
