"""Payload validation: every seed rule, the product's own rules, types as pydantic checks them, and
every violation at once, as ``ValidationError.errors()`` in pydantic's shape."""

from __future__ import annotations

import json

import pytest

from cxone_sim import HistoricalCallMatrix, PredictiveSimulationPayload, ValidationError

from conftest import REPO


def errors_of(data: dict) -> list:
    with pytest.raises(ValidationError) as caught:
        PredictiveSimulationPayload(**data)
    errors = caught.value.errors()
    for e in errors:
        assert set(e) >= {"loc", "msg", "type"}
        assert isinstance(e["loc"], tuple)
        assert e["msg"]
    return errors


def locs(data: dict) -> list:
    return [e["loc"] for e in errors_of(data)]


def test_the_seed_example_is_valid(seed_payload) -> None:
    payload = PredictiveSimulationPayload(**seed_payload)
    assert payload.answer_rate == 0.38
    assert isinstance(payload.historical_matrix[0], HistoricalCallMatrix)
    assert payload.historical_matrix[0].avg_talk_time_seconds == 145.0
    assert payload.model_dump() == seed_payload


# The seed's four validators: each bound, just inside and just outside.
SEED_RULES = [
    ("answer_rate", 0.05, 0.95),
    ("agent_efficiency", 0.50, 1.00),
    ("max_simulation_window_minutes", 10, 1440),
    ("compliance_threshold_variance", 0.01, 0.25),
]


@pytest.mark.parametrize("field, lo, hi", SEED_RULES)
def test_each_seed_range_accepts_its_bounds(seed_payload, field, lo, hi) -> None:
    for value in (lo, hi):
        PredictiveSimulationPayload(**{**seed_payload, field: value})


@pytest.mark.parametrize("field, lo, hi", SEED_RULES)
def test_each_seed_range_refuses_outside_it(seed_payload, field, lo, hi) -> None:
    step = 1 if isinstance(lo, int) else 0.001
    for value in (lo - step, hi + step):
        errors = errors_of({**seed_payload, field: value})
        assert [(e["loc"], e["type"], e["input"]) for e in errors] == [((field,), "value_error", value)]
        assert f"from {lo:g} to {hi:g}" in errors[0]["msg"], errors[0]["msg"]


def test_every_violation_is_reported_at_once(seed_payload) -> None:
    data = {
        **seed_payload,
        "campaign_id": "bad id/..",
        "answer_rate": 0.99,
        "agent_efficiency": 0.2,
        "max_simulation_window_minutes": 5,
        "compliance_threshold_variance": 0.5,
        "agents": 0,
    }
    data["historical_matrix"][0]["calls_answered"] = 501
    data["historical_matrix"][1]["time_bucket"] = "10:30-11:30"
    data["historical_matrix"][2]["avg_talk_time_seconds"] = 0
    assert locs(data) == [
        ("campaign_id",),
        ("answer_rate",),
        ("agent_efficiency",),
        ("max_simulation_window_minutes",),
        ("historical_matrix", 0, "calls_answered"),
        ("historical_matrix", 2, "time_bucket"),
        ("historical_matrix", 2, "avg_talk_time_seconds"),
        ("compliance_threshold_variance",),
        ("agents",),
    ]


def test_type_errors_and_rule_violations_come_together(seed_payload) -> None:
    data = {**seed_payload, "answer_rate": "high", "agent_efficiency": 0.1}
    del data["max_simulation_window_minutes"]
    data["historical_matrix"][1]["calls_attempted"] = "many"
    errors = errors_of(data)
    assert [(e["loc"], e["type"]) for e in errors] == [
        (("answer_rate",), "float_parsing"),
        (("agent_efficiency",), "value_error"),
        (("max_simulation_window_minutes",), "missing"),
        (("historical_matrix", 1, "calls_attempted"), "int_parsing"),
    ]
    assert errors[0]["input"] == "high"


def test_a_bucket_left_out_for_its_types_keeps_the_positions_of_the_others(seed_payload) -> None:
    data = seed_payload
    data["historical_matrix"][0]["calls_answered"] = None
    data["historical_matrix"][2]["calls_answered"] = 481
    assert locs(data) == [
        ("historical_matrix", 0, "calls_answered"),
        ("historical_matrix", 2, "calls_answered"),
    ]


