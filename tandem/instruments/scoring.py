"""Scoring: one response or many, through the same vectorised arithmetic.

For an item answered ``x`` on a response scale from ``lo`` to ``hi``, the keyed value is
``x`` (or ``lo + hi - x`` for a reverse-keyed item). A scale's score is the percent of the
maximum possible (POMP) over its answered items::

    score = 100 * (mean of keyed values - lo) / (hi - lo)

A scale with fewer than ``ceil(min_answered * number of items)`` answers is not scored (NaN
in arrays, ``None`` in a :class:`~tandem.instruments.results.Result`): nothing is guessed.

Vectorised: the keyed sums and answer counts of every scale come from two matrix products of
the answers (missing as 0) and the answered mask with fixed item-by-scale weight matrices,
computed in chunks of rows, so there is no Python loop per respondent.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import numpy.typing as npt

from tandem.instruments.definition import Band, FlagPlanEffect, InstrumentDefinition
from tandem.instruments.errors import AnswerError, AnswerTypeError
from tandem.instruments.plan import PlanArrays, compute_plan
from tandem.instruments.results import BatchResult, Result
from tandem.instruments.rules import RuleContext
from tandem.instruments.style import classify, combine

__all__ = ["CHUNK_ROWS", "score_answers", "score_matrix"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Rows scored per step: large enough to amortise NumPy's overhead, small enough for the
#: working arrays to stay in cache-friendly sizes.
CHUNK_ROWS = 1 << 13


@dataclass(frozen=True)
class _Compiled:
    """An instrument's scoring arithmetic as arrays, built once per instrument."""

    lo: FloatArray  # per item column
    hi: FloatArray
    scattered: tuple[tuple[int, FloatArray], ...]  # columns whose values have gaps
    keyed_weights: FloatArray  # items x scales: +1/-1 where the item is in the scale
    # items x (2 * scales), float32 (exact for these small whole numbers): 1 where the item is
    # in the scale; then, where it is, the correction for keying and for the missing answers
    # that were filled with ``lo`` (see _score_block).
    count_weights: npt.NDArray[np.float32]
    fill_total: FloatArray  # per scale: sum of sign * lo over its items
    scale_lo: FloatArray
    scale_span: FloatArray
    scale_items: FloatArray
    required: FloatArray
    is_sum: BoolArray
    band_edges: tuple[FloatArray, ...]
    index_band_edges: tuple[FloatArray, ...]


_compiled_cache: weakref.WeakKeyDictionary[InstrumentDefinition, _Compiled] = (
    weakref.WeakKeyDictionary()
)


def _edges(bands: Sequence[Band]) -> FloatArray:
    return np.array([band.upper for band in bands[:-1]], dtype=float)


def _compile(instrument: InstrumentDefinition) -> _Compiled:
    cached = _compiled_cache.get(instrument)
    if cached is not None:
        return cached
    items = instrument.items
    scales = list(instrument.scales.values())
    position = {item.id: column for column, item in enumerate(items)}
    lo = np.array([item.response.minimum for item in items], dtype=float)
    hi = np.array([item.response.maximum for item in items], dtype=float)
    sign = np.array([-1.0 if item.reverse else 1.0 for item in items])
    offset = np.where(sign < 0, lo + hi, 0.0)
    membership = np.zeros((len(items), len(scales)))
    for column, scale in enumerate(scales):
        for item in scale.items:
            membership[position[item.id], column] = 1.0
    compiled = _Compiled(
        lo=lo,
        hi=hi,
        scattered=tuple(
            (column, np.array(item.response.values, dtype=float))
            for column, item in enumerate(items)
            if not item.response.is_contiguous
        ),
        keyed_weights=membership * sign[:, None],
        count_weights=np.hstack([membership, membership * (offset + sign * lo)[:, None]]).astype(
            np.float32
        ),
        fill_total=(membership * (sign * lo)[:, None]).sum(axis=0),
        scale_lo=np.array([scale.minimum for scale in scales], dtype=float),
        scale_span=np.array([scale.maximum - scale.minimum for scale in scales], dtype=float),
        scale_items=np.array([len(scale.items) for scale in scales], dtype=float),
        required=np.array([scale.required for scale in scales], dtype=float),
        is_sum=np.array([scale.method == "sum" for scale in scales], dtype=bool),
        band_edges=tuple(_edges(scale.bands) for scale in scales),
        index_band_edges=tuple(_edges(index.bands) for index in instrument.indices.values()),
    )
    _compiled_cache[instrument] = compiled
    return compiled


