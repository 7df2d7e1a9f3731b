"""The seed's payload models: ``HistoricalCallMatrix`` and ``PredictiveSimulationPayload``.

They behave like the seed's pydantic models (keyword construction, attribute access,
``model_dump()``, ``model_validate()``, ``ValidationError`` with ``errors()``) without depending on
pydantic. Types are checked here, as pydantic's lax mode checks them (``145`` is a valid float,
``"500"`` a valid int); every rule on the values — the seed's ranges and the product's own (DESIGN §3:
campaign id, time buckets, counts, talk times) — is the Rust ``cxone`` crate's, so Python, the CLI and
the emulator accept and refuse exactly the same payloads. Every violation is reported at once.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from . import _native
from ._errors import Loc, ValidationError, path_to_loc

__all__ = ["HistoricalCallMatrix", "PredictiveSimulationPayload", "DIALER_TYPES"]

#: The pacing modes a payload may ask for (``dialer_type``); ``PREDICTIVE`` when absent.
DIALER_TYPES = ("PREDICTIVE", "PROGRESSIVE", "POWER")

Error = Dict[str, Any]
_U32 = 2**32
_U64 = 2**64


def _error(loc: Loc, msg: str, kind: str, value: Any) -> Error:
    return {"loc": loc, "msg": msg, "type": kind, "input": value}


def _as_str(loc: Loc, value: Any, errors: List[Error]) -> Optional[str]:
    if isinstance(value, str):
        return value
    errors.append(_error(loc, "Input should be a valid string", "string_type", value))
    return None


def _as_int(loc: Loc, value: Any, errors: List[Error], limit: int) -> Optional[int]:
    number: Optional[int] = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            number = int(value)
        else:
            errors.append(
                _error(
                    loc,
                    "Input should be a valid integer, got a number with a fractional part",
                    "int_from_float",
                    value,
                )
            )
            return None
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            errors.append(
                _error(
                    loc,
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                    value,
                )
            )
            return None
    if number is None:
        errors.append(_error(loc, "Input should be a valid integer", "int_type", value))
        return None
    if number < 0:
        errors.append(
            _error(loc, "Input should be greater than or equal to 0", "greater_than_equal", value)
        )
        return None
    if number >= limit:
        errors.append(
            _error(loc, f"Input should be less than {limit}", "less_than", value)
        )
        return None
    return number


def _as_float(loc: Loc, value: Any, errors: List[Error]) -> Optional[float]:
    number: Optional[float] = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            errors.append(
                _error(
                    loc,
                    "Input should be a valid number, unable to parse string as a number",
                    "float_parsing",
                    value,
                )
            )
            return None
    if number is None:
        errors.append(_error(loc, "Input should be a valid number", "float_type", value))
        return None
    if not math.isfinite(number):
        errors.append(_error(loc, "Input should be a finite number", "finite_number", value))
        return None
    return number


def _as_bool(loc: Loc, value: Any, errors: List[Error]) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    errors.append(_error(loc, "Input should be a valid boolean", "bool_type", value))
    return None


def _as_object(loc: Loc, value: Any, errors: List[Error]) -> Optional[Dict[str, Any]]:
    # Its fields and their rules are the Rust crate's, checked with the rest of the payload.
    if isinstance(value, Mapping):
        return dict(value)
    errors.append(_error(loc, "Input should be a valid dictionary", "dict_type", value))
    return None


def _as_dialer_type(loc: Loc, value: Any, errors: List[Error]) -> Optional[str]:
    if isinstance(value, str) and value.upper() in DIALER_TYPES:
        return value.upper()
    errors.append(
        _error(
            loc,
            "Input should be " + ", ".join(repr(t) for t in DIALER_TYPES[:-1])
            + f" or {DIALER_TYPES[-1]!r}",
            "enum",
            value,
        )
    )
    return None


# A field: (name, check, required, placeholder). The placeholder stands in for a missing or mistyped
# value while the Rust rules run on the rest, so their verdict on other fields still counts; its own
# verdicts are dropped (the field already has its error).
Check = Callable[[Loc, Any, List[Error]], Any]
Field = Tuple[str, Optional[Check], bool, Any]

_BUCKET_FIELDS: Tuple[Field, ...] = (
    ("time_bucket", _as_str, True, "00:00-00:01"),
    # As many attempts as can be: a broken count of attempts must not make the answers look too many.
    ("calls_attempted", lambda l, v, e: _as_int(l, v, e, _U64), True, _U64 - 1),
    ("calls_answered", lambda l, v, e: _as_int(l, v, e, _U64), True, 0),
    ("avg_talk_time_seconds", _as_float, True, 1.0),
    # Beyond the seed: abandoned calls, when the history records them (at most the answers).
    ("abandons", lambda l, v, e: _as_int(l, v, e, _U64), False, None),
)

_PAYLOAD_FIELDS: Tuple[Field, ...] = (
    ("campaign_id", _as_str, True, "campaign"),
    ("answer_rate", _as_float, True, 0.5),
    ("agent_efficiency", _as_float, True, 0.75),
    ("max_simulation_window_minutes", lambda l, v, e: _as_int(l, v, e, _U32), True, 60),
    ("historical_matrix", None, True, None),  # checked by _check_history
    ("compliance_threshold_variance", _as_float, True, 0.1),
    ("agents", lambda l, v, e: _as_int(l, v, e, _U32), False, None),
    ("dialer_type", _as_dialer_type, False, None),
    # Beyond the seed, as the payload file takes them: a cap on lines in use, and answering machines.
    ("max_lines", lambda l, v, e: _as_int(l, v, e, _U32), False, None),
    ("answering_machine_share", _as_float, False, None),
    ("amd", _as_object, False, None),
    ("answered_includes_machines", _as_bool, False, None),
)


_REQUIRED = {f[0]: f[2] for f in _PAYLOAD_FIELDS}


def _check_fields(
    fields: Tuple[Field, ...], data: Mapping[str, Any], prefix: Loc, errors: List[Error]
) -> Tuple[Dict[str, Any], List[Loc]]:
    """Types of every field: the typed values (placeholders where broken) and the broken locations."""
    known = {f[0] for f in fields}
    for key in data:
        if key not in known:
            errors.append(
                _error(prefix + (key,), "Extra inputs are not permitted", "extra_forbidden", data[key])
            )
    values: Dict[str, Any] = {}
    broken: List[Loc] = []
    for name, check, required, placeholder in fields:
        loc = prefix + (name,)
        if name not in data or (not required and data[name] is None):
            if required:
                errors.append({"loc": loc, "msg": "Field required", "type": "missing"})
                broken.append(loc)
                values[name] = placeholder
            else:
                values[name] = None
            continue
        if check is None:
            continue
        value = check(loc, data[name], errors)
        if value is None:
            broken.append(loc)
            values[name] = placeholder
        else:
            values[name] = value
    return values, broken


def _rust_errors(document: Dict[str, Any], drop: Callable[[Loc], bool]) -> List[Error]:
    """The Rust crate's verdict on a typed payload, without the verdicts on placeholder values."""
    out = []
    for path, msg, kind in _native.validate_payload(json.dumps(document)):
        loc = path_to_loc(path)
        if not drop(loc):
            out.append({"loc": loc, "msg": msg, "type": kind})
    return out


