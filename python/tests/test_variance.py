"""``validate_simulation_variance`` gives exactly what the seed's own function gives."""

from __future__ import annotations

import statistics
from typing import List

import pytest

from cxone_sim import HistoricalCallMatrix, validate_simulation_variance


# The seed's function, verbatim (Step 3 of the tutorial): the reference oracle.
def seed_validate_simulation_variance(
    simulated_answer_rate: float,
    historical_matrix: List[HistoricalCallMatrix],
    compliance_threshold: float
) -> dict:
    historical_rates = []
    for bucket in historical_matrix:
        if bucket.calls_attempted > 0:
            historical_rates.append(bucket.calls_answered / bucket.calls_attempted)

    if not historical_rates:
        raise ValueError("Historical matrix contains no valid attempt data")

    mean_historical_rate = statistics.mean(historical_rates)
    variance = abs(simulated_answer_rate - mean_historical_rate) / mean_historical_rate

    is_compliant = variance <= compliance_threshold
    return {
        "simulated_rate": simulated_answer_rate,
        "historical_mean_rate": mean_historical_rate,
        "variance": variance,
        "compliance_threshold": compliance_threshold,
        "is_compliant": is_compliant,
        "variance_status": "PASS" if is_compliant else "FAIL"
    }


def matrix(*rows) -> List[HistoricalCallMatrix]:
    return [
        HistoricalCallMatrix(
            time_bucket=f"{9 + i:02d}:00-{10 + i:02d}:00",
            calls_attempted=attempted,
            calls_answered=answered,
            avg_talk_time_seconds=140,
        )
        for i, (attempted, answered) in enumerate(rows)
    ]


SEED = matrix((500, 190), (620, 245), (480, 175))
CASES = [
    (0.38, SEED, 0.10),
    (0.36, SEED, 0.10),
    (0.3419233870967742, SEED, 0.10),  # just at the threshold's edge below the mean
    (0.45, SEED, 0.10),
    (0.20, SEED, 0.25),
    (0.38, matrix((500, 190), (0, 0), (480, 175)), 0.05),  # a bucket without attempts is skipped
    (0.10, matrix((1000, 97), (1000, 103), (999, 100), (7, 1)), 0.01),
    (0.95, matrix((3, 3)), 0.01),
]


@pytest.mark.parametrize("rate, history, threshold", CASES)
def test_equals_the_seed_function(rate, history, threshold) -> None:
    ours = validate_simulation_variance(rate, history, threshold)
    seed = seed_validate_simulation_variance(rate, history, threshold)
    assert ours.keys() == seed.keys()
    assert ours["is_compliant"] == seed["is_compliant"]
    assert ours["variance_status"] == seed["variance_status"]
    assert ours["simulated_rate"] == seed["simulated_rate"]
    assert ours["compliance_threshold"] == seed["compliance_threshold"]
    # statistics.mean rounds the exact sum once; the Rust mean sums in floating point: the two can
    # differ in the last bit, never more.
    assert ours["historical_mean_rate"] == pytest.approx(seed["historical_mean_rate"], rel=1e-15, abs=0)
    assert ours["variance"] == pytest.approx(seed["variance"], rel=1e-12, abs=1e-16)


def test_takes_dicts_too() -> None:
    rows = [b.model_dump() for b in SEED]
    assert validate_simulation_variance(0.37, rows, 0.1) == validate_simulation_variance(0.37, SEED, 0.1)


def test_no_attempts_is_a_value_error_as_in_the_seed() -> None:
    empty = matrix((0, 0), (0, 0))
    with pytest.raises(ValueError):
        seed_validate_simulation_variance(0.3, empty, 0.1)
    with pytest.raises(ValueError, match="no bucket with calls attempted"):
        validate_simulation_variance(0.3, empty, 0.1)


def test_a_zero_historical_rate_is_an_error_not_a_division_by_zero() -> None:
    with pytest.raises(ValueError, match="historical answer rate is 0"):
        validate_simulation_variance(0.3, matrix((10, 0)), 0.1)
