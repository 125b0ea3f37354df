"""Reading and validating definition files.

Every check names the file, the field path and what is wrong, e.g.
``relating-styles.yaml: scales.self_worth.items[2]: no item 'sw9'``. Validation stops at the
first problem. Nothing in a file is evaluated as code: rules are compiled from data into
:mod:`tandem.instruments.rules` objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from tandem.instruments.definition import (
    AUDIENCES,
    DEFAULT_NOTICE,
    Band,
    Comparison,
    Component,
    FlagDefinition,
    FlagPlanEffect,
    Index,
    Instrument,
    Item,
    NextStep,
    Norm,
    Outcome,
    PlanReason,
    PlanRule,
    Reliability,
    ResponseOption,
    ResponseScale,
    Scale,
    Section,
    Strategy,
    StyleClassification,
    StyleDefinition,
    Switching,
)
from tandem.instruments.errors import DefinitionError
from tandem.instruments.rules import (
    COMPARISONS,
    PATTERNS,
    AllOf,
    Always,
    AnyOf,
    Compare,
    PatternIs,
    PrimaryIs,
    Rule,
)

__all__ = [
    "load_instrument",
    "load_strategies",
    "parse_instrument",
    "parse_strategies",
    "read_definition_file",
]

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_SECTION_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_definition_file(path: str | Path) -> Any:
    """Read a YAML file safely; a syntax error or repeated key becomes a DefinitionError.

    Parameters:
        path: the file.

    Returns:
        the parsed data (normally a mapping).

    Raises:
        DefinitionError: the file cannot be read, is not valid YAML, or repeats a key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DefinitionError(path.name, "", f"cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise DefinitionError(path.name, "", "is not UTF-8 text") from error
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(path.name, where, f"not valid YAML: {problem}") from error


def _kind(value: Any) -> str:
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


class _Field:
    """A value in a definition with its path, for precise error messages."""

    def __init__(self, file: str, path: str, value: Any) -> None:
        self.file = file
        self.path = path
        self.value = value

    def fail(self, problem: str) -> DefinitionError:
        return DefinitionError(self.file, self.path, problem)

    def _child(self, name: str | int, value: Any) -> _Field:
        if isinstance(name, int):
            path = f"{self.path}[{name}]"
        else:
            path = f"{self.path}.{name}" if self.path else name
        return _Field(self.file, path, value)

    def mapping(
        self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, _Field]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping of fields, got {_kind(self.value)}")
        allowed = set(required) | set(optional)
        for name in self.value:
            if not isinstance(name, str) or name not in allowed:
                raise self._child(str(name), None).fail(
                    f"unknown field; expected one of {', '.join(sorted(allowed))}"
                )
        for name in required:
            if name not in self.value:
                raise self._child(name, None).fail("this field is required")
        return {name: self._child(name, value) for name, value in self.value.items()}

    def keyed_entries(self, *, allow_empty: bool = False) -> list[tuple[str, _Field]]:
        """A mapping whose keys the definition chooses (scale keys, style keys...)."""
        if self.value is None and allow_empty:
            return []
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping, got {_kind(self.value)}")
        if not self.value and not allow_empty:
            raise self.fail("must not be empty")
        entries = []
        for name, value in self.value.items():
            child = self._child(str(name), value)
            if not isinstance(name, str) or not _KEY.match(name):
                raise child.fail(
                    "a key must be lower-case letters, digits and underscores, "
                    "starting with a letter"
                )
            entries.append((name, child))
        return entries

    def sequence(self, *, allow_empty: bool = False) -> list[_Field]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {_kind(self.value)}")
        if not self.value and not allow_empty:
            raise self.fail("must not be empty")
        return [self._child(position, value) for position, value in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected text, got {_kind(self.value)}")
        if not self.value.strip():
            raise self.fail("must not be empty")
        return " ".join(self.value.split()) if "\n" in self.value else self.value.strip()

    def key(self, pattern: re.Pattern[str] = _KEY, what: str = "a key") -> str:
        value = self.text()
        if not pattern.match(value):
            raise self.fail(
                f"{value!r} is not {what}: use lower-case letters, digits "
                f"{'and hyphens' if pattern is _SLUG else 'and underscores'}, "
                "starting with a letter"
            )
        return value

    def integer(self, *, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {_kind(self.value)}")
        if minimum is not None and self.value < minimum:
            raise self.fail(f"must be at least {minimum}, got {self.value}")
        return self.value

    def number(
        self,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
    ) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"expected a number, got {_kind(self.value)}")
        value = float(self.value)
        if value != value:
            raise self.fail("must be a number, not NaN")
        if minimum is not None and value < minimum:
            raise self.fail(f"must be at least {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise self.fail(f"must be at most {maximum:g}, got {value:g}")
        if above is not None and value <= above:
            raise self.fail(f"must be more than {above:g}, got {value:g}")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {_kind(self.value)}")
        return self.value


def _optional_text(fields: dict[str, _Field], name: str, default: str = "") -> str:
    return fields[name].text() if name in fields else default


def _response_scales(field: _Field) -> dict[str, ResponseScale]:
    scales = {}
    for key, entry in field.keyed_entries():
        fields = entry.mapping(required=("options",), optional=("title",))
        options = []
        seen: set[int] = set()
        option_fields = fields["options"].sequence()
        if len(option_fields) < 2:
            raise fields["options"].fail("a response scale needs at least two options")
        for option_field in option_fields:
            option = option_field.mapping(required=("value", "label"))
            value = option["value"].integer()
            if value in seen:
                raise option["value"].fail(f"the value {value} is offered twice")
            seen.add(value)
            options.append(ResponseOption(value=value, label=option["label"].text()))
        title = _optional_text(fields, "title", key.replace("_", " ").capitalize())
        scales[key] = ResponseScale(key=key, title=title, options=tuple(options))
    return scales


def _items(
    field: _Field, response_scales: dict[str, ResponseScale], default_response: str | None
) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for entry in field.sequence():
        fields = entry.mapping(required=("id", "text"), optional=("response", "reverse"))
        item_id = fields["id"].key(what="an item id")
        if item_id in seen:
            raise fields["id"].fail(f"the item id {item_id!r} is used twice")
        seen.add(item_id)
        if "response" in fields:
            response_key = fields["response"].text()
            if response_key not in response_scales:
                raise fields["response"].fail(
                    f"no response scale {response_key!r}; defined: {', '.join(response_scales)}"
                )
        elif default_response is not None:
            response_key = default_response
        else:
            raise entry.fail("no response scale: give 'response' here or 'default_response'")
        reverse = fields["reverse"].boolean() if "reverse" in fields else False
        items.append(
            Item(
                id=item_id,
                text=fields["text"].text(),
                response=response_scales[response_key],
                reverse=reverse,
            )
        )
    return items


def _item_list(field: _Field, items: dict[str, Item]) -> list[Item]:
    chosen: list[Item] = []
    for entry in field.sequence():
        item_id = entry.text()
        if item_id not in items:
            raise entry.fail(f"no item {item_id!r}")
        if any(item.id == item_id for item in chosen):
            raise entry.fail(f"the item {item_id!r} is listed twice")
        chosen.append(items[item_id])
    return chosen


def _sections(field: _Field | None, items: list[Item], title: str) -> list[Section]:
    by_id = {item.id: item for item in items}
    if field is None:
        return [Section(id="main", title=title, intro="", items=tuple(items))]
    sections: list[Section] = []
    placed: dict[str, str] = {}
    for entry in field.sequence():
        fields = entry.mapping(required=("id", "title", "items"), optional=("intro",))
        section_id = fields["id"].key(_SECTION_ID, "a section id")
        if any(section.id == section_id for section in sections):
            raise fields["id"].fail(f"the section id {section_id!r} is used twice")
        section_items = _item_list(fields["items"], by_id)
        for position, item in enumerate(section_items):
            if item.id in placed:
                raise (
                    fields["items"]
                    ._child(position, item.id)
                    .fail(f"the item {item.id!r} is already in section {placed[item.id]!r}")
                )
            placed[item.id] = section_id
        sections.append(
            Section(
                id=section_id,
                title=fields["title"].text(),
                intro=_optional_text(fields, "intro"),
                items=tuple(section_items),
            )
        )
    for item in items:
        if item.id not in placed:
            raise field.fail(f"the item {item.id!r} is in no section")
    return sections


def _bands(field: _Field | None) -> tuple[Band, ...]:
    if field is None:
        return ()
    bands: list[Band] = []
    for entry in field.sequence():
        fields = entry.mapping(required=("key", "label", "meaning", "from", "to"))
        key = fields["key"].key()
        if any(band.key == key for band in bands):
            raise fields["key"].fail(f"the band key {key!r} is used twice")
        lower = fields["from"].number(minimum=0, maximum=100)
        upper = fields["to"].number(minimum=0, maximum=100)
        if upper <= lower:
            raise fields["to"].fail(f"must be more than 'from' ({lower:g}), got {upper:g}")
        expected = bands[-1].upper if bands else 0.0
        if lower != expected:
            raise fields["from"].fail(
                f"bands must cover 0 to 100 without gaps or overlaps: expected {expected:g}, "
                f"got {lower:g}"
            )
        bands.append(
            Band(
                key=key,
                label=fields["label"].text(),
                meaning=fields["meaning"].text(),
                lower=lower,
                upper=upper,
            )
        )
    if bands[-1].upper != 100:
        raise field._child(len(bands) - 1, None).fail(
            f"the last band must end at 100, not {bands[-1].upper:g}"
        )
    return tuple(bands)


def _scales(field: _Field | None, items: list[Item]) -> dict[str, Scale]:
    if field is None:
        return {}
    by_id = {item.id: item for item in items}
    scales = {}
    for key, entry in field.keyed_entries(allow_empty=True):
        fields = entry.mapping(
            required=("title", "items"),
            optional=("description", "method", "min_answered", "bands"),
        )
        scale_items = _item_list(fields["items"], by_id)
        first = scale_items[0].response
        for position, item in enumerate(scale_items[1:], start=1):
            if (item.response.minimum, item.response.maximum) != (first.minimum, first.maximum):
                raise (
                    fields["items"]
                    ._child(position, item.id)
                    .fail(
                        f"the item {item.id!r} is answered on {item.response.key!r} "
                        f"({item.response.minimum} to {item.response.maximum}) but "
                        f"{scale_items[0].id!r} on {first.key!r} ({first.minimum} to "
                        f"{first.maximum}); a scale's items must share one range"
                    )
                )
        method = fields["method"].text() if "method" in fields else "mean"
        if method not in ("mean", "sum"):
            raise fields["method"].fail(f"must be 'mean' or 'sum', got {method!r}")
        min_answered = (
            fields["min_answered"].number(above=0, maximum=1) if "min_answered" in fields else 0.75
        )
        scales[key] = Scale(
            key=key,
            title=fields["title"].text(),
            description=_optional_text(fields, "description"),
            items=tuple(scale_items),
            method="mean" if method == "mean" else "sum",
            min_answered=min_answered,
            bands=_bands(fields.get("bands")),
        )
    return scales


_SOURCES: tuple[Literal["scale", "index", "style"], ...] = ("scale", "index", "style")


def _components(
    field: _Field, known: dict[str, tuple[str, ...]], allowed: tuple[str, ...]
) -> tuple[Component, ...]:
    components = []
    for entry in field.sequence():
        present = [
            source for source in _SOURCES if isinstance(entry.value, dict) and source in entry.value
        ]
        fields = entry.mapping(optional=(*allowed, "weight", "reverse"))
        if len(present) != 1 or present[0] not in allowed:
            raise entry.fail(f"name exactly one of: {', '.join(allowed)}")
        source = present[0]
        key = fields[source].text()
        if key not in known[source]:
            raise fields[source].fail(f"no {source} {key!r}")
        weight = fields["weight"].number(above=0) if "weight" in fields else 1.0
        reverse = fields["reverse"].boolean() if "reverse" in fields else False
        components.append(Component(source=source, key=key, weight=weight, reverse=reverse))
    return tuple(components)


@dataclass(frozen=True)
class _RuleTargets:
    scales: tuple[str, ...]
    indices: tuple[str, ...]
    styles: tuple[str, ...]
    items: dict[str, Item]


def _rule(field: _Field, targets: _RuleTargets) -> Rule:
    value = field.value
    if not isinstance(value, dict) or not value:
        raise field.fail(
            f"expected a rule (a mapping such as {{scale: KEY, below: 40}}), got {_kind(value)}"
        )
    if "all" in value or "any" in value:
        combinator = "all" if "all" in value else "any"
        fields = field.mapping(required=(combinator,))
        rules = tuple(_rule(part, targets) for part in fields[combinator].sequence())
        return AllOf(rules) if combinator == "all" else AnyOf(rules)
    if "always" in value:
        fields = field.mapping(required=("always",))
        if fields["always"].boolean() is not True:
            raise fields["always"].fail(
                "write 'always: true' (a rule that never holds is not needed)"
            )
        return Always()
    if "primary" in value:
        fields = field.mapping(required=("primary",))
        style = fields["primary"].text()
        if style not in targets.styles:
            raise fields["primary"].fail(_unknown("style", style, targets.styles))
        return PrimaryIs(style=style, position=targets.styles.index(style))
    if "pattern" in value:
        fields = field.mapping(required=("pattern",))
        pattern = fields["pattern"].text()
        if pattern not in PATTERNS:
            raise fields["pattern"].fail(f"must be one of {', '.join(PATTERNS)}, got {pattern!r}")
        if not targets.styles:
            raise fields["pattern"].fail("this instrument has no style classification")
        return PatternIs(pattern=pattern)
    sources = [name for name in ("scale", "index", "style", "item") if name in value]
    operators = [name for name in COMPARISONS if name in value]
    fields = field.mapping(optional=("scale", "index", "style", "item", *COMPARISONS))
    if len(sources) != 1:
        raise field.fail(
            "a rule names exactly one of scale, index, style or item (or is all, any, "
            "always, primary or pattern)"
        )
    if len(operators) != 1:
        raise field.fail(f"a rule has exactly one comparison: {', '.join(COMPARISONS)}")
    source, operator = sources[0], operators[0]
    key = fields[source].text()
    if source == "item":
        if key not in targets.items:
            raise fields[source].fail(f"no item {key!r}")
        response = targets.items[key].response
        threshold = fields[operator].number()
        if operator == "equals" and threshold not in response.values:
            raise fields[operator].fail(
                f"{threshold:g} is not a value of {key!r}; allowed: {response.describe_values()}"
            )
        column = list(targets.items).index(key)
        return Compare(source="item", key=key, column=column, op=operator, threshold=threshold)
    known = {"scale": targets.scales, "index": targets.indices, "style": targets.styles}[source]
    if key not in known:
        raise fields[source].fail(_unknown(source, key, known))
    threshold = fields[operator].number(minimum=0, maximum=100)
    return Compare(
        source=source,  # type: ignore[arg-type]
        key=key,
        column=known.index(key),
        op=operator,
        threshold=threshold,
    )


def _unknown(kind: str, key: str, known: tuple[str, ...]) -> str:
    if not known:
        return f"no {kind} {key!r}: this instrument defines none"
    return f"no {kind} {key!r}; defined: {', '.join(known)}"


def _indices(field: _Field | None, scales: dict[str, Scale]) -> dict[str, Index]:
    if field is None:
        return {}
    indices = {}
    known = {"scale": tuple(scales)}
    for key, entry in field.keyed_entries(allow_empty=True):
        fields = entry.mapping(required=("title", "combine"), optional=("description", "bands"))
        indices[key] = Index(
            key=key,
            title=fields["title"].text(),
            description=_optional_text(fields, "description"),
            components=_components(fields["combine"], known, ("scale",)),
            bands=_bands(fields.get("bands")),
        )
    return indices


def _style(
    field: _Field | None, scales: dict[str, Scale], indices: dict[str, Index]
) -> StyleClassification | None:
    if field is None:
        return None
    fields = field.mapping(
        required=("styles",), optional=("mixed_within", "mixed_meaning", "switching")
    )
    known = {"scale": tuple(scales), "index": tuple(indices)}
    styles = []
    for key, entry in fields["styles"].keyed_entries():
        style_fields = entry.mapping(required=("title", "combine"), optional=("description",))
        styles.append(
            StyleDefinition(
                key=key,
                title=style_fields["title"].text(),
                description=_optional_text(style_fields, "description"),
                components=_components(style_fields["combine"], known, ("scale", "index")),
            )
        )
    if len(styles) < 2:
        raise fields["styles"].fail("a style classification needs at least two styles")
    keys = tuple(style.key for style in styles)
    switching = None
    if "switching" in fields:
        switching_fields = fields["switching"].mapping(
            required=("styles", "at_least"), optional=("meaning",)
        )
        pair = switching_fields["styles"].sequence()
        if len(pair) != 2:
            raise switching_fields["styles"].fail("name exactly two styles")
        names = []
        for entry in pair:
            name = entry.text()
            if name not in keys:
                raise entry.fail(_unknown("style", name, keys))
            names.append(name)
        if names[0] == names[1]:
            raise switching_fields["styles"].fail("name two different styles")
        switching = Switching(
            styles=(names[0], names[1]),
            at_least=switching_fields["at_least"].number(minimum=0, maximum=100),
            meaning=_optional_text(switching_fields, "meaning"),
        )
    return StyleClassification(
        styles=tuple(styles),
        mixed_within=(
            fields["mixed_within"].number(minimum=0, maximum=100)
            if "mixed_within" in fields
            else 10.0
        ),
        mixed_meaning=_optional_text(fields, "mixed_meaning"),
        switching=switching,
    )


def _strategy_key(field: _Field, strategies: Mapping[str, Strategy] | None) -> str:
    key = field.key()
    if strategies is not None and key not in strategies:
        raise field.fail(_unknown("strategy", key, tuple(strategies)))
    return key


def _plan(
    field: _Field | None,
    targets: _RuleTargets,
    known: dict[str, tuple[str, ...]],
    strategies: Mapping[str, Strategy] | None,
) -> tuple[PlanRule, ...]:
    if field is None:
        return ()
    rules: list[PlanRule] = []
    for entry in field.sequence(allow_empty=True):
        fields = entry.mapping(required=("strategy", "priority", "when"))
        strategy = _strategy_key(fields["strategy"], strategies)
        if any(rule.strategy == strategy for rule in rules):
            raise fields["strategy"].fail(f"the strategy {strategy!r} has two plan entries")
        reasons = []
        for reason_field in fields["when"].sequence():
            reason = reason_field.mapping(required=("if", "because"))
            reasons.append(
                PlanReason(rule=_rule(reason["if"], targets), because=reason["because"].text())
            )
        rules.append(
            PlanRule(
                strategy=strategy,
                priority=_components(fields["priority"], known, _SOURCES),
                reasons=tuple(reasons),
            )
        )
    return tuple(rules)


def _flags(
    field: _Field | None, targets: _RuleTargets, strategies: Mapping[str, Strategy] | None
) -> dict[str, FlagDefinition]:
    if field is None:
        return {}
    flags = {}
    for key, entry in field.keyed_entries(allow_empty=True):
        fields = entry.mapping(required=("title", "message", "when"), optional=("plan",))
        effect = None
        if "plan" in fields:
            effect_fields = fields["plan"].mapping(
                required=("because",), optional=("remove", "first")
            )
            remove = (
                tuple(
                    _strategy_key(part, strategies)
                    for part in effect_fields["remove"].sequence(allow_empty=True)
                )
                if "remove" in effect_fields
                else ()
            )
            first = (
                tuple(
                    _strategy_key(part, strategies)
                    for part in effect_fields["first"].sequence(allow_empty=True)
                )
                if "first" in effect_fields
                else ()
            )
            for name in first:
                if name in remove:
                    raise effect_fields["first"].fail(
                        f"the strategy {name!r} cannot be both removed and put first"
                    )
            effect = FlagPlanEffect(
                remove=remove, first=first, because=effect_fields["because"].text()
            )
        flags[key] = FlagDefinition(
            key=key,
            title=fields["title"].text(),
            message=fields["message"].text(),
            rule=_rule(fields["when"], targets),
            plan=effect,
        )
    return flags


def _reliability(field: _Field | None, scales: dict[str, Scale]) -> dict[str, Reliability]:
    if field is None:
        return {}
    figures = {}
    for key, entry in field.keyed_entries(allow_empty=True):
        if key not in scales:
            raise entry.fail(_unknown("scale", key, tuple(scales)))
        fields = entry.mapping(required=("alpha",), optional=("omega", "provisional", "source"))
        figures[key] = Reliability(
            alpha=fields["alpha"].number(minimum=0, maximum=1),
            omega=fields["omega"].number(minimum=0, maximum=1) if "omega" in fields else None,
            provisional=fields["provisional"].boolean() if "provisional" in fields else False,
            source=_optional_text(fields, "source"),
        )
    return figures


def _norms(field: _Field | None, scales: dict[str, Scale]) -> dict[str, Norm]:
    if field is None:
        return {}
    norms = {}
    for key, entry in field.keyed_entries(allow_empty=True):
        if key not in scales:
            raise entry.fail(_unknown("scale", key, tuple(scales)))
        fields = entry.mapping(required=("mean", "sd"), optional=("n", "provisional", "source"))
        norms[key] = Norm(
            mean=fields["mean"].number(minimum=0, maximum=100),
            sd=fields["sd"].number(above=0, maximum=100),
            n=fields["n"].integer(minimum=1) if "n" in fields else None,
            provisional=fields["provisional"].boolean() if "provisional" in fields else False,
            source=_optional_text(fields, "source"),
        )
    return norms


def _outcome(
    field: _Field | None,
    scales: dict[str, Scale],
    reliability: dict[str, Reliability],
    norms: dict[str, Norm],
) -> Outcome | None:
    if field is None:
        return None
    fields = field.mapping(required=("scale", "better"), optional=("cutoff", "source"))
    key = fields["scale"].text()
    if key not in scales:
        raise fields["scale"].fail(_unknown("scale", key, tuple(scales)))
    if key not in reliability or key not in norms:
        raise fields["scale"].fail(
            f"the outcome scale {key!r} needs reliability and norms, so change can be judged"
        )
    better = fields["better"].text()
    if better not in ("higher", "lower"):
        raise fields["better"].fail(f"expected 'higher' or 'lower', got {better!r}")
    return Outcome(
        scale=key,
        better="higher" if better == "higher" else "lower",
        cutoff=fields["cutoff"].number(minimum=0, maximum=100) if "cutoff" in fields else None,
        source=_optional_text(fields, "source"),
    )


def _comparison(field: _Field | None, scales: dict[str, Scale]) -> Comparison | None:
    if field is None:
        return None
    fields = field.mapping(required=("balances",), optional=("agree_within", "balanced_within"))
    balances = []
    for entry in fields["balances"].sequence():
        key = entry.text()
        if key not in scales:
            raise entry.fail(_unknown("scale", key, tuple(scales)))
        if scales[key].minimum != -scales[key].maximum:
            raise entry.fail(
                f"the scale {key!r} is not a balance scale: its answers run from "
                f"{scales[key].minimum} to {scales[key].maximum}, not -N to +N"
            )
        balances.append(key)
    return Comparison(
        balances=tuple(balances),
        agree_within=(
            fields["agree_within"].number(minimum=0) if "agree_within" in fields else 1.0
        ),
        balanced_within=(
            fields["balanced_within"].number(minimum=0) if "balanced_within" in fields else 0.5
        ),
    )


_TOP_REQUIRED = ("slug", "version", "title", "description", "audience", "response_scales", "items")
_TOP_OPTIONAL = (
    "estimated_minutes",
    "default_response",
    "sections",
    "scales",
    "indices",
    "style",
    "plan",
    "flags",
    "reliability",
    "norms",
    "companions",
    "comparison",
    "leads_to",
    "notice",
    "outcome",
)


def parse_instrument(
    source: Any,
    *,
    file: str = "<definition>",
    strategies: Mapping[str, Strategy] | None = None,
) -> Instrument:
    """Validate a definition (already read from YAML) and build its :class:`Instrument`.

    Parameters:
        source: the parsed definition, normally a mapping.
        file: the file name used in error messages.
        strategies: the known strategies; when given, plan rules and flags may name only
            these. ``None`` skips that check (the library always passes them).

    Returns:
        the instrument.

    Raises:
        DefinitionError: naming the file, the field path and what is wrong.

    Example::

        >>> parse_instrument({"slug": "tiny", ...}, file="tiny.yaml")
        <Instrument tiny v1>
    """
    root = _Field(file, "", source)
    fields = root.mapping(required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    slug = fields["slug"].key(_SLUG, "a slug")
    version = fields["version"].integer(minimum=1)
    audience = fields["audience"].text()
    if audience not in AUDIENCES:
        raise fields["audience"].fail(f"must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    response_scales = _response_scales(fields["response_scales"])
    default_response = None
    if "default_response" in fields:
        default_response = fields["default_response"].text()
        if default_response not in response_scales:
            raise fields["default_response"].fail(
                f"no response scale {default_response!r}; defined: {', '.join(response_scales)}"
            )
    items = _items(fields["items"], response_scales, default_response)
    title = fields["title"].text()
    sections = _sections(fields.get("sections"), items, title)
    scales = _scales(fields.get("scales"), items)
    indices = _indices(fields.get("indices"), scales)
    style = _style(fields.get("style"), scales, indices)
    targets = _RuleTargets(
        scales=tuple(scales),
        indices=tuple(indices),
        styles=style.keys if style else (),
        items={item.id: item for item in items},
    )
    known = {"scale": targets.scales, "index": targets.indices, "style": targets.styles}
    companions: list[str] = []
    if "companions" in fields:
        for entry in fields["companions"].sequence(allow_empty=True):
            companion = entry.key(_SLUG, "a slug")
            if companion == slug:
                raise entry.fail("an instrument cannot be its own companion")
            companions.append(companion)
    reliability = _reliability(fields.get("reliability"), scales)
    norms = _norms(fields.get("norms"), scales)
    leads_to = None
    if "leads_to" in fields:
        next_fields = fields["leads_to"].mapping(required=("slug", "because"))
        leads_to = NextStep(
            slug=next_fields["slug"].key(_SLUG, "a slug"),
            because=next_fields["because"].text(),
        )
    estimated_minutes = (
        fields["estimated_minutes"].integer(minimum=1)
        if "estimated_minutes" in fields
        else max(1, round(len(items) / 5))
    )
    return Instrument(
        slug=slug,
        version=version,
        title=title,
        description=fields["description"].text(),
        audience=audience,
        estimated_minutes=estimated_minutes,
        response_scales=response_scales,
        items=tuple(items),
        sections=tuple(sections),
        scales=scales,
        indices=indices,
        style=style,
        plan=_plan(fields.get("plan"), targets, known, strategies),
        flags=_flags(fields.get("flags"), targets, strategies),
        reliability=reliability,
        norms=norms,
        companions=tuple(companions),
        comparison=_comparison(fields.get("comparison"), scales),
        leads_to=leads_to,
        notice=_optional_text(fields, "notice", DEFAULT_NOTICE),
        strategies=dict(strategies or {}),
        source=source,
        file=file,
        outcome=_outcome(fields.get("outcome"), scales, reliability, norms),
    )


def load_instrument(
    path: str | Path, *, strategies: Mapping[str, Strategy] | None = None
) -> Instrument:
    """Read and validate one definition file.

    The file's name must be ``SLUG.yaml`` or ``SLUG.vVERSION.yaml``, so that a reader of the
    folder can tell which file holds which instrument.

    Parameters:
        path: the YAML file.
        strategies: the known strategies (see :func:`parse_instrument`).

    Returns:
        the instrument.

    Raises:
        DefinitionError: naming the file, the field path and what is wrong.

    Example::

        >>> load_instrument("tandem/instruments/library/safety.yaml").slug
        'safety'
    """
    path = Path(path)
    instrument = parse_instrument(read_definition_file(path), file=path.name, strategies=strategies)
    stem = path.name.removesuffix(".yaml").removesuffix(".yml")
    if stem not in (instrument.slug, f"{instrument.slug}.v{instrument.version}"):
        raise DefinitionError(
            path.name,
            "slug",
            f"the file of {instrument.slug!r} version {instrument.version} must be named "
            f"{instrument.slug}.yaml or {instrument.slug}.v{instrument.version}.yaml",
        )
    return instrument


def parse_strategies(source: Any, *, file: str = "strategies.yaml") -> dict[str, Strategy]:
    """Validate the strategies file's data and return the strategies by key, in file order.

    Raises:
        DefinitionError: naming the file, the field path and what is wrong.
    """
    root = _Field(file, "", source)
    fields = root.mapping(required=("strategies",))
    strategies: dict[str, Strategy] = {}
    for entry in fields["strategies"].sequence():
        strategy_fields = entry.mapping(
            required=("key", "title", "summary", "why", "exercises"), optional=("topics",)
        )
        key = strategy_fields["key"].key()
        if key in strategies:
            raise strategy_fields["key"].fail(f"the strategy key {key!r} is used twice")
        strategies[key] = Strategy(
            key=key,
            title=strategy_fields["title"].text(),
            summary=strategy_fields["summary"].text(),
            why=strategy_fields["why"].text(),
            exercises=tuple(part.text() for part in strategy_fields["exercises"].sequence()),
            topics=tuple(
                part.key(_SLUG, "a topic slug")
                for part in strategy_fields["topics"].sequence(allow_empty=True)
            )
            if "topics" in strategy_fields
            else (),
        )
    return strategies


def load_strategies(path: str | Path) -> dict[str, Strategy]:
    """Read and validate a strategies file (see :func:`parse_strategies`)."""
    path = Path(path)
    return parse_strategies(read_definition_file(path), file=path.name)
