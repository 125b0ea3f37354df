"""HL7 FHIR R4: an instrument as a ``Questionnaire``, a response as a ``QuestionnaireResponse``,
and its scores as ``Observation`` resources that reference the response.

Plain dictionaries in FHIR's JSON form, built from the definition and the engine's results;
no FHIR library is needed at run time (the tests validate what is built against the
``fhir.resources`` models). Codes Tandem defines (scales, bands, styles, flags, answers) are
in code systems named ``urn:tandem:...``; a reverse-keyed item carries the extension
:data:`REVERSE_KEYED`, and each answer option its value as FHIR's ``ordinalValue``.

Example::

    >>> questionnaire(library.get("safety"))["item"][0]["item"][0]["linkId"]
    'sf1'
    >>> bundle = collection(bundle_entries(instrument, answers, result, key="r1"))
    >>> answers_from_response(instrument, bundle["entry"][0]["resource"]) == answers
    True
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tandem.instruments.definition import InstrumentDefinition, Item
from tandem.instruments.errors import AnswerError
from tandem.instruments.results import Result

__all__ = [
    "ORDINAL_VALUE",
    "REVERSE_KEYED",
    "answers_from_response",
    "bundle_entries",
    "collection",
    "observations",
    "questionnaire",
    "questionnaire_response",
]

#: FHIR's extension for the number an answer option counts as.
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
#: Tandem's extension on a reverse-keyed item (it counts as lowest + highest - answer).
REVERSE_KEYED = "urn:tandem:fhir:reverse-keyed"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
_DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_NAMESPACE = uuid.UUID("5f0b3c43-8f7e-4c69-9d5e-2a8f3b7c1e10")


def canonical(instrument: InstrumentDefinition) -> str:
    """The Questionnaire's canonical URL, e.g. ``urn:tandem:questionnaire:safety``."""
    return f"urn:tandem:questionnaire:{instrument.slug}"


def _system(instrument: InstrumentDefinition, kind: str) -> str:
    return f"urn:tandem:{instrument.slug}:{kind}"


def _answer_system(instrument: InstrumentDefinition, item: Item) -> str:
    return _system(instrument, f"response:{item.response.key}")


def _scales_of(instrument: InstrumentDefinition) -> dict[str, list[tuple[str, str]]]:
    scales: dict[str, list[tuple[str, str]]] = {}
    for key, scale in instrument.scales.items():
        for item in scale.items:
            scales.setdefault(item.id, []).append((key, scale.title))
    return scales


def questionnaire(instrument: InstrumentDefinition) -> dict[str, Any]:
    """The instrument as a FHIR R4 ``Questionnaire``.

    One ``group`` item per section (``linkId`` ``section-ID``), holding one ``choice`` item
    per question (``linkId`` the item id). Each answer option is a ``valueCoding`` (code: the
    value, display: the label) with the value as ``ordinalValue``; each scale an item counts
    towards is a ``code`` entry; a reverse-keyed item has the :data:`REVERSE_KEYED`
    extension.
    """
    scales = _scales_of(instrument)

    def question(item: Item) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "linkId": item.id,
            "text": item.text,
            "type": "choice",
            "required": False,
        }
        if item.reverse:
            entry["extension"] = [{"url": REVERSE_KEYED, "valueBoolean": True}]
        if item.id in scales:
            entry["code"] = [
                {"system": _system(instrument, "scales"), "code": key, "display": title}
                for key, title in scales[item.id]
            ]
        entry["answerOption"] = [
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
                "valueCoding": {
                    "system": _answer_system(instrument, item),
                    "code": str(option.value),
                    "display": option.label,
                },
            }
            for option in item.response.options
        ]
        return entry

    return {
        "resourceType": "Questionnaire",
        "id": f"{instrument.slug}-v{instrument.version}",
        "url": canonical(instrument),
        "version": str(instrument.version),
        "name": "".join(part.capitalize() for part in instrument.slug.split("-")),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.description,
        "purpose": instrument.notice,
        "item": [
            {
                "linkId": f"section-{section.id}",
                "text": section.title,
                "type": "group",
                "item": [question(item) for item in section.items],
            }
            for section in instrument.sections
        ],
    }


