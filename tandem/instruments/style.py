"""The style classification: a strength for each style, the primary style and the pattern.

Each style's strength is a weighted combination of scales and indices (see
:func:`combine`). The pattern is:

- ``switching`` when the definition's two switching styles (codependent and
  counterdependent in the Relating Styles Inventory) are both at or above its threshold:
  the person may move between them;
- otherwise ``mixed`` when the top two strengths are within ``mixed_within`` points;
- otherwise ``clear``.

A style is not classified (primary and pattern ``None``) when any strength could not be
computed because a scale it needs was not scored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from tandem.instruments.definition import Component, StyleClassification
from tandem.instruments.rules import PATTERNS

__all__ = ["classify", "combine", "style_reasons"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int8]
ValueLookup = Callable[[str, str], FloatArray]


def combine(components: Sequence[Component], value_of: ValueLookup) -> FloatArray:
    """Combine scores with weights, vectorised over respondents.

    Formula: ``sum(w_i * v_i) / sum(w_i)`` where ``v_i`` is the component's value, or
    ``100 - value`` for a reversed component. The result is NaN wherever any component is NaN.

    Parameters:
        components: the weighted parts.
        value_of: returns the array of values for ``(source, key)``.

    Returns:
        one value per respondent, 0-100.

    Example: components ``self_worth`` (weight 2) and ``control`` (weight 1, reversed) with
    scores 80 and 30 give ``(2 * 80 + 1 * (100 - 30)) / 3 = 76.67``.
    """
    total_weight = sum(component.weight for component in components)
    combined: FloatArray | None = None
    for component in components:
        values = value_of(component.source, component.key)
        part = component.weight * (100.0 - values if component.reverse else values)
        combined = part if combined is None else combined + part
    if combined is None:
        raise ValueError("a combination needs at least one component")
    return combined / total_weight


def classify(
    classification: StyleClassification, strengths: FloatArray
) -> tuple[IntArray, IntArray]:
    """Find each respondent's primary style and pattern, vectorised.

    Parameters:
        classification: the definition's style classification.
        strengths: style strengths, respondents x styles, in ``classification.keys`` order.

    Returns:
        ``(primary, pattern)``: the primary style's position and the pattern's position in
        :data:`~tandem.instruments.rules.PATTERNS`; both -1 where not classified.

    Example: strengths ``[[20, 70, 65, 30]]`` with ``mixed_within`` 10 give primary 1 and
    pattern ``mixed`` (70 - 65 <= 10), unless styles 1 and 2 are the switching pair and both
    reach its threshold, which gives ``switching``.
    """
    complete = np.asarray(~np.isnan(strengths).any(axis=1), dtype=bool)
    # Rows that cannot be classified are filled with zeros only to keep the arithmetic quiet.
    filled = np.where(complete[:, None], strengths, 0.0)
    primary = np.argmax(filled, axis=1).astype(np.int8)
    top_two = np.sort(filled, axis=1)[:, -2:]
    mixed = (top_two[:, 1] - top_two[:, 0]) <= classification.mixed_within
    pattern = np.where(mixed, PATTERNS.index("mixed"), PATTERNS.index("clear")).astype(np.int8)
    switching = classification.switching
    if switching is not None:
        first = classification.keys.index(switching.styles[0])
        second = classification.keys.index(switching.styles[1])
        both = (strengths[:, first] >= switching.at_least) & (
            strengths[:, second] >= switching.at_least
        )
        pattern[both] = PATTERNS.index("switching")
    primary[~complete] = -1
    pattern[~complete] = -1
    return primary, pattern


def style_reasons(
    classification: StyleClassification,
    strengths: Sequence[float],
    primary: int,
    pattern: int,
    values: Mapping[tuple[str, str], float],
    titles: Mapping[tuple[str, str], str],
) -> list[str]:
    """Explain one respondent's style in plain words: which scales drove it.

    Parameters:
        classification: the definition's style classification.
        strengths: this respondent's strengths, in ``classification.keys`` order.
        primary: the primary style's position (-1 when not classified).
        pattern: the pattern's position in ``PATTERNS`` (-1 when not classified).
        values: the respondent's score for each ``(source, key)`` a style uses.
        titles: the title of each ``(source, key)``.

    Returns:
        sentences, most important first.

    Example: ``["Strongest style: Dependent (78 out of 100).", "Self-reliance is low (20
    out of 100).", ...]``
    """
    styles = classification.styles
    if primary < 0:
        missing = sorted(
            {
                titles[(component.source, component.key)]
                for style in styles
                for component in style.components
                if np.isnan(values[(component.source, component.key)])
            }
        )
        return [
            "There are too few answers to describe a style; not scored: " + ", ".join(missing) + "."
        ]
    style = styles[primary]
    reasons = [f"Strongest style: {style.title} ({strengths[primary]:.0f} out of 100)."]
    drivers = []
    for component in style.components:
        value = values[(component.source, component.key)]
        toward = value < 50 if component.reverse else value >= 50
        if toward:
            pull = component.weight * (100 - value if component.reverse else value)
            drivers.append((pull, component, value))
    drivers.sort(key=lambda driver: -driver[0])
    for _pull, component, value in drivers[:3]:
        level = "low" if component.reverse else "high"
        reasons.append(
            f"{titles[(component.source, component.key)]} is {level} ({value:.0f} out of 100)."
        )
    name = PATTERNS[pattern]
    if name == "switching" and classification.switching is not None:
        first, second = classification.switching.styles
        a = classification.keys.index(first)
        b = classification.keys.index(second)
        reasons.append(
            f"{styles[a].title} ({strengths[a]:.0f}) and {styles[b].title} "
            f"({strengths[b]:.0f}) are both {classification.switching.at_least:g} or more."
        )
        if classification.switching.meaning:
            reasons.append(classification.switching.meaning)
    elif name == "mixed":
        order = np.argsort(-np.asarray(strengths), kind="stable")
        a, b = int(order[0]), int(order[1])
        reasons.append(
            f"{styles[a].title} ({strengths[a]:.0f}) and {styles[b].title} "
            f"({strengths[b]:.0f}) are within {classification.mixed_within:g} points of each "
            "other, so no single style fits clearly."
        )
        if classification.mixed_meaning:
            reasons.append(classification.mixed_meaning)
    return reasons
