"""Shared fixtures: the seed's example payload, the repository's paths, and the emulator
(``cxone-sim serve`` on a free loopback port) for the tests of the ``cxone`` backend."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED_PAYLOAD = json.loads((REPO / "examples" / "seed_payload.json").read_text())


@pytest.fixture
def seed_payload() -> dict:
    """The seed's example payload as a dict (a fresh copy per test)."""
    return copy.deepcopy(SEED_PAYLOAD)


@pytest.fixture
def pandas() -> Any:
    """pandas, or a skip when it is not installed; with ``CXONE_SIM_REQUIRE_PANDAS`` set (CI) its
    absence fails the test instead."""
    if os.environ.get("CXONE_SIM_REQUIRE_PANDAS"):
        import pandas as required

        return required
    return pytest.importorskip("pandas")


@pytest.fixture(autouse=True)
def quiet_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the caller's CXone settings, and every test writes its audit log in its own
    folder."""
    for name in list(os.environ):
        if name.startswith(("CXONE_", "WORKFORCE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def cxone_sim_binary() -> Optional[Path]:
    """The ``cxone-sim`` binary: ``CXONE_SIM_BIN``, else a build in the repository's target folder."""
    given = os.environ.get("CXONE_SIM_BIN")
    if given:
        return Path(given)
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "cxone-sim"
        if candidate.exists():
            return candidate
    return None


class Emulator:
    """A running ``cxone-sim serve``: its base URL and the development client's credentials."""

    client_id = "dev-client"
    client_secret = "dev-secret"

    def __init__(self, process: subprocess.Popen, base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    @property
    def env(self) -> Dict[str, str]:
        """The environment that points the package at this emulator."""
        return {
            "CXONE_BACKEND": "cxone",
            "CXONE_BASE_URL": self.base_url,
            "CXONE_CLIENT_ID": self.client_id,
            "CXONE_CLIENT_SECRET": self.client_secret,
        }


def start_emulator(*flags: str) -> Emulator:
    binary = cxone_sim_binary()
    if binary is None:
        pytest.skip("no cxone-sim binary: build it (cargo build) or set CXONE_SIM_BIN")
    if not binary.exists():
        pytest.fail(f"CXONE_SIM_BIN={binary} does not exist")
    process = subprocess.Popen(
        [str(binary), "serve", "--addr", "127.0.0.1:0", *flags],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    found: Dict[str, str] = {}

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.search(r"listening on (http://\S+)", line)
            if match and "url" not in found:
                found["url"] = match.group(1)
                ready.set()
        ready.set()

    ready = threading.Event()
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60) or "url" not in found:
        process.kill()
        pytest.fail("cxone-sim serve did not report its address")
    return Emulator(process, found["url"])


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """``cxone-sim serve`` on a free port of 127.0.0.1, stopped after the test."""
    running = start_emulator("--rate-limit-per-second", "0")
    yield running
    running.process.terminate()
    running.process.wait(10)


@pytest.fixture
def faulty_emulator() -> Iterator[Emulator]:
    """An emulator answering a share of simulate requests with 429, 500 or 503."""
    running = start_emulator("--rate-limit-per-second", "0", "--fault-rate", "0.5", "--fault-seed", "3")
    yield running
    running.process.terminate()
    running.process.wait(10)