def _resource_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(str(part) for part in parts)))


def questionnaire_response(
    instrument: InstrumentDefinition,
    answers: Mapping[str, int | None],
    *,
    resource_id: str,
    respondent: str | None = None,
    authored: str | None = None,
) -> dict[str, Any]:
    """One person's answers as a FHIR R4 ``QuestionnaireResponse`` of :func:`questionnaire`.

    Parameters:
        answers: item id to value (``None`` or absent: not answered); ids of other
            instruments are ignored.
        resource_id: the resource's id.
        respondent: an identifier of the person (e.g. the id column of a file), if any.
        authored: when it was answered (ISO 8601), if known.
    """
    groups = []
    for section in instrument.sections:
        answered = [
            {
                "linkId": item.id,
                "text": item.text,
                "answer": [
                    {
                        "valueCoding": {
                            "system": _answer_system(instrument, item),
                            "code": str(value),
                            "display": item.response.label_for(value),
                        }
                    }
                ],
            }
            for item in section.items
            if (value := answers.get(item.id)) is not None
        ]
        if answered:
            groups.append(
                {"linkId": f"section-{section.id}", "text": section.title, "item": answered}
            )
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
        "questionnaire": f"{canonical(instrument)}|{instrument.version}",
        "status": "completed",
    }
    if respondent:
        response["identifier"] = {"system": "urn:tandem:respondent", "value": respondent}
    if authored:
        response["authored"] = authored
    if groups:
        response["item"] = groups
    return response


def answers_from_response(
    instrument: InstrumentDefinition, response: Mapping[str, Any]
) -> dict[str, int]:
    """Read the answers back from a ``QuestionnaireResponse`` of this instrument.

    Raises:
        AnswerError: the response is of another questionnaire, or an answer is not one of
            the item's options.

    Example: ``instrument.score(answers_from_response(instrument, response))`` scores it.
    """
    expected = f"{canonical(instrument)}|{instrument.version}"
    if response.get("questionnaire") != expected:
        raise AnswerError(
            f"the response answers {response.get('questionnaire')!r}, not {expected!r}"
        )
    answers: dict[str, int] = {}
    pending = list(response.get("item", []))
    while pending:
        entry = pending.pop(0)
        pending.extend(entry.get("item", []))
        for answer in entry.get("answer", []):
            item = instrument.item(entry["linkId"])
            coding = answer.get("valueCoding") or {}
            if coding.get("system") != _answer_system(instrument, item):
                raise AnswerError(f"item {item.id!r}: the answer is not coded by this instrument")
            value = int(coding["code"])
            if value not in item.response.values:
                raise AnswerError(
                    f"item {item.id!r}: {value} is not an allowed value; "
                    f"allowed: {item.response.describe_values()}"
                )
            answers[item.id] = value
    return answers


def _quantity(value: float) -> dict[str, Any]:
    return {"value": round(value, 2), "unit": "score (0-100)"}


