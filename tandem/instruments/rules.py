"""The rule language: conditions written as data, evaluated for many respondents at once.

A rule is a small mapping in a definition file, never a string that is evaluated::

    {scale: self_worth, below: 40}             # a scale's 0-100 score
    {index: interdependence, at_least: 60}     # a derived index
    {style: codependent, above: 55}            # a style's strength
    {item: sf1, equals: 1}                     # one item's answer, as given
    {primary: counterdependent}                # the primary style
    {pattern: switching}                       # clear, mixed or switching
    {always: true}                             # holds for everyone
    {all: [RULE, RULE, ...]}                   # every rule holds
    {any: [RULE, RULE, ...]}                   # at least one rule holds

Comparisons are ``below`` (<), ``at_most`` (<=), ``above`` (>), ``at_least`` (>=) and
``equals`` (==). A comparison on something that was not scored (too few answers) or an
item that was not answered does not hold. There is deliberately no ``not``: "not below 40"
is written ``at_least: 40``, which also does not hold when the scale was not scored.

Rules are compiled on load (see :mod:`tandem.instruments.validation`) into the classes here,
whose ``evaluate`` takes a :class:`RuleContext` of arrays with one row per respondent and
returns a boolean array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "COMPARISONS",
    "PATTERNS",
    "AllOf",
    "Always",
    "AnyOf",
    "Compare",
    "PatternIs",
    "PrimaryIs",
    "Rule",
    "RuleContext",
]

#: The operators of a comparison rule, as written in a definition file.
COMPARISONS: tuple[str, ...] = ("below", "at_most", "above", "at_least", "equals")

#: Style patterns, in the order of their codes in batch results (-1 is "not classified").
PATTERNS: tuple[str, ...] = ("clear", "mixed", "switching")

Source = Literal["scale", "index", "style", "item"]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class RuleContext:
    """What rules look at, one row per respondent.

    Attributes:
        scales: scale scores, 0-100, NaN where not scored (respondents x scales).
        indices: derived index values, 0-100, NaN where not computed.
        strengths: style strengths, 0-100, NaN where not computed.
        primary: position of the primary style, -1 where not classified.
        pattern: position in :data:`PATTERNS`, -1 where not classified.
        items: the answers as given, NaN where not answered (respondents x items).
    """

    scales: FloatArray
    indices: FloatArray
    strengths: FloatArray
    primary: IntArray
    pattern: IntArray
    items: FloatArray

    @property
    def size(self) -> int:
        """The number of respondents."""
        return int(self.items.shape[0])


@dataclass(frozen=True)
class Compare:
    """``{SOURCE: KEY, OP: THRESHOLD}``: a value compared with a number.

    ``column`` is the position of ``key`` in the context array of its source.
    """

    source: Source
    key: str
    column: int
    op: str
    threshold: float

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return, per respondent, whether the comparison holds (never where the value is NaN).

        Example: ``Compare("scale", "self_worth", 1, "below", 40).evaluate(ctx)`` is
        ``ctx.scales[:, 1] < 40``.
        """
        table = {
            "scale": context.scales,
            "index": context.indices,
            "style": context.strengths,
            "item": context.items,
        }[self.source]
        values = table[:, self.column]
        # NaN compares False with every operator, so an unscored value never satisfies a rule.
        if self.op == "below":
            return np.less(values, self.threshold)
        if self.op == "at_most":
            return np.less_equal(values, self.threshold)
        if self.op == "above":
            return np.greater(values, self.threshold)
        if self.op == "at_least":
            return np.greater_equal(values, self.threshold)
        return np.equal(values, self.threshold)


@dataclass(frozen=True)
class PrimaryIs:
    """``{primary: STYLE}``: the primary style is this one."""

    style: str
    position: int

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return, per respondent, whether the primary style is ``style``."""
        return np.equal(context.primary, self.position)


@dataclass(frozen=True)
class PatternIs:
    """``{pattern: clear|mixed|switching}``: the style pattern is this one."""

    pattern: str

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return, per respondent, whether the style pattern is ``pattern``."""
        return np.equal(context.pattern, PATTERNS.index(self.pattern))


@dataclass(frozen=True)
class Always:
    """``{always: true}``: holds for every respondent."""

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return an all-true array."""
        return np.ones(context.size, dtype=bool)


@dataclass(frozen=True)
class AllOf:
    """``{all: [...]}``: every rule holds."""

    rules: tuple[Rule, ...]

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return, per respondent, whether every rule holds."""
        result = self.rules[0].evaluate(context)
        for rule in self.rules[1:]:
            result = result & rule.evaluate(context)
        return result


@dataclass(frozen=True)
class AnyOf:
    """``{any: [...]}``: at least one rule holds."""

    rules: tuple[Rule, ...]

    def evaluate(self, context: RuleContext) -> BoolArray:
        """Return, per respondent, whether at least one rule holds."""
        result = self.rules[0].evaluate(context)
        for rule in self.rules[1:]:
            result = result | rule.evaluate(context)
        return result


Rule = Compare | PrimaryIs | PatternIs | Always | AllOf | AnyOf
