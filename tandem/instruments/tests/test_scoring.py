"""Scoring one response and many: keying, 0-100 scores, the missing-answer rule, bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.instruments import AnswerError, AnswerTypeError, Instrument

ANSWER = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


def test_it_scores_a_scale_as_percent_of_maximum_by_hand(tiny_instrument: Instrument) -> None:
    # a2 is reversed: on 1-5 an answer of 2 counts as 1 + 5 - 2 = 4.
    # Keyed mean (4 + 4 + 5) / 3 = 4.333...; score 100 * (4.333... - 1) / (5 - 1) = 83.333...
    result = tiny_instrument.score({"a1": 4, "a2": 2, "a3": 5})
    alpha = result.scales["alpha_scale"]
    assert alpha.score == pytest.approx(83.3333, abs=1e-3)
    assert alpha.raw == pytest.approx(13 / 3)
    assert alpha.answered == 3
    assert alpha.band is not None and alpha.band.key == "high"


def test_a_sum_scale_prorates_its_raw_score_and_keeps_the_same_0_to_100_score(
    tiny_instrument: Instrument,
) -> None:
    # beta: b1 = 5, b2 = 3, b3 missing; 0.6 * 3 items -> 2 needed. Mean 4, sum over 3 items = 12.
    beta = tiny_instrument.score({"b1": 5, "b2": 3}).scales["beta"]
    assert beta.score == pytest.approx(75.0)
    assert beta.raw == pytest.approx(12.0)


def test_a_scale_with_too_few_answers_is_not_scored(tiny_instrument: Instrument) -> None:
    # alpha_scale needs ceil(0.75 * 3) = 3 answers.
    alpha = tiny_instrument.score({"a1": 5, "a2": None}).scales["alpha_scale"]
    assert alpha.score is None
    assert alpha.band is None
    assert alpha.not_scored_reason == "1 of 3 answered; at least 3 are needed for a score"


def test_an_index_combines_scales_with_weights(tiny_instrument: Instrument) -> None:
    # alpha: 5, reversed 1 -> 5, 5: score 100. beta: 2, 2, reversed 4 -> 2: mean 2, score 25.
    # both = (1 * 100 + 3 * (100 - 25)) / (1 + 3) = 81.25
    result = tiny_instrument.score({"a1": 5, "a2": 1, "a3": 5, "b1": 2, "b2": 2, "b3": 4})
    assert result.scales["alpha_scale"].score == pytest.approx(100.0)
    assert result.scales["beta"].score == pytest.approx(25.0)
    assert result.indices["both"].score == pytest.approx(81.25)


def test_an_index_is_not_computed_when_a_scale_is_not_scored(tiny_instrument: Instrument) -> None:
    result = tiny_instrument.score({"a1": 5, "a2": 1, "a3": 5})
    assert result.indices["both"].score is None


def test_the_band_edge_belongs_to_the_upper_band(tiny_instrument: Instrument) -> None:
    # Keyed 3, 3, 3 -> 50, the lower edge of "high".
    band = tiny_instrument.score({"a1": 3, "a2": 3, "a3": 3}).scales["alpha_scale"].band
    assert band is not None and band.key == "high"


def test_an_unknown_item_is_an_error_naming_it(tiny_instrument: Instrument) -> None:
    with pytest.raises(AnswerError, match=r"unknown item 'zz': tiny has no such item"):
        tiny_instrument.score({"zz": 3})


def test_an_out_of_range_value_names_the_item_and_the_allowed_values(
    tiny_instrument: Instrument,
) -> None:
    with pytest.raises(AnswerError) as raised:
        tiny_instrument.score({"a1": 6})
    assert str(raised.value) == (
        "item 'a1': 6 is not an allowed value; allowed: 1 (Level 1), 2 (Level 2), "
        "3 (Level 3), 4 (Level 4), 5 (Level 5)"
    )


@pytest.mark.parametrize("value", ["3", 3.0, True])
def test_a_value_that_is_not_a_whole_number_is_refused(
    tiny_instrument: Instrument, value: object
) -> None:
    with pytest.raises(AnswerTypeError, match=r"item 'a1': expected a whole number or None"):
        tiny_instrument.score({"a1": value})  # type: ignore[dict-item]


def test_numpy_integers_are_accepted(tiny_instrument: Instrument) -> None:
    result = tiny_instrument.score({"a1": np.int64(5), "a2": 1, "a3": 5})  # type: ignore[dict-item]
    assert result.scales["alpha_scale"].score == 100.0


def test_a_batch_with_a_bad_value_names_the_row_and_item(tiny_instrument: Instrument) -> None:
    matrix = np.full((3, 7), np.nan)
    matrix[2, 1] = 2.5
    with pytest.raises(AnswerError, match=r"row 2, item 'a2': 2.5 is not an allowed value"):
        tiny_instrument.score_many(matrix)


def test_a_batch_of_the_wrong_width_is_refused(tiny_instrument: Instrument) -> None:
    with pytest.raises(AnswerError, match=r"expected a matrix of respondents x 7 items"):
        tiny_instrument.score_many(np.ones((2, 6)))


def test_an_empty_batch_gives_empty_results(tiny_instrument: Instrument) -> None:
    batch = tiny_instrument.score_many(np.empty((0, 7)))
    assert len(batch) == 0
    assert batch.scores.shape == (0, 2)


def test_a_batch_spanning_several_chunks_matches_single_scoring(
    relating_styles: Instrument, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.instruments import scoring

    monkeypatch.setattr(scoring, "CHUNK_ROWS", 7)
    rng = np.random.default_rng(3)
    matrix = rng.integers(1, 6, size=(30, len(relating_styles.item_ids))).astype(float)
    matrix[rng.random(matrix.shape) < 0.2] = np.nan
    batch = relating_styles.score_many(matrix)
    for row in (0, 6, 7, 29):
        answers = {
            item_id: int(value)
            for item_id, value in zip(relating_styles.item_ids, matrix[row], strict=True)
            if not math.isnan(value)
        }
        single = relating_styles.score(answers)
        assert batch.result(row).to_dict() == single.to_dict()


@settings(max_examples=60, deadline=None)
@given(st.lists(ANSWER, min_size=48, max_size=48))
def test_batch_and_single_scoring_agree(relating_styles: Instrument, answers: list) -> None:
    mapping = dict(zip(relating_styles.item_ids, answers, strict=True))
    row = np.array([[np.nan if value is None else value for value in answers]], dtype=float)
    assert (
        relating_styles.score_many(row).result(0).to_dict()
        == relating_styles.score(mapping).to_dict()
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(ANSWER, min_size=48, max_size=48))
def test_every_score_lies_between_0_and_100(relating_styles: Instrument, answers: list) -> None:
    result = relating_styles.score(dict(zip(relating_styles.item_ids, answers, strict=True)))
    values = [scale.score for scale in result.scales.values()]
    values += [index.score for index in result.indices.values()]
    if result.style:
        values += list(result.style.strengths.values())
    for value in values:
        assert value is None or 0.0 <= value <= 100.0


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=48, max_size=48))
def test_flipping_every_answer_mirrors_every_scale(
    relating_styles: Instrument, answers: list[int]
) -> None:
    # Keying symmetry: answering 6 - v everywhere turns each score s into 100 - s.
    ids = relating_styles.item_ids
    result = relating_styles.score(dict(zip(ids, answers, strict=True)))
    flipped = relating_styles.score({i: 6 - v for i, v in zip(ids, answers, strict=True)})
    for key, scale in result.scales.items():
        assert scale.score is not None
        assert flipped.scales[key].score == pytest.approx(100.0 - scale.score)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_a_reversed_item_counts_as_its_mirror_on_a_forward_item(
    relating_styles: Instrument, values: list[int], reverse: list[bool]
) -> None:
    # Keying symmetry item by item: a reversed item answered v scores as a forward item
    # answered 6 - v. The scale self_reliance holds sr1-sr4; sr3 is reversed.
    scale = relating_styles.scales["self_reliance"]
    answers = {item.id: value for item, value in zip(scale.items, values, strict=True)}
    keyed = [
        6 - value if item.reverse else value
        for item, value in zip(scale.items, values, strict=True)
    ]
    expected = 100.0 * (sum(keyed) / 4 - 1) / 4
    assert relating_styles.score(answers).scales["self_reliance"].score == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(ANSWER, min_size=4, max_size=4))
def test_a_scale_is_scored_only_with_enough_answers_and_never_guessed(
    relating_styles: Instrument, answers: list[int | None]
) -> None:
    scale = relating_styles.scales["self_worth"]
    mapping = {item.id: value for item, value in zip(scale.items, answers, strict=True)}
    result = relating_styles.score(mapping).scales["self_worth"]
    given_answers = [
        (item, value) for item, value in zip(scale.items, answers, strict=True) if value is not None
    ]
    assert result.answered == len(given_answers)
    if len(given_answers) < scale.required:
        assert result.score is None
        assert result.not_scored_reason is not None
    else:
        keyed = [item.keyed(value) for item, value in given_answers]
        # The mean of the answered items only: missing answers do not count as anything.
        assert result.score == pytest.approx(100.0 * (sum(keyed) / len(keyed) - 1) / 4)
