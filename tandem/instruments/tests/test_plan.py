"""The plan: strategies ordered by how much they matter, each with its reasons."""

from __future__ import annotations

import pytest

from tandem.instruments import Instrument, library
from tandem.instruments.tests.test_style import PERSONAS, SWITCHING, answers_for

SEVEN = (
    "self_esteem",
    "alone",
    "listening",
    "needs_boundaries",
    "own_goals",
    "attachment",
    "couples_counselling",
)


def test_the_library_offers_the_seven_strategies_and_specialist_support() -> None:
    strategies = library.strategies()
    assert tuple(strategies) == (*SEVEN, "specialist_support")
    for strategy in strategies.values():
        assert strategy.title and strategy.why
        assert 2 <= len(strategy.exercises) <= 3


def test_every_strategy_can_be_chosen_by_the_relating_styles_inventory(
    relating_styles: Instrument,
) -> None:
    assert {rule.strategy for rule in relating_styles.plan} == set(SEVEN)


def test_the_plan_is_ordered_by_priority_with_reasons(relating_styles: Instrument) -> None:
    plan = relating_styles.score(answers_for(relating_styles, PERSONAS["dependent"])).plan
    priorities = [step.priority for step in plan]
    assert priorities == sorted(priorities, reverse=True)  # type: ignore[type-var]
    assert plan[0].strategy == "alone"
    assert plan[0].title == "Learn to be alone and enjoy your own company"
    assert "Managing on your own does not feel easy for you at the moment." in plan[0].reasons
    assert all(step.reasons for step in plan)


def test_a_codependent_pattern_puts_needs_and_self_esteem_first(
    relating_styles: Instrument,
) -> None:
    plan = relating_styles.score(answers_for(relating_styles, PERSONAS["codependent"])).plan
    assert [step.strategy for step in plan[:2]] == ["needs_boundaries", "self_esteem"]


def test_switching_brings_in_attachment_theory(relating_styles: Instrument) -> None:
    result = relating_styles.score(answers_for(relating_styles, SWITCHING))
    attachment = next(step for step in result.plan if step.strategy == "attachment")
    assert any("swing between holding on and pulling away" in r for r in attachment.reasons)


def test_a_balanced_person_keeps_a_short_plan(relating_styles: Instrument) -> None:
    result = relating_styles.score(answers_for(relating_styles, PERSONAS["interdependent"]))
    assert result.strategies == ("own_goals",)


def test_broken_down_communication_suggests_couples_counselling(
    relating_styles: Instrument,
) -> None:
    result = relating_styles.score(answers_for(relating_styles, PERSONAS["codependent"]))
    assert "couples_counselling" in result.strategies


@pytest.mark.parametrize("slug", ["relating-styles", "healthy-relationship", "couple-balance"])
def test_every_relationship_instrument_is_asked_with_the_safety_questions(slug: str) -> None:
    assert library.get(slug).companions == ("safety",)