def _under(loc: Loc, prefixes: List[Loc]) -> bool:
    return any(loc[: len(p)] == p for p in prefixes)


def _sorted(errors: List[Error]) -> List[Error]:
    """Errors in field order (then by position in the history), as pydantic lists them."""
    order = {f[0]: i for i, f in enumerate(_PAYLOAD_FIELDS)}
    bucket_order = {f[0]: i for i, f in enumerate(_BUCKET_FIELDS)}

    def key(e: Error) -> Tuple[int, int, int]:
        loc = e["loc"]
        top = order.get(loc[0], len(order)) if loc else -1
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else -1
        field = bucket_order.get(loc[2], len(bucket_order)) if len(loc) > 2 else -1
        return (top, index, field)

    return sorted(errors, key=key)


class HistoricalCallMatrix:
    """One time bucket of history: ``time_bucket`` (``HH:MM-HH:MM``), ``calls_attempted``,
    ``calls_answered`` (live answers, at most the attempts) and ``avg_talk_time_seconds`` (more than 0,
    at most a day); beyond the seed, ``abandons`` (at most the answers) when the history has them, as
    :func:`cxone_sim.import_history` gives them.

    >>> HistoricalCallMatrix(time_bucket="09:00-10:00", calls_attempted=500, calls_answered=190,
    ...                      avg_talk_time_seconds=145)
    """

    __slots__ = tuple(f[0] for f in _BUCKET_FIELDS)

    time_bucket: str
    calls_attempted: int
    calls_answered: int
    avg_talk_time_seconds: float
    abandons: Optional[int]

    def __init__(self, **data: Any) -> None:
        values = _validated_bucket(data, ())
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def model_validate(cls, data: Union["HistoricalCallMatrix", Mapping[str, Any]]) -> "HistoricalCallMatrix":
        """A bucket from a mapping (or the bucket itself)."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError(
                cls.__name__,
                [_error((), "Input should be a valid dictionary", "dict_type", data)],
            )
        return cls(**data)

    def model_dump(self) -> Dict[str, Any]:
        """The bucket as a dict with the seed's (snake_case) keys (``abandons`` only when set)."""
        out = {name: getattr(self, name) for name in self.__slots__}
        if out["abandons"] is None:
            del out["abandons"]
        return out

    def model_dump_json(self) -> str:
        """The bucket as JSON text."""
        return json.dumps(self.model_dump())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HistoricalCallMatrix):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.model_dump().items())
        return f"HistoricalCallMatrix({fields})"


