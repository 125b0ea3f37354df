"""Reading and validating definition files.

The format itself (every field, its type, limits and default) is declared once, in
:mod:`tandem.instruments.format`. This module reads a file, validates it against that
declaration, turns pydantic's errors into messages an author can act on, and then checks what
spans fields by hand: that an item a scale names exists, that bands cover 0-100, that a rule
names a scale the instrument has, and so on. Every message names the file, the field path and
what is wrong, e.g. ``relating-styles.yaml: scales.self_worth.items[2]: no item 'sw9'``.
Validation stops at the first problem. Nothing in a file is evaluated as code: rules are
compiled from data into :mod:`tandem.instruments.rules` objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tandem.instruments import format as fmt
from tandem.instruments.definition import (
    DEFAULT_NOTICE,
    Band,
    Comparison,
    Component,
    FlagDefinition,
    FlagPlanEffect,
    Index,
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
from tandem.instruments.instrument import Instrument
from tandem.instruments.rules import (
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


def _construct_unique_mapping(
    loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    """Refuse a key written twice in one mapping (PyYAML keeps the last)."""
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping."""

    construct_mapping = _construct_unique_mapping


_FastLoader: type[Any] = _UniqueKeyLoader
if getattr(yaml, "__with_libyaml__", False):

    class _FastUniqueKeyLoader(yaml.CSafeLoader):
        """The same, with libyaml's scanner and parser in C (many times faster)."""

        construct_mapping = _construct_unique_mapping

    _FastLoader = _FastUniqueKeyLoader


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
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506  # nosec B506 (a SafeLoader subclass)
    except yaml.YAMLError:
        pass
    # libyaml words its syntax errors differently: read a broken file again with the pure
    # Python parser, whose messages the docs show and whose marks point at the problem.
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506  # nosec B506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(path.name, where, f"not valid YAML: {problem}") from error


_Model = TypeVar("_Model", bound=BaseModel)

#: What pydantic's error types mean, in the words of these messages.
_EXPECTED = {
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
}


def _path(location: Sequence[str | int]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _translate(error: ErrorDetails) -> tuple[str, str]:
    """Turn one pydantic error into (field path, problem)."""
    location = list(error["loc"])
    kind = error["type"]
    context = error.get("ctx") or {}
    value = error.get("input")
    if kind == "definition":
        return _path([*location, *context.get("at", [])]), error["msg"]
    if kind == "missing":
        return _path(location), "this field is required"
    if kind in _EXPECTED:
        return _path(location), f"{_EXPECTED[kind]}, got {fmt.describe(value)}"
    if kind == "finite_number":
        return _path(location), "must be a number, not NaN"
    if kind == "too_short":
        if location and location[-1] == "options":
            return _path(location), "a response scale needs at least two options"
        return _path(location), "must not be empty"
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
    }
    if kind in limits:
        words, name = limits[kind]
        return _path(location), f"must be {words} {_number(context[name])}, got {_number(value)}"
    return _path(location), error["msg"]


def _validate(model: type[_Model], source: Any, file: str) -> _Model:
    try:
        return model.model_validate(source)
    except ValidationError as error:
        path, problem = _translate(error.errors(include_url=False)[0])
        raise DefinitionError(file, path, problem) from None


