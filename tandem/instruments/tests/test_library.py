"""The library: finding instruments and versions, cross-file checks, and what we ship."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tandem.instruments import DefinitionError, Library, UnknownInstrument, library
from tandem.instruments.catalogue import DEFAULT_FOLDER
from tandem.instruments.tests.definitions import tiny


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A library folder with the real strategies and safety questions and the tiny one."""
    shutil.copy(DEFAULT_FOLDER / "strategies.yaml", tmp_path)
    shutil.copy(DEFAULT_FOLDER / "safety.yaml", tmp_path)
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(tiny()), encoding="utf-8")
    return tmp_path


def _write(folder: Path, name: str, definition: dict) -> None:
    (folder / name).write_text(yaml.safe_dump(definition), encoding="utf-8")


def test_it_lists_the_latest_version_of_each_instrument() -> None:
    assert [i.slug for i in library.all()] == [
        "couple-balance",
        "healthy-relationship",
        "relating-styles",
        "safety",
    ]


def test_it_finds_the_latest_version_unless_asked_for_one(folder: Path) -> None:
    second = tiny()
    second["version"] = 2
    second["title"] = "Tiny, revised"
    _write(folder, "tiny.v2.yaml", second)
    other = Library(folder)
    assert other.get("tiny").version == 2
    assert other.get("tiny", 1).title == "Tiny"
    assert [i.version for i in other.versions("tiny")] == [1, 2]


def test_an_unknown_slug_or_version_is_a_key_error() -> None:
    with pytest.raises(UnknownInstrument, match=r"no instrument 'nope'; the library has: "):
        library.get("nope")
    with pytest.raises(KeyError, match=r"relating-styles has no version 9; available: 1"):
        library.get("relating-styles", 9)


def test_two_files_of_one_version_are_refused(folder: Path) -> None:
    _write(folder, "tiny.v1.yaml", tiny())
    with pytest.raises(DefinitionError, match=r"tiny version 1 is also defined in tiny.v1.yaml"):
        Library(folder).all()


def test_item_ids_must_be_unique_across_instruments(folder: Path) -> None:
    clash = tiny()
    clash["slug"] = "other"
    clash["items"][0]["id"] = "sf1"
    clash["sections"][0]["items"][0] = "sf1"
    clash["scales"]["alpha_scale"]["items"][0] = "sf1"
    _write(folder, "other.yaml", clash)
    with pytest.raises(DefinitionError) as raised:
        Library(folder).all()
    # Files load in name order, so safety.yaml is the second to use sf1.
    assert raised.value.file == "safety.yaml"
    assert raised.value.path == "items[0].id"
    assert "the item id 'sf1' is also used by other.yaml" in raised.value.problem


def test_a_companion_must_be_in_the_library(folder: Path) -> None:
    definition = tiny()
    definition["companions"] = ["screening"]
    _write(folder, "tiny.yaml", definition)
    with pytest.raises(
        DefinitionError, match=r"tiny.yaml: companions\[0\]: no instrument 'screening'"
    ):
        Library(folder).all()


def test_leads_to_must_be_in_the_library(folder: Path) -> None:
    definition = tiny()
    definition["leads_to"] = {"slug": "elsewhere", "because": "Why not."}
    _write(folder, "tiny.yaml", definition)
    with pytest.raises(
        DefinitionError, match=r"tiny.yaml: leads_to.slug: no instrument 'elsewhere'"
    ):
        Library(folder).all()


def test_a_library_needs_its_strategies(folder: Path) -> None:
    (folder / "strategies.yaml").unlink()
    with pytest.raises(DefinitionError, match=r"strategies.yaml: not found in"):
        Library(folder).all()


def test_a_plan_may_only_name_known_strategies(folder: Path) -> None:
    definition = tiny()
    definition["plan"][0]["strategy"] = "journalling"
    _write(folder, "tiny.yaml", definition)
    with pytest.raises(DefinitionError, match=r"tiny.yaml: plan\[0\].strategy: no strategy"):
        Library(folder).all()


def test_a_session_scores_companions_with_the_instrument(folder: Path) -> None:
    definition = tiny()
    definition["companions"] = ["safety"]
    _write(folder, "tiny.yaml", definition)
    result = Library(folder).score_session("tiny", {"a1": 1, "a2": 5, "a3": 1, "sf2": 1})
    assert [flag.key for flag in result.flags] == ["safety"]
    assert result.strategies[0] == "specialist_support"
    assert "couples_counselling" not in result.strategies
    assert result.to_dict()["companions"] == [{"slug": "safety", "version": 1}]


# What we ship -----------------------------------------------------------------------------


def test_the_relating_styles_inventory_has_the_shape_the_issue_asks_for() -> None:
    inventory = library.get("relating-styles")
    assert 40 <= len(inventory.items) <= 50
    reversed_share = sum(item.reverse for item in inventory.items) / len(inventory.items)
    assert 0.28 <= reversed_share <= 0.38
    assert set(inventory.scales) == {
        "self_reliance", "self_worth", "openness", "reliance", "caretaking", "control",
        "ownership", "distance", "needs_boundaries", "give_and_take", "own_life", "listening",
    }  # fmt: skip
    assert inventory.style is not None
    assert inventory.style.keys == (
        "dependent",
        "codependent",
        "counterdependent",
        "interdependent",
    )
    assert inventory.indices and inventory.plan
    for scale in inventory.scales.values():
        assert scale.bands, scale.key
        assert inventory.reliability[scale.key].provisional
        assert inventory.norms[scale.key].provisional


def test_the_screener_is_short_and_points_to_the_inventory() -> None:
    screener = library.get("healthy-relationship")
    assert 10 <= len(screener.items) <= 12
    assert screener.leads_to is not None and screener.leads_to.slug == "relating-styles"
    assert screener.scales["health"].bands
    result = screener.score({item.id: 4 for item in screener.items})
    assert result.to_dict()["leads_to"]["slug"] == "relating-styles"


def test_the_couple_check_covers_the_four_resources_and_is_for_couples() -> None:
    couple = library.get("couple-balance")
    assert couple.audience == "couple"
    assert couple.comparison is not None
    assert {"time", "attention", "energy", "commitment"} <= set(couple.comparison.balances)
    balance = couple.response_scales["balance"]
    assert balance.values == (-3, -2, -1, 0, 1, 2, 3)


def test_the_safety_questions_are_yes_or_no_and_raise_the_flag() -> None:
    questions = library.get("safety")
    assert all(item.response.values == (0, 1) for item in questions.items)
    assert all(item.id.startswith("sf") for item in questions.items)
    assert "safety" in questions.flags


def test_every_item_is_written_in_full_sentences_without_american_spellings() -> None:
    american = re.compile(r"\b(\w+ize|\w+izing|behavior|color|center|counselor)\b", re.I)
    texts = [item.text for instrument in library.all() for item in instrument.items]
    assert len(texts) == len(set(texts))
    for text in texts:
        assert text[0].isupper() and text[-1] in ".?", text
        assert not american.search(text), text
