"""What scoring returns: :class:`Result` for one response, :class:`BatchResult` for many.

``Result.to_dict()`` is the stable, plain-data form stored and shown by the web app::

    {
      "instrument": {"slug": "relating-styles", "version": 1, "title": "..."},
      "companions": [{"slug": "safety", "version": 1}],
      "scales": {KEY: {"title", "description", "score", "raw", "band", "answered", "items",
                       "required", "not_scored_reason", "uncertainty"}},
      "indices": {KEY: {"title", "description", "score", "band"}},
      "style": {"strengths", "titles", "primary", "pattern", "reasons"} or None,
      "plan": [{"strategy", "title", "priority", "reasons"}],
      "flags": [{"key", "title", "message"}],
      "leads_to": {"slug", "because"} or None,
      "notice": "This is a tool for self-reflection, not a diagnosis. ...",
    }

Scores are 0-100 (percent of the maximum possible), or ``None`` when not scored.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tandem.instruments.definition import Band, InstrumentDefinition, NextStep
from tandem.instruments.plan import PlanArrays, plan_order
from tandem.instruments.rules import PATTERNS
from tandem.instruments.style import style_reasons

__all__ = [
    "BandResult",
    "BatchResult",
    "IndexResult",
    "PlanStep",
    "RaisedFlag",
    "Result",
    "ScaleResult",
    "StyleProfile",
    "Uncertainty",
]

FloatArray = npt.NDArray[np.float64]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class BandResult:
    """The band a score falls in: its key, label and plain-language meaning."""

    key: str
    label: str
    meaning: str

    @classmethod
    def of(cls, band: Band) -> BandResult:
        """Return the result form of a definition's band."""
        return cls(key=band.key, label=band.label, meaning=band.meaning)

    def to_dict(self) -> dict[str, str]:
        """Return the band as plain data."""
        return {"key": self.key, "label": self.label, "meaning": self.meaning}


@dataclass(frozen=True)
class Uncertainty:
    """The 95% band of uncertainty around a score: ``score ± 1.96 * SEM``, kept in 0-100."""

    low: float
    high: float
    sem: float

    def to_dict(self) -> dict[str, float]:
        """Return the band as plain data."""
        return {"low": round(self.low, 2), "high": round(self.high, 2), "sem": round(self.sem, 2)}


@dataclass(frozen=True)
class ScaleResult:
    """One scale's score.

    Attributes:
        score: 0-100, or ``None`` when not scored.
        raw: the mean of the keyed answers (``method: mean``) or their sum, prorated over
            unanswered items (``method: sum``), in the response scale's own units.
        answered: how many of its ``items`` were answered; ``required`` are needed.
        not_scored_reason: why there is no score, in plain words, or ``None``.
        uncertainty: the band of uncertainty, where the definition has reliability and norms.
    """

    key: str
    title: str
    description: str
    score: float | None
    raw: float | None
    band: BandResult | None
    answered: int
    items: int
    required: int
    not_scored_reason: str | None
    uncertainty: Uncertainty | None

    @property
    def scored(self) -> bool:
        """Whether the scale has a score."""
        return self.score is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the scale's score as plain data."""
        return {
            "title": self.title,
            "description": self.description,
            "score": _rounded(self.score),
            "raw": _rounded(self.raw),
            "band": self.band.to_dict() if self.band else None,
            "answered": self.answered,
            "items": self.items,
            "required": self.required,
            "not_scored_reason": self.not_scored_reason,
            "uncertainty": self.uncertainty.to_dict() if self.uncertainty else None,
        }


@dataclass(frozen=True)
class IndexResult:
    """One derived index: a weighted combination of scales, 0-100, or ``None``."""

    key: str
    title: str
    description: str
    score: float | None
    band: BandResult | None

    def to_dict(self) -> dict[str, Any]:
        """Return the index as plain data."""
        return {
            "title": self.title,
            "description": self.description,
            "score": _rounded(self.score),
            "band": self.band.to_dict() if self.band else None,
        }