class _Checker:
    """The checks that span fields, each naming the file and the field path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, problem: str) -> DefinitionError:
        return DefinitionError(self.file, path, problem)


def _unknown(kind: str, key: str, known: tuple[str, ...]) -> str:
    if not known:
        return f"no {kind} {key!r}: this instrument defines none"
    return f"no {kind} {key!r}; defined: {', '.join(known)}"


def _response_scales(definition: fmt.Definition) -> dict[str, ResponseScale]:
    return {
        key: ResponseScale(
            key=key,
            title=scale.title or key.replace("_", " ").capitalize(),
            options=tuple(
                ResponseOption(value=option.value, label=option.label) for option in scale.options
            ),
        )
        for key, scale in definition.response_scales.items()
    }


def _items(
    check: _Checker, definition: fmt.Definition, response_scales: dict[str, ResponseScale]
) -> list[Item]:
    default = definition.default_response
    if default is not None and default not in response_scales:
        raise check.fail(
            "default_response",
            f"no response scale {default!r}; defined: {', '.join(response_scales)}",
        )
    items: list[Item] = []
    seen: set[str] = set()
    for position, item in enumerate(definition.items):
        where = f"items[{position}]"
        if item.id in seen:
            raise check.fail(f"{where}.id", f"the item id {item.id!r} is used twice")
        seen.add(item.id)
        response = item.response or default
        if response is None:
            raise check.fail(where, "no response scale: give 'response' here or 'default_response'")
        if response not in response_scales:
            raise check.fail(
                f"{where}.response",
                f"no response scale {response!r}; defined: {', '.join(response_scales)}",
            )
        items.append(
            Item(
                id=item.id, text=item.text, response=response_scales[response], reverse=item.reverse
            )
        )
    return items


def _item_list(
    check: _Checker, path: str, item_ids: Sequence[str], items: dict[str, Item]
) -> list[Item]:
    chosen: list[Item] = []
    for position, item_id in enumerate(item_ids):
        if item_id not in items:
            raise check.fail(f"{path}[{position}]", f"no item {item_id!r}")
        if any(item.id == item_id for item in chosen):
            raise check.fail(f"{path}[{position}]", f"the item {item_id!r} is listed twice")
        chosen.append(items[item_id])
    return chosen


def _sections(check: _Checker, definition: fmt.Definition, items: list[Item]) -> list[Section]:
    if definition.sections is None:
        return [Section(id="main", title=definition.title, intro="", items=tuple(items))]
    by_id = {item.id: item for item in items}
    sections: list[Section] = []
    placed: dict[str, str] = {}
    for position, section in enumerate(definition.sections):
        where = f"sections[{position}]"
        if any(other.id == section.id for other in sections):
            raise check.fail(f"{where}.id", f"the section id {section.id!r} is used twice")
        section_items = _item_list(check, f"{where}.items", section.items, by_id)
        for place, item in enumerate(section_items):
            if item.id in placed:
                raise check.fail(
                    f"{where}.items[{place}]",
                    f"the item {item.id!r} is already in section {placed[item.id]!r}",
                )
            placed[item.id] = section.id
        sections.append(
            Section(
                id=section.id,
                title=section.title,
                intro=section.intro or "",
                items=tuple(section_items),
            )
        )
    for item in items:
        if item.id not in placed:
            raise check.fail("sections", f"the item {item.id!r} is in no section")
    return sections


def _bands(check: _Checker, path: str, declared: Sequence[fmt.Band] | None) -> tuple[Band, ...]:
    if not declared:
        return ()
    bands: list[Band] = []
    for position, band in enumerate(declared):
        where = f"{path}[{position}]"
        if any(other.key == band.key for other in bands):
            raise check.fail(f"{where}.key", f"the band key {band.key!r} is used twice")
        if band.upper <= band.lower:
            raise check.fail(
                f"{where}.to", f"must be more than 'from' ({band.lower:g}), got {band.upper:g}"
            )
        expected = bands[-1].upper if bands else 0.0
        if band.lower != expected:
            raise check.fail(
                f"{where}.from",
                f"bands must cover 0 to 100 without gaps or overlaps: expected {expected:g}, "
                f"got {band.lower:g}",
            )
        bands.append(
            Band(
                key=band.key,
                label=band.label,
                meaning=band.meaning,
                lower=band.lower,
                upper=band.upper,
            )
        )
    if bands[-1].upper != 100:
        raise check.fail(
            f"{path}[{len(bands) - 1}]", f"the last band must end at 100, not {bands[-1].upper:g}"
        )
    return tuple(bands)


def _scales(check: _Checker, definition: fmt.Definition, items: list[Item]) -> dict[str, Scale]:
    by_id = {item.id: item for item in items}
    scales = {}
    for key, scale in definition.scales.items():
        where = f"scales.{key}"
        scale_items = _item_list(check, f"{where}.items", scale.items, by_id)
        first = scale_items[0].response
        for position, item in enumerate(scale_items[1:], start=1):
            if (item.response.minimum, item.response.maximum) != (first.minimum, first.maximum):
                raise check.fail(
                    f"{where}.items[{position}]",
                    f"the item {item.id!r} is answered on {item.response.key!r} "
                    f"({item.response.minimum} to {item.response.maximum}) but "
                    f"{scale_items[0].id!r} on {first.key!r} ({first.minimum} to "
                    f"{first.maximum}); a scale's items must share one range",
                )
        scales[key] = Scale(
            key=key,
            title=scale.title,
            description=scale.description or "",
            items=tuple(scale_items),
            method="sum" if scale.method == "sum" else "mean",
            min_answered=scale.min_answered,
            bands=_bands(check, f"{where}.bands", scale.bands),
        )
    return scales


_Source = Literal["scale", "index", "style"]


def _components(
    check: _Checker,
    path: str,
    declared: Sequence[fmt.ScaleComponent | fmt.StyleComponent | fmt.PriorityComponent],
    known: dict[str, tuple[str, ...]],
) -> tuple[Component, ...]:
    components = []
    for position, component in enumerate(declared):
        source: _Source = component.source  # type: ignore[assignment]
        if component.key not in known[source]:
            raise check.fail(f"{path}[{position}].{source}", f"no {source} {component.key!r}")
        components.append(
            Component(
                source=source,
                key=component.key,
                weight=component.weight,
                reverse=component.reverse,
            )
        )
    return tuple(components)


@dataclass(frozen=True)
class _RuleTargets:
    scales: tuple[str, ...]
    indices: tuple[str, ...]
    styles: tuple[str, ...]
    items: dict[str, Item]


def _rule(check: _Checker, path: str, rule: fmt.Rule, targets: _RuleTargets) -> Rule:
    if rule.all is not None or rule.any is not None:
        name = "all" if rule.all is not None else "any"
        parts = tuple(
            _rule(check, f"{path}.{name}[{position}]", part, targets)
            for position, part in enumerate(rule.all or rule.any or [])
        )
        return AllOf(parts) if name == "all" else AnyOf(parts)
    if rule.always is not None:
        return Always()
    if rule.primary is not None:
        if rule.primary not in targets.styles:
            raise check.fail(f"{path}.primary", _unknown("style", rule.primary, targets.styles))
        return PrimaryIs(style=rule.primary, position=targets.styles.index(rule.primary))
    if rule.pattern is not None:
        if not targets.styles:
            raise check.fail(f"{path}.pattern", "this instrument has no style classification")
        return PatternIs(pattern=rule.pattern)
    source, operator = rule.source, rule.operator
    key = str(getattr(rule, source))
    threshold = float(getattr(rule, operator))
    if source == "item":
        if key not in targets.items:
            raise check.fail(f"{path}.item", f"no item {key!r}")
        response = targets.items[key].response
        if operator == "equals" and threshold not in response.values:
            raise check.fail(
                f"{path}.equals",
                f"{threshold:g} is not a value of {key!r}; allowed: {response.describe_values()}",
            )
        column = list(targets.items).index(key)
        return Compare(source="item", key=key, column=column, op=operator, threshold=threshold)
    known = {"scale": targets.scales, "index": targets.indices, "style": targets.styles}[source]
    if key not in known:
        raise check.fail(f"{path}.{source}", _unknown(source, key, known))
    return Compare(
        source=source,  # type: ignore[arg-type]
        key=key,
        column=known.index(key),
        op=operator,
        threshold=threshold,
    )


def _indices(
    check: _Checker, definition: fmt.Definition, scales: dict[str, Scale]
) -> dict[str, Index]:
    known = {"scale": tuple(scales)}
    return {
        key: Index(
            key=key,
            title=index.title,
            description=index.description or "",
            components=_components(check, f"indices.{key}.combine", index.combine, known),
            bands=_bands(check, f"indices.{key}.bands", index.bands),
        )
        for key, index in definition.indices.items()
    }


def _style(
    check: _Checker,
    definition: fmt.Definition,
    scales: dict[str, Scale],
    indices: dict[str, Index],
) -> StyleClassification | None:
    declared = definition.style
    if declared is None:
        return None
    known = {"scale": tuple(scales), "index": tuple(indices)}
    styles = tuple(
        StyleDefinition(
            key=key,
            title=style.title,
            description=style.description or "",
            components=_components(check, f"style.styles.{key}.combine", style.combine, known),
        )
        for key, style in declared.styles.items()
    )
    keys = tuple(style.key for style in styles)
    switching = None
    if declared.switching is not None:
        for position, name in enumerate(declared.switching.styles):
            if name not in keys:
                raise check.fail(
                    f"style.switching.styles[{position}]", _unknown("style", name, keys)
                )
        first, second = declared.switching.styles
        switching = Switching(
            styles=(first, second),
            at_least=declared.switching.at_least,
            meaning=declared.switching.meaning or "",
        )
    return StyleClassification(
        styles=styles,
        mixed_within=declared.mixed_within,
        mixed_meaning=declared.mixed_meaning or "",
        switching=switching,
    )


def _strategy_key(
    check: _Checker, path: str, key: str, strategies: Mapping[str, Strategy] | None
) -> str:
    if strategies is not None and key not in strategies:
        raise check.fail(path, _unknown("strategy", key, tuple(strategies)))
    return key


def _plan(
    check: _Checker,
    definition: fmt.Definition,
    targets: _RuleTargets,
    known: dict[str, tuple[str, ...]],
    strategies: Mapping[str, Strategy] | None,
) -> tuple[PlanRule, ...]:
    rules: list[PlanRule] = []
    for position, entry in enumerate(definition.plan):
        where = f"plan[{position}]"
        strategy = _strategy_key(check, f"{where}.strategy", entry.strategy, strategies)
        if any(rule.strategy == strategy for rule in rules):
            raise check.fail(f"{where}.strategy", f"the strategy {strategy!r} has two plan entries")
        rules.append(
            PlanRule(
                strategy=strategy,
                priority=_components(check, f"{where}.priority", entry.priority, known),
                reasons=tuple(
                    PlanReason(
                        rule=_rule(check, f"{where}.when[{number}].if", reason.rule, targets),
                        because=reason.because,
                    )
                    for number, reason in enumerate(entry.when)
                ),
            )
        )
    return tuple(rules)


def _flags(
    check: _Checker,
    definition: fmt.Definition,
    targets: _RuleTargets,
    strategies: Mapping[str, Strategy] | None,
) -> dict[str, FlagDefinition]:
    flags = {}
    for key, flag in definition.flags.items():
        where = f"flags.{key}"
        effect = None
        if flag.plan is not None:
            remove = tuple(
                _strategy_key(check, f"{where}.plan.remove[{n}]", name, strategies)
                for n, name in enumerate(flag.plan.remove)
            )
            first = tuple(
                _strategy_key(check, f"{where}.plan.first[{n}]", name, strategies)
                for n, name in enumerate(flag.plan.first)
            )
            for name in first:
                if name in remove:
                    raise check.fail(
                        f"{where}.plan.first",
                        f"the strategy {name!r} cannot be both removed and put first",
                    )
            effect = FlagPlanEffect(remove=remove, first=first, because=flag.plan.because)
        flags[key] = FlagDefinition(
            key=key,
            title=flag.title,
            message=flag.message,
            rule=_rule(check, f"{where}.when", flag.when, targets),
            plan=effect,
        )
    return flags


def _per_scale(
    check: _Checker, field: str, declared: Mapping[str, Any], scales: dict[str, Scale]
) -> None:
    for key in declared:
        if key not in scales:
            raise check.fail(f"{field}.{key}", _unknown("scale", key, tuple(scales)))


def _comparison(
    check: _Checker, definition: fmt.Definition, scales: dict[str, Scale]
) -> Comparison | None:
    declared = definition.comparison
    if declared is None:
        return None
    for position, key in enumerate(declared.balances):
        where = f"comparison.balances[{position}]"
        if key not in scales:
            raise check.fail(where, _unknown("scale", key, tuple(scales)))
        if scales[key].minimum != -scales[key].maximum:
            raise check.fail(
                where,
                f"the scale {key!r} is not a balance scale: its answers run from "
                f"{scales[key].minimum} to {scales[key].maximum}, not -N to +N",
            )
    return Comparison(
        balances=tuple(declared.balances),
        agree_within=declared.agree_within,
        balanced_within=declared.balanced_within,
    )


def _outcome(
    check: _Checker, definition: fmt.Definition, scales: dict[str, Scale]
) -> Outcome | None:
    declared = definition.outcome
    if declared is None:
        return None
    if declared.scale not in scales:
        raise check.fail("outcome.scale", _unknown("scale", declared.scale, tuple(scales)))
    if declared.scale not in definition.reliability or declared.scale not in definition.norms:
        raise check.fail(
            "outcome.scale",
            f"the outcome scale {declared.scale!r} needs reliability and norms, "
            "so change can be judged",
        )
    if declared.better not in ("higher", "lower"):
        raise check.fail("outcome.better", f"expected 'higher' or 'lower', got {declared.better!r}")
    return Outcome(
        scale=declared.scale,
        better="higher" if declared.better == "higher" else "lower",
        cutoff=declared.cutoff,
        source=declared.source or "",
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
    definition = _validate(fmt.Definition, source, file)
    check = _Checker(file)
    response_scales = _response_scales(definition)
    items = _items(check, definition, response_scales)
    sections = _sections(check, definition, items)
    scales = _scales(check, definition, items)
    indices = _indices(check, definition, scales)
    style = _style(check, definition, scales, indices)
    targets = _RuleTargets(
        scales=tuple(scales),
        indices=tuple(indices),
        styles=style.keys if style else (),
        items={item.id: item for item in items},
    )
    known = {"scale": targets.scales, "index": targets.indices, "style": targets.styles}
    for position, companion in enumerate(definition.companions):
        if companion == definition.slug:
            raise check.fail(f"companions[{position}]", "an instrument cannot be its own companion")
    _per_scale(check, "reliability", definition.reliability, scales)
    _per_scale(check, "norms", definition.norms, scales)
    plan = _plan(check, definition, targets, known, strategies)
    flags = _flags(check, definition, targets, strategies)
    return Instrument(
        slug=definition.slug,
        version=definition.version,
        title=definition.title,
        description=definition.description,
        audience=definition.audience,
        estimated_minutes=definition.estimated_minutes or max(1, round(len(items) / 5)),
        response_scales=response_scales,
        items=tuple(items),
        sections=tuple(sections),
        scales=scales,
        indices=indices,
        style=style,
        plan=plan,
        flags=flags,
        reliability={
            key: Reliability(
                alpha=figures.alpha,
                omega=figures.omega,
                provisional=figures.provisional,
                source=figures.source or "",
            )
            for key, figures in definition.reliability.items()
        },
        norms={
            key: Norm(
                mean=norm.mean,
                sd=norm.sd,
                n=norm.n,
                provisional=norm.provisional,
                source=norm.source or "",
            )
            for key, norm in definition.norms.items()
        },
        companions=tuple(definition.companions),
        comparison=_comparison(check, definition, scales),
        leads_to=(
            NextStep(slug=definition.leads_to.slug, because=definition.leads_to.because)
            if definition.leads_to
            else None
        ),
        notice=definition.notice or DEFAULT_NOTICE,
        strategies=dict(strategies or {}),
        source=source,
        file=file,
        outcome=_outcome(check, definition, scales),
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
    declared = _validate(fmt.StrategiesFile, source, file)
    strategies: dict[str, Strategy] = {}
    for position, strategy in enumerate(declared.strategies):
        if strategy.key in strategies:
            raise DefinitionError(
                file,
                f"strategies[{position}].key",
                f"the strategy key {strategy.key!r} is used twice",
            )
        strategies[strategy.key] = Strategy(
            key=strategy.key,
            title=strategy.title,
            summary=strategy.summary,
            why=strategy.why,
            exercises=tuple(strategy.exercises),
            topics=tuple(strategy.topics),
        )
    return strategies


def load_strategies(path: str | Path) -> dict[str, Strategy]:
    """Read and validate a strategies file (see :func:`parse_strategies`)."""
    path = Path(path)
    return parse_strategies(read_definition_file(path), file=path.name)