def _validated_bucket(data: Mapping[str, Any], prefix: Loc) -> Dict[str, Any]:
    errors: List[Error] = []
    values, broken = _check_fields(_BUCKET_FIELDS, data, (), errors)
    # The bucket rules are the payload's history rules: check it as the only bucket of a payload
    # and keep what is said about the bucket itself.
    document = _placeholder_payload([values])
    here: Loc = ("historical_matrix", 0)
    for e in _rust_errors(document, lambda loc: loc[:2] != here or _under(loc[2:], broken)):
        error = {"loc": prefix + e["loc"][2:], "msg": e["msg"], "type": e["type"]}
        found, value = _value_at(data, e["loc"][2:])
        if found:
            error["input"] = value
        errors.append(error)
    if errors:
        raise ValidationError("HistoricalCallMatrix", _sorted(errors))
    return values


def _placeholder_payload(history: List[Dict[str, Any]]) -> Dict[str, Any]:
    document = {f[0]: f[3] for f in _PAYLOAD_FIELDS if f[2]}
    document["historical_matrix"] = history
    return document


def _check_history(value: Any, errors: List[Error]) -> Tuple[List[Dict[str, Any]], List[int], bool]:
    """The history's buckets that type-check, the original index of each, and whether the list
    itself was usable."""
    loc: Loc = ("historical_matrix",)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        errors.append(_error(loc, "Input should be a valid list", "list_type", value))
        return [], [], False
    typed: List[Dict[str, Any]] = []
    index: List[int] = []
    for i, item in enumerate(value):
        if isinstance(item, HistoricalCallMatrix):
            typed.append(item.model_dump())
            index.append(i)
            continue
        if not isinstance(item, Mapping):
            errors.append(
                _error(loc + (i,), "Input should be a valid dictionary or instance of HistoricalCallMatrix",
                       "model_type", item)
            )
            continue
        bucket_errors: List[Error] = []
        values, broken = _check_fields(_BUCKET_FIELDS, item, loc + (i,), bucket_errors)
        errors.extend(bucket_errors)
        if not broken and not bucket_errors:
            typed.append(values)
            index.append(i)
    return typed, index, True


