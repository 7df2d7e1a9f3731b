"""``plan`` and ``plan_frame``: the planner (``cxone-sim plan``, DESIGN §10) from Python.

A plan sweeps answer rates, agent counts and dialer strategies, runs the engine at every point, and
recommends the most productive setting whose breach risk stays within ``risk`` at every answer rate
of the band. The grid, the rows and the recommendation are the ``cli`` library's code, so ``plan()``
returns exactly the object ``cxone-sim plan --json`` prints.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import ValidationError
from .models import PredictiveSimulationPayload

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["plan", "plan_frame", "plan_rows"]

PlanInput = Union[str, "os.PathLike[str]", Mapping[str, Any], PredictiveSimulationPayload]
Range = Union[str, float, Tuple[float, float], Tuple[float, float, float]]
Progress = Callable[[int, int, int], object]


def _type_error(name: str, value: object, expected: str) -> ValidationError:
    return ValidationError(
        "plan options",
        [{"loc": (name,), "msg": f"must be {expected}", "type": "type_error", "input": value}],
    )


def _range_text(name: str, value: Optional[Range]) -> Optional[str]:
    """``(0.3, 0.4, 0.02)`` -> ``"0.3..0.4:0.02"``, as the command line writes it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    if isinstance(value, (tuple, list)) and len(value) in (2, 3):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            text = f"{value[0]!r}..{value[1]!r}"
            return text + (f":{value[2]!r}" if len(value) == 3 else "")
    raise _type_error(name, value, 'a range: "LO..HI[:STEP]", a number, or (lo, hi) / (lo, hi, step)')


def _document(input: PlanInput, name: Optional[str]) -> Tuple[str, str]:
    if isinstance(input, PredictiveSimulationPayload):
        return json.dumps(input.model_dump()), name or "payload"
    if isinstance(input, Mapping):
        return json.dumps(dict(input)), name or "input"
    if isinstance(input, (str, os.PathLike)):
        path = os.fspath(input)
        with open(path, encoding="utf-8") as f:
            return f.read(), name or path
    raise _type_error("input", input, "a payload or scenario (a dict or model), or the path of its JSON file")


