"""The ``cxone`` backend against the emulator (``cxone-sim serve`` on 127.0.0.1): the seed's
environment variable names, the token cache, the probability adjustment, retries through injected
faults, and a clear error for bad credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxone_sim import (
    CXoneAnswerSimulator,
    CXoneAuthManager,
    CXoneError,
    CXoneSimulationClient,
    PredictiveSimulationPayload,
)


def use(monkeypatch, emulator) -> None:
    for name, value in emulator.env.items():
        monkeypatch.setenv(name, value)


def test_the_seed_pipeline_runs_against_the_emulator(emulator, monkeypatch, seed_payload, tmp_path: Path) -> None:
    use(monkeypatch, emulator)
    simulator = CXoneAnswerSimulator("org", emulator.client_id, emulator.client_secret)
    assert simulator.backend == "cxone"
    result = simulator.run_simulation(PredictiveSimulationPayload(**seed_payload))
    assert result["status"] == "SUCCESS" and result["backend"] == "cxone"
    assert result["simulation_result"]["status"] == "COMPLETED"
    assert result["simulation_result"]["campaignId"] == seed_payload["campaign_id"]
    assert result["variance_analysis"]["variance_status"] == "PASS"
    (entry,) = [json.loads(line) for line in (tmp_path / "simulation_audit.log").read_text().splitlines()]
    assert entry["backend"] == "cxone" and entry["outcome"] == "SUCCESS"
    assert emulator.client_secret not in (tmp_path / "simulation_audit.log").read_text()


def test_the_server_and_the_local_backend_give_the_same_answer(emulator, seed_payload) -> None:
    server = CXoneSimulationClient(
        CXoneAuthManager("org", emulator.client_id, emulator.client_secret, backend="cxone", base_url=emulator.base_url)
    ).submit_simulation(seed_payload)
    local = CXoneSimulationClient(CXoneAuthManager("org", "id", "secret")).submit_simulation(seed_payload)
    # The same numbers to the last bit: JSON carries every float exactly (serde_json's float_roundtrip).
    assert server["metrics"] == local["metrics"]
    assert server["predictiveDialerSettings"]["answerRate"] == local["predictiveDialerSettings"]["answerRate"]


def test_the_token_is_fetched_once_and_cached(emulator, seed_payload) -> None:
    auth = CXoneAuthManager("org", emulator.client_id, emulator.client_secret, backend="cxone", base_url=emulator.base_url)
    assert auth.oauth_url == f"{emulator.base_url}/api/v2/oauth/token"
    token = auth.get_access_token()
    assert token and auth.get_access_token() == token
    client = CXoneSimulationClient(auth)
    client.submit_simulation(seed_payload)
    client.submit_simulation(seed_payload)
    assert auth.token_fetches == 1
    assert client.last_submission["attempts"] == 1


def test_bad_credentials_say_what_to_fix(emulator, seed_payload) -> None:
    auth = CXoneAuthManager("org", emulator.client_id, "typo-s3cret", backend="cxone", base_url=emulator.base_url)
    with pytest.raises(CXoneError) as caught:
        CXoneSimulationClient(auth).submit_simulation(seed_payload)
    assert caught.value.status == 401
    assert "CXONE_CLIENT_SECRET" in caught.value.hint
    assert "typo-s3cret" not in str(caught.value) and "typo-s3cret" not in repr(auth)


def test_transient_faults_are_retried_with_one_idempotency_key(faulty_emulator, seed_payload) -> None:
    auth = CXoneAuthManager(
        "org", faulty_emulator.client_id, faulty_emulator.client_secret, backend="cxone", base_url=faulty_emulator.base_url
    )
    client = CXoneSimulationClient(auth)
    answers = []
    for _ in range(3):
        try:
            answers.append(client.submit_simulation(seed_payload))
        except CXoneError as e:
            # Every retry spent: a fault on each attempt.
            assert e.status in (429, 500, 503) and e.attempts == 4
        attempts = client.last_submission["attempts"]
        assert 1 <= attempts <= 4
    assert answers, "no simulation got through the faults"
    assert all(a["status"] == "COMPLETED" for a in answers)


def test_an_unreachable_server_is_a_transport_error(seed_payload) -> None:
    auth = CXoneAuthManager("org", "id", "secret", backend="cxone", base_url="http://127.0.0.1:9")
    with pytest.raises(CXoneError) as caught:
        CXoneSimulationClient(auth).submit_simulation(seed_payload)
    assert caught.value.kind == "transport" and caught.value.status is None
