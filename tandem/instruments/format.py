"""The definition file format, declared once as pydantic models.

These models say what each field of a definition (and of ``strategies.yaml``) is: its type,
whether it is required, its limits and its words for authors. Validating a file against them
checks its shape; :mod:`tandem.instruments.validation` then checks what spans fields (an item
a scale names exists, bands cover 0-100, ...) and builds the engine's frozen dataclasses.

The JSON Schema of the format, generated from these models, is committed beside them as
``definition.schema.json`` (see :func:`json_schema`), so editors complete and check fields
while authors type.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tandem.instruments.definition import AUDIENCES
from tandem.instruments.rules import COMPARISONS, PATTERNS

__all__ = [
    "SCHEMA_FILE",
    "Definition",
    "StrategiesFile",
    "describe",
    "json_schema",
    "schema_text",
]

#: The committed JSON Schema of the definition format.
SCHEMA_FILE = Path(__file__).resolve().parent / "definition.schema.json"

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_SECTION_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def _problem(message: str, *at: str | int) -> PydanticCustomError:
    """An error shown as it is, at the model's field path plus ``at``."""
    return PydanticCustomError("definition", message, {"at": list(at)})


def _text(value: str) -> str:
    if not value.strip():
        raise _problem("must not be empty")
    return " ".join(value.split()) if "\n" in value else value.strip()


def _pattern(pattern: re.Pattern[str], what: str, joiner: str) -> Any:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise _problem(
                f"{value!r} is not {what}: use lower-case letters, digits {joiner}, "
                "starting with a letter"
            )
        return value

    # The pattern is in the JSON Schema for editors; the check gives the message.
    return (AfterValidator(check), Field(json_schema_extra={"pattern": pattern.pattern}))


def _none_as_empty(value: Any) -> Any:
    """``scales:`` with nothing after it means no scales."""
    return {} if value is None else value


#: Text shown to people: not empty; a folded YAML block becomes one line.
Text = Annotated[StrictStr, AfterValidator(_text)]
#: A key: lower-case letters, digits and underscores, starting with a letter.
Key = Annotated[Text, *_pattern(_KEY, "a key", "and underscores")]
ItemId = Annotated[Text, *_pattern(_KEY, "an item id", "and underscores")]
Slug = Annotated[Text, *_pattern(_SLUG, "a slug", "and hyphens")]
TopicSlug = Annotated[Text, *_pattern(_SLUG, "a topic slug", "and hyphens")]
SectionId = Annotated[Text, *_pattern(_SECTION_ID, "a section id", "and underscores")]
#: A number, whole or not (never true/false, text or NaN).
Number = StrictFloat
Percent = Annotated[StrictFloat, Field(ge=0, le=100)]
Share = Annotated[StrictFloat, Field(ge=0, le=1)]


def _keyed(value: Any) -> Any:
    """Keys chosen by the author (scale keys, style keys...) must be keys."""
    if isinstance(value, dict):
        for name in value:
            if not isinstance(name, str) or not _KEY.match(name):
                raise _problem(
                    "a key must be lower-case letters, digits and underscores, "
                    "starting with a letter",
                    str(name),
                )
    return value