def test_types_are_checked_as_pydantic_checks_them(seed_payload) -> None:
    lax = {**seed_payload, "max_simulation_window_minutes": "120", "answer_rate": 1 / 2}
    lax["historical_matrix"][0]["calls_attempted"] = 500.0
    payload = PredictiveSimulationPayload(**lax)
    assert payload.max_simulation_window_minutes == 120
    assert payload.historical_matrix[0].calls_attempted == 500
    strict = {**seed_payload, "max_simulation_window_minutes": 120.5, "campaign_id": 7, "answer_rate": True}
    assert [(e["loc"], e["type"]) for e in errors_of(strict)] == [
        (("campaign_id",), "string_type"),
        (("answer_rate",), "float_type"),
        (("max_simulation_window_minutes",), "int_from_float"),
    ]


def test_non_finite_numbers_are_refused(seed_payload) -> None:
    errors = errors_of({**seed_payload, "answer_rate": float("nan"), "agent_efficiency": float("inf")})
    assert [(e["loc"], e["type"]) for e in errors] == [
        (("answer_rate",), "finite_number"),
        (("agent_efficiency",), "finite_number"),
    ]


def test_unknown_fields_are_refused_so_a_typo_does_not_pass(seed_payload) -> None:
    data = {**seed_payload, "answer_rat": 0.3}
    data["historical_matrix"][0]["calls"] = 3
    # In field order, as the other errors: fields the payload does not know come last.
    assert [(e["loc"], e["type"]) for e in errors_of(data)] == [
        (("historical_matrix", 0, "calls"), "extra_forbidden"),
        (("answer_rat",), "extra_forbidden"),
    ]


@pytest.mark.parametrize(
    "campaign_id, fragment",
    [("", "empty"), ("x" * 129, "129 characters"), ("a/b", "URL path"), ("é", "only letters")],
)
def test_the_campaign_id_must_fit_a_url_path(seed_payload, campaign_id, fragment) -> None:
    errors = errors_of({**seed_payload, "campaign_id": campaign_id})
    assert errors[0]["loc"] == ("campaign_id",)
    assert fragment in errors[0]["msg"]


@pytest.mark.parametrize(
    "bucket, loc, fragment",
    [
        ({"time_bucket": "9:00-10:00"}, "time_bucket", "HH:MM-HH:MM"),
        ({"time_bucket": "10:00-09:00"}, "time_bucket", "ends before it starts"),
        ({"calls_answered": 600}, "calls_answered", "cannot exceed"),
        ({"calls_attempted": -1}, "calls_attempted", "greater than or equal to 0"),
        ({"avg_talk_time_seconds": 0}, "avg_talk_time_seconds", "above 0"),
        ({"avg_talk_time_seconds": 86_401}, "avg_talk_time_seconds", "at most 86 400"),
    ],
)
def test_bucket_rules(seed_payload, bucket, loc, fragment) -> None:
    data = seed_payload
    data["historical_matrix"][0].update(bucket)
    errors = errors_of(data)
    assert [e["loc"] for e in errors] == [("historical_matrix", 0, loc)]
    assert fragment in errors[0]["msg"], errors[0]["msg"]
    # The bucket alone says the same.
    with pytest.raises(ValidationError) as caught:
        HistoricalCallMatrix(**data["historical_matrix"][0])
    assert [e["loc"] for e in caught.value.errors()] == [(loc,)]


def test_history_rules(seed_payload) -> None:
    overlapping = seed_payload
    overlapping["historical_matrix"][1]["time_bucket"] = "09:30-10:30"
    errors = errors_of(overlapping)
    assert [e["loc"] for e in errors] == [("historical_matrix", 1, "time_bucket")]
    assert "overlaps historical_matrix[0]" in errors[0]["msg"]

    assert [e["loc"] for e in errors_of({**overlapping, "historical_matrix": []})] == [("historical_matrix",)]
    no_attempts = [{"time_bucket": "09:00-10:00", "calls_attempted": 0, "calls_answered": 0, "avg_talk_time_seconds": 60}]
    errors = errors_of({**overlapping, "historical_matrix": no_attempts})
    assert errors[0]["loc"] == ("historical_matrix",) and "attempt" in errors[0]["msg"]
    too_many = [
        {"time_bucket": f"{m // 60:02d}:{m % 60:02d}-{(m + 1) // 60:02d}:{(m + 1) % 60:02d}"
         if m < 1439 else "23:59-24:00",
         "calls_attempted": 1, "calls_answered": 1, "avg_talk_time_seconds": 60}
        for m in range(1440)
    ]
    PredictiveSimulationPayload(**{**overlapping, "historical_matrix": too_many})
    errors = errors_of({**overlapping, "historical_matrix": too_many + too_many[:1]})
    assert ("historical_matrix",) in [e["loc"] for e in errors]
    assert [(e["loc"], e["type"]) for e in errors_of({**overlapping, "historical_matrix": "09:00"})] == [
        (("historical_matrix",), "list_type")
    ]


