"""The definition format's JSON Schema: published, up to date, and true of the library."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
import yaml

from tandem.instruments.catalogue import DEFAULT_FOLDER, STRATEGIES_FILE
from tandem.instruments.format import SCHEMA_FILE, json_schema, schema_text
from tandem.instruments.tests.definitions import tiny

SHIPPED = sorted(path for path in DEFAULT_FOLDER.glob("*.yaml") if path.name != STRATEGIES_FILE)


def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_schema_is_generated_from_the_format() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the definition format changed: run `python -m tandem.instruments schema --write`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_every_shipped_definition_matches_the_schema(path: Any) -> None:
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [error.message for error in validator().iter_errors(definition)]
    assert errors == []


def test_every_shipped_definition_points_editors_at_the_schema() -> None:
    for path in SHIPPED:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=../definition.schema.json"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(itmes=d["items"]), "Additional properties"),
        (lambda d: d.update(audience="everyone"), "is not one of"),
        (lambda d: d["items"][0].update(id="A 1"), "does not match"),
        (lambda d: d["scales"]["alpha_scale"]["bands"][1].update(to=120), "is not valid"),
        (lambda d: d.update(version="1"), "is not of type 'integer'"),
    ],
    ids=["misspelt field", "unknown audience", "bad item id", "band beyond 100", "text version"],
)
def test_the_schema_refuses_what_the_loader_refuses(change: Any, words: str) -> None:
    definition = copy.deepcopy(tiny())
    change(definition)
    messages = " ".join(error.message for error in validator().iter_errors(definition))
    assert words in messages
