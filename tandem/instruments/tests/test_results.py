"""The plain result object and its stable to_dict()."""

from __future__ import annotations

import json

from tandem.instruments import DEFAULT_NOTICE, Instrument, library


def test_to_dict_has_stable_keys(relating_styles: Instrument) -> None:
    result = library.score_session("relating-styles", dict.fromkeys(relating_styles.item_ids, 4))
    shown = result.to_dict()
    assert list(shown) == [
        "instrument", "companions", "scales", "indices", "style", "plan", "flags", "leads_to",
        "notice",
    ]  # fmt: skip
    assert shown["instrument"] == {
        "slug": "relating-styles",
        "version": 1,
        "title": "Relating Styles Inventory",
    }
    assert list(shown["scales"]["self_worth"]) == [
        "title", "description", "score", "raw", "band", "answered", "items", "required",
        "not_scored_reason", "uncertainty",
    ]  # fmt: skip
    assert list(shown["style"]) == ["strengths", "titles", "primary", "pattern", "reasons"]
    assert list(shown["plan"][0]) == ["strategy", "title", "priority", "reasons"]
    json.dumps(shown)  # plain data all the way down


def test_the_result_says_it_is_self_reflection_not_diagnosis(relating_styles: Instrument) -> None:
    notice = relating_styles.score({}).to_dict()["notice"]
    assert notice == DEFAULT_NOTICE
    assert "self-reflection, not a diagnosis" in notice


def test_a_scale_carries_what_the_page_shows(relating_styles: Instrument) -> None:
    scale = relating_styles.score({"sw1": 5, "sw2": 1, "sw3": 1, "sw4": 5}).scales["self_worth"]
    shown = scale.to_dict()
    assert shown["title"] == "Self-worth"
    assert shown["score"] == 100.0
    assert shown["band"]["label"] == "A strength"
    assert shown["band"]["meaning"] == "This is a real strength of yours."
    # 95% band from the provisional alpha 0.79 and SD 19: SEM = 19 * sqrt(0.21) = 8.71.
    assert shown["uncertainty"] == {"low": 82.93, "high": 100.0, "sem": 8.71}


def test_an_unscored_scale_says_why(relating_styles: Instrument) -> None:
    shown = relating_styles.score({"sw1": 5}).to_dict()["scales"]["self_worth"]
    assert shown["score"] is None and shown["band"] is None and shown["uncertainty"] is None
    assert shown["not_scored_reason"] == "1 of 4 answered; at least 3 are needed for a score"


def test_the_flags_of_a_result_are_plain_data() -> None:
    shown = library.score_session("healthy-relationship", {"sf5": 1}).to_dict()
    assert shown["flags"][0]["key"] == "safety"
    assert set(shown["flags"][0]) == {"key", "title", "message"}