def observations(
    result: Result,
    *,
    derived_from: Sequence[str],
    key: str,
    effective: str | None = None,
) -> list[dict[str, Any]]:
    """The scored result as FHIR R4 ``Observation`` resources.

    One per scale and index (a score 0-100, its band as ``interpretation``; a scale not scored
    has a ``dataAbsentReason`` saying why), one for the style (the primary style, each
    strength a ``component``), and one per raised flag. Each is ``derivedFrom`` the
    references given (the ``QuestionnaireResponse`` entries).
    """
    instrument = result.instrument
    base: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_SURVEY],
        "derivedFrom": [{"reference": reference} for reference in derived_from],
    }
    if effective:
        base["effectiveDateTime"] = effective
    made: list[dict[str, Any]] = []

    def code(kind: str, code_key: str, display: str) -> dict[str, Any]:
        return {
            "coding": [{"system": _system(instrument, kind), "code": code_key, "display": display}],
            "text": display,
        }

    def scored(kind: str, entry_key: str, title: str, score: float | None) -> dict[str, Any]:
        observation = {
            **base,
            "id": _resource_id(key, instrument.slug, instrument.version, kind, entry_key),
            "code": code(kind, entry_key, title),
        }
        if score is None:
            observation["dataAbsentReason"] = {
                "coding": [{"system": _DATA_ABSENT, "code": "not-performed"}],
                "text": "not scored: too few answers",
            }
        else:
            observation["valueQuantity"] = _quantity(score)
        return observation

    for scale_key, scale in result.scales.items():
        observation = scored("scales", scale_key, scale.title, scale.score)
        if scale.score is None:
            observation["dataAbsentReason"]["text"] = f"not scored: {scale.not_scored_reason}"
        if scale.band is not None:
            observation["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": _system(instrument, f"bands:{scale_key}"),
                            "code": scale.band.key,
                            "display": scale.band.label,
                        }
                    ],
                    "text": scale.band.meaning,
                }
            ]
        made.append(observation)
    for index_key, index in result.indices.items():
        made.append(scored("indices", index_key, index.title, index.score))
    style = result.style
    if style is not None:
        observation = {
            **base,
            "id": _resource_id(key, instrument.slug, instrument.version, "style"),
            "code": code("styles", "style-profile", "Style profile"),
            "component": [
                {
                    "code": code("styles", style_key, style.titles[style_key]),
                    **(
                        {"valueQuantity": _quantity(strength)}
                        if strength is not None and not math.isnan(strength)
                        else {
                            "dataAbsentReason": {
                                "coding": [{"system": _DATA_ABSENT, "code": "not-performed"}]
                            }
                        }
                    ),
                }
                for style_key, strength in style.strengths.items()
            ],
        }
        if style.primary is not None:
            observation["valueCodeableConcept"] = code(
                "styles", style.primary, style.titles[style.primary]
            )
            observation["note"] = [{"text": f"pattern: {style.pattern}"}]
        else:
            observation["dataAbsentReason"] = {
                "coding": [{"system": _DATA_ABSENT, "code": "not-performed"}],
                "text": "; ".join(style.reasons) or "not described",
            }
        made.append(observation)
    for flag in result.flags:
        made.append(
            {
                **base,
                "id": _resource_id(key, instrument.slug, instrument.version, "flag", flag.key),
                "code": {
                    "coding": [
                        {"system": "urn:tandem:flags", "code": flag.key, "display": flag.title}
                    ],
                    "text": flag.title,
                },
                "valueBoolean": True,
            }
        )
    return made


def collection(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A FHIR ``Bundle`` of type ``collection`` holding ``entries`` (from
    :func:`bundle_entries`, of one person's response or of many)."""
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


def bundle_entries(
    instrument: InstrumentDefinition,
    answers: Mapping[str, int | None],
    result: Result,
    *,
    key: str,
    companions: Sequence[InstrumentDefinition] = (),
    respondent: str | None = None,
    authored: str | None = None,
) -> list[dict[str, Any]]:
    """One person's response and results as FHIR ``Bundle`` entries.

    The first entry is the instrument's ``QuestionnaireResponse``, then one per companion
    answered (e.g. safety), then the :func:`observations`, which reference them by
    ``urn:uuid`` full URLs. ``key`` makes the resource ids (UUIDs derived from it) unique and
    stable: the same key gives the same ids. Wrap them with :func:`collection`.
    """
    entries = []
    references = []
    for block in (instrument, *companions):
        if block is not instrument and not any(
            answers.get(item_id) is not None for item_id in block.item_ids
        ):
            continue
        resource_id = _resource_id(key, block.slug, block.version, "response")
        reference = f"urn:uuid:{resource_id}"
        references.append(reference)
        entries.append(
            {
                "fullUrl": reference,
                "resource": questionnaire_response(
                    block,
                    answers,
                    resource_id=resource_id,
                    respondent=respondent,
                    authored=authored,
                ),
            }
        )
    for observation in observations(result, derived_from=references, key=key, effective=authored):
        entries.append({"fullUrl": f"urn:uuid:{observation['id']}", "resource": observation})
    return entries
