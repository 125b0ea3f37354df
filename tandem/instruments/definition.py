"""The parts of an instrument definition, as loaded and validated from its YAML file.

These classes are plain, frozen data, and this module imports nothing of the engine but the
rules (data too): scoring, results and psychometrics are functions of a definition and import
it, never the other way round. Nothing here is specific to one instrument: every item, scale
and rule comes from the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from tandem.instruments.rules import Rule

__all__ = [
    "AUDIENCES",
    "DEFAULT_NOTICE",
    "Band",
    "Comparison",
    "Component",
    "FlagDefinition",
    "FlagPlanEffect",
    "Index",
    "InstrumentDefinition",
    "Item",
    "NextStep",
    "Norm",
    "Outcome",
    "PlanReason",
    "PlanRule",
    "Reliability",
    "ResponseOption",
    "ResponseScale",
    "Scale",
    "Section",
    "Strategy",
    "StyleClassification",
    "StyleDefinition",
    "Switching",
]

#: Who an instrument is meant for.
AUDIENCES: tuple[str, ...] = ("individual", "couple", "clinician")

#: Shown with every result unless a definition gives its own ``notice``.
DEFAULT_NOTICE = (
    "This is a tool for self-reflection, not a diagnosis. Your answers describe how things "
    "feel to you now, and they can change. If anything here worries you, a therapist can "
    "help you make sense of it."
)


@dataclass(frozen=True)
class ResponseOption:
    """One answer a person can choose: its value (a whole number) and its label."""

    value: int
    label: str


@dataclass(frozen=True)
class ResponseScale:
    """A set of answers shared by items, e.g. agreement from 1 to 5.

    Example::

        >>> agreement.values
        (1, 2, 3, 4, 5)
        >>> agreement.minimum, agreement.maximum
        (1, 5)
    """

    key: str
    title: str
    options: tuple[ResponseOption, ...]

    @property
    def values(self) -> tuple[int, ...]:
        """The allowed values, in the order they are offered."""
        return tuple(option.value for option in self.options)

    @property
    def minimum(self) -> int:
        """The lowest allowed value."""
        return min(self.values)

    @property
    def maximum(self) -> int:
        """The highest allowed value."""
        return max(self.values)

    @property
    def is_contiguous(self) -> bool:
        """Whether the values are every whole number from the minimum to the maximum."""
        return sorted(self.values) == list(range(self.minimum, self.maximum + 1))

    def label_for(self, value: int) -> str:
        """Return the label of ``value``; ``KeyError`` if it is not an allowed value."""
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)

    def describe_values(self) -> str:
        """Return the allowed values with their labels, e.g. ``1 (Strongly disagree), ...``."""
        return ", ".join(f"{option.value} ({option.label})" for option in self.options)


@dataclass(frozen=True)
class Item:
    """One question or statement.

    ``reverse`` items are keyed the other way: an answer ``v`` counts as
    ``minimum + maximum - v`` of the response scale, so that a high score always means more of
    what the scale measures.
    """

    id: str
    text: str
    response: ResponseScale
    reverse: bool = False

    def keyed(self, value: int) -> int:
        """Return ``value`` as it counts towards a scale.

        Formula: ``value`` for an ordinary item, ``minimum + maximum - value`` for a reversed
        one. Example: on agreement 1-5, a reversed item answered 2 counts as 4.
        """
        if self.reverse:
            return self.response.minimum + self.response.maximum - value
        return value


@dataclass(frozen=True)
class Section:
    """A group of items shown together, in order."""

    id: str
    title: str
    intro: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Band:
    """A range of scores with a label and what it means in plain words.

    A score ``s`` is in the band when ``lower <= s < upper``; the last band of a scale also
    holds ``s == 100``.
    """

    key: str
    label: str
    meaning: str
    lower: float
    upper: float


@dataclass(frozen=True)
class Scale:
    """Items scored together.

    Attributes:
        method: ``mean`` or ``sum``. Both give the same 0-100 score; they differ in the raw
            score reported beside it (the mean of the keyed answers, or their sum, prorated
            over unanswered items).
        min_answered: the share of items (0-1) that must be answered for the scale to be
            scored; with fewer answers the scale is "not scored".
    """

    key: str
    title: str
    description: str
    items: tuple[Item, ...]
    method: Literal["mean", "sum"]
    min_answered: float
    bands: tuple[Band, ...]

    @property
    def required(self) -> int:
        """The number of answered items needed: ``ceil(min_answered * number of items)``."""
        # The small tolerance keeps 0.75 * 4 = 3 from becoming 4 through rounding error.
        return max(1, math.ceil(self.min_answered * len(self.items) - 1e-9))

    @property
    def minimum(self) -> int:
        """The lowest value its items allow (all its items share one range)."""
        return self.items[0].response.minimum

    @property
    def maximum(self) -> int:
        """The highest value its items allow."""
        return self.items[0].response.maximum


@dataclass(frozen=True)
class Component:
    """One part of a weighted combination: a scale, index or style strength, and its weight.

    A ``reverse`` component counts as ``100 - value``.
    """

    source: Literal["scale", "index", "style"]
    key: str
    weight: float
    reverse: bool = False


@dataclass(frozen=True)
class Index:
    """A weighted combination of scales, 0-100.

    Formula: ``sum(w_i * v_i) / sum(w_i)``, where ``v_i`` is the scale's score, or
    ``100 - score`` for a reversed component. Not computed when any of its scales is not
    scored.
    """

    key: str
    title: str
    description: str
    components: tuple[Component, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class StyleDefinition:
    """One style of relating and how its strength is computed (a weighted combination)."""

    key: str
    title: str
    description: str
    components: tuple[Component, ...]


@dataclass(frozen=True)
class Switching:
    """Two styles that, when both strong, make the pattern "switching"."""

    styles: tuple[str, str]
    at_least: float
    meaning: str


@dataclass(frozen=True)
class StyleClassification:
    """The styles, and when the pattern is "mixed" or "switching" rather than "clear"."""

    styles: tuple[StyleDefinition, ...]
    mixed_within: float
    mixed_meaning: str
    switching: Switching | None

    @property
    def keys(self) -> tuple[str, ...]:
        """The style keys, in definition order."""
        return tuple(style.key for style in self.styles)


@dataclass(frozen=True)
class PlanReason:
    """A rule that, when it holds, brings a strategy into the plan, and why, in plain words."""

    rule: Rule
    because: str


@dataclass(frozen=True)
class PlanRule:
    """When a strategy enters the plan and how much it matters (its priority, 0-100)."""

    strategy: str
    priority: tuple[Component, ...]
    reasons: tuple[PlanReason, ...]


@dataclass(frozen=True)
class FlagPlanEffect:
    """What a raised flag does to the plan: strategies removed, strategies put first."""

    remove: tuple[str, ...]
    first: tuple[str, ...]
    because: str


@dataclass(frozen=True)
class FlagDefinition:
    """A flag raised when its rule holds, e.g. ``safety`` on any yes to a safety question."""

    key: str
    title: str
    message: str
    rule: Rule
    plan: FlagPlanEffect | None


@dataclass(frozen=True)
class Reliability:
    """A scale's reliability figures and where they come from."""

    alpha: float
    omega: float | None
    provisional: bool
    source: str