def plan(
    input: PlanInput,
    *,
    answer_rate: Optional[Range] = None,
    agents: Optional[Range] = None,
    strategy: Union[str, Sequence[str], None] = None,
    regime: Optional[str] = None,
    risk: Optional[float] = None,
    risk_basis: Optional[str] = None,
    target_connects_per_hour: Optional[float] = None,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    progress: Optional[Progress] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Plans a campaign: the object ``cxone-sim plan --json`` prints, ``{"plan", "rows",
    "recommendation", "reason", "frontier"}``.

    ``input`` is a payload or an engine scenario: a dict, a :class:`PredictiveSimulationPayload`, or
    the path of a JSON file (then named by its path in ``plan["input"]``, as the command names it;
    ``name`` overrides). The keywords are the command's flags, each defaulting from the input as the
    command does (every default used is listed in ``plan["defaults"]``):

    - ``answer_rate``, ``agents``: ``"LO..HI[:STEP]"``, one number, or ``(lo, hi)`` / ``(lo, hi,
      step)`` (default: the history's spread around the answer rate; the input's agents ±50 %);
    - ``strategy``: ``"progressive,predictive:0.015..0.025,ratio:1.0..3.0,adaptive:hard"`` or a list
      of those items;
    - ``regime`` (``"fcc"``, ``"ofcom"``, ``"crtc"``, ``"cxone"``), ``risk`` (0.05), ``risk_basis``
      (``"window"`` or ``"period"``), ``target_connects_per_hour``, ``replications``, ``seed`` (0).

    Each row is ``{"unit", "step", "answer_rate", "agents", "strategy", "scenario", "metrics",
    "compliance"}``. ``recommendation`` is ``None`` when no setting qualifies, and ``reason`` says
    why (the command exits 3 then; here it is a result, not an error).

    The GIL is released while the rows run. ``progress(units_done, units, rows)`` is called after
    each unit of the grid (a strategy at one agent count, over the band); an exception it raises
    stops the plan and propagates, as Ctrl-C does. Notes the command prints (too few replications
    for the risk) are issued as :class:`UserWarning`.

    Raises :class:`cxone_sim.ValidationError` for an invalid input (every violation) or option
    (``loc`` names the keyword).
    """
    document, input_name = _document(input, name)
    if strategy is not None and not isinstance(strategy, str):
        if not all(isinstance(s, str) for s in strategy):
            raise _type_error("strategy", strategy, "a comma-separated string or a list of strings")
        strategy = ",".join(strategy)
    if progress is not None and not callable(progress):
        raise _type_error("progress", progress, "a callable taking (units_done, units, rows)")
    text = _native.plan(
        document,
        input_name,
        _range_text("answer_rate", answer_rate),
        _range_text("agents", agents),
        strategy,
        regime,
        risk,
        risk_basis,
        target_connects_per_hour,
        replications,
        seed,
        progress,
    )
    result: Dict[str, Any] = json.loads(text)
    for note in result["plan"].get("notes", []):
        warnings.warn(note, UserWarning, stacklevel=2)
    return result


def _flatten(value: Any, prefix: str, out: Dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and len(value) == 2 and prefix.endswith("ci95"):
        out[f"{prefix}.0"], out[f"{prefix}.1"] = value
    elif value is None and prefix.endswith("ci95"):
        out[f"{prefix}.0"] = out[f"{prefix}.1"] = None
    else:
        out[prefix] = value


def _flat_row(index: int, row: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"row": index}
    for key, value in row.items():
        if key == "scenario":
            out[key] = value
        else:
            _flatten(value, key, out)
    return out


def _dtype(values: List[Any]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "float64"
    if all(isinstance(v, bool) for v in present):
        return "bool" if len(present) == len(values) else "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int64" if len(present) == len(values) else "Int64"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "float64"
    if all(isinstance(v, str) for v in present):
        return "string"
    return "object"


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - exercised without pandas
        raise ImportError(
            "plan_frame needs pandas, which is not installed: pip install pandas "
            "(or use plan(), which returns plain dicts)"
        ) from e
    return pandas


def plan_frame(input: PlanInput, **options: Any) -> "pandas.DataFrame":
    """:func:`plan`'s rows as a pandas DataFrame, one row per plan row (needs pandas: ``pip install
    pandas``). Takes :func:`plan`'s arguments.

    Columns are the rows' fields flattened with dots, each typed: ``row`` (the row's index in
    ``plan()["rows"]``), ``unit``, ``step``, ``agents`` (int64), ``answer_rate`` (float64),
    ``strategy.mode`` (string) and the strategy's parameters (``strategy.level``,
    ``strategy.abandon_target``…; missing where a setting has none), every metric's
    ``metrics.<name>.mean`` / ``.ci95.0`` / ``.ci95.1`` / ``.n``, every regime's
    ``compliance.<regime>.…``, and ``scenario`` (the row's complete scenario, a dict). The plan
    itself and the recommendation are in ``frame.attrs["plan"]``, ``["recommendation"]``,
    ``["reason"]`` and ``["frontier"]``. :func:`plan_rows` turns the frame back into the rows.
    """
    pd = _pandas()
    result = plan(input, **options)
    flat = [_flat_row(i, row) for i, row in enumerate(result["rows"])]
    columns: List[str] = []
    for row in flat:
        columns.extend(c for c in row if c not in columns)
    data = {c: [row.get(c) for row in flat] for c in columns}
    frame: "pandas.DataFrame" = pd.DataFrame(
        {c: pd.Series(values, dtype=_dtype(values)) for c, values in data.items()},
        columns=columns,
    )
    for key in ("plan", "recommendation", "reason", "frontier"):
        frame.attrs[key] = result[key]
    return frame


def _plain(value: Any) -> Any:
    """A cell as JSON would hold it: missing -> None, numpy scalars -> Python numbers."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (dict, list, str)):
        value = item()
        if isinstance(value, float) and math.isnan(value):
            return None
    try:
        import pandas

        if value is pandas.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def _nest(flat: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for column, cell in flat.items():
        parts = column.split(".") if column != "scenario" else [column]
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _plain(cell)

    def lists(node: Any, key: str = "") -> Any:
        if not isinstance(node, dict) or key == "scenario":
            return node
        if key == "ci95" and set(node) == {"0", "1"}:
            pair = [node["0"], node["1"]]
            return None if pair == [None, None] else pair
        done = {k: lists(v, k) for k, v in node.items()}
        if key == "strategy":
            done = {k: v for k, v in done.items() if v is not None}
        return done

    result: Dict[str, Any] = lists(out)
    return result


def plan_rows(frame: "pandas.DataFrame") -> List[Dict[str, Any]]:
    """The rows of a :func:`plan_frame` frame as :func:`plan` gives them (``plan()["rows"]``)."""
    rows = []
    for record in frame.to_dict("records"):
        cells = {str(k): v for k, v in record.items() if k != "row"}
        rows.append(_nest(cells))
    return rows