@dataclass(frozen=True)
class StyleProfile:
    """The style classification of one response.

    Attributes:
        strengths: each style's strength, 0-100 (``None`` when it could not be computed).
        titles: each style's title.
        primary: the strongest style's key, or ``None`` when not classified.
        pattern: ``clear``, ``mixed`` or ``switching``, or ``None`` when not classified.
        reasons: why, in plain words: the scales that drove it.
    """

    strengths: dict[str, float | None]
    titles: dict[str, str]
    primary: str | None
    pattern: str | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the style profile as plain data."""
        return {
            "strengths": {key: _rounded(value) for key, value in self.strengths.items()},
            "titles": dict(self.titles),
            "primary": self.primary,
            "pattern": self.pattern,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class PlanStep:
    """One strategy of the plan and the reasons that chose it."""

    strategy: str
    title: str
    priority: float | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the step as plain data."""
        priority = None if self.priority is None else round(min(self.priority, 100.0), 2)
        return {
            "strategy": self.strategy,
            "title": self.title,
            "priority": priority,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class RaisedFlag:
    """A flag raised by the answers, e.g. ``safety``."""

    key: str
    title: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """Return the flag as plain data."""
        return {"key": self.key, "title": self.title, "message": self.message}


@dataclass(frozen=True)
class Result:
    """The result of one response (with its companions' answers, when asked together).

    ``plan`` is ordered, most important first. ``flags`` include the companions' flags.
    """

    instrument: InstrumentDefinition = field(repr=False)
    companions: tuple[InstrumentDefinition, ...]
    scales: dict[str, ScaleResult]
    indices: dict[str, IndexResult]
    style: StyleProfile | None
    plan: tuple[PlanStep, ...]
    flags: tuple[RaisedFlag, ...]
    leads_to: NextStep | None
    notice: str

    @property
    def slug(self) -> str:
        """The instrument's slug."""
        return self.instrument.slug

    @property
    def version(self) -> int:
        """The instrument's version."""
        return self.instrument.version

    def has_flag(self, key: str) -> bool:
        """Whether the flag ``key`` (e.g. ``"safety"``) was raised."""
        return any(flag.key == key for flag in self.flags)

    @property
    def strategies(self) -> tuple[str, ...]:
        """The plan's strategy keys, in order."""
        return tuple(step.strategy for step in self.plan)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole result as plain data with stable keys (see the module's doc)."""
        return {
            "instrument": {
                "slug": self.instrument.slug,
                "version": self.instrument.version,
                "title": self.instrument.title,
            },
            "companions": [
                {"slug": companion.slug, "version": companion.version}
                for companion in self.companions
            ],
            "scales": {key: scale.to_dict() for key, scale in self.scales.items()},
            "indices": {key: index.to_dict() for key, index in self.indices.items()},
            "style": self.style.to_dict() if self.style else None,
            "plan": [step.to_dict() for step in self.plan],
            "flags": [flag.to_dict() for flag in self.flags],
            "leads_to": (
                {"slug": self.leads_to.slug, "because": self.leads_to.because}
                if self.leads_to
                else None
            ),
            "notice": self.notice,
        }


def _value(array: FloatArray, row: int, column: int) -> float | None:
    value = float(array[row, column])
    return None if math.isnan(value) else value


@dataclass(frozen=True, eq=False)
class BatchResult:
    """The results of many respondents, as arrays with one row per respondent.

    Attributes:
        scale_keys: column order of ``scores``, ``raw``, ``answered`` and ``bands``.
        scores: 0-100, NaN where not scored.
        raw: mean (or prorated sum) of keyed answers, NaN where not scored.
        answered: how many of each scale's items were answered.
        bands: position of the band in the scale's ``bands``, -1 where not scored or the
            scale has no bands.
        index_keys, index_scores, index_bands: the same for derived indices.
        style_keys, strengths: style strengths (NaN where not computed).
        primary: position of the primary style in ``style_keys``, -1 where not classified.
        pattern: position in ``PATTERNS`` (clear, mixed, switching), -1 where not classified.
        flag_keys, flags: whether each flag was raised (companions' flags included).
        plan: the plan arrays; :meth:`plan_order` orders them.
    """

    instrument: InstrumentDefinition
    companions: tuple[InstrumentDefinition, ...]
    scale_keys: tuple[str, ...]
    scores: FloatArray
    raw: FloatArray
    answered: npt.NDArray[np.int16]
    bands: npt.NDArray[np.int8]
    index_keys: tuple[str, ...]
    index_scores: FloatArray
    index_bands: npt.NDArray[np.int8]
    style_keys: tuple[str, ...]
    strengths: FloatArray
    primary: npt.NDArray[np.int8]
    pattern: npt.NDArray[np.int8]
    flag_keys: tuple[str, ...]
    flags: npt.NDArray[np.bool_]
    plan: PlanArrays
    flag_titles: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    def plan_order(self) -> npt.NDArray[np.int16]:
        """Each respondent's plan, most important first (positions in ``plan.keys``, -1 pad)."""
        return plan_order(self.plan)

    def primary_styles(self) -> list[str | None]:
        """Each respondent's primary style key (``None`` where not classified)."""
        return [self.style_keys[p] if p >= 0 else None for p in self.primary.tolist()]

    def patterns(self) -> list[str | None]:
        """Each respondent's pattern (``None`` where not classified)."""
        return [PATTERNS[p] if p >= 0 else None for p in self.pattern.tolist()]

    def rows(self) -> Iterator[dict[str, Any]]:
        """One flat mapping per respondent: each scale's score and band, style and flags.

        Keys: ``SCALE`` (score, rounded to 2 decimals, or empty), ``SCALE_band`` (band key),
        ``INDEX`` for each index, ``primary_style``, ``pattern``, ``flags`` (space-separated
        raised flag keys). This is what ``python -m tandem.instruments score`` writes.
        """
        scales = list(self.instrument.scales.values())
        indices = list(self.instrument.indices.values())
        for row in range(len(self)):
            out: dict[str, Any] = {}
            for column, scale in enumerate(scales):
                score = _value(self.scores, row, column)
                band = int(self.bands[row, column])
                out[scale.key] = "" if score is None else round(score, 2)
                out[f"{scale.key}_band"] = scale.bands[band].key if band >= 0 else ""
            for column, index in enumerate(indices):
                score = _value(self.index_scores, row, column)
                out[index.key] = "" if score is None else round(score, 2)
            if self.style_keys:
                primary = int(self.primary[row])
                pattern = int(self.pattern[row])
                out["primary_style"] = self.style_keys[primary] if primary >= 0 else ""
                out["pattern"] = PATTERNS[pattern] if pattern >= 0 else ""
            out["flags"] = " ".join(
                key for position, key in enumerate(self.flag_keys) if self.flags[row, position]
            )
            yield out

    def result(self, row: int) -> Result:
        """Return respondent ``row``'s full :class:`Result`, with its reasons in words."""
        instrument = self.instrument
        scales: dict[str, ScaleResult] = {}
        values: dict[tuple[str, str], float] = {}
        titles: dict[tuple[str, str], str] = {}
        for column, scale in enumerate(instrument.scales.values()):
            score = _value(self.scores, row, column)
            answered = int(self.answered[row, column])
            band = int(self.bands[row, column])
            uncertainty = None
            reliability = instrument.reliability.get(scale.key)
            norm = instrument.norms.get(scale.key)
            if score is not None and reliability is not None and norm is not None:
                sem = norm.sd * math.sqrt(1.0 - reliability.alpha)
                uncertainty = Uncertainty(
                    low=max(0.0, score - 1.96 * sem), high=min(100.0, score + 1.96 * sem), sem=sem
                )
            scales[scale.key] = ScaleResult(
                key=scale.key,
                title=scale.title,
                description=scale.description,
                score=score,
                raw=_value(self.raw, row, column),
                band=BandResult.of(scale.bands[band]) if band >= 0 else None,
                answered=answered,
                items=len(scale.items),
                required=scale.required,
                not_scored_reason=(
                    None
                    if score is not None
                    else f"{answered} of {len(scale.items)} answered; "
                    f"at least {scale.required} are needed for a score"
                ),
                uncertainty=uncertainty,
            )
            values[("scale", scale.key)] = math.nan if score is None else score
            titles[("scale", scale.key)] = scale.title
        indices: dict[str, IndexResult] = {}
        for column, index in enumerate(instrument.indices.values()):
            score = _value(self.index_scores, row, column)
            band = int(self.index_bands[row, column])
            indices[index.key] = IndexResult(
                key=index.key,
                title=index.title,
                description=index.description,
                score=score,
                band=BandResult.of(index.bands[band]) if band >= 0 else None,
            )
            values[("index", index.key)] = math.nan if score is None else score
            titles[("index", index.key)] = index.title
        style = None
        if instrument.style is not None:
            strengths = [float(value) for value in self.strengths[row]]
            primary = int(self.primary[row])
            pattern = int(self.pattern[row])
            style = StyleProfile(
                strengths={
                    key: (None if math.isnan(value) else value)
                    for key, value in zip(self.style_keys, strengths, strict=True)
                },
                titles={style.key: style.title for style in instrument.style.styles},
                primary=self.style_keys[primary] if primary >= 0 else None,
                pattern=PATTERNS[pattern] if pattern >= 0 else None,
                reasons=tuple(
                    style_reasons(instrument.style, strengths, primary, pattern, values, titles)
                ),
            )
        steps = []
        order = plan_order(_one_row(self.plan, row))[0]
        for position in order.tolist():
            if position < 0:
                break
            key = self.plan.keys[position]
            priority = float(self.plan.priority[row, position])
            strategy = instrument.strategies.get(key)
            steps.append(
                PlanStep(
                    strategy=key,
                    title=strategy.title if strategy else key.replace("_", " ").capitalize(),
                    priority=None if math.isnan(priority) else priority,
                    reasons=tuple(
                        because for because, holds in self.plan.reasons[position] if holds[row]
                    ),
                )
            )
        flags = tuple(
            RaisedFlag(key=key, title=self.flag_titles[key][0], message=self.flag_titles[key][1])
            for position, key in enumerate(self.flag_keys)
            if self.flags[row, position]
        )
        return Result(
            instrument=instrument,
            companions=self.companions,
            scales=scales,
            indices=indices,
            style=style,
            plan=tuple(steps),
            flags=flags,
            leads_to=instrument.leads_to,
            notice=instrument.notice,
        )


def _one_row(plan: PlanArrays, row: int) -> PlanArrays:
    return PlanArrays(
        keys=plan.keys,
        included=plan.included[row : row + 1],
        priority=plan.priority[row : row + 1],
        reasons=(),
    )
