"""Psychometrics over many responses, written with NumPy.

Reliability of a scale from its items (respondents x items, keyed, NaN where missing;
respondents with any missing item are left out, "listwise"):

- :func:`cronbach_alpha`: ``alpha = k / (k - 1) * (1 - sum(item variances) / var(total))``.
- :func:`omega_total`: McDonald's omega total from a one-factor model of the item
  correlations, fitted by minimum residuals (iterated principal axes, which converge to the
  same solution): ``omega = 1 - sum(1 - loading_i ** 2) / sum(R)``, as R's ``psych`` computes
  it from the correlation matrix ``R``.
- :func:`item_total_correlations`: each item's correlation with the sum of the other items.
- :func:`alpha_if_dropped`: alpha of the scale without each item.
- :func:`standard_error_of_measurement`: ``SEM = SD * sqrt(1 - reliability)``.
- :func:`reliable_change`: Jacobson and Truax's (1991) reliable change index between two
  scores of one person.
- :func:`classify_change`: that change in words, with the direction that counts as better
  and, where there is a cut-off, "recovered" for a reliable improvement that crosses it.

The Python packages that offer these are GPL-licensed, hence our own implementation; the
tests check it against hand calculations to three decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from tandem.instruments.definition import InstrumentDefinition, Scale
from tandem.instruments.errors import InstrumentError

__all__ = [
    "CHANGE_STATUSES",
    "InsufficientData",
    "OutcomeChange",
    "ReliabilityAccumulator",
    "ReliableChange",
    "ScaleReliability",
    "alpha_if_dropped",
    "classify_change",
    "cronbach_alpha",
    "item_total_correlations",
    "keyed_answers",
    "omega_total",
    "one_factor_loadings",
    "reliability_report",
    "reliable_change",
    "standard_error_of_measurement",
]

FloatArray = npt.NDArray[np.float64]


class InsufficientData(InstrumentError):
    """Too few respondents or items, or no variance, for the figure asked for."""


def _complete(items: npt.ArrayLike, *, min_items: int = 2) -> FloatArray:
    matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2:
        raise InsufficientData(f"expected respondents x items, got shape {matrix.shape}")
    if matrix.shape[1] < min_items:
        raise InsufficientData(f"needs at least {min_items} items, got {matrix.shape[1]}")
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    if complete.shape[0] < 3:
        raise InsufficientData(
            f"needs at least 3 respondents who answered every item, got {complete.shape[0]}"
        )
    return complete


def _covariance(matrix: FloatArray) -> FloatArray:
    covariance = np.cov(matrix, rowvar=False, ddof=1)
    if float(covariance.sum()) <= 0 or np.any(np.diag(covariance) <= 0):
        raise InsufficientData("an item or the total has no variance")
    return np.asarray(covariance, dtype=float)


def cronbach_alpha(items: npt.ArrayLike) -> float:
    """Cronbach's alpha of a scale.

    Formula: ``alpha = k / (k - 1) * (1 - sum(var(item_i)) / var(sum of items))``.

    Parameters:
        items: respondents x items (keyed); rows with a NaN are left out.

    Returns:
        alpha (at most 1; can be negative for items that do not hang together).

    Raises:
        InsufficientData: fewer than 2 items, fewer than 3 complete rows, or no variance.

    Example::

        >>> round(cronbach_alpha([[1, 2], [2, 3], [3, 3], [4, 5]]), 3)
        0.96
    """
    covariance = _covariance(_complete(items))
    k = covariance.shape[0]
    return float(k / (k - 1) * (1.0 - np.trace(covariance) / covariance.sum()))


def alpha_if_dropped(items: npt.ArrayLike) -> FloatArray:
    """Cronbach's alpha of the scale with each item left out in turn.

    Formula, for item ``i`` with covariance matrix ``C`` of all ``k`` items:
    ``(k - 1) / (k - 2) * (1 - (trace(C) - C_ii) / (sum(C) - 2 * sum_j(C_ij) + C_ii))``.

    Raises:
        InsufficientData: fewer than 3 items (alpha needs two left), or too little data.

    Example: for three items, ``alpha_if_dropped(x)[0] == cronbach_alpha(x[:, 1:])``.
    """
    covariance = _covariance(_complete(items, min_items=3))
    k = covariance.shape[0]
    diagonal = np.diag(covariance)
    row_sums = covariance.sum(axis=1)
    remaining_total = covariance.sum() - 2.0 * row_sums + diagonal
    remaining_trace = np.trace(covariance) - diagonal
    return np.asarray((k - 1) / (k - 2) * (1.0 - remaining_trace / remaining_total))


def item_total_correlations(items: npt.ArrayLike) -> FloatArray:
    """Corrected item-total correlations: each item with the sum of the *other* items.

    Formula: ``r_i = cov(x_i, T - x_i) / sqrt(var(x_i) * var(T - x_i))`` with ``T`` the sum of
    all items; from the covariance matrix ``C``: ``cov = sum_j(C_ij) - C_ii`` and
    ``var(T - x_i) = sum(C) - 2 * sum_j(C_ij) + C_ii``.

    Example: ``item_total_correlations(x)[0]`` equals ``np.corrcoef(x[:, 0],
    x[:, 1:].sum(axis=1))[0, 1]``.
    """
    covariance = _covariance(_complete(items))
    diagonal = np.diag(covariance)
    row_sums = covariance.sum(axis=1)
    rest_variance = covariance.sum() - 2.0 * row_sums + diagonal
    return np.asarray((row_sums - diagonal) / np.sqrt(diagonal * rest_variance))


def one_factor_loadings(
    correlations: npt.ArrayLike, *, tolerance: float = 1e-10, max_iterations: int = 10_000
) -> FloatArray:
    """Loadings of a one-factor model of a correlation matrix, by minimum residuals.

    Iterated principal axes: start from squared multiple correlations as communalities, put
    them on the diagonal, take the first eigenvector times the square root of its eigenvalue
    as loadings, put their squares back on the diagonal, and repeat until they settle. At
    convergence this minimises the off-diagonal residuals (the "minres" solution of R's
    ``psych::fa``). Communalities are capped at 1 (a Heywood case). The sign is chosen so the
    loadings sum to a positive number.

    Example: for ``R = l l' + diag(1 - l**2)`` with ``l = (0.8, 0.7, 0.6, 0.5)`` the loadings
    are ``l`` again.
    """
    matrix = np.array(correlations, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 3:
        raise InsufficientData("a one-factor model needs a square matrix of at least 3 items")
    try:
        communality = 1.0 - 1.0 / np.diag(np.linalg.inv(matrix))
    except np.linalg.LinAlgError:
        communality = np.max(np.abs(matrix - np.eye(matrix.shape[0])), axis=1)
    loadings = np.sqrt(np.clip(communality, 0.0, 1.0))
    for _ in range(max_iterations):
        reduced = matrix.copy()
        np.fill_diagonal(reduced, communality)
        eigenvalues, eigenvectors = np.linalg.eigh(reduced)
        loadings = eigenvectors[:, -1] * math.sqrt(max(eigenvalues[-1], 0.0))
        updated = np.minimum(loadings**2, 1.0)
        if np.max(np.abs(updated - communality)) < tolerance:
            break
        communality = updated
    return np.asarray(loadings if loadings.sum() >= 0 else -loadings)


def omega_total(items: npt.ArrayLike) -> float:
    """McDonald's omega total, from a one-factor model of the item correlations.

    Formula: ``omega = 1 - sum(1 - l_i ** 2) / sum(R)`` with ``l`` the one-factor loadings
    (:func:`one_factor_loadings`) and ``sum(R)`` the sum of every entry of the correlation
    matrix. When the model fits exactly this equals ``(sum l) ** 2 / ((sum l) ** 2 +
    sum(1 - l ** 2))``.

    Raises:
        InsufficientData: fewer than 3 items or too little data.

    Example: items with loadings 0.8, 0.7, 0.6 and 0.5 give
    ``2.6 ** 2 / (2.6 ** 2 + 2.26) = 0.749``.
    """
    matrix = _complete(items, min_items=3)
    _covariance(matrix)
    correlations = np.corrcoef(matrix, rowvar=False)
    loadings = one_factor_loadings(correlations)
    return float(1.0 - np.sum(1.0 - loadings**2) / correlations.sum())


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """The standard error of measurement.

    Formula: ``SEM = sd * sqrt(1 - reliability)``.

    Example: ``standard_error_of_measurement(15, 0.84) == 6.0``.
    """
    if not 0 <= reliability <= 1:
        raise ValueError(f"reliability must be between 0 and 1, got {reliability}")
    if sd < 0:
        raise ValueError(f"sd must not be negative, got {sd}")
    return sd * math.sqrt(1.0 - reliability)


@dataclass(frozen=True)
class ReliableChange:
    """The reliable change index between two scores of one person.

    Attributes:
        index: the RCI, ``(after - before) / S_diff``.
        difference: ``after - before``.
        standard_error_of_difference: ``S_diff = sqrt(2) * SEM``.
        reliable: whether ``|index| > criterion`` (1.96: a change this large would arise
            from measurement error alone less than 5% of the time).
        direction: ``increase`` or ``decrease`` when reliable, otherwise ``none``.
    """

    index: float
    difference: float
    standard_error_of_difference: float
    reliable: bool
    direction: Literal["increase", "decrease", "none"]

    def to_dict(self) -> dict[str, float | bool | str]:
        """Return the change as plain data."""
        return {
            "index": round(self.index, 3),
            "difference": round(self.difference, 2),
            "standard_error_of_difference": round(self.standard_error_of_difference, 3),
            "reliable": self.reliable,
            "direction": self.direction,
        }


def reliable_change(
    before: float, after: float, *, sd: float, reliability: float, criterion: float = 1.96
) -> ReliableChange:
    """Jacobson and Truax's reliable change index.

    Formula: ``SEM = sd * sqrt(1 - reliability)``, ``S_diff = sqrt(2 * SEM ** 2)``,
    ``RCI = (after - before) / S_diff``; the change is reliable when ``|RCI| > criterion``.

    Parameters:
        before, after: two scores of one person on the same scale.
        sd: the scale's standard deviation in a reference group (the definition's norms).
        reliability: the scale's reliability, e.g. alpha (the definition's reliability).
        criterion: 1.96 for 95%.

    Raises:
        ValueError: a reliability outside (0, 1) or a non-positive SD (no RCI exists).

    Example::

        >>> change = reliable_change(40, 60, sd=15, reliability=0.84)
        >>> round(change.index, 3), change.reliable, change.direction
        (2.357, True, 'increase')
    """
    if not 0 <= reliability < 1:
        raise ValueError(f"reliability must be at least 0 and below 1, got {reliability}")
    if sd <= 0:
        raise ValueError(f"sd must be more than 0, got {sd}")
    sem = standard_error_of_measurement(sd, reliability)
    s_diff = math.sqrt(2.0) * sem
    difference = after - before
    index = difference / s_diff
    reliable = abs(index) > criterion
    direction: Literal["increase", "decrease", "none"] = "none"
    if reliable:
        direction = "increase" if difference > 0 else "decrease"
    return ReliableChange(
        index=index,
        difference=difference,
        standard_error_of_difference=s_diff,
        reliable=reliable,
        direction=direction,
    )


#: The words :func:`classify_change` uses, best first.
CHANGE_STATUSES = ("recovered", "improved", "no_reliable_change", "deteriorated")


@dataclass(frozen=True)
class OutcomeChange:
    """A change judged against measurement error and, where there is one, a cut-off.

    Attributes:
        status: ``recovered``, ``improved``, ``no_reliable_change`` or ``deteriorated``.
        change: the reliable change behind it.
    """

    status: Literal["recovered", "improved", "no_reliable_change", "deteriorated"]
    change: ReliableChange


def classify_change(
    before: float,
    after: float,
    *,
    sd: float,
    reliability: float,
    better: Literal["higher", "lower"],
    cutoff: float | None = None,
    criterion: float = 1.96,
) -> OutcomeChange:
    """Jacobson and Truax's classification of one person's change.

    A change smaller than measurement error (see :func:`reliable_change`) is
    ``no_reliable_change``. A reliable change in the ``better`` direction is ``improved``,
    and ``recovered`` when a ``cutoff`` is given and the person moved from its worse side
    to its better side (``after`` at or past the cut-off). A reliable change the other way
    is ``deteriorated``.

    Example::

        >>> classify_change(40, 60, sd=15, reliability=0.84, better="higher", cutoff=50).status
        'recovered'
        >>> classify_change(60, 40, sd=15, reliability=0.84, better="higher").status
        'deteriorated'
    """
    if better not in ("higher", "lower"):
        raise ValueError(f"better must be 'higher' or 'lower', got {better!r}")
    change = reliable_change(before, after, sd=sd, reliability=reliability, criterion=criterion)
    if not change.reliable:
        return OutcomeChange("no_reliable_change", change)
    improved = (change.direction == "increase") == (better == "higher")
    if not improved:
        return OutcomeChange("deteriorated", change)
    if cutoff is not None:
        was_worse = before < cutoff if better == "higher" else before > cutoff
        now_better = after >= cutoff if better == "higher" else after <= cutoff
        if was_worse and now_better:
            return OutcomeChange("recovered", change)
    return OutcomeChange("improved", change)


def keyed_answers(instrument: InstrumentDefinition, matrix: npt.ArrayLike) -> FloatArray:
    """Return the answers keyed: reversed items become ``lo + hi - value`` (NaN stays NaN).

    ``matrix`` is respondents x the instrument's items, in ``item_ids`` order.
    """
    answers = np.asarray(matrix, dtype=float)
    if answers.ndim != 2 or answers.shape[1] != len(instrument.items):
        raise InsufficientData(
            f"expected respondents x {len(instrument.items)} items, got {answers.shape}"
        )
    sign = np.array([-1.0 if item.reverse else 1.0 for item in instrument.items])
    offset = np.array(
        [
            item.response.minimum + item.response.maximum if item.reverse else 0.0
            for item in instrument.items
        ]
    )
    return np.asarray(answers * sign + offset)


@dataclass(frozen=True)
class ScaleReliability:
    """A scale's psychometrics over many responses.

    Attributes:
        respondents: complete responses used (every item of the scale answered).
        mean, sd: of the 0-100 scores of those respondents.
        alpha, omega: reliability (``None`` where it cannot be computed, e.g. omega for
            fewer than 3 items).
        sem: standard error of measurement in 0-100 points, from ``sd`` and alpha.
        item_total: corrected item-total correlation per item.
        alpha_if_dropped: per item (``None`` for scales of 2 items).
        problem: why figures are missing, or ``None``.
    """

    scale: str
    items: tuple[str, ...]
    respondents: int
    mean: float | None
    sd: float | None
    alpha: float | None
    omega: float | None
    sem: float | None
    item_total: tuple[float, ...] | None
    alpha_if_dropped: tuple[float, ...] | None
    problem: str | None


class ReliabilityAccumulator:
    """Each scale's psychometrics from responses added a chunk at a time, in fixed memory.

    Keeps, per scale, the number of complete responses (every item answered), the sums of
    their keyed answers and the sums of their cross-products; the covariance matrix follows,
    and every figure of :func:`reliability_report` comes from it. Sums of small whole numbers
    are exact in floating point, so adding in chunks gives the same figures as all at once.

    Example::

        >>> accumulator = ReliabilityAccumulator(instrument)
        >>> for chunk in chunks:
        ...     accumulator.add(chunk)
        >>> report = accumulator.report()
    """

    def __init__(self, instrument: InstrumentDefinition) -> None:
        self.instrument = instrument
        position = {item_id: column for column, item_id in enumerate(instrument.item_ids)}
        self._columns = [
            [position[item.id] for item in scale.items] for scale in instrument.scales.values()
        ]
        self._count = [0 for _ in self._columns]
        self._sums = [np.zeros(len(columns)) for columns in self._columns]
        self._products = [np.zeros((len(columns), len(columns))) for columns in self._columns]

    def add(self, matrix: npt.ArrayLike) -> None:
        """Add responses: respondents x items in ``item_ids`` order, NaN where missing."""
        keyed = keyed_answers(self.instrument, matrix)
        for position, (columns, scale) in enumerate(
            zip(self._columns, self.instrument.scales.values(), strict=True)
        ):
            items = keyed[:, columns]
            # Shifted to start at 0, so the sums stay small whole numbers.
            complete = items[~np.isnan(items).any(axis=1)] - scale.minimum
            self._count[position] += int(complete.shape[0])
            self._sums[position] += complete.sum(axis=0)
            self._products[position] += complete.T @ complete

    def report(self) -> list[ScaleReliability]:
        """Return one :class:`ScaleReliability` per scale, in definition order."""
        return [
            _scale_reliability(scale, count, sums, products)
            for scale, count, sums, products in zip(
                self.instrument.scales.values(),
                self._count,
                self._sums,
                self._products,
                strict=True,
            )
        ]


def _from_covariance(covariance: FloatArray, count: int, *, min_items: int = 2) -> FloatArray:
    if covariance.shape[0] < min_items:
        raise InsufficientData(f"needs at least {min_items} items, got {covariance.shape[0]}")
    if count < 3:
        raise InsufficientData(f"needs at least 3 respondents who answered every item, got {count}")
    if float(covariance.sum()) <= 0 or np.any(np.diag(covariance) <= 0):
        raise InsufficientData("an item or the total has no variance")
    return covariance


def _scale_reliability(
    scale: Scale, count: int, sums: FloatArray, products: FloatArray
) -> ScaleReliability:
    k = len(scale.items)
    mean = sd = alpha = omega = sem = None
    item_total = dropped = None
    problem = None
    covariance = np.zeros((k, k))
    if count > 1:
        covariance = (products - np.outer(sums, sums) / count) / (count - 1)
    # The 0-100 score is linear in the items' sum: 100 * (sum / k - lo) / (hi - lo), with the
    # answers already shifted by lo.
    factor = 100.0 / (k * (scale.maximum - scale.minimum))
    if count:
        mean = float(factor * sums.sum() / count)
    if count > 1:
        sd = float(factor * math.sqrt(max(float(covariance.sum()), 0.0)))
    try:
        _from_covariance(covariance, count)
        alpha = float(k / (k - 1) * (1.0 - np.trace(covariance) / covariance.sum()))
        diagonal = np.diag(covariance)
        row_sums = covariance.sum(axis=1)
        rest_variance = covariance.sum() - 2.0 * row_sums + diagonal
        item_total = tuple(
            float(value) for value in (row_sums - diagonal) / np.sqrt(diagonal * rest_variance)
        )
        if k >= 3:
            remaining_trace = np.trace(covariance) - diagonal
            dropped_alpha = (k - 1) / (k - 2) * (1.0 - remaining_trace / rest_variance)
            dropped = tuple(float(value) for value in dropped_alpha)
            scale_sd = np.sqrt(diagonal)
            correlations = covariance / np.outer(scale_sd, scale_sd)
            loadings = one_factor_loadings(correlations)
            omega = float(1.0 - np.sum(1.0 - loadings**2) / correlations.sum())
        if sd is not None:
            sem = standard_error_of_measurement(sd, min(max(alpha, 0.0), 1.0))
    except InsufficientData as error:
        problem = str(error)
    return ScaleReliability(
        scale=scale.key,
        items=tuple(item.id for item in scale.items),
        respondents=count,
        mean=mean,
        sd=sd,
        alpha=alpha,
        omega=omega,
        sem=sem,
        item_total=item_total,
        alpha_if_dropped=dropped,
        problem=problem,
    )


def reliability_report(
    instrument: InstrumentDefinition, matrix: npt.ArrayLike
) -> list[ScaleReliability]:
    """Compute each scale's psychometrics from many responses.

    Parameters:
        instrument: the instrument.
        matrix: respondents x items in ``instrument.item_ids`` order, NaN where missing.

    Returns:
        one :class:`ScaleReliability` per scale, in definition order. For responses that come
        in chunks, use :class:`ReliabilityAccumulator`: it gives the same figures.
    """
    accumulator = ReliabilityAccumulator(instrument)
    accumulator.add(matrix)
    return accumulator.report()