class _Model(BaseModel):
    """Strict: no field is guessed, coerced or ignored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_fields(cls, value: Any) -> Any:
        # Before anything else, so a misspelt field is named as such, not as a missing one.
        if isinstance(value, dict):
            allowed = sorted(field.alias or name for name, field in cls.model_fields.items())
            for name in value:
                if name not in allowed:
                    raise _problem(
                        f"unknown field; expected one of {', '.join(allowed)}", str(name)
                    )
        return value


class ResponseOption(_Model):
    """One answer a person can choose."""

    value: StrictInt = Field(description="the value scored, a whole number")
    label: Text = Field(description="the words shown, e.g. 'Strongly agree'")


class ResponseScale(_Model):
    """A named set of answers shared by items, e.g. agreement from 1 to 5."""

    title: Text | None = Field(None, description="shown above the options")
    options: list[ResponseOption] = Field(
        min_length=2, description="at least two, none offered twice"
    )

    @model_validator(mode="after")
    def _values_once(self) -> ResponseScale:
        seen: set[int] = set()
        for position, option in enumerate(self.options):
            if option.value in seen:
                raise _problem(
                    f"the value {option.value} is offered twice", "options", position, "value"
                )
            seen.add(option.value)
        return self


class Item(_Model):
    """One question or statement."""

    id: ItemId = Field(description="a lower-case key, unique across the library, e.g. sw1")
    text: Text = Field(description="the statement or question")
    response: Text | None = Field(None, description="its response scale (else the default)")
    reverse: StrictBool = Field(False, description="reverse-keyed: counts as lo + hi - answer")


class Section(_Model):
    """Items shown together."""

    id: SectionId
    title: Text
    intro: Text | None = Field(None, description="words before the items")
    items: list[Text] = Field(min_length=1, description="item ids, in order")


class Band(_Model):
    """A range of scores: from <= score < to (the last band also holds 100)."""

    key: Key
    label: Text
    meaning: Text
    lower: Percent = Field(alias="from")
    upper: Percent = Field(alias="to")


class Scale(_Model):
    """Items scored together, 0-100."""

    title: Text
    description: Text | None = None
    items: list[Text] = Field(min_length=1, description="item ids")
    method: Text = Field(
        "mean",
        description="mean or sum: the raw score reported beside",
        json_schema_extra={"enum": ["mean", "sum"]},
    )
    min_answered: Number = Field(
        0.75, gt=0, le=1, description="share of items that must be answered to score"
    )
    bands: list[Band] | None = Field(None, description="must cover 0-100 without gaps")

    @model_validator(mode="after")
    def _known_method(self) -> Scale:
        if self.method not in ("mean", "sum"):
            raise _problem(f"must be 'mean' or 'sum', got {self.method!r}", "method")
        return self


class _Component(_Model):
    """One weighted part of a combination; ``reverse`` counts it as 100 - value."""

    weight: Number = Field(1.0, gt=0)
    reverse: StrictBool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> _Component:
        named = [name for name in ("scale", "index", "style") if getattr(self, name, None)]
        if len(named) != 1:
            fields = type(self).model_fields
            allowed = [name for name in ("scale", "index", "style") if name in fields]
            raise _problem(f"name exactly one of: {', '.join(allowed)}")
        return self

    @property
    def source(self) -> str:
        return next(name for name in ("scale", "index", "style") if getattr(self, name, None))

    @property
    def key(self) -> str:
        return str(getattr(self, self.source))


class ScaleComponent(_Component):
    """A part of an index: a scale."""

    scale: Text | None = None


class StyleComponent(_Component):
    """A part of a style's strength: a scale or an index."""

    scale: Text | None = None
    index: Text | None = None


class PriorityComponent(_Component):
    """A part of a plan priority: a scale, an index or a style's strength."""

    scale: Text | None = None
    index: Text | None = None
    style: Text | None = None


class Index(_Model):
    """A weighted combination of scales, 0-100."""

    title: Text
    description: Text | None = None
    combine: list[ScaleComponent] = Field(min_length=1)
    bands: list[Band] | None = None


class Switching(_Model):
    """Two styles that, both at or above ``at_least``, make the pattern "switching"."""

    styles: list[Text]
    at_least: Percent
    meaning: Text | None = None

    @model_validator(mode="after")
    def _two_styles(self) -> Switching:
        if len(self.styles) != 2:
            raise _problem("name exactly two styles", "styles")
        if self.styles[0] == self.styles[1]:
            raise _problem("name two different styles", "styles")
        return self


class StyleEntry(_Model):
    """One style and how its strength is computed."""

    title: Text
    description: Text | None = None
    combine: list[StyleComponent] = Field(min_length=1)


class Style(_Model):
    """The style classification."""

    styles: Annotated[dict[str, StyleEntry], BeforeValidator(_keyed)] = Field(min_length=1)
    mixed_within: Percent = Field(10.0, description="top two within this many points: mixed")
    mixed_meaning: Text | None = None
    switching: Switching | None = None

    @model_validator(mode="after")
    def _two_styles(self) -> Style:
        if len(self.styles) < 2:
            raise _problem("a style classification needs at least two styles", "styles")
        return self


