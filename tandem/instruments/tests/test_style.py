"""The style classification: typical answer patterns give their style; mixed and switching."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.instruments import Instrument

# Typical answers, as a level from 1 (strongly disagree) to 5 per scale; each item is answered
# at that level, or its mirror (6 - level) when reverse-keyed, so the scale lands there.
PERSONAS: dict[str, dict[str, int]] = {
    "dependent": {
        "self_reliance": 1, "self_worth": 2, "openness": 4, "reliance": 5, "caretaking": 3,
        "control": 2, "ownership": 3, "distance": 1, "needs_boundaries": 2,
        "give_and_take": 3, "own_life": 1, "listening": 3,
    },
    "codependent": {
        "self_reliance": 3, "self_worth": 1, "openness": 3, "reliance": 3, "caretaking": 5,
        "control": 4, "ownership": 3, "distance": 2, "needs_boundaries": 1,
        "give_and_take": 2, "own_life": 2, "listening": 3,
    },
    "counterdependent": {
        "self_reliance": 5, "self_worth": 3, "openness": 1, "reliance": 1, "caretaking": 2,
        "control": 3, "ownership": 3, "distance": 5, "needs_boundaries": 2,
        "give_and_take": 3, "own_life": 4, "listening": 2,
    },
    "interdependent": {
        "self_reliance": 4, "self_worth": 4, "openness": 4, "reliance": 3, "caretaking": 2,
        "control": 2, "ownership": 4, "distance": 2, "needs_boundaries": 4,
        "give_and_take": 4, "own_life": 4, "listening": 4,
    },
}  # fmt: skip

# Holding on (caretaking, control, low self-worth, unspoken needs) and pushing away
# (distance, closed to support) at once.
SWITCHING = {
    "self_reliance": 3, "self_worth": 1, "openness": 1, "reliance": 3, "caretaking": 5,
    "control": 4, "ownership": 3, "distance": 5, "needs_boundaries": 1, "give_and_take": 2,
    "own_life": 3, "listening": 2,
}  # fmt: skip


def answers_for(instrument: Instrument, levels: dict[str, int]) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for key, scale in instrument.scales.items():
        for item in scale.items:
            answers[item.id] = 6 - levels[key] if item.reverse else levels[key]
    return answers


@pytest.mark.parametrize("style", list(PERSONAS))
def test_typical_answers_give_their_style_clearly(relating_styles: Instrument, style: str) -> None:
    profile = relating_styles.score(answers_for(relating_styles, PERSONAS[style])).style
    assert profile is not None
    assert profile.primary == style
    assert profile.pattern == "clear"


@pytest.mark.parametrize("style", list(PERSONAS))
def test_softened_typical_answers_still_give_their_style(
    relating_styles: Instrument, style: str
) -> None:
    # Real people rarely answer at the extremes: "strongly" becomes plain agree or disagree.
    softened = {key: {1: 2, 5: 4}.get(level, level) for key, level in PERSONAS[style].items()}
    profile = relating_styles.score(answers_for(relating_styles, softened)).style
    assert profile is not None and profile.primary == style


def test_holding_on_and_pushing_away_together_is_switching(relating_styles: Instrument) -> None:
    profile = relating_styles.score(answers_for(relating_styles, SWITCHING)).style
    assert profile is not None
    assert profile.pattern == "switching"
    strengths = profile.strengths
    assert strengths["codependent"] is not None and strengths["codependent"] >= 60
    assert strengths["counterdependent"] is not None and strengths["counterdependent"] >= 60
    assert any("both 60 or more" in reason for reason in profile.reasons)


def test_close_top_two_styles_are_mixed(relating_styles: Instrument) -> None:
    # Dependent and codependent marks at once, without the pushing away of switching.
    levels = {**PERSONAS["codependent"], "reliance": 5, "self_reliance": 1, "own_life": 1}
    profile = relating_styles.score(answers_for(relating_styles, levels)).style
    assert profile is not None
    assert profile.pattern == "mixed"
    assert any("within 8 points" in reason for reason in profile.reasons)


def test_the_reasons_name_the_scales_that_drove_the_style(relating_styles: Instrument) -> None:
    profile = relating_styles.score(answers_for(relating_styles, PERSONAS["dependent"])).style
    assert profile is not None
    assert profile.reasons[0] == "Strongest style: Dependent (100 out of 100)."
    assert "Reliance on others is high (100 out of 100)." in profile.reasons
    assert "Self-reliance is low (0 out of 100)." in profile.reasons


def test_too_few_answers_leave_the_style_undescribed(relating_styles: Instrument) -> None:
    profile = relating_styles.score({"sr1": 4, "sw1": 4}).style
    assert profile is not None
    assert profile.primary is None and profile.pattern is None
    assert profile.reasons[0].startswith("There are too few answers to describe a style")
    assert "Self-reliance" in profile.reasons[0]


def test_batch_classification_matches_the_personas(relating_styles: Instrument) -> None:
    rows = [answers_for(relating_styles, levels) for levels in (*PERSONAS.values(), SWITCHING)]
    matrix = np.array([[row[i] for i in relating_styles.item_ids] for row in rows], dtype=float)
    batch = relating_styles.score_many(matrix)
    assert batch.primary_styles()[:4] == list(PERSONAS)
    assert batch.patterns() == ["clear", "clear", "clear", "clear", "switching"]
