"""The instruments over JSON: list them, describe one, score answers without storing them,
and match therapists to a result or to answers (scored here, then handed to the directory)."""

from __future__ import annotations

import json
from numbers import Integral
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from tandem.assessments.flow import check_flow
from tandem.directory.api import MatchListOut, PreferencesIn, input_errors, match_listing
from tandem.instruments import Instrument, UnknownInstrument, library
from tandem.instruments.fhir import questionnaire
from tandem.lib.api_refusals import BODY_REFUSALS, Refusal, refusals

router = Router(tags=["instruments"])


class InstrumentSummary(Schema):
    slug: str
    version: int
    title: str
    description: str
    audience: str
    estimated_minutes: int
    item_count: int
    companions: list[str]


class OptionOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    id: str
    text: str
    section: str
    instrument: str
    scales: list[str]
    reverse: bool
    response: str
    options: list[OptionOut]


class InstrumentDetail(InstrumentSummary):
    items: list[ItemOut]


class ScoreIn(Schema):
    answers: dict[str, Any]


class BadItem(Schema):
    item: str
    problem: str
    allowed: list[int]


class ScoreRefusal(Refusal):
    errors: list[BadItem] = Field(
        default_factory=list, description="When answers cannot be scored: each bad item."
    )


def _instrument(slug: str) -> Instrument:
    try:
        return library.get(slug)
    except UnknownInstrument as exc:
        raise HttpError(404, str(exc)) from exc


def _summary(instrument: Instrument) -> dict[str, Any]:
    return {
        "slug": instrument.slug,
        "version": instrument.version,
        "title": instrument.title,
        "description": instrument.description.strip(),
        "audience": instrument.audience,
        "estimated_minutes": instrument.estimated_minutes,
        "item_count": len(instrument.items),
        "companions": list(instrument.companions),
    }


@router.get("/instruments", response=list[InstrumentSummary])
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    """Every instrument of the library, latest version."""
    return [_summary(instrument) for instrument in library.all()]


@router.get("/instruments/{slug}", response={200: InstrumentDetail, **refusals(404)})
def instrument_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One instrument with its items (and its companions' items), each with scale and keying."""
    flow = check_flow(_instrument(slug).slug)
    items = []
    for flow_section in flow.sections:
        owner = flow_section.owner
        scales_of: dict[str, list[str]] = {}
        for key, scale in owner.scales.items():
            for item in scale.items:
                scales_of.setdefault(item.id, []).append(key)
        for item in flow_section.items:
            items.append(
                {
                    "id": item.id,
                    "text": item.text.strip(),
                    "section": flow_section.id,
                    "instrument": owner.slug,
                    "scales": scales_of.get(item.id, []),
                    "reverse": item.reverse,
                    "response": item.response.key,
                    "options": [
                        {"value": option.value, "label": option.label}
                        for option in item.response.options
                    ],
                }
            )
    return {**_summary(flow.instrument), "items": items}


@router.get("/instruments/{slug}/fhir", response={200: dict[str, Any], **refusals(404)})
def instrument_fhir(request: HttpRequest, slug: str) -> HttpResponse:
    """The instrument as a FHIR R4 Questionnaire (``application/fhir+json``).

    Items carry linkIds, answer options codes and values, the scales they count towards as
    ``code`` entries and reverse keying as an extension; see docs/instruments.md.
    """
    body = json.dumps(questionnaire(_instrument(slug)), ensure_ascii=False)
    return HttpResponse(body, content_type="application/fhir+json; charset=utf-8")


@router.post(
    "/instruments/{slug}/score",
    response={200: dict[str, Any], **refusals(*BODY_REFUSALS, 404), 422: ScoreRefusal},
)
def score(request: HttpRequest, slug: str, payload: ScoreIn) -> Any:
    """Score answers with the instrument's companions (e.g. safety). Nothing is stored.

    Returns the engine's ``Result.to_dict()``. A 422 lists every bad item with its allowed
    values.
    """
    flow = check_flow(_instrument(slug).slug)
    items = {item.id: item for flow_section in flow.sections for item in flow_section.items}
    bad: list[dict[str, Any]] = []
    for item_id, value in payload.answers.items():
        item = items.get(item_id)
        if item is None:
            bad.append({"item": item_id, "problem": "no such item in this check", "allowed": []})
            continue
        allowed = list(item.response.values)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Integral):
            bad.append(
                {
                    "item": item_id,
                    "problem": f"expected a whole number, got {value!r}",
                    "allowed": allowed,
                }
            )
        elif value not in allowed:
            bad.append(
                {"item": item_id, "problem": f"{value} is not an allowed value", "allowed": allowed}
            )
    if bad:
        return Status(422, {"detail": f"{len(bad)} answer(s) cannot be scored", "errors": bad})
    result = library.score_session(flow.slug, payload.answers)
    return Status(200, result.to_dict())


class MatchIn(Schema):
    result: dict[str, Any] | None = Field(
        None, description="A check's result, as Result.to_dict() returns it."
    )
    instrument: str | None = Field(None, description="With answers: the instrument's slug.")
    answers: dict[str, int | None] | None = Field(None, description="Answers by item id.")
    preferences: PreferencesIn = Field(default_factory=lambda: PreferencesIn.model_validate({}))


def _score_answers(instrument: str, answers: dict[str, int | None]) -> dict[str, Any]:
    try:
        return library.score_session(instrument, answers).to_dict()
    except (ValueError, TypeError, KeyError) as problem:
        # The engine's errors all derive from these, each with a message a person can read.
        where = "instrument" if isinstance(problem, UnknownInstrument) else "answers"
        message = problem.args[0] if problem.args else str(problem)
        raise input_errors("body", {where: [str(message)]}) from None


@router.post(
    "/match",
    response={200: MatchListOut, **refusals(*BODY_REFUSALS)},
    url_name="match",
    tags=["directory"],
)
def match(request: HttpRequest, payload: MatchIn) -> dict[str, Any]:
    """Rank therapists for a result (or answers to score) and preferences, with reasons."""
    if payload.result is not None and payload.answers is not None:
        raise input_errors("body", {"result": ["Send either a result or answers, not both."]})
    result = payload.result
    if payload.answers is not None:
        if not payload.instrument:
            raise input_errors("body", {"instrument": ["Name the instrument the answers are for."]})
        result = _score_answers(payload.instrument, payload.answers)
    return match_listing(result, payload.preferences)