_RULE_SOURCES = ("scale", "index", "style", "item")


class Rule(_Model):
    """A rule: a comparison ({scale: KEY, below: 40}), primary, pattern, always, all or any.

    Written as data, never as a string to evaluate.
    """

    scale: Text | None = None
    index: Text | None = None
    style: Text | None = None
    item: Text | None = None
    below: Number | None = None
    at_most: Number | None = None
    above: Number | None = None
    at_least: Number | None = None
    equals: Number | None = None
    primary: Text | None = Field(None, description="the primary style is this one")
    pattern: Text | None = Field(
        None, description="clear, mixed or switching", json_schema_extra={"enum": list(PATTERNS)}
    )
    always: StrictBool | None = Field(None, description="write always: true")
    all: list[Rule] | None = Field(None, min_length=1, description="every rule holds")
    any: list[Rule] | None = Field(None, min_length=1, description="at least one holds")

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict) or not value:
            raise _problem(
                "expected a rule (a mapping such as {scale: KEY, below: 40}), "
                f"got {describe(value)}"
            )
        return value

    @model_validator(mode="after")
    def _one_shape(self) -> Rule:
        present = [name for name in type(self).model_fields if getattr(self, name) is not None]
        for alone in ("all", "any", "always", "primary", "pattern"):
            if alone in present:
                others = [name for name in present if name != alone]
                if others:
                    raise _problem(f"unknown field; expected only {alone}", others[0])
                return self._check_alone(alone)
        sources = [name for name in _RULE_SOURCES if name in present]
        operators = [name for name in COMPARISONS if name in present]
        if len(sources) != 1:
            raise _problem(
                "a rule names exactly one of scale, index, style or item (or is all, any, "
                "always, primary or pattern)"
            )
        if len(operators) != 1:
            raise _problem(f"a rule has exactly one comparison: {', '.join(COMPARISONS)}")
        threshold = getattr(self, operators[0])
        if sources[0] != "item" and not 0 <= threshold <= 100:
            bound = "at least 0" if threshold < 0 else "at most 100"
            raise _problem(f"must be {bound}, got {threshold:g}", operators[0])
        return self

    def _check_alone(self, name: str) -> Rule:
        if name == "always" and self.always is not True:
            raise _problem("write 'always: true' (a rule that never holds is not needed)", "always")
        if name == "pattern" and self.pattern not in PATTERNS:
            raise _problem(f"must be one of {', '.join(PATTERNS)}, got {self.pattern!r}", "pattern")
        return self

    @property
    def source(self) -> str:
        return next(name for name in _RULE_SOURCES if getattr(self, name) is not None)

    @property
    def operator(self) -> str:
        return next(name for name in COMPARISONS if getattr(self, name) is not None)


class PlanReason(_Model):
    """A rule that brings the strategy in, and why in plain words."""

    rule: Rule = Field(alias="if")
    because: Text


class PlanEntry(_Model):
    """When a strategy enters the plan and how much it matters."""

    strategy: Key = Field(description="a key from strategies.yaml, once per plan")
    priority: list[PriorityComponent] = Field(min_length=1)
    when: list[PlanReason] = Field(min_length=1)


class FlagPlan(_Model):
    """What a raised flag does to the plan."""

    remove: list[Key] = Field(default_factory=list)
    first: list[Key] = Field(default_factory=list)
    because: Text


class Flag(_Model):
    """A flag raised when its rule holds."""

    title: Text
    message: Text
    when: Rule
    plan: FlagPlan | None = None


class ReliabilityFigures(_Model):
    """A scale's reliability and where the figures come from."""

    alpha: Share
    omega: Share | None = None
    provisional: StrictBool = False
    source: Text | None = None


class NormFigures(_Model):
    """A scale's mean and SD (0-100 scores) in a reference group."""

    mean: Percent
    sd: Number = Field(gt=0, le=100)
    n: StrictInt | None = Field(None, ge=1)
    provisional: StrictBool = False
    source: Text | None = None


