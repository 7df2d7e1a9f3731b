"""The seed tutorial's complete example (its ``main()``, imports changed only) runs offline."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import REPO
from cxone_sim import ValidationError

pytest.importorskip("dotenv", reason="the seed's example loads python-dotenv")


def load_example():
    path = REPO / "python" / "examples" / "seed_example.py"
    spec = importlib.util.spec_from_file_location("seed_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_seed_main_runs_offline_and_prints_the_seed_result(capsys, tmp_path: Path) -> None:
    load_example().main()
    out = capsys.readouterr().out
    head, _, body = out.partition("\n")
    assert head == "Simulation completed successfully:", out
    result = json.loads(body)
    assert result["status"] == "SUCCESS"
    assert result["backend"] == "local"
    assert set(result) >= {"status", "simulation_result", "variance_analysis", "latency_ms"}
    variance = result["variance_analysis"]
    assert variance["variance_status"] == "PASS"
    assert variance["is_compliant"] is True
    assert abs(variance["simulated_rate"] - 0.38) < 0.03
    simulation = result["simulation_result"]
    assert simulation["status"] == "COMPLETED"
    assert simulation["campaignId"] == "12345678-1234-1234-1234-123456789012"
    assert simulation["metrics"]["compliance_abandon_rate"]["mean"] <= 0.03
    assert result["latency_ms"] > 0

    # The run is in the audit log, in the working directory as in the seed.
    lines = (tmp_path / "simulation_audit.log").read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["outcome"] == "SUCCESS"
    assert entry["campaign_id"] == "12345678-1234-1234-1234-123456789012"
    assert entry["payload_snapshot"] == {"answer_rate": 0.38, "agent_efficiency": 0.82, "window_minutes": 120}
    assert entry["variance_analysis"] == variance
    assert entry["run_id"] == result["run_id"]
    assert entry["model_accuracy_rate"] == simulation["predictedAccuracy"]


def test_the_seed_main_refuses_an_invalid_campaign_as_pydantic_would(monkeypatch) -> None:
    # The seed builds its payload before its try block, so a validation error escapes main(), as
    # pydantic's would: here an id from the environment that cannot go into a URL path.
    monkeypatch.setenv("CXONE_CAMPAIGN_ID", "not/a campaign")
    with pytest.raises(ValidationError) as caught:
        load_example().main()
    assert [e["loc"] for e in caught.value.errors()] == [("campaign_id",)]
    assert str(caught.value).startswith("1 validation error for PredictiveSimulationPayload")
