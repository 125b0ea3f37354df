"""The directory's JSON API: search, one profile, and matching.

Mounted at ``/api/v1/`` by ``tandem/api.py``: ``GET /api/v1/therapists`` (the search page's
filters and sorts, same parameter names), ``GET /api/v1/therapists/{slug}`` and
``POST /api/v1/match``. Invalid input is a 422 whose ``detail`` lists each problem with its
location, as ninja reports schema errors.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field, field_validator

from tandem.directory.forms import SearchForm
from tandem.directory.gazetteer import UnknownTown, find_town
from tandem.directory.matching import MatchPreferences, match_therapists, needs_from_result
from tandem.directory.models import Gender, TherapistProfile
from tandem.directory.search import available_sorts, search_profiles
from tandem.directory.vocab import LANGUAGES, SPECIALTIES
from tandem.lib.api_refusals import BODY_REFUSALS, refusals

router = Router(tags=["directory"])


class TherapistOut(Schema):
    slug: str
    url: str
    name: str
    pronouns: str
    photo_url: str | None
    gender: str
    tier: str
    years_in_practice: int
    specialties: list[str]
    approaches: list[str]
    languages: list[str]
    sees_individuals: bool
    sees_couples: bool
    formats: list[str]
    town: str
    country: str
    place: str
    latitude: float
    longitude: float
    currency: str
    fee_individual_minor: int | None
    fee_couple_minor: int | None
    sliding_scale_min_minor: int | None
    accepting_new_clients: bool
    distance_km: float | None = None


class TherapistDetailOut(TherapistOut):
    statement_html: str
    qualifications: list[str]
    registration_body: str
    registration_number: str
    verified_at: str | None


class RelaxationOut(Schema):
    remove: str
    count: int
    query: str


class SearchOut(Schema):
    count: int
    count_is_capped: bool
    page: int
    pages: int
    sorts: list[str]
    results: list[TherapistOut]
    relaxations: list[RelaxationOut]


class SearchIn(Schema):
    q: str = ""
    format: str = ""
    near: str = ""
    within_km: int = 25
    max_fee: str = Field("", description="In pounds or dollars, e.g. 60 or 59.50.")
    currency: str = "GBP"
    sliding_scale: bool = False
    specialty: str = ""
    approach: str = ""
    couples: bool = False
    language: str = ""
    gender: str = ""
    tier: str = ""
    accepting: bool = False
    sort: str = "best"
    page: int = 1


def _therapist(profile: TherapistProfile, distance_km: float | None = None) -> dict[str, Any]:
    return {
        "slug": profile.slug,
        "url": profile.get_absolute_url(),
        "name": profile.name,
        "pronouns": profile.pronouns,
        "photo_url": profile.photo.url if profile.photo else None,
        "gender": profile.gender_label,
        "tier": profile.tier,
        "years_in_practice": profile.years_in_practice,
        "specialties": profile.specialties,
        "approaches": profile.approaches,
        "languages": profile.languages,
        "sees_individuals": profile.sees_individuals,
        "sees_couples": profile.sees_couples,
        "formats": profile.formats,
        "town": profile.town,
        "country": profile.country,
        "place": profile.place,
        "latitude": profile.latitude,
        "longitude": profile.longitude,
        "currency": profile.currency,
        "fee_individual_minor": profile.fee_individual_minor,
        "fee_couple_minor": profile.fee_couple_minor,
        "sliding_scale_min_minor": profile.sliding_scale_min_minor,
        "accepting_new_clients": profile.accepting_new_clients,
        "distance_km": None if distance_km is None else round(distance_km, 1),
    }


def _errors(where: str, errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError(
        [
            {"loc": [where, field], "msg": message, "type": "value_error"}
            for field, messages in errors.items()
            for message in messages
        ]
    )


@router.get("/therapists", response={200: SearchOut, **refusals(422)}, url_name="therapists")
def list_therapists(request: HttpRequest, filters: Query[SearchIn]) -> dict[str, Any]:
    """Search public profiles: the same filters, sorts and pages as the search page."""
    data = {key: value for key, value in filters.dict().items() if value not in ("", False)}
    form = SearchForm(data)
    if not form.is_valid():
        raise _errors("query", {key: [str(m) for m in value] for key, value in form.errors.items()})
    results = search_profiles(form.to_params())
    return {
        "count": results.total,
        "count_is_capped": results.total_is_capped,
        "page": results.params.page,
        "pages": results.pages,
        "sorts": list(available_sorts(has_town=results.params.town is not None)),
        "results": [
            _therapist(listing.profile, listing.distance_km) for listing in results.listings
        ],
        "relaxations": [
            {"remove": relaxation.label, "count": relaxation.count, "query": relaxation.querystring}
            for relaxation in results.relaxations
        ],
    }


@router.get(
    "/therapists/{slug}",
    response={200: TherapistDetailOut, **refusals(404, 422)},
    url_name="therapist",
)
def get_therapist(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One public profile; 404 for anything not verified."""
    profile = TherapistProfile.objects.public().filter(slug=slug).first()
    if profile is None:
        raise Http404("No such therapist.")
    return {
        **_therapist(profile),
        "statement_html": profile.statement_html,
        "qualifications": [
            line.strip() for line in profile.qualifications.splitlines() if line.strip()
        ],
        "registration_body": profile.registration_body,
        "registration_number": profile.registration_number,
        "verified_at": profile.verified_at.isoformat() if profile.verified_at else None,
    }