def test_optional_extensions(seed_payload) -> None:
    payload = PredictiveSimulationPayload(**seed_payload, agents=12, dialer_type="progressive")
    assert payload.agents == 12 and payload.dialer_type == "PROGRESSIVE"
    assert [(e["loc"], e["type"]) for e in errors_of({**seed_payload, "agents": 10_001, "dialer_type": "TURBO"})] == [
        (("agents",), "value_error"),
        (("dialer_type",), "enum"),
    ]


def test_missing_fields_are_each_named() -> None:
    errors = errors_of({})
    assert [(e["loc"], e["type"]) for e in errors] == [
        ((name,), "missing")
        for name in (
            "campaign_id",
            "answer_rate",
            "agent_efficiency",
            "max_simulation_window_minutes",
            "historical_matrix",
            "compliance_threshold_variance",
        )
    ]


def test_round_trips_through_json(seed_payload) -> None:
    payload = PredictiveSimulationPayload.model_validate_json(json.dumps(seed_payload))
    assert PredictiveSimulationPayload.model_validate_json(payload.model_dump_json()) == payload
    with pytest.raises(ValidationError) as caught:
        PredictiveSimulationPayload.model_validate_json("{not json")
    assert caught.value.errors()[0]["type"] == "json_invalid"


def test_the_error_renders_like_pydantics(seed_payload) -> None:
    with pytest.raises(ValidationError) as caught:
        PredictiveSimulationPayload(**{**seed_payload, "answer_rate": 2, "agent_efficiency": 0})
    text = str(caught.value)
    assert text.splitlines()[0] == "2 validation errors for PredictiveSimulationPayload"
    assert "answer_rate\n  must be a number from 0.05 to 0.95 (got 2)" in text
    assert caught.value.error_count() == 2
    assert isinstance(caught.value, ValueError)


def test_every_payload_file_field_is_taken(seed_payload) -> None:
    """The fields a payload file takes beyond the seed's are the package's too, with the same rules."""
    amd = {"enabled": True, "detect_seconds": 1.0, "false_positive": 0.01, "false_negative": 0.1}
    payload = PredictiveSimulationPayload(
        **seed_payload,
        max_lines=40,
        answering_machine_share=0.4,
        amd=amd,
        answered_includes_machines=False,
    )
    assert payload.max_lines == 40 and payload.answering_machine_share == 0.4
    assert payload.model_dump()["amd"] == amd
    assert PredictiveSimulationPayload.model_validate_json(payload.model_dump_json()) == payload
    # Unset, they stay out of the dump, as a payload file leaves them out.
    assert "amd" not in PredictiveSimulationPayload(**seed_payload).model_dump()
    bad = errors_of({**seed_payload, "answering_machine_share": 0.9, "amd": "on",
                     "answered_includes_machines": "yes"})
    assert [(e["loc"], e["type"]) for e in bad][1:] == [
        (("amd",), "dict_type"),
        (("answered_includes_machines",), "bool_type"),
    ]
    # A machine share that leaves no room for the live answers is the Rust rule's verdict.
    assert bad[0]["loc"][0] == "answering_machine_share", bad
    # AMD settings without machines are refused, naming the field.
    assert any(e["loc"][0] == "amd" for e in errors_of({**seed_payload, "amd": amd}))


def test_the_answering_machine_example_is_valid() -> None:
    data = json.loads((REPO / "examples" / "amd_payload.json").read_text())
    assert PredictiveSimulationPayload(**data).answering_machine_share == 0.4
