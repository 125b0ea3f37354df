"""Every kind of mistake in a definition file gets a message naming the file, field and what."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tandem.instruments import DefinitionError, load_instrument, parse_instrument
from tandem.instruments.definition import Strategy
from tandem.instruments.tests.definitions import tiny
from tandem.instruments.validation import parse_strategies

Mutation = Callable[[dict[str, Any]], Any]


def _set(path: str, value: Any) -> Mutation:
    def mutate(definition: dict[str, Any]) -> None:
        target: Any = definition
        *parents, last = path.split("/")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(definition: dict[str, Any]) -> None:
        target: Any = definition
        *parents, last = path.split("/")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(definition: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(definition)

    return mutate


ALPHA_ITEMS = "scales/alpha_scale/items"
FIRST_RULE = "plan/0/when/0/if"

# (what is wrong, mutation, expected field path, expected fragment of the problem)
CASES: list[tuple[str, Mutation, str, str]] = [
    ("missing field", _delete("title"), "title", "this field is required"),
    ("unknown field", _set("titel", "Tiny"), "titel", "unknown field; expected one of"),
    ("wrong type", _set("version", "1"), "version", "expected a whole number, got text ('1')"),
    ("version below 1", _set("version", 0), "version", "must be at least 1, got 0"),
    ("empty text", _set("description", "  "), "description", "must not be empty"),
    ("bad slug", _set("slug", "Tiny Check"), "slug", "'Tiny Check' is not a slug"),
    ("unknown audience", _set("audience", "everyone"), "audience", "must be one of individual"),
    (
        "unknown default response",
        _set("default_response", "stars"),
        "default_response",
        "no response scale 'stars'",
    ),
    (
        "one option",
        _set("response_scales/yes_no/options", [{"value": 0, "label": "No"}]),
        "response_scales.yes_no.options",
        "needs at least two options",
    ),
    (
        "value offered twice",
        _set("response_scales/yes_no/options/1/value", 0),
        "response_scales.yes_no.options[1].value",
        "the value 0 is offered twice",
    ),
    (
        "YAML boolean as a label",
        _set("response_scales/yes_no/options/1/label", True),
        "response_scales.yes_no.options[1].label",
        "expected text, got true (YAML reads yes/no/on/off as true/false",
    ),
    (
        "fractional value",
        _set("response_scales/yes_no/options/1/value", 0.5),
        "response_scales.yes_no.options[1].value",
        "expected a whole number",
    ),
    ("no items", _set("items", []), "items", "must not be empty"),
    ("item id twice", _set("items/1/id", "a1"), "items[1].id", "the item id 'a1' is used twice"),
    ("bad item id", _set("items/0/id", "A 1"), "items[0].id", "'A 1' is not an item id"),
    (
        "unknown response scale",
        _set("items/0/response", "stars"),
        "items[0].response",
        "no response scale 'stars'; defined: agreement, yes_no",
    ),
    (
        "no response scale at all",
        _delete("default_response"),
        "items[0]",
        "no response scale: give 'response' here or 'default_response'",
    ),
    (
        "reverse not true or false",
        _set("items/0/reverse", "yes"),
        "items[0].reverse",
        "expected true or false",
    ),
    (
        "section names an unknown item",
        _set("sections/0/items", ["a1", "a2", "zz"]),
        "sections[0].items[2]",
        "no item 'zz'",
    ),
    (
        "item in two sections",
        _set("sections/1/items", ["b1", "b2", "b3", "s1", "a1"]),
        "sections[1].items[4]",
        "the item 'a1' is already in section 'one'",
    ),
    (
        "item in no section",
        _set("sections/1/items", ["b1", "b2", "b3"]),
        "sections",
        "the item 's1' is in no section",
    ),
    ("section id twice", _set("sections/1/id", "one"), "sections[1].id", "used twice"),
    (
        "scale names an unknown item",
        _set(ALPHA_ITEMS, ["a1", "a2", "a9"]),
        "scales.alpha_scale.items[2]",
        "no item 'a9'",
    ),
    (
        "item twice in a scale",
        _set(ALPHA_ITEMS, ["a1", "a2", "a1"]),
        "scales.alpha_scale.items[2]",
        "the item 'a1' is listed twice",
    ),
    (
        "items of different ranges in a scale",
        _set(ALPHA_ITEMS, ["a1", "a2", "s1"]),
        "scales.alpha_scale.items[2]",
        "a scale's items must share one range",
    ),
    (
        "unknown method",
        _set("scales/beta/method", "median"),
        "scales.beta.method",
        "must be 'mean' or 'sum', got 'median'",
    ),
    (
        "min_answered of 0",
        _set("scales/beta/min_answered", 0),
        "scales.beta.min_answered",
        "must be more than 0",
    ),
    (
        "min_answered above 1",
        _set("scales/beta/min_answered", 1.5),
        "scales.beta.min_answered",
        "must be at most 1",
    ),
    ("bad scale key", _set("scales/Gamma", {}), "scales.Gamma", "a key must be lower-case"),
    (
        "gap between bands",
        _set("scales/alpha_scale/bands/1/from", 60),
        "scales.alpha_scale.bands[1].from",
        "bands must cover 0 to 100 without gaps or overlaps: expected 50, got 60",
    ),
    (
        "bands stop short of 100",
        _set("scales/alpha_scale/bands/1/to", 90),
        "scales.alpha_scale.bands[1]",
        "the last band must end at 100, not 90",
    ),
    (
        "band ends before it starts",
        _set("scales/alpha_scale/bands/0/to", 0),
        "scales.alpha_scale.bands[0].to",
        "must be more than 'from' (0)",
    ),
    (
        "band beyond 100",
        _set("scales/alpha_scale/bands/1/to", 120),
        "scales.alpha_scale.bands[1].to",
        "must be at most 100",
    ),
    (
        "index of an unknown scale",
        _set("indices/both/combine/0", {"scale": "gamma"}),
        "indices.both.combine[0].scale",
        "no scale 'gamma'",
    ),
    (
        "weight not above 0",
        _set("indices/both/combine/1/weight", 0),
        "indices.both.combine[1].weight",
        "must be more than 0",
    ),
    (
        "component naming two things",
        _set("style/styles/first/combine/0", {"scale": "beta", "index": "both"}),
        "style.styles.first.combine[0]",
        "name exactly one of: scale, index",
    ),
    (
        "an index built from an index",
        _set("indices/both/combine/0", {"index": "both"}),
        "indices.both.combine[0].index",
        "unknown field; expected one of reverse, scale, weight",
    ),
    (
        "a single style",
        _delete("style/styles/second"),
        "style.styles",
        "needs at least two styles",
    ),
    (
        "switching names an unknown style",
        _set("style/switching/styles", ["first", "third"]),
        "style.switching.styles[1]",
        "no style 'third'",
    ),
    (
        "switching names one style twice",
        _set("style/switching/styles", ["first", "first"]),
        "style.switching.styles",
        "name two different styles",
    ),
    (
        "a rule written as a string",
        _set(FIRST_RULE, "alpha_scale < 50"),
        "plan[0].when[0].if",
        "expected a rule (a mapping such as {scale: KEY, below: 40}), got text",
    ),
    (
        "a rule on an unknown scale",
        _set(FIRST_RULE, {"scale": "gamma", "below": 40}),
        "plan[0].when[0].if.scale",
        "no scale 'gamma'; defined: alpha_scale, beta",
    ),
    (
        "a rule with two comparisons",
        _set(FIRST_RULE, {"scale": "beta", "below": 40, "above": 10}),
        "plan[0].when[0].if",
        "a rule has exactly one comparison",
    ),
    (
        "a rule with no comparison",
        _set(FIRST_RULE, {"scale": "beta"}),
        "plan[0].when[0].if",
        "a rule has exactly one comparison",
    ),
    (
        "a rule with an unknown operator",
        _set(FIRST_RULE, {"scale": "beta", "between": [1, 2]}),
        "plan[0].when[0].if.between",
        "unknown field",
    ),
    (
        "a rule naming two sources",
        _set(FIRST_RULE, {"scale": "beta", "index": "both", "below": 3}),
        "plan[0].when[0].if",
        "a rule names exactly one of scale, index, style or item",
    ),
    (
        "a threshold beyond 0-100",
        _set(FIRST_RULE, {"scale": "beta", "below": 140}),
        "plan[0].when[0].if.below",
        "must be at most 100",
    ),
    (
        "an item value the item does not allow",
        _set("flags/worry/when", {"item": "s1", "equals": 2}),
        "flags.worry.when.equals",
        "2 is not a value of 's1'; allowed: 0 (No), 1 (Yes)",
    ),
    (
        "a rule on an unknown item",
        _set("flags/worry/when", {"item": "s9", "equals": 1}),
        "flags.worry.when.item",
        "no item 's9'",
    ),
    (
        "an empty any",
        _set(FIRST_RULE, {"any": []}),
        "plan[0].when[0].if.any",
        "must not be empty",
    ),
    (
        "all beside another field",
        _set(FIRST_RULE, {"all": [{"always": True}], "scale": "beta"}),
        "plan[0].when[0].if.scale",
        "unknown field",
    ),
    (
        "primary of an unknown style",
        _set(FIRST_RULE, {"primary": "third"}),
        "plan[0].when[0].if.primary",
        "no style 'third'",
    ),
    (
        "an unknown pattern",
        _set(FIRST_RULE, {"pattern": "wobbly"}),
        "plan[0].when[0].if.pattern",
        "must be one of clear, mixed, switching",
    ),
    (
        "always: false",
        _set(FIRST_RULE, {"always": False}),
        "plan[0].when[0].if.always",
        "write 'always: true'",
    ),
    (
        "a plan of an unknown strategy",
        _set("plan/0/strategy", "meditation"),
        "plan[0].strategy",
        "no strategy 'meditation'",
    ),
    (
        "a strategy planned twice",
        _set("plan/1/strategy", "self_esteem"),
        "plan[1].strategy",
        "the strategy 'self_esteem' has two plan entries",
    ),
    ("a plan with no reasons", _set("plan/0/when", []), "plan[0].when", "must not be empty"),
    (
        "a flag removing an unknown strategy",
        _set("flags/worry/plan/remove", ["yoga"]),
        "flags.worry.plan.remove[0]",
        "no strategy 'yoga'",
    ),
    (
        "a flag removing and putting first one strategy",
        _set("flags/worry/plan/first", ["couples_counselling"]),
        "flags.worry.plan.first",
        "cannot be both removed and put first",
    ),
    (
        "reliability of an unknown scale",
        _set("reliability/gamma", {"alpha": 0.8}),
        "reliability.gamma",
        "no scale 'gamma'",
    ),
    (
        "alpha above 1",
        _set("reliability/alpha_scale/alpha", 1.2),
        "reliability.alpha_scale.alpha",
        "must be at most 1",
    ),
    ("an SD of 0", _set("norms/alpha_scale/sd", 0), "norms.alpha_scale.sd", "must be more than 0"),
    (
        "its own companion",
        _set("companions", ["tiny"]),
        "companions[0]",
        "an instrument cannot be its own companion",
    ),
    (
        "a comparison of a scale that is not a balance",
        _set("comparison", {"balances": ["beta"]}),
        "comparison.balances[0]",
        "the scale 'beta' is not a balance scale",
    ),
    (
        "leads_to without a reason",
        _set("leads_to", {"slug": "relating-styles"}),
        "leads_to.because",
        "this field is required",
    ),
    (
        "estimated minutes of 0",
        _set("estimated_minutes", 0),
        "estimated_minutes",
        "must be at least 1",
    ),
    (
        "an outcome on an unknown scale",
        _set("outcome", {"scale": "nope", "better": "higher"}),
        "outcome.scale",
        "no scale 'nope'",
    ),
    (
        "an outcome scale without reliability",
        _set("outcome", {"scale": "beta", "better": "higher"}),
        "outcome.scale",
        "needs reliability and norms",
    ),
    (
        "an outcome with no better direction",
        _set("outcome", {"scale": "alpha_scale", "better": "up"}),
        "outcome.better",
        "expected 'higher' or 'lower'",
    ),
    (
        "an outcome cut-off above 100",
        _set("outcome", {"scale": "alpha_scale", "better": "lower", "cutoff": 120}),
        "outcome.cutoff",
        "at most 100",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "path", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_names_the_file_the_field_and_what_is_wrong(
    mutation: Mutation, path: str, fragment: str, strategies: dict[str, Strategy]
) -> None:
    definition = tiny()
    mutation(definition)
    with pytest.raises(DefinitionError) as raised:
        parse_instrument(definition, file="tiny.yaml", strategies=strategies)
    assert raised.value.file == "tiny.yaml"
    assert raised.value.path == path
    assert fragment in raised.value.problem
    assert str(raised.value).startswith(f"tiny.yaml: {path}: ")


def test_the_message_reads_as_in_the_issue(strategies: dict[str, Strategy]) -> None:
    definition = tiny()
    definition["slug"] = "relating-styles"
    _set(ALPHA_ITEMS, ["a1", "a2", "sw9"])(definition)
    with pytest.raises(DefinitionError) as raised:
        parse_instrument(definition, file="relating-styles.yaml", strategies=strategies)
    assert str(raised.value) == "relating-styles.yaml: scales.alpha_scale.items[2]: no item 'sw9'"


def test_the_tiny_definition_itself_is_valid(strategies: dict[str, Strategy]) -> None:
    instrument = parse_instrument(tiny(), file="tiny.yaml", strategies=strategies)
    assert instrument.item_ids == ("a1", "a2", "a3", "b1", "b2", "b3", "s1")


def test_a_definition_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(DefinitionError, match=r"^tiny.yaml: expected a mapping of fields"):
        parse_instrument(["slug", "tiny"], file="tiny.yaml")


def test_without_strategies_any_strategy_key_is_accepted() -> None:
    definition = tiny()
    definition["plan"][0]["strategy"] = "practice_specific"
    assert parse_instrument(definition).plan[0].strategy == "practice_specific"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "tiny.yaml", "slug: tiny\ntitle: [unclosed\n")
    with pytest.raises(DefinitionError) as raised:
        load_instrument(path)
    assert raised.value.file == "tiny.yaml"
    assert raised.value.path.startswith("line ")
    assert "not valid YAML" in raised.value.problem


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "tiny.yaml", "slug: tiny\nversion: 1\nslug: other\n")
    with pytest.raises(DefinitionError, match=r"tiny.yaml: line 3: .*'slug' is written twice"):
        load_instrument(path)


def test_a_file_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"missing.yaml: cannot be read"):
        load_instrument(tmp_path / "missing.yaml")


def test_a_file_must_be_named_after_its_slug(tmp_path: Path) -> None:
    import yaml

    path = _write(tmp_path, "other.yaml", yaml.safe_dump(tiny()))
    with pytest.raises(DefinitionError) as raised:
        load_instrument(path)
    assert raised.value.path == "slug"
    assert "must be named tiny.yaml or tiny.v1.yaml" in raised.value.problem


def test_a_versioned_file_name_is_accepted(tmp_path: Path) -> None:
    import yaml

    definition = tiny()
    definition["version"] = 2
    path = _write(tmp_path, "tiny.v2.yaml", yaml.safe_dump(definition))
    assert load_instrument(path).version == 2


STRATEGY = {"key": "rest", "title": "Rest", "summary": "S.", "why": "W.", "exercises": ["E."]}


@pytest.mark.parametrize(
    ("source", "path", "fragment"),
    [
        ({}, "strategies", "this field is required"),
        ({"strategies": [STRATEGY, STRATEGY]}, "strategies[1].key", "'rest' is used twice"),
        (
            {"strategies": [{**STRATEGY, "exercises": []}]},
            "strategies[0].exercises",
            "must not be empty",
        ),
        (
            {"strategies": [{k: v for k, v in STRATEGY.items() if k != "why"}]},
            "strategies[0].why",
            "this field is required",
        ),
    ],
    ids=["no strategies", "key twice", "no exercises", "no why"],
)
def test_the_strategies_file_is_validated(source: Any, path: str, fragment: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        parse_strategies(source)
    assert raised.value.path == path
    assert fragment in raised.value.problem


def test_an_outcome_names_its_scale_direction_and_cutoff(
    strategies: dict[str, Strategy],
) -> None:
    definition = tiny()
    definition["outcome"] = {"scale": "alpha_scale", "better": "lower", "cutoff": 60}
    instrument = parse_instrument(definition, file="tiny.yaml", strategies=strategies)
    assert instrument.outcome is not None
    assert (instrument.outcome.scale, instrument.outcome.better) == ("alpha_scale", "lower")
    assert instrument.outcome.cutoff == 60
    assert parse_instrument(tiny(), file="tiny.yaml", strategies=strategies).outcome is None