class PreferencesIn(Schema):
    max_fee_minor: int | None = Field(None, ge=0, le=1_000_000)
    currency: Literal["GBP", "USD"] = "GBP"
    format: Literal["", "video", "phone", "in_person"] = ""
    near: str = ""
    within_km: int = Field(25, ge=1, le=200)
    language: str = ""
    couples: bool = False
    gender: str = ""
    specialties: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value and value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; one of: {', '.join(LANGUAGES.keys)}")
        return value

    @field_validator("gender")
    @classmethod
    def _known_gender(cls, value: str) -> str:
        allowed = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY]
        if value and value not in allowed:
            raise ValueError(f"unknown gender {value!r}; one of: {', '.join(allowed)}")
        return value

    @field_validator("specialties")
    @classmethod
    def _known_specialties(cls, value: list[str]) -> list[str]:
        unknown = [key for key in value if key not in SPECIALTIES]
        if unknown:
            raise ValueError(f"unknown specialties: {', '.join(unknown)}")
        return value


class MatchIn(Schema):
    result: dict[str, Any] | None = Field(
        None, description="A check's result, as Result.to_dict() returns it."
    )
    instrument: str | None = Field(None, description="With answers: the instrument's slug.")
    answers: dict[str, int | None] | None = Field(None, description="Answers by item id.")
    preferences: PreferencesIn = Field(default_factory=lambda: PreferencesIn.model_validate({}))


class MatchOut(Schema):
    therapist: TherapistOut
    score: float
    reasons: list[str]


class NeedsOut(Schema):
    specialties: list[str]
    couples: bool
    safety: bool
    because: list[str]


class MatchListOut(Schema):
    needs: NeedsOut
    matches: list[MatchOut]


def _score_answers(instrument: str, answers: dict[str, int | None]) -> dict[str, Any]:
    from tandem.instruments import UnknownInstrument, library

    try:
        return library.score_session(instrument, answers).to_dict()
    except (ValueError, TypeError, KeyError) as problem:
        # The engine's errors all derive from these, each with a message a person can read.
        where = "instrument" if isinstance(problem, UnknownInstrument) else "answers"
        message = problem.args[0] if problem.args else str(problem)
        raise _errors("body", {where: [str(message)]}) from None


@router.post("/match", response={200: MatchListOut, **refusals(*BODY_REFUSALS)}, url_name="match")
def match(request: HttpRequest, payload: MatchIn) -> dict[str, Any]:
    """Rank therapists for a result (or answers to score) and preferences, with reasons."""
    if payload.result is not None and payload.answers is not None:
        raise _errors("body", {"result": ["Send either a result or answers, not both."]})
    result = payload.result
    if payload.answers is not None:
        if not payload.instrument:
            raise _errors("body", {"instrument": ["Name the instrument the answers are for."]})
        result = _score_answers(payload.instrument, payload.answers)
    wanted = payload.preferences
    town = None
    if wanted.near:
        try:
            town = find_town(wanted.near)
        except UnknownTown as unknown:
            raise _errors("body", {"preferences.near": [str(unknown)]}) from None
    preferences = MatchPreferences(
        max_fee_minor=wanted.max_fee_minor,
        currency=wanted.currency,
        format="in_person" if town else wanted.format,
        town=town,
        within_km=wanted.within_km,
        language=wanted.language,
        couples=wanted.couples,
        gender=wanted.gender,
        specialties=tuple(wanted.specialties),
    )
    needs = needs_from_result(result, couples=preferences.couples)
    matches = match_therapists(result=result, preferences=preferences)
    return {
        "needs": {
            "specialties": list(needs.specialties),
            "couples": needs.couples,
            "safety": needs.safety,
            "because": list(needs.because),
        },
        "matches": [
            {
                "therapist": _therapist(found.profile, found.distance_km),
                "score": round(found.score, 2),
                "reasons": found.reasons,
            }
            for found in matches
        ],
    }