class PredictiveSimulationPayload:
    """The seed's simulation payload, validated on construction.

    Required: ``campaign_id`` (1–128 characters of ``[A-Za-z0-9_-]``), ``answer_rate`` (0.05–0.95),
    ``agent_efficiency`` (0.50–1.00), ``max_simulation_window_minutes`` (10–1440),
    ``historical_matrix`` (1–1440 non-overlapping buckets, :class:`HistoricalCallMatrix` or dicts) and
    ``compliance_threshold_variance`` (0.01–0.25). Optional: ``agents`` (1–10 000; inferred from
    history when absent), ``dialer_type`` (``PREDICTIVE``, ``PROGRESSIVE`` or ``POWER``),
    ``max_lines`` (a cap on lines in use), ``answering_machine_share`` (share of attempts a machine
    answers), ``amd`` (answering-machine detection: ``enabled``, ``detect_seconds``,
    ``false_positive``, ``false_negative``) and ``answered_includes_machines`` (history's answers
    count machines too); the same fields and rules as a payload file.

    Raises :class:`cxone_sim.ValidationError` listing every violation at once.
    """

    __slots__ = tuple(f[0] for f in _PAYLOAD_FIELDS)

    campaign_id: str
    answer_rate: float
    agent_efficiency: float
    max_simulation_window_minutes: int
    historical_matrix: List[HistoricalCallMatrix]
    compliance_threshold_variance: float
    agents: Optional[int]
    dialer_type: Optional[str]
    max_lines: Optional[int]
    answering_machine_share: Optional[float]
    amd: Optional[Dict[str, Any]]
    answered_includes_machines: Optional[bool]

    def __init__(self, **data: Any) -> None:
        errors: List[Error] = []
        values, broken = _check_fields(_PAYLOAD_FIELDS, data, (), errors)
        history_ok = "historical_matrix" in data
        typed: List[Dict[str, Any]] = []
        index: List[int] = []
        if history_ok:
            typed, index, history_ok = _check_history(data["historical_matrix"], errors)
        else:
            broken.append(("historical_matrix",))
        document = {k: v for k, v in values.items() if v is not None}
        document["historical_matrix"] = typed if history_ok else [
            {"time_bucket": "00:00-00:01", "calls_attempted": 1, "calls_answered": 1,
             "avg_talk_time_seconds": 1.0}
        ]
        if not history_ok:
            broken.append(("historical_matrix",))

        # Buckets left out for their types must not make the history look empty or unanswered.
        left_out = history_ok and len(index) < len(data["historical_matrix"])

        def drop(loc: Loc) -> bool:
            return _under(loc, broken) or (left_out and loc == ("historical_matrix",))

        for e in _rust_errors(document, drop):
            loc = e["loc"]
            # Buckets that did not type-check were left out: map positions back to the caller's.
            if len(loc) > 1 and loc[0] == "historical_matrix" and isinstance(loc[1], int):
                loc = ("historical_matrix", index[loc[1]]) + loc[2:]
            msg = e["msg"]
            if index != list(range(len(index))):
                msg = _renumber(msg, index)
            error = {"loc": loc, "msg": msg, "type": e["type"]}
            found, value = _value_at(data, loc)
            if found:
                error["input"] = value
            errors.append(error)
        if errors:
            raise ValidationError("PredictiveSimulationPayload", _sorted(errors))
        for name, _, _, _ in _PAYLOAD_FIELDS:
            object.__setattr__(self, name, values.get(name))
        object.__setattr__(
            self, "historical_matrix", [_bucket_of(b) for b in data["historical_matrix"]]
        )

    @classmethod
    def model_validate(cls, data: Union["PredictiveSimulationPayload", Mapping[str, Any]]) -> "PredictiveSimulationPayload":
        """A payload from a mapping (such as ``json.load`` of a payload file), or the payload itself."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError(
                cls.__name__, [_error((), "Input should be a valid dictionary", "dict_type", data)]
            )
        return cls(**data)

    @classmethod
    def model_validate_json(cls, text: Union[str, bytes]) -> "PredictiveSimulationPayload":
        """A payload from JSON text (a payload file's content)."""
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ValidationError(cls.__name__, [_error((), f"Invalid JSON: {e}", "json_invalid", text)]) from None
        return cls.model_validate(data)

    def model_dump(self) -> Dict[str, Any]:
        """The payload as a dict in the payload file's shape (optional fields left out when unset)."""
        out: Dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "historical_matrix":
                value = [b.model_dump() for b in value]
            if value is None and name != "historical_matrix" and not _REQUIRED[name]:
                continue
            out[name] = value
        return out

    def model_dump_json(self) -> str:
        """The payload as JSON text: a payload file ``cxone-sim run`` accepts."""
        return json.dumps(self.model_dump())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PredictiveSimulationPayload):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.model_dump().items() if k != "historical_matrix")
        return f"PredictiveSimulationPayload({fields}, historical_matrix=[{len(self.historical_matrix)} buckets])"


def _value_at(data: Any, loc: Loc) -> Tuple[bool, Any]:
    """The caller's value at ``loc`` (as pydantic reports it in ``input``), if there is one."""
    value = data
    for part in loc:
        if isinstance(value, HistoricalCallMatrix) and isinstance(part, str):
            value = value.model_dump()
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, value


def _bucket_of(item: Any) -> HistoricalCallMatrix:
    return item if isinstance(item, HistoricalCallMatrix) else HistoricalCallMatrix(**item)


def _renumber(msg: str, index: List[int]) -> str:
    """Bucket positions named inside a message (``overlaps historical_matrix[1]``), mapped back."""
    import re

    return re.sub(
        r"historical_matrix\[(\d+)\]",
        lambda m: f"historical_matrix[{index[int(m.group(1))]}]" if int(m.group(1)) < len(index) else m.group(0),
        msg,
    )


def payload_of(payload: Union[PredictiveSimulationPayload, Mapping[str, Any]]) -> PredictiveSimulationPayload:
    """A validated payload from a payload object or a dict in the payload file's shape."""
    return PredictiveSimulationPayload.model_validate(payload)
