"""The directory's JSON API: search, one profile, and matching.

Mounted at ``/api/v1/`` by ``tandem/api.py``: ``GET /api/v1/therapists`` (the search page's
filters and sorts, same parameter names, read from ``SearchParams``) and
``GET /api/v1/therapists/{slug}``. ``POST /api/v1/match`` is the checks' route (it may score
answers first) and answers through ``match_listing`` here. Invalid input is a 422 whose
``detail`` lists each problem with its location, as ninja reports schema errors.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Literal, get_type_hints

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field, create_model, field_validator

from tandem.directory.forms import SearchForm
from tandem.directory.gazetteer import UnknownTown, find_town
from tandem.directory.matching import MatchPreferences, match_therapists, needs_from_result
from tandem.directory.models import Gender, TherapistProfile
from tandem.directory.search import SearchParams, available_sorts, search_profiles
from tandem.directory.vocab import LANGUAGES, SPECIALTIES
from tandem.lib.api_refusals import refusals

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


def _search_fields() -> dict[str, Any]:
    """SearchIn's fields, read from ``SearchParams``: the same names, types and defaults, but
    the fee as the search page takes it (``max_fee`` in whole units) and no ``town`` (the
    gazetteer's reading of ``near``)."""
    hints = get_type_hints(SearchParams)
    found: dict[str, Any] = {}
    for item in fields(SearchParams):
        if item.name == "town":
            continue
        if item.name == "max_fee_minor":
            found["max_fee"] = (
                str,
                Field("", description="In pounds or dollars, e.g. 60 or 59.50."),
            )
            continue
        found[item.name] = (hints[item.name], item.default)
    return found


# The search page's query parameters, for ``GET /therapists``.
SearchIn = create_model("SearchIn", __base__=Schema, **_search_fields())


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


def input_errors(where: str, errors: dict[str, list[str]]) -> ValidationError:
    """A 422 that lists each problem with its location, as ninja reports schema errors."""
    return ValidationError(
        [
            {"loc": [where, field], "msg": message, "type": "value_error"}
            for field, messages in errors.items()
            for message in messages
        ]
    )


@router.get("/therapists", response={200: SearchOut, **refusals(422)}, url_name="therapists")
def list_therapists(request: HttpRequest, filters: Query[SearchIn]) -> dict[str, Any]:  # type: ignore[valid-type]
    """Search public profiles: the same filters, sorts and pages as the search page."""
    data = {key: value for key, value in filters.dict().items() if value not in ("", False)}  # type: ignore[attr-defined]
    form = SearchForm(data)
    if not form.is_valid():
        raise input_errors(
            "query", {key: [str(m) for m in value] for key, value in form.errors.items()}
        )
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


def match_listing(result: dict[str, Any] | None, wanted: PreferencesIn) -> dict[str, Any]:
    """The answer of ``POST /api/v1/match`` for a scored result (or none) and preferences:
    what the result points to, and the ranked therapists with reasons. The checks' API owns
    the route and scores answers first; the directory only ever takes a result."""
    town = None
    if wanted.near:
        try:
            town = find_town(wanted.near)
        except UnknownTown as unknown:
            raise input_errors("body", {"preferences.near": [str(unknown)]}) from None
    preferences = MatchPreferences.build(**wanted.dict(exclude={"near"}), town=town)
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