@dataclass(frozen=True)
class Norm:
    """A scale's mean and standard deviation (0-100 scores) in a reference group."""

    mean: float
    sd: float
    n: int | None
    provisional: bool
    source: str


@dataclass(frozen=True)
class Outcome:
    """The scale a practice follows over time, which way is better, and its cut-off.

    Attributes:
        scale: the scale's key; it has reliability and norms, so change can be judged.
        better: ``higher`` or ``lower``: which direction of change is an improvement.
        cutoff: the 0-100 score that separates the range that calls for help from the
            range that does not, or ``None``; with it, a reliable improvement that crosses
            it is "recovered" (Jacobson and Truax's clinically significant change).
    """

    scale: str
    better: Literal["higher", "lower"]
    cutoff: float | None
    source: str


@dataclass(frozen=True)
class Comparison:
    """How two partners' answers are compared: balance scales and tolerances.

    Balance scales are answered from -3 ("my partner, much more") to +3 ("me, much more").
    """

    balances: tuple[str, ...]
    agree_within: float
    balanced_within: float


@dataclass(frozen=True)
class NextStep:
    """An instrument to take next, and why (e.g. the screener points on to the inventory)."""

    slug: str
    because: str


@dataclass(frozen=True)
class Strategy:
    """One strategy of the personal plan, from ``strategies.yaml``."""

    key: str
    title: str
    summary: str
    why: str
    exercises: tuple[str, ...]
    topics: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the strategy as plain data."""
        return {
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "why": self.why,
            "exercises": list(self.exercises),
            "topics": list(self.topics),
        }


@dataclass(frozen=True, eq=False)
class InstrumentDefinition:
    """A validated instrument definition: plain data.

    Scoring is a function of it (:mod:`tandem.instruments.scoring`); the
    :class:`~tandem.instruments.instrument.Instrument` the library hands out is this data with
    the operations a caller needs as methods.
    """

    slug: str
    version: int
    title: str
    description: str
    audience: str
    estimated_minutes: int
    response_scales: Mapping[str, ResponseScale]
    items: tuple[Item, ...]
    sections: tuple[Section, ...]
    scales: Mapping[str, Scale]
    indices: Mapping[str, Index]
    style: StyleClassification | None
    plan: tuple[PlanRule, ...]
    flags: Mapping[str, FlagDefinition]
    reliability: Mapping[str, Reliability]
    norms: Mapping[str, Norm]
    companions: tuple[str, ...]
    comparison: Comparison | None
    leads_to: NextStep | None
    notice: str
    strategies: Mapping[str, Strategy] = field(default_factory=dict, repr=False)
    source: Mapping[str, Any] = field(default_factory=dict, repr=False)
    file: str = "<definition>"
    outcome: Outcome | None = None

    def __repr__(self) -> str:
        return f"<Instrument {self.slug} v{self.version}>"

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        """The item ids in definition order: the column order of :meth:`score_many`."""
        return tuple(item.id for item in self.items)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """Return the item with this id; ``KeyError`` if there is none."""
        return self._items_by_id[item_id]

    def describe(self) -> dict[str, Any]:
        """Return the whole definition as plain data, each item with its response scale.

        This is what ``python -m tandem.instruments show SLUG --json`` prints.
        """
        described = dict(self.source)
        described["estimated_minutes"] = self.estimated_minutes
        described["companions"] = list(self.companions)
        described["items"] = [
            {
                "id": item.id,
                "text": item.text,
                "reverse": item.reverse,
                "response": {
                    "key": item.response.key,
                    "title": item.response.title,
                    "options": [
                        {"value": option.value, "label": option.label}
                        for option in item.response.options
                    ],
                },
            }
            for item in self.items
        ]
        return described
