"""``import_history``: every export format of ``examples/`` gives the matrix ``cxone-sim history
import --json`` gives; bad exports and options list every problem at once."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from cxone_sim import PredictiveSimulationPayload, ValidationError, import_history
from conftest import REPO, cxone_sim_binary

EXAMPLES = REPO / "examples"
CONTACTS = EXAMPLES / "history_cxone_dialer_contacts.json"
SUMMARY = EXAMPLES / "history_cxone_skill_summary.json"
GENESYS = EXAMPLES / "history_genesys_aggregates.json"
CSV = EXAMPLES / "history_export.csv"


def cli_import(*args: str) -> List[Dict[str, Any]]:
    binary = cxone_sim_binary()
    if binary is None:
        pytest.skip("no cxone-sim binary: build it (cargo build) or set CXONE_SIM_BIN")
    done = subprocess.run(
        [str(binary), "history", "import", *args, "--json"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    matrix: List[Dict[str, Any]] = json.loads(done.stdout)["historical_matrix"]
    return matrix


CASES = [
    (
        ["--from", "cxone-dialer-contacts", str(CONTACTS), "--tz", "America/New_York", "--bucket-minutes", "60"],
        dict(path_or_paths=CONTACTS, source="cxone-dialer-contacts", tz="America/New_York", bucket_minutes=60),
    ),
    (
        ["--from", "cxone-dialer-contacts", str(CONTACTS), "--answered", "rpc"],
        dict(path_or_paths=str(CONTACTS), source="cxone-dialer-contacts", answered="rpc"),
    ),
    (
        ["--from", "cxone-skill-summary", str(SUMMARY), "--tz", "America/New_York"],
        dict(path_or_paths=[SUMMARY], source="cxone-skill-summary", tz="America/New_York"),
    ),
    (
        ["--from", "genesys-aggregates", str(GENESYS), "--campaign", "6f1c2a9e-8d0b-4c55-9a31-2b7e4f0c1d88",
         "--tz", "Europe/London"],
        dict(path_or_paths=GENESYS, source="genesys-aggregates", campaign="6f1c2a9e-8d0b-4c55-9a31-2b7e4f0c1d88",
             tz="Europe/London"),
    ),
    (
        ["--from", "csv", str(CSV), "--tz", "America/Chicago"],
        dict(path_or_paths=CSV, source="csv", tz="America/Chicago"),
    ),
    (
        ["--from", "csv", str(CSV), "--skill", "renewals", "--bucket-minutes", "120"],
        dict(path_or_paths=CSV, source="csv", skill="renewals", bucket_minutes=120),
    ),
]


@pytest.mark.parametrize("flags,options", CASES, ids=[c[0][1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_every_example_imports_as_the_command_does(flags: List[str], options: Dict[str, Any]) -> None:
    matrix = import_history(**options)
    assert matrix == cli_import(*flags)
    assert matrix and all(b["calls_answered"] <= b["calls_attempted"] for b in matrix)


def test_a_mapped_csv_imports_as_the_command_does(tmp_path: Path) -> None:
    lines = CSV.read_text().splitlines()
    renamed = {"interval_start": "Interval Start", "attempts": "Dials", "answered": "Connects",
               "talk_seconds": "AHT (s)"}
    header = ",".join(renamed.get(c, c) for c in lines[0].split(","))
    export = tmp_path / "calls.csv"
    export.write_text("\n".join([header, *lines[1:]]) + "\n")
    mapping = {v: k for k, v in renamed.items()}
    matrix = import_history(export, source="csv", mapping=mapping)
    flags = [f"--map={column}={field}" for column, field in mapping.items()]
    assert matrix == cli_import("--from", "csv", str(export), *flags)
    assert matrix == import_history(CSV, source="csv")


def test_the_matrix_goes_into_a_payload() -> None:
    matrix = import_history(CSV, source="csv", tz="America/Chicago")
    seed = json.loads((EXAMPLES / "seed_payload.json").read_text())
    payload = PredictiveSimulationPayload(**{**seed, "historical_matrix": matrix})
    assert len(payload.historical_matrix) == len(matrix)


def test_every_problem_of_an_export_is_listed(tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    export.write_text(
        "interval_start,attempts,answered,talk_seconds\n"
        "2026-03-02 09:00,100,40,120\n"
        "2026-03-02 10:00,-5,10,120\n"
        "2026-03-02 11:00,50,80,120\n"
        "not a time,50,10,120\n"
    )
    with pytest.raises(ValidationError) as caught:
        import_history(export, source="csv")
    errors = caught.value.errors()
    assert len(errors) >= 3, errors
    assert all(e["loc"][0] == str(export) for e in errors)
    fields = {e["loc"][-1] for e in errors}
    assert {"attempts", "answered", "interval_start"} <= fields, errors
    assert all(e["type"] == "value_error" for e in errors)


def test_bad_options_are_listed_together() -> None:
    with pytest.raises(ValidationError) as caught:
        import_history(CSV, source="excel", answered="everyone", tz="Mars/Olympus")
    locs = [e["loc"] for e in caught.value.errors()]
    assert locs == [("source",), ("answered",), ("tz",)]
    assert "cxone-dialer-contacts" in caught.value.errors()[0]["msg"]
    with pytest.raises(ValidationError) as caught:
        import_history(CSV, source="csv", bucket_minutes=-15)
    assert caught.value.errors()[0]["loc"] == ("bucket_minutes",)
    with pytest.raises(ValidationError) as caught:
        import_history(CONTACTS, source="csv")
    assert caught.value.errors()[0]["loc"][0] == str(CONTACTS)


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.json"):
        import_history(tmp_path / "nowhere.json", source="cxone-dialer-contacts")
