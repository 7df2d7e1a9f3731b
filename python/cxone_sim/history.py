"""``import_history``: call history from real exports (``cxone-sim history import``, DESIGN §11).

CXone's ``wfm-data/skills/dialer-contacts`` and ``skills/summary``, Genesys Cloud's conversation
aggregates, or any CSV, turned into the historical matrix a payload carries: one bucket per local
time of day, days and skills pooled. The importer is the ``history`` crate the command runs.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _native
from ._errors import ValidationError

__all__ = ["import_history", "SOURCES"]

#: The export formats ``source`` names.
SOURCES = ("cxone-dialer-contacts", "cxone-skill-summary", "genesys-aggregates", "csv")

PathLike = Union[str, "os.PathLike[str]"]


def _type_error(name: str, value: object, expected: str) -> ValidationError:
    return ValidationError(
        "history import",
        [{"loc": (name,), "msg": f"must be {expected}", "type": "type_error", "input": value}],
    )


def import_history(
    path_or_paths: Union[PathLike, Sequence[PathLike]],
    *,
    source: str,
    skill: Union[str, int, Sequence[Union[str, int]], None] = None,
    campaign: Optional[str] = None,
    answered: str = "connects",
    tz: Optional[str] = None,
    bucket_minutes: Optional[int] = None,
    mapping: Optional[Mapping[str, str]] = None,
) -> List[Dict[str, Any]]:
    """Imports one export file, or several pooled, and returns its historical matrix: the
    ``historical_matrix`` rows ``cxone-sim history import --json`` prints, each ``{"time_bucket",
    "calls_attempted", "calls_answered", "avg_talk_time_seconds"}`` (and ``"abandons"`` when the
    export has them) — ready for ``PredictiveSimulationPayload(historical_matrix=…)``.

    - ``source``: one of :data:`SOURCES` (``--from``).
    - ``skill``: keep only these skills (an id, ``"4101,4102"`` or a list; several are summed);
      ``campaign``: only
      this campaign.
    - ``answered``: ``"connects"`` (every connect) or ``"rpc"`` (right-party connects, CXone).
    - ``tz``: the IANA time zone of the buckets' times of day (default UTC).
    - ``bucket_minutes``: bucket length, a multiple of the export's interval dividing the day
      (default: the export's own interval).
    - ``mapping``: CSV only, ``{column: field}`` naming the columns that hold ``interval_start``,
      ``attempts``, ``answered``, ``talk_seconds``, ``abandons`` (``--map COLUMN=FIELD``).

    The GIL is released while the files are read. Raises :class:`cxone_sim.ValidationError` listing
    every problem at once (each ``loc`` is ``(file, row or JSON path, field)``, or the keyword at
    fault), and ``FileNotFoundError`` / ``OSError`` for a file that cannot be read.
    """
    if isinstance(path_or_paths, (str, os.PathLike)):
        paths = [os.fspath(path_or_paths)]
    elif isinstance(path_or_paths, Sequence) and all(isinstance(p, (str, os.PathLike)) for p in path_or_paths):
        paths = [os.fspath(p) for p in path_or_paths]
    else:
        raise _type_error("path_or_paths", path_or_paths, "a path, or a list of paths")
    if skill is None:
        skills: List[str] = []
    elif isinstance(skill, str):
        skills = [s.strip() for s in skill.split(",") if s.strip()]
    elif isinstance(skill, int):
        skills = [str(skill)]
    else:
        skills = [str(s) for s in skill]
    if bucket_minutes is not None and (
        isinstance(bucket_minutes, bool) or not isinstance(bucket_minutes, int) or not 0 < bucket_minutes <= 1440
    ):
        raise _type_error("bucket_minutes", bucket_minutes, "a whole number of minutes from 1 to 1440")
    if mapping is not None and not isinstance(mapping, Mapping):
        raise _type_error("mapping", mapping, "a dict of {column: field}")
    columns = [(str(column), str(field)) for column, field in (mapping or {}).items()]
    text = _native.import_history(
        source,
        paths,
        skills,
        campaign,
        answered,
        tz or "UTC",
        bucket_minutes,
        columns,
    )
    imported: Dict[str, Any] = json.loads(text)
    matrix: List[Dict[str, Any]] = imported["historical_matrix"]
    return matrix