def _band_positions(
    scores: FloatArray, edges: Sequence[FloatArray], has_bands: Sequence[bool]
) -> npt.NDArray[np.int8]:
    """Return each score's band position (-1 where not scored or without bands)."""
    bands = np.full(scores.shape, -1, dtype=np.int8)
    for column, (column_edges, present) in enumerate(zip(edges, has_bands, strict=True)):
        if not present:
            continue
        values = scores[:, column]
        # A band holds lower <= score < upper: count the upper edges at or below the score.
        positions = np.zeros(values.shape, dtype=np.int8)
        for edge in column_edges:
            positions += values >= edge
        bands[:, column] = np.where(np.isnan(values), np.int8(-1), positions)
    return bands


class _Workspace:
    """Buffers reused from chunk to chunk: allocating fresh arrays for every chunk costs more
    than the arithmetic itself."""

    def __init__(self, rows: int, columns: int) -> None:
        self.missing = np.empty((rows, columns), dtype=bool)
        self.filled = np.empty((rows, columns))
        self.scratch = np.empty((rows, columns))
        self.answered = np.empty((rows, columns), dtype=np.float32)

    def prepare(self, block: FloatArray, lo: FloatArray) -> tuple[BoolArray, FloatArray]:
        """Return the block's missing mask and a copy with missing answers set to ``lo``."""
        size = block.shape[0]
        missing = np.isnan(block, out=self.missing[:size])
        filled = self.filled[:size]
        np.copyto(filled, block)
        np.copyto(filled, np.broadcast_to(lo, filled.shape), where=missing)
        return missing, filled


def _check_values(
    instrument: InstrumentDefinition,
    compiled: _Compiled,
    block: FloatArray,
    filled: FloatArray,
    scratch: FloatArray,
    first_row: int,
) -> None:
    """Raise AnswerError for the first value an item does not allow, if there is one.

    ``filled`` holds the answers with missing ones set to the lowest allowed value, so the
    fast checks need no mask; only when one fails are the bad cells located.
    """
    fine = True
    if filled.shape[0]:
        np.floor(filled, out=scratch)
        fine = (
            bool((filled.min(axis=0) >= compiled.lo).all())
            and bool((filled.max(axis=0) <= compiled.hi).all())
            and np.array_equal(scratch, filled)
        )
    missing = np.isnan(block)
    for column, allowed in compiled.scattered:
        fine = fine and bool((np.isin(block[:, column], allowed) | missing[:, column]).all())
    if fine:
        return
    in_range = (block >= compiled.lo) & (block <= compiled.hi) & (block == np.floor(block))
    bad = ~(in_range | missing)
    for column, allowed in compiled.scattered:
        bad[:, column] |= ~(np.isin(block[:, column], allowed) | missing[:, column])
    row, column = (int(i) for i in np.argwhere(bad)[0])
    item = instrument.items[column]
    value = float(block[row, column])
    shown = int(value) if value.is_integer() else value
    raise AnswerError(
        f"row {first_row + row}, item {item.id!r}: {shown} is not an allowed value; "
        f"allowed: {item.response.describe_values()}"
    )


@dataclass(frozen=True)
class _Scored:
    """One instrument's numbers for a block of rows."""

    scores: FloatArray
    raw: FloatArray
    answered: FloatArray
    index_scores: FloatArray
    strengths: FloatArray
    primary: npt.NDArray[np.int8]
    pattern: npt.NDArray[np.int8]
    flags: BoolArray
    bands: npt.NDArray[np.int8]
    index_bands: npt.NDArray[np.int8]
    context: RuleContext


def _lookup(
    instrument: InstrumentDefinition,
    scores: FloatArray,
    index_scores: FloatArray,
    strengths: FloatArray,
) -> Callable[[str, str], FloatArray]:
    """Return a function giving the column of values for ``(source, key)``."""
    columns = {
        "scale": {key: column for column, key in enumerate(instrument.scales)},
        "index": {key: column for column, key in enumerate(instrument.indices)},
        "style": {
            key: column
            for column, key in enumerate(instrument.style.keys if instrument.style else ())
        },
    }
    arrays = {"scale": scores, "index": index_scores, "style": strengths}

    def value_of(source: str, key: str) -> FloatArray:
        return arrays[source][:, columns[source][key]]

    return value_of


