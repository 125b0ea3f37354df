"""The personal plan: which strategies, in what order, and why.

Each plan rule of a definition names a strategy, the rules that bring it into the plan (each
with its reason in plain words) and its priority: a weighted combination of scores (0-100)
saying how much the strategy matters for this person. The plan holds every strategy with at
least one rule that holds, highest priority first (definition order breaks ties).

Raised flags then act on the plan, whichever instrument of the session raised them: a flag's
``remove`` strategies leave the plan and its ``first`` strategies are put at the top, in the
order given. The ``safety`` flag uses this to take couples counselling out of the plan and put
specialist support first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.instruments.definition import FlagPlanEffect, PlanRule
from tandem.instruments.rules import RuleContext
from tandem.instruments.style import combine

__all__ = ["PlanArrays", "compute_plan", "plan_order"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int16]

# Strategies a flag puts first rank above every priority a score can give (0-100).
_FIRST = 1000.0


@dataclass(frozen=True)
class PlanArrays:
    """The plan of many respondents.

    Attributes:
        keys: the strategies that can appear, in definition order.
        included: respondents x strategies, whether the strategy is in the plan.
        priority: respondents x strategies, how much it matters (0-100; flags' ``first``
            strategies rank above 100; NaN where a priority's scales were not scored).
        reasons: per strategy, ``(because, holds)`` pairs: the reason and, per respondent,
            whether its rule held.
    """

    keys: tuple[str, ...]
    included: BoolArray
    priority: FloatArray
    reasons: tuple[tuple[tuple[str, BoolArray], ...], ...]


def compute_plan(
    rules: Sequence[PlanRule],
    context: RuleContext,
    value_of: Callable[[str, str], FloatArray],
    flags: Mapping[str, BoolArray],
    effects: Mapping[str, FlagPlanEffect],
) -> PlanArrays:
    """Compute the plan of every respondent, vectorised.

    Parameters:
        rules: the definition's plan rules.
        context: what the rules look at.
        value_of: the scores a priority combines, by ``(source, key)``.
        flags: per raised-flag key, whether each respondent raised it (the whole session's
            flags, companions' included).
        effects: what each flag does to the plan.

    Returns:
        the plan arrays; use :func:`plan_order` for each respondent's ordered plan.

    Example: a respondent with ``self_worth`` 30 and the rule ``{scale: self_worth, below:
    50}`` for ``self_esteem`` (priority: ``self_worth`` reversed) has ``self_esteem`` in the
    plan with priority 70.
    """
    size = context.size
    keys: list[str] = []
    included: list[BoolArray] = []
    priority: list[FloatArray] = []
    reasons: list[tuple[tuple[str, BoolArray], ...]] = []
    for rule in rules:
        held = tuple((reason.because, reason.rule.evaluate(context)) for reason in rule.reasons)
        any_held = np.zeros(size, dtype=bool)
        for _because, holds in held:
            any_held |= holds
        keys.append(rule.strategy)
        included.append(any_held)
        priority.append(np.asarray(combine(rule.priority, value_of), dtype=float))
        reasons.append(held)
    for flag_key, effect in effects.items():
        raised = flags.get(flag_key)
        if raised is None:
            continue
        for rank, strategy in enumerate(effect.first):
            boost = _FIRST + len(effect.first) - rank
            if strategy not in keys:
                keys.append(strategy)
                included.append(np.zeros(size, dtype=bool))
                priority.append(np.full(size, np.nan))
                reasons.append(())
            position = keys.index(strategy)
            included[position] = included[position] | raised
            priority[position] = np.where(raised, boost, priority[position])
            reasons[position] = ((effect.because, raised), *reasons[position])
    for flag_key, effect in effects.items():
        raised = flags.get(flag_key)
        if raised is None:
            continue
        for strategy in effect.remove:
            if strategy in keys:
                position = keys.index(strategy)
                included[position] = included[position] & ~raised
    if keys:
        included_array = np.stack(included, axis=1)
        priority_array = np.stack(priority, axis=1)
    else:
        included_array = np.zeros((size, 0), dtype=bool)
        priority_array = np.zeros((size, 0))
    return PlanArrays(
        keys=tuple(keys),
        included=included_array,
        priority=priority_array,
        reasons=tuple(reasons),
    )


def plan_order(plan: PlanArrays) -> IntArray:
    """Order each respondent's plan, vectorised.

    Returns:
        respondents x strategies: positions in ``plan.keys``, most important first, then -1
        for the strategies not in the plan. Equal priorities keep definition order; a
        strategy whose priority could not be computed ranks as 0.

    Example: priorities ``[[70, 20, 90]]`` with the second strategy not included give
    ``[[2, 0, -1]]``.
    """
    rank = np.where(plan.included, np.nan_to_num(plan.priority, nan=0.0), -np.inf)
    order = np.argsort(-rank, axis=1, kind="stable").astype(np.int16)
    chosen = np.take_along_axis(plan.included, order.astype(np.intp), axis=1)
    return np.where(chosen, order, np.int16(-1)).astype(np.int16)
