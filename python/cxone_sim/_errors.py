"""The exceptions of ``cxone_sim``.

``ValidationError`` mirrors pydantic's: a ``ValueError`` whose ``errors()`` lists every violation as
``{"loc", "msg", "type", "input"}``, so code written for the seed's pydantic models keeps working.
``CXoneError`` is a failed call to a CXone-compatible server (or the local backend's equivalent
refusal); ``ComplianceError`` a simulation that ran but failed the variance or abandonment check.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

Loc = Tuple[Union[str, int], ...]

_NO_INPUT = object()
_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def path_to_loc(path: str) -> Loc:
    """``historical_matrix[2].calls_answered`` -> ``("historical_matrix", 2, "calls_answered")``."""
    loc: List[Union[str, int]] = []
    pos = 0
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None:
            # Not a plain field path (a key with other characters): keep the rest whole.
            loc.append(path[pos:].lstrip("."))
            break
        name, index = match.groups()
        loc.append(int(index) if index is not None else name)
        pos = match.end()
    return tuple(loc)


def loc_to_path(loc: Sequence[Union[str, int]]) -> str:
    """The inverse of :func:`path_to_loc`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class ValidationError(ValueError):
    """Invalid input: every violation at once, each with its location, as pydantic reports them.

    >>> try:
    ...     PredictiveSimulationPayload(...)
    ... except ValidationError as e:
    ...     for error in e.errors():
    ...         print(error["loc"], error["msg"])
    """

    def __init__(self, title: str, errors: Iterable[Dict[str, Any]]) -> None:
        self.title = title
        self._errors = [dict(e) for e in errors]
        super().__init__(self._render())

    @classmethod
    def from_violations(
        cls, title: str, violations: Iterable[Tuple[str, str, str]]
    ) -> "ValidationError":
        """Builds the error from (field path, message, type) triples, as the native module reports them."""
        errors = []
        for path, message, kind in violations:
            loc = path_to_loc(path)
            errors.append({"loc": loc, "msg": message, "type": kind})
        return cls(title, errors)

    def errors(self) -> List[Dict[str, Any]]:
        """Every violation: ``{"loc": tuple, "msg": str, "type": str}`` (and ``"input"`` when known)."""
        return [dict(e) for e in self._errors]

    def error_count(self) -> int:
        """How many violations there are."""
        return len(self._errors)

    def _render(self) -> str:
        n = len(self._errors)
        lines = [f"{n} validation error{'s' if n != 1 else ''} for {self.title}"]
        for e in self._errors:
            lines.append(loc_to_path(e["loc"]) or "(document)")
            detail = f"  {e['msg']} [type={e['type']}"
            if "input" in e:
                detail += f", input_value={e['input']!r}, input_type={type(e['input']).__name__}"
            lines.append(detail + "]")
        return "\n".join(lines)


class CXoneError(RuntimeError):
    """A simulate or token call that failed, after the retries the client allows.

    ``status`` is the HTTP status (``None`` when the server could not be reached), ``detail`` the
    server's message, ``attempts`` the requests made, ``hint`` what to fix (the seed's "Common Errors"
    table). ``kind`` is ``"status"``, ``"transport"`` or ``"adjustments_exhausted"`` (the answer rate
    still needed a probability adjustment when no more were allowed; then ``adjustments`` and
    ``last_answer_rate`` say how far it went).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "status",
        status: Optional[int] = None,
        detail: Optional[str] = None,
        body: Optional[str] = None,
        attempts: Optional[int] = None,
        hint: Optional[str] = None,
        adjustments: Optional[int] = None,
        last_answer_rate: Optional[float] = None,
    ) -> None:
        super().__init__(message if hint is None else f"{message}\nhint: {hint}")
        self.kind = kind
        self.status = status
        self.detail = detail
        self.body = body
        self.attempts = attempts
        self.hint = hint
        self.adjustments = adjustments
        self.last_answer_rate = last_answer_rate


class ComplianceError(ValueError):
    """A simulation that ran but was rejected: the variance over its threshold, or abandonment over the
    legal limit after every allowed adjustment. ``result`` is the run's result dict, status
    ``"REJECTED"``. A ``ValueError``, as the seed raises one for this case.
    """

    def __init__(self, message: str, result: Dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result