class ComparisonSettings(_Model):
    """How two partners' balance scales are compared."""

    balances: list[Text] = Field(min_length=1, description="-N..+N scales only")
    agree_within: Number = Field(1.0, ge=0)
    balanced_within: Number = Field(0.5, ge=0)


class OutcomeSettings(_Model):
    """The scale a practice follows over time, which way is better, and its cut-off."""

    scale: Key
    better: Text = Field(
        description="higher or lower", json_schema_extra={"enum": ["higher", "lower"]}
    )
    cutoff: Percent | None = None
    source: Text | None = None


class NextStep(_Model):
    """An instrument to take next, and why."""

    slug: Slug
    because: Text


ScaleMap = Annotated[dict[str, Scale], BeforeValidator(_keyed), BeforeValidator(_none_as_empty)]
IndexMap = Annotated[dict[str, Index], BeforeValidator(_keyed), BeforeValidator(_none_as_empty)]
FlagMap = Annotated[dict[str, Flag], BeforeValidator(_keyed), BeforeValidator(_none_as_empty)]
ReliabilityMap = Annotated[
    dict[str, ReliabilityFigures], BeforeValidator(_keyed), BeforeValidator(_none_as_empty)
]
NormMap = Annotated[
    dict[str, NormFigures], BeforeValidator(_keyed), BeforeValidator(_none_as_empty)
]


class Definition(_Model):
    """An instrument definition file (``SLUG.yaml`` or ``SLUG.vVERSION.yaml``)."""

    model_config = ConfigDict(title="Tandem instrument definition")

    slug: Slug = Field(description="lower-case letters, digits and hyphens, e.g. relating-styles")
    version: StrictInt = Field(ge=1, description="a whole number from 1")
    title: Text
    description: Text
    audience: Text = Field(
        description="individual, couple or clinician", json_schema_extra={"enum": list(AUDIENCES)}
    )
    estimated_minutes: StrictInt | None = Field(None, ge=1, description="default: items / 5")
    response_scales: Annotated[dict[str, ResponseScale], BeforeValidator(_keyed)] = Field(
        min_length=1
    )
    default_response: Text | None = Field(None, description="the scale of items that name none")
    items: list[Item] = Field(min_length=1)
    sections: list[Section] | None = Field(None, description="default: one section of all")
    scales: ScaleMap = Field(default_factory=dict)
    indices: IndexMap = Field(default_factory=dict)
    style: Style | None = None
    plan: list[PlanEntry] = Field(default_factory=list)
    flags: FlagMap = Field(default_factory=dict)
    reliability: ReliabilityMap = Field(default_factory=dict)
    norms: NormMap = Field(default_factory=dict)
    companions: list[Slug] = Field(default_factory=list, description="e.g. [safety]")
    comparison: ComparisonSettings | None = None
    leads_to: NextStep | None = None
    notice: Text | None = Field(None, description="replaces the default notice")
    outcome: OutcomeSettings | None = None

    @model_validator(mode="after")
    def _known_audience(self) -> Definition:
        if self.audience not in AUDIENCES:
            raise _problem(
                f"must be one of {', '.join(AUDIENCES)}, got {self.audience!r}", "audience"
            )
        return self


class Strategy(_Model):
    """One strategy of the personal plan."""

    key: Key
    title: Text
    summary: Text
    why: Text
    exercises: list[Text] = Field(min_length=1)
    topics: list[TopicSlug] = Field(default_factory=list, description="article topic slugs")


class StrategiesFile(_Model):
    """``strategies.yaml``: the strategies plans are made of."""

    model_config = ConfigDict(title="Tandem strategies")

    strategies: list[Strategy] = Field(min_length=1)


def describe(value: Any) -> str:
    """Say what kind of value a file holds, for messages: ``text ('1')``, ``a list``, ..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as true/false: put text in quotes)"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a definition file, generated from :class:`Definition`.

    ``python -m tandem.instruments schema`` prints it (``--write`` refreshes the committed
    ``definition.schema.json``, which a test keeps equal to it).
    """
    schema = Definition.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    """The JSON Schema as the committed file holds it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
