"""Comparing two partners' Couple Balance answers."""

from __future__ import annotations

import pytest

from tandem.instruments import Instrument, compare_partners, library


@pytest.fixture(scope="module")
def couple_balance() -> Instrument:
    return library.get("couple-balance")


def _answers(instrument: Instrument, **levels: int) -> dict[str, int | None]:
    """Answer each balance scale at a level from -3 to 3 (mirrored on reversed items)."""
    answers: dict[str, int | None] = {}
    for key, level in levels.items():
        for item in instrument.scales[key].items:
            answers[item.id] = -level if item.reverse else level
    return answers


def test_scoring_one_partner_is_ordinary_scoring(couple_balance: Instrument) -> None:
    result = couple_balance.score(_answers(couple_balance, time=2))
    time = result.scales["time"]
    # Balance -3..+3: +2 -> 100 * (2 + 3) / 6 = 83.3, "You give more".
    assert time.raw == pytest.approx(2.0)
    assert time.score == pytest.approx(83.333, abs=1e-3)
    assert time.band is not None and time.band.key == "me_more"


def test_partners_who_see_it_the_same_way_agree(couple_balance: Instrument) -> None:
    a = couple_balance.score(_answers(couple_balance, time=2, energy=0))
    b = couple_balance.score(_answers(couple_balance, time=-2, energy=0))
    comparison = compare_partners(a, b)
    time = next(balance for balance in comparison.balances if balance.scale == "time")
    assert (time.a_view, time.b_view, time.agree, time.together, time.leans) == (
        2.0,
        2.0,
        True,
        2.0,
        "a",
    )
    energy = next(balance for balance in comparison.balances if balance.scale == "energy")
    assert energy.agree is True and energy.leans == "balanced"


def test_partners_who_each_feel_they_give_more_disagree(couple_balance: Instrument) -> None:
    a = couple_balance.score(_answers(couple_balance, attention=3))
    b = couple_balance.score(_answers(couple_balance, attention=3))
    attention = compare_partners(a, b).to_dict()["balances"][1]
    assert attention == {
        "scale": "attention",
        "title": "Attention",
        "a_view": 3.0,
        "b_view": -3.0,
        "agree": False,
        "together": 0.0,
        "leans": "balanced",
    }


def test_an_unanswered_resource_is_not_compared(couple_balance: Instrument) -> None:
    a = couple_balance.score(_answers(couple_balance, time=1))
    b = couple_balance.score({})
    time = compare_partners(a, b).balances[0]
    assert time.b_view is None and time.agree is None and time.leans is None


def test_the_comparison_never_reveals_safety_answers(couple_balance: Instrument) -> None:
    a = library.score_session("couple-balance", {**_answers(couple_balance, time=1), "sf1": 1})
    b = library.score_session("couple-balance", _answers(couple_balance, time=-1))
    assert a.has_flag("safety")
    shown = compare_partners(a, b).to_dict()
    assert set(shown) == {"instrument", "balances", "scales"}
    assert "safety" not in repr(shown) and "sf1" not in repr(shown)


def test_results_of_different_instruments_cannot_be_compared(couple_balance: Instrument) -> None:
    a = couple_balance.score({})
    b = library.get("healthy-relationship").score({})
    with pytest.raises(ValueError, match=r"both partners must answer the same instrument"):
        compare_partners(a, b)


def test_an_instrument_without_a_comparison_is_refused() -> None:
    screener = library.get("healthy-relationship")
    with pytest.raises(ValueError, match=r"defines no comparison"):
        compare_partners(screener.score({}), screener.score({}))