def _score_block(
    instrument: InstrumentDefinition,
    compiled: _Compiled,
    block: FloatArray,
    workspace: _Workspace,
    first_row: int,
    check_values: bool = True,
) -> _Scored:
    """Score a block of rows of one instrument's answers (NaN where not answered)."""
    size = block.shape[0]
    missing, filled = workspace.prepare(block, compiled.lo)
    if check_values:
        _check_values(instrument, compiled, block, filled, workspace.scratch[:size], first_row)
    if instrument.scales:
        # With missing answers filled with lo, the keyed sum over answered items is
        #   filled @ (sign) + answered @ (offset + sign * lo) - sum over the scale of sign * lo,
        # which needs one float64 product and one float32 product of whole numbers.
        answered_mask = workspace.answered[:size]
        np.logical_not(missing, out=answered_mask, casting="unsafe")
        counts = answered_mask @ compiled.count_weights
        scale_count = counts.shape[1] // 2
        answered = counts[:, :scale_count].astype(float)
        keyed_sum = filled @ compiled.keyed_weights
        keyed_sum += counts[:, scale_count:]
        keyed_sum -= compiled.fill_total
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = keyed_sum / answered
        scored = answered >= compiled.required
        mean = np.where(scored, mean, np.nan)
        scores = 100.0 * (mean - compiled.scale_lo) / compiled.scale_span
        raw = np.where(compiled.is_sum, mean * compiled.scale_items, mean)
    else:
        answered = np.zeros((size, 0))
        scores = np.zeros((size, 0))
        raw = np.zeros((size, 0))
    index_scores = np.empty((size, len(instrument.indices)))
    style = instrument.style
    strengths = np.empty((size, len(style.keys) if style else 0))
    value_of = _lookup(instrument, scores, index_scores, strengths)
    for column, index in enumerate(instrument.indices.values()):
        index_scores[:, column] = combine(index.components, value_of)
    if style is not None:
        for column, style_definition in enumerate(style.styles):
            strengths[:, column] = combine(style_definition.components, value_of)
        primary, pattern = classify(style, strengths)
    else:
        primary = np.full(size, -1, dtype=np.int8)
        pattern = np.full(size, -1, dtype=np.int8)
    context = RuleContext(
        scales=scores,
        indices=index_scores,
        strengths=strengths,
        primary=primary,
        pattern=pattern,
        items=block,
    )
    flags = np.empty((size, len(instrument.flags)), dtype=bool)
    for column, flag in enumerate(instrument.flags.values()):
        flags[:, column] = flag.rule.evaluate(context)
    return _Scored(
        scores=scores,
        raw=raw,
        answered=answered,
        index_scores=index_scores,
        strengths=strengths,
        primary=primary,
        pattern=pattern,
        flags=flags,
        bands=_band_positions(
            scores,
            compiled.band_edges,
            [bool(scale.bands) for scale in instrument.scales.values()],
        ),
        index_bands=_band_positions(
            index_scores,
            compiled.index_band_edges,
            [bool(index.bands) for index in instrument.indices.values()],
        ),
        context=context,
    )


def _session_flags(
    instrument: InstrumentDefinition, companions: Sequence[InstrumentDefinition]
) -> tuple[tuple[str, ...], dict[str, tuple[str, str]], dict[str, FlagPlanEffect]]:
    keys: list[str] = []
    titles: dict[str, tuple[str, str]] = {}
    effects: dict[str, FlagPlanEffect] = {}
    for source in (instrument, *companions):
        for key, flag in source.flags.items():
            if key not in keys:
                keys.append(key)
                titles[key] = (flag.title, flag.message)
            if flag.plan is not None and key not in effects:
                effects[key] = flag.plan
    return tuple(keys), titles, effects


def _concat_plans(parts: Sequence[PlanArrays]) -> PlanArrays:
    first = parts[0]
    if len(parts) == 1:
        return first
    return PlanArrays(
        keys=first.keys,
        included=np.concatenate([part.included for part in parts]),
        priority=np.concatenate([part.priority for part in parts]),
        reasons=tuple(
            tuple(
                (because, np.concatenate([part.reasons[strategy][k][1] for part in parts]))
                for k, (because, _holds) in enumerate(first.reasons[strategy])
            )
            for strategy in range(len(first.keys))
        ),
    )


