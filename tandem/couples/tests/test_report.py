"""The couple report's figures and words, worked out from two partners' answers."""

from __future__ import annotations

from typing import Any

from tandem.couples.report import couple_report

BALANCED = {f"cb{n}": 0 for n in range(1, 13)} | {"cb13": 4, "cb14": 4, "cb15": 2}


def report(mine: dict[str, Any], theirs: dict[str, Any]) -> Any:
    return couple_report(
        slug="couple-balance", version=1, mine=mine, theirs=theirs, partner_name="Parker"
    )


def test_each_view_is_put_in_the_viewers_frame() -> None:
    # I say I give much more time (+3 on both time items, cb2 reverse-keyed); Parker says
    # their partner (me) gives much more (-3): the same view, seen from each side.
    mine = BALANCED | {"cb1": 3, "cb2": -3}
    theirs = BALANCED | {"cb1": -3, "cb2": 3}
    time = report(mine, theirs).balances[0]
    assert (time.key, time.mine, time.theirs, time.meet, time.leans) == ("time", 3, 3, True, "you")
    assert time.my_words == "You feel you give more time."
    assert time.their_words == "Parker feels you give more time."


def test_views_differ_only_beyond_the_instruments_tolerance() -> None:
    # agree_within is 1 point: 1 apart still meets, 2 apart differs.
    near = report(BALANCED | {"cb3": 1, "cb4": -1}, BALANCED)
    far = report(BALANCED | {"cb3": 2, "cb4": -2}, BALANCED)
    assert near.balances[1].meet is True
    assert far.balances[1].meet is False
    assert far.balances[1].their_words == "Parker feels it is about even."


def test_item_by_item_marks_where_views_meet_and_differ_without_showing_answers() -> None:
    built = report(BALANCED | {"cb5": 3}, BALANCED | {"cb5": 3})
    by_id = {item.id: item for item in built.items}
    # Both say "me, much more" about energy: seen from each side, they differ by 6.
    assert by_id["cb5"].meet is False
    assert by_id["cb1"].meet is True
    assert by_id["cb5"].words == "You see this differently: a good thing to talk about."
    exported = built.to_dict()["items"][4]
    assert set(exported) == {"item", "text", "views_meet"}


def test_an_unanswered_item_is_not_compared() -> None:
    built = report(BALANCED | {"cb9": None}, BALANCED)
    assert [item.meet for item in built.items if item.id == "cb9"] == [None]


def test_the_shared_plan_follows_what_both_views_show() -> None:
    agreed = report(BALANCED, BALANCED)
    assert [step.key for step in agreed.plan] == ["own_goals"]
    assert agreed.starters == (
        "You see this the same way, and it feels balanced. Tell each other what helps keep it so.",
    )
    apart = report(
        BALANCED | {"cb1": 3, "cb3": 3, "cb5": 3, "cb13": 1, "cb14": 1, "cb15": 5},
        BALANCED | {"cb1": 3, "cb3": 3, "cb5": 3, "cb13": 1, "cb14": 1, "cb15": 5},
    )
    keys = [step.key for step in apart.plan]
    assert keys[0] == "listening" and "couples_counselling" in keys and "self_esteem" in keys
    listening = apart.plan[0]
    assert listening.together[0].startswith("Take turns of ten minutes")


def test_the_report_never_carries_flags_or_safety_answers() -> None:
    built = report(BALANCED | {"sf1": 1}, BALANCED | {"sf3": 1})
    text = repr(built.to_dict())
    assert "sf1" not in text and "sf3" not in text and "safety" not in text
