"""Psychometrics against hand calculations written out here (three decimals)."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from tandem.instruments import (
    InsufficientData,
    alpha_if_dropped,
    cronbach_alpha,
    item_total_correlations,
    omega_total,
    reliability_report,
    reliable_change,
    standard_error_of_measurement,
)
from tandem.instruments.instrument import Instrument
from tandem.instruments.psychometrics import classify_change, one_factor_loadings

# Five people, three items.
DATA = [
    [1, 2, 2],
    [2, 3, 3],
    [3, 3, 4],
    [4, 5, 4],
    [5, 4, 5],
]


def test_cronbach_alpha_by_hand() -> None:
    # Item variances (n - 1 = 4):
    #   item 1: 1..5, mean 3, squares 4+1+0+1+4 = 10           -> 2.5
    #   item 2: 2,3,3,5,4, mean 3.4, squares 1.96+.16+.16+2.56+.36 = 5.2 -> 1.3
    #   item 3: 2,3,4,4,5, mean 3.6, squares 2.56+.36+.16+.16+1.96 = 5.2 -> 1.3
    # Totals 5, 8, 10, 13, 14: mean 10, squares 25+4+0+9+16 = 54 -> 13.5
    # alpha = 3/2 * (1 - (2.5 + 1.3 + 1.3) / 13.5) = 1.5 * 8.4 / 13.5 = 0.9333
    assert round(cronbach_alpha(DATA), 3) == 0.933


def test_alpha_if_an_item_is_dropped_by_hand() -> None:
    # Without item 1: var 1.3 and 1.3, covariance of items 2 and 3:
    #   (-1.4)(-1.6) + (-.4)(-.6) + (-.4)(.4) + (1.6)(.4) + (.6)(1.4) = 3.8, / 4 = 0.95
    #   total variance 1.3 + 1.3 + 2 * 0.95 = 4.5; alpha = 2 * (1 - 2.6 / 4.5) = 0.8444
    dropped = alpha_if_dropped(DATA)
    assert round(float(dropped[0]), 3) == 0.844
    # Each equals alpha computed on the remaining two items.
    for item in range(3):
        rest = [[row[j] for j in range(3) if j != item] for row in DATA]
        assert dropped[item] == pytest.approx(cronbach_alpha(rest))


def test_corrected_item_total_correlations_by_hand() -> None:
    # Item 1 against items 2 + 3 (4, 6, 7, 9, 9; mean 7):
    #   cross-products (-2)(-3) + (-1)(-1) + 0 + (1)(2) + (2)(2) = 13
    #   squares: item 1: 10; rest: 9 + 1 + 0 + 4 + 4 = 18; r = 13 / sqrt(180) = 0.9690
    correlations = item_total_correlations(DATA)
    assert round(float(correlations[0]), 3) == 0.969
    # The others against the standard library's Pearson correlation.
    for item in range(3):
        values = [row[item] for row in DATA]
        rest = [sum(row) - row[item] for row in DATA]
        expected = statistics.correlation(values, rest)
        assert round(float(correlations[item]), 3) == round(expected, 3)


def _exact_sample(correlations: np.ndarray, respondents: int = 200) -> np.ndarray:
    """Data whose sample correlation matrix is exactly ``correlations``."""
    rng = np.random.default_rng(11)
    noise = rng.standard_normal((respondents, correlations.shape[0]))
    noise -= noise.mean(axis=0)
    orthonormal, _ = np.linalg.qr(noise)
    return orthonormal * math.sqrt(respondents - 1) @ np.linalg.cholesky(correlations).T


def test_one_factor_loadings_are_recovered_from_an_exact_one_factor_matrix() -> None:
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    correlations = np.outer(loadings, loadings)
    np.fill_diagonal(correlations, 1.0)
    assert np.round(one_factor_loadings(correlations), 3).tolist() == [0.8, 0.7, 0.6, 0.5]


def test_omega_total_by_hand() -> None:
    # Loadings 0.8, 0.7, 0.6, 0.5: sum 2.6, squared 6.76; uniquenesses 1 - l^2:
    #   0.36 + 0.51 + 0.64 + 0.75 = 2.26; omega = 6.76 / (6.76 + 2.26) = 0.7494
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    correlations = np.outer(loadings, loadings)
    np.fill_diagonal(correlations, 1.0)
    assert round(omega_total(_exact_sample(correlations)), 3) == 0.749


def test_omega_equals_standardised_alpha_for_equal_loadings() -> None:
    # Five items loading 0.6: r = 0.36 between every pair.
    #   omega = 3^2 / (9 + 5 * 0.64) = 9 / 12.2 = 0.7377
    #   standardised alpha = 5 * 0.36 / (1 + 4 * 0.36) = 1.8 / 2.44 = 0.7377
    correlations = np.full((5, 5), 0.36)
    np.fill_diagonal(correlations, 1.0)
    data = _exact_sample(correlations)
    assert round(omega_total(data), 3) == 0.738
    assert round(cronbach_alpha(data / data.std(axis=0, ddof=1)), 3) == 0.738


def test_one_factor_loadings_minimise_the_off_diagonal_residuals() -> None:
    # A matrix no single factor fits exactly: the minres solution is a minimum of the
    # sum of squared off-diagonal residuals, so nudging any loading makes the fit worse.
    correlations = np.array(
        [
            [1.0, 0.55, 0.40, 0.30],
            [0.55, 1.0, 0.45, 0.20],
            [0.40, 0.45, 1.0, 0.35],
            [0.30, 0.20, 0.35, 1.0],
        ]
    )
    loadings = one_factor_loadings(correlations)

    def residual(candidate: np.ndarray) -> float:
        difference = correlations - np.outer(candidate, candidate)
        np.fill_diagonal(difference, 0.0)
        return float((difference**2).sum())

    best = residual(loadings)
    for position in range(4):
        for step in (-1e-3, 1e-3):
            nudged = loadings.copy()
            nudged[position] += step
            assert residual(nudged) > best


def test_standard_error_of_measurement_by_hand() -> None:
    # 15 * sqrt(1 - 0.84) = 15 * 0.4 = 6
    assert standard_error_of_measurement(15, 0.84) == pytest.approx(6.0)


def test_reliable_change_by_hand() -> None:
    # SEM = 6; S_diff = sqrt(2 * 6^2) = 8.4853; RCI = (60 - 40) / 8.4853 = 2.357 > 1.96
    change = reliable_change(40, 60, sd=15, reliability=0.84)
    assert round(change.index, 3) == 2.357
    assert round(change.standard_error_of_difference, 3) == 8.485
    assert change.reliable and change.direction == "increase"
    # RCI = (40 - 50) / 8.4853 = -1.179: within measurement error.
    small = reliable_change(50, 40, sd=15, reliability=0.84)
    assert round(small.index, 3) == -1.179
    assert not small.reliable and small.direction == "none"
    assert reliable_change(70, 40, sd=15, reliability=0.84).direction == "decrease"


@pytest.mark.parametrize(("sd", "reliability"), [(0, 0.8), (15, 1.0), (15, -0.1)])
def test_reliable_change_refuses_impossible_figures(sd: float, reliability: float) -> None:
    with pytest.raises(ValueError):
        reliable_change(40, 60, sd=sd, reliability=reliability)


def test_an_instrument_judges_change_with_its_own_figures(relating_styles: Instrument) -> None:
    # self_worth: alpha 0.79, SD 19 -> SEM 8.707, S_diff 12.314; (70 - 40) / 12.314 = 2.436
    change = relating_styles.reliable_change("self_worth", 40, 70)
    assert round(change.index, 3) == 2.436
    with pytest.raises(KeyError):
        relating_styles.reliable_change("no_such_scale", 40, 70)


def test_missing_answers_are_left_out_listwise() -> None:
    with_gap = [*DATA, [float("nan"), 1, 1]]
    assert cronbach_alpha(with_gap) == pytest.approx(cronbach_alpha(DATA))


@pytest.mark.parametrize(
    "items",
    [[[1, 2], [2, 3]], [[1], [2], [3]], [[1, 1], [1, 1], [1, 1]]],
    ids=["two respondents", "one item", "no variance"],
)
def test_too_little_data_is_refused(items: list[list[int]]) -> None:
    with pytest.raises(InsufficientData):
        cronbach_alpha(items)


def test_the_reliability_report_keys_reversed_items(relating_styles: Instrument) -> None:
    rng = np.random.default_rng(5)
    trait = rng.standard_normal((400, 1))
    # Everyone answers every item of self_reliance by one trait, reversed items mirrored.
    level = np.clip(np.round(3 + trait + 0.5 * rng.standard_normal((400, 48))), 1, 5)
    reverse = np.array([item.reverse for item in relating_styles.items])
    matrix = np.where(reverse, 6 - level, level)
    report = {scale.scale: scale for scale in reliability_report(relating_styles, matrix)}
    self_reliance = report["self_reliance"]
    assert self_reliance.respondents == 400
    assert self_reliance.alpha is not None and self_reliance.alpha > 0.8
    assert self_reliance.item_total is not None and min(self_reliance.item_total) > 0.5
    assert self_reliance.omega is not None and self_reliance.sem is not None


# S_diff with sd 15 and alpha 0.84 is 8.485, so a change beyond 16.63 points is reliable.
@pytest.mark.parametrize(
    ("before", "after", "better", "cutoff", "status"),
    [
        (40, 60, "higher", 50, "recovered"),  # reliable rise from below 50 to above it
        (40, 60, "higher", 70, "improved"),  # reliable, but still below the cut-off
        (55, 75, "higher", 50, "improved"),  # started on the better side already
        (40, 60, "higher", None, "improved"),  # no cut-off: never "recovered"
        (60, 40, "higher", 50, "deteriorated"),
        (50, 60, "higher", 55, "no_reliable_change"),  # crosses the cut-off within error
        (60, 40, "lower", 50, "recovered"),  # lower is better: a reliable fall below 50
        (40, 60, "lower", 50, "deteriorated"),
    ],
)
def test_classify_change_by_hand(
    before: float, after: float, better: str, cutoff: float | None, status: str
) -> None:
    judged = classify_change(
        before,
        after,
        sd=15,
        reliability=0.84,
        better=better,
        cutoff=cutoff,
    )
    assert judged.status == status
    assert judged.change == reliable_change(before, after, sd=15, reliability=0.84)


def test_classify_change_refuses_an_unknown_direction() -> None:
    with pytest.raises(ValueError):
        classify_change(40, 60, sd=15, reliability=0.84, better="up")


def test_an_instrument_judges_its_outcome(relating_styles: Instrument) -> None:
    # self_worth, cut-off 40: (60 - 30) / 12.314 = 2.436 > 1.96, from below 40 to above: recovered.
    assert relating_styles.outcome_change(30, 60).status == "recovered"
    assert relating_styles.outcome_change(60, 30).status == "deteriorated"
