"""Safety comes first: any yes raises the flag, removes couples counselling, and puts
specialist support at the top of the plan, whatever the other answers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.instruments import Instrument, library
from tandem.instruments.tests.test_style import PERSONAS, answers_for

SAFETY_ITEMS = ("sf1", "sf2", "sf3", "sf4", "sf5", "sf6")


@settings(max_examples=60, deadline=None)
@given(
    yes=st.sampled_from(SAFETY_ITEMS),
    others=st.lists(st.sampled_from([0, None]), min_size=6, max_size=6),
    answers=st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=48, max_size=48),
)
def test_any_single_yes_raises_the_flag_and_removes_couples_counselling(
    relating_styles: Instrument, yes: str, others: list[int | None], answers: list[int | None]
) -> None:
    session: dict[str, int | None] = dict(zip(relating_styles.item_ids, answers, strict=True))
    session.update(dict(zip(SAFETY_ITEMS, others, strict=True)))
    session[yes] = 1
    result = library.score_session("relating-styles", session)
    assert result.has_flag("safety")
    assert "couples_counselling" not in result.strategies
    assert result.plan[0].strategy == "specialist_support"


@settings(max_examples=30, deadline=None)
@given(
    yes=st.sampled_from(SAFETY_ITEMS),
    slug=st.sampled_from(["healthy-relationship", "couple-balance"]),
)
def test_the_flag_works_with_every_relationship_instrument(yes: str, slug: str) -> None:
    instrument = library.get(slug)
    # Answers that would otherwise call for couples counselling: everything at its lowest.
    session: dict[str, int | None] = {
        item.id: (item.response.maximum if item.reverse else item.response.minimum)
        for item in instrument.items
    }
    session[yes] = 1
    result = library.score_session(slug, session)
    assert result.has_flag("safety")
    assert "couples_counselling" not in result.strategies
    assert result.plan[0].strategy == "specialist_support"


def test_without_a_yes_there_is_no_flag_and_couples_counselling_may_stay(
    relating_styles: Instrument,
) -> None:
    session = answers_for(relating_styles, PERSONAS["codependent"])
    session.update(dict.fromkeys(SAFETY_ITEMS, 0))
    result = library.score_session("relating-styles", session)
    assert not result.has_flag("safety")
    assert "couples_counselling" in result.strategies
    assert "specialist_support" not in result.strategies


def test_the_specialist_step_says_why(relating_styles: Instrument) -> None:
    result = library.score_session("relating-styles", {"sf4": 1})
    step = result.plan[0]
    assert step.title.startswith("Talk to someone who specialises in safety")
    assert any("do not always feel safe" in reason for reason in step.reasons)
    flag = result.flags[0]
    assert flag.key == "safety" and "not to blame" in flag.message


def test_the_safety_questions_alone_raise_the_flag(safety: Instrument) -> None:
    result = safety.score({"sf6": 1})
    assert result.has_flag("safety")
    assert result.strategies == ("specialist_support",)


def test_a_batch_with_companions_raises_the_flag_per_row(
    relating_styles: Instrument, safety: Instrument
) -> None:
    matrix = np.full((3, 48 + 6), 3.0)
    matrix[:, 48:] = 0
    matrix[1, 48 + 2] = 1
    matrix[2, 48:] = np.nan
    batch = relating_styles.score_many(matrix, companions=[safety])
    assert batch.flag_keys == ("safety",)
    assert batch.flags[:, 0].tolist() == [False, True, False]
    order = batch.plan_order()
    assert batch.plan.keys[order[1, 0]] == "specialist_support"
    couples = batch.plan.keys.index("couples_counselling")
    assert not batch.plan.included[1, couples]


def test_answers_to_companions_need_the_companion(relating_styles: Instrument) -> None:
    import pytest

    from tandem.instruments import AnswerError

    with pytest.raises(AnswerError, match=r"unknown item 'sf1'"):
        relating_styles.score({"sf1": 1})