def score_matrix(
    instrument: InstrumentDefinition,
    matrix: npt.ArrayLike,
    *,
    companions: Sequence[InstrumentDefinition] = (),
    check_values: bool = True,
) -> BatchResult:
    """Score many responses at once; see ``Instrument.score_many``.

    Parameters:
        instrument: the instrument.
        matrix: respondents x items (the instrument's ``item_ids``, then each companion's),
            NaN where not answered.
        companions: instruments asked together with it (their flags join the result).
        check_values: ``False`` skips checking that every value is allowed, for a caller
            that has already checked them all (the command line's file reader does).

    Returns:
        a :class:`~tandem.instruments.results.BatchResult`.

    Raises:
        AnswerError: the matrix has the wrong shape, or a value an item does not allow
            (naming the row, counted from 0, and the item).

    Example::

        >>> batch = score_matrix(library.get("safety"), [[0, 0, 1, np.nan, 0, 0]])
        >>> batch.flags[:, 0]
        array([ True])
    """
    answers = np.asarray(matrix, dtype=float)
    blocks = [instrument, *companions]
    widths = [len(block.items) for block in blocks]
    if answers.ndim != 2 or answers.shape[1] != sum(widths):
        raise AnswerError(
            f"expected a matrix of respondents x {sum(widths)} items "
            f"({' + '.join(f'{w} of {b.slug}' for w, b in zip(widths, blocks, strict=True))}), "
            f"got shape {answers.shape}"
        )
    compiled = [_compile(block) for block in blocks]
    starts = np.cumsum([0, *widths])
    flag_keys, flag_titles, effects = _session_flags(instrument, companions)
    size = answers.shape[0]
    workspaces = [_Workspace(min(max(size, 1), CHUNK_ROWS), width) for width in widths]
    parts: list[tuple[_Scored, BoolArray, PlanArrays]] = []
    for first_row in range(0, max(size, 1), CHUNK_ROWS):
        rows = answers[first_row : first_row + CHUNK_ROWS]
        scored_blocks = []
        for block, block_compiled, workspace, start, stop in zip(
            blocks, compiled, workspaces, starts[:-1], starts[1:], strict=True
        ):
            part = rows[:, start:stop]
            scored_blocks.append(
                _score_block(block, block_compiled, part, workspace, first_row, check_values)
            )
        own = scored_blocks[0]
        raised = {key: np.zeros(rows.shape[0], dtype=bool) for key in flag_keys}
        for block, scored in zip(blocks, scored_blocks, strict=True):
            for column, key in enumerate(block.flags):
                raised[key] |= scored.flags[:, column]
        flags = (
            np.stack([raised[key] for key in flag_keys], axis=1)
            if flag_keys
            else np.zeros((rows.shape[0], 0), dtype=bool)
        )
        value_of = _lookup(instrument, own.scores, own.index_scores, own.strengths)
        plan = compute_plan(instrument.plan, own.context, value_of, raised, effects)
        parts.append((own, flags, plan))
    own_parts = [part[0] for part in parts]
    scores = np.concatenate([part.scores for part in own_parts])
    index_scores = np.concatenate([part.index_scores for part in own_parts])
    return BatchResult(
        instrument=instrument,
        companions=tuple(companions),
        scale_keys=tuple(instrument.scales),
        scores=scores,
        raw=np.concatenate([part.raw for part in own_parts]),
        answered=np.concatenate([part.answered for part in own_parts]).astype(np.int16),
        bands=np.concatenate([part.bands for part in own_parts]),
        index_keys=tuple(instrument.indices),
        index_scores=index_scores,
        index_bands=np.concatenate([part.index_bands for part in own_parts]),
        style_keys=instrument.style.keys if instrument.style else (),
        strengths=np.concatenate([part.strengths for part in own_parts]),
        primary=np.concatenate([part.primary for part in own_parts]),
        pattern=np.concatenate([part.pattern for part in own_parts]),
        flag_keys=flag_keys,
        flags=np.concatenate([part[1] for part in parts]),
        plan=_concat_plans([part[2] for part in parts]),
        flag_titles=flag_titles,
    )


def _check_value(instrument: InstrumentDefinition, item_id: str, value: object) -> float:
    item = instrument.item(item_id)
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise AnswerTypeError(
            f"item {item_id!r}: expected a whole number or None, got {value!r}; "
            f"allowed: {item.response.describe_values()}"
        )
    if int(value) not in item.response.values:
        raise AnswerError(
            f"item {item_id!r}: {value} is not an allowed value; "
            f"allowed: {item.response.describe_values()}"
        )
    return float(value)


def score_answers(
    instrument: InstrumentDefinition,
    answers: Mapping[str, int | None],
    *,
    companions: Sequence[InstrumentDefinition] = (),
) -> Result:
    """Score one response; see ``Instrument.score``.

    Raises:
        AnswerError: an item id that is neither the instrument's nor a companion's, or a
            value the item does not allow; the message names the item and allowed values.
        AnswerTypeError: a value that is not a whole number or ``None``.
    """
    blocks = [instrument, *companions]
    owner: dict[str, tuple[int, InstrumentDefinition]] = {}
    column = 0
    for block in blocks:
        for item_id in block.item_ids:
            owner[item_id] = (column, block)
            column += 1
    row = np.full((1, column), np.nan)
    for item_id, value in answers.items():
        if item_id not in owner:
            asked = " and ".join(block.slug for block in blocks)
            raise AnswerError(f"unknown item {item_id!r}: {asked} has no such item")
        position, block = owner[item_id]
        row[0, position] = _check_value(block, item_id, value)
    return score_matrix(instrument, row, companions=companions).result(0)
