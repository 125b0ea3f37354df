"""Directory search: filters, sorts and pages over public profiles, fast at a million rows.

Every filter is a test on one column of the profile row (booleans, fee columns, bit masks
for specialties, approaches and languages, a latitude/longitude box with the circle of
``gazetteer.distance_km`` tested inside it), the text filter uses
the database's full-text index (``textsearch.py``), and each sort has an index that starts
with ``status`` and carries every filter column. Counting every match would read every
match, which for a rare combination of filters is the whole index, so a page reads one row
more than it shows to know whether there is a next one, and says "more than 20".

"Best match" is deliberately plain: therapists accepting new clients first, then the order
profiles were created in. It never looks at the tier (DESIGN.md: a tier never buys rank).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import F, FloatField, Func, Q
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from tandem.directory import hooks
from tandem.directory.gazetteer import (
    KM_PER_DEGREE,
    Town,
    bounding_box,
    distance_km,
    east_scale_terms,
)
from tandem.directory.models import (
    Format,
    TherapistProfile,
    TherapistProfileQuerySet,
    budget_fee,
    format_money,
)
from tandem.directory.textsearch import text_condition
from tandem.directory.vocab import APPROACHES, LANGUAGES, SPECIALTIES

__all__ = [
    "PAGE_SIZE",
    "SORTS",
    "Listing",
    "Relaxation",
    "SearchParams",
    "SearchResults",
    "available_sorts",
    "bit_condition",
    "fetch_page",
    "near_condition",
    "search_profiles",
]

PAGE_SIZE = 20
RELAXATION_CAP = 20
RELAXATION_TRIES = 4
RELAXATION_ORDER = [
    "q",
    "near",
    "language",
    "approach",
    "gender",
    "sliding_scale",
    "max_fee_minor",
    "tier",
    "specialty",
    "couples",
    "format",
    "accepting",
]
MAX_PAGE = 50

SORTS = {
    "best": "Best match",
    "fee": "Lowest fee",
    "nearest": "Nearest",
    "soonest": "Soonest free slot",
}


def available_sorts(*, has_town: bool) -> dict[str, str]:
    sorts = dict(SORTS)
    if not has_town:
        sorts.pop("nearest")
    if hooks.soonest_sort() is None:
        sorts.pop("soonest")
    return sorts


@dataclass(frozen=True)
class SearchParams:
    """A validated search. ``town`` is the gazetteer's town for ``near``."""

    q: str = ""
    format: str = ""
    near: str = ""
    town: Town | None = None
    within_km: int = 25
    max_fee_minor: int | None = None
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

    def query_items(self, **overrides: Any) -> list[tuple[str, str]]:
        """The URL query for this search (only what differs from the defaults)."""
        params = replace(self, **overrides)
        items: list[tuple[str, str]] = []
        for item in fields(self):
            name = item.name
            if name in ("town", "max_fee_minor", "currency", "within_km"):
                continue
            value = getattr(params, name)
            if value == item.default:
                continue
            items.append((name, "1" if value is True else str(value)))
            if name == "near":
                items.append(("within_km", str(params.within_km)))
        if params.max_fee_minor is not None:
            whole = params.max_fee_minor / 100
            items.append(("max_fee", f"{whole:g}"))
        if params.max_fee_minor is not None or (
            params.sort == "fee" and params.currency != SearchParams.currency
        ):
            # "Lowest fee" starts from the currency: a page link keeps it.
            items.append(("currency", params.currency))
        return items

    def querystring(self, **overrides: Any) -> str:
        return urlencode(self.query_items(**overrides))


@dataclass(frozen=True)
class Listing:
    profile: TherapistProfile
    distance_km: float | None = None


@dataclass(frozen=True)
class Relaxation:
    """A filter whose removal would find therapists, for an empty result."""

    label: str
    count: int
    querystring: str


@dataclass
class SearchResults:
    """One page of results. ``total`` is exact when ``total_is_capped`` is false (the last
    page); otherwise it counts up to this page and there are more."""

    params: SearchParams
    listings: list[Listing]
    total: int
    total_is_capped: bool
    relaxations: list[Relaxation] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Pages known so far: this one, plus one if there are more."""
        return min(MAX_PAGE, self.params.page + (1 if self.total_is_capped else 0))

    @property
    def has_next(self) -> bool:
        return self.total_is_capped and self.params.page < MAX_PAGE

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1

    @property
    def next_query(self) -> str:
        return self.params.querystring(page=self.params.page + 1)

    @property
    def previous_query(self) -> str:
        return self.params.querystring(page=self.params.page - 1)


def bit_condition(field_name: str, bit: int) -> GreaterThan:
    """``field & bit > 0``, for the bit-mask columns (bits stay below the sign bit)."""
    return GreaterThan(F(field_name).bitand(bit), 0)


class _SquaredDegrees(Func):
    """``gazetteer.distance_km`` from the town, squared and in degrees, as SQL: plain
    arithmetic every database does (SQLite may have no trigonometry). One node rather than
    a tree of F() arithmetic, which Django would resolve again for every clause using it."""

    output_field = FloatField()

    def __init__(self, town: Town) -> None:
        super().__init__(F("latitude"), F("longitude"))
        self.town = town

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        lat, lat_params = compiler.compile(self.source_expressions[0])
        lng, lng_params = compiler.compile(self.source_expressions[1])
        if lat_params or lng_params:
            raise ValueError("latitude and longitude must be plain columns")
        a, b = east_scale_terms(self.town.latitude)
        d_lat = f"({lat} - %s)"
        d_east = f"(({lng} - %s) * (%s - {lat} * %s))"
        sql = f"({d_lat} * {d_lat} + {d_east} * {d_east})"
        lat0, lng0, scale0 = self.town.latitude, self.town.longitude, a + b * self.town.latitude
        return sql, [lat0, lat0, lng0, scale0, b, lng0, scale0, b]


def near_condition(town: Town, km: float) -> Q:
    """Within ``km`` of the town by ``gazetteer.distance_km`` (never more than ``km`` by
    great circle): the box around the circle is the index's range, the circle is tested on
    the rows in the box."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(town.latitude, town.longitude, km)
    radius = km / KM_PER_DEGREE
    # The arithmetic after the box: SQLite tests the terms of a WHERE in the order written.
    box = Q(
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lng,
        longitude__lte=max_lng,
    )
    return box & Q(LessThanOrEqual(_SquaredDegrees(town), radius * radius))


def _filters(params: SearchParams) -> list[tuple[str, str, Any]]:
    """(name, label, condition) for each active filter; the names are SearchParams fields
    so an empty result can say which to remove."""
    active: list[tuple[str, str, Any]] = []
    if params.q:
        condition = text_condition(params.q)
        if condition is not None:
            active.append(("q", f"the words “{params.q}”", condition))
    if params.format:
        column = {
            Format.VIDEO: "offers_video",
            Format.PHONE: "offers_phone",
            Format.IN_PERSON: "offers_in_person",
        }[Format(params.format)]
        label = Format(params.format).label.lower()
        active.append(("format", f"{label} sessions", Q(**{column: True})))
    if params.town is not None:
        active.append(
            (
                "near",
                f"within {params.within_km} km of {params.town.name}",
                Q(offers_in_person=True) & near_condition(params.town, params.within_km),
            )
        )
    if params.max_fee_minor is not None:
        column = "fee_couple_minor" if params.couples else "fee_individual_minor"
        # A fee within budget implies the budget fee (that fee or the sliding scale, the
        # lower) is too: the redundant test is the budget index's range.
        budget = Q(
            LessThanOrEqual(budget_fee(couples=params.couples), params.max_fee_minor),
            currency=params.currency,
            **{f"{column}__lte": params.max_fee_minor},
        )
        active.append(
            (
                "max_fee_minor",
                f"a fee of {format_money(params.max_fee_minor, params.currency)} or less",
                budget,
            )
        )
    if params.sliding_scale:
        active.append(
            ("sliding_scale", "a sliding scale", Q(sliding_scale_min_minor__isnull=False))
        )
    if params.specialty:
        term = SPECIALTIES[params.specialty]
        active.append(
            (
                "specialty",
                f"works with {term.label.lower()}",
                bit_condition("specialty_bits", term.bit),
            )
        )
    if params.approach:
        term = APPROACHES[params.approach]
        active.append(("approach", term.label, bit_condition("approach_bits", term.bit)))
    if params.couples:
        active.append(("couples", "sees couples", Q(sees_couples=True)))
    if params.language:
        term = LANGUAGES[params.language]
        active.append(
            ("language", f"speaks {term.label}", bit_condition("language_bits", term.bit))
        )
    if params.gender:
        active.append(("gender", "gender", Q(gender=params.gender)))
    if params.tier:
        active.append(("tier", f"{params.tier} tier", Q(tier=params.tier)))
    if params.accepting:
        active.append(("accepting", "taking new clients", Q(accepting_new_clients=True)))
    # SQLite tests the terms of a WHERE in the order written: plain column tests first, then
    # the circle's arithmetic and the text's set of matches, on the rows that are left.
    active.sort(key=lambda item: item[0] in ("near", "q"))
    return active


def _apply(queryset: TherapistProfileQuerySet, conditions: list[Any]) -> TherapistProfileQuerySet:
    for condition in conditions:
        queryset = queryset.filter(condition)
    return queryset


def _ordered(queryset: TherapistProfileQuerySet, params: SearchParams) -> TherapistProfileQuerySet:
    if params.sort == "fee":
        # One currency: the whole order is _fee_parts (the viewer's currency, then the rest).
        return queryset.order_by("currency", fee_sort_column(params), "id")
    if params.sort == "nearest" and params.town is not None:
        # The distance the filter tests and the page shows; the "near" filter has already
        # narrowed the rows to the circle, so sorting them by the arithmetic is cheap.
        return queryset.alias(distance=_SquaredDegrees(params.town)).order_by("distance", "id")
    if params.sort == "soonest":
        order = hooks.soonest_sort()
        if order is not None:
            return order(queryset)
    return queryset.order_by("-accepting_new_clients", "id")


def fee_sort_column(params: SearchParams) -> str:
    """What "lowest fee" sorts by: the fee a listing shows first, or the couple fee when the
    search is for couples. Sliding scales are left out: a listing shows them second."""
    return "fee_couple_minor" if params.couples else "shown_fee_minor"


def _fee_parts(
    queryset: TherapistProfileQuerySet, params: SearchParams
) -> list[TherapistProfileQuerySet]:
    """The "lowest fee" sort keeps currencies apart: the viewer's currency first, then the rest.

    £50 and $50 are not the same fee, so each currency is its own run, read in turn from
    the index that starts with the currency and then the fee (``directory_shown_fee_idx``);
    one ORDER BY putting a chosen currency first could not be read from an index. A budget is
    in one currency and already keeps to it, so with a budget there is no second run: asking
    for it would walk an index for rows the budget has ruled out."""
    column = fee_sort_column(params)
    mine = queryset.filter(currency=params.currency).order_by(column, "id")
    if params.max_fee_minor is not None:
        return [mine]
    return [mine, queryset.exclude(currency=params.currency).order_by("currency", column, "id")]


def fetch_page(
    queryset: TherapistProfileQuerySet, offset: int, size: int
) -> list[TherapistProfile]:
    return fetch_page_of_parts([queryset], offset, size)


def _ids(parts: list[TherapistProfileQuerySet], wanted: int) -> list[tuple[int, int]]:
    """The first ``wanted`` (id, user id) pairs of the parts, read one after the other."""
    rows: list[tuple[int, int]] = []
    for part in parts:
        if len(rows) >= wanted:
            break
        rows.extend(part.values_list("id", "user_id")[: wanted - len(rows)])
    return rows


def fetch_page_of_parts(
    parts: list[TherapistProfileQuerySet], offset: int, size: int
) -> list[TherapistProfile]:
    """The public rows of one page of ``queryset`` (verified profiles in a sort's order).

    The ids come from the search index alone and the rows by primary key after: one query
    reading whole rows would read a wide row for every row a filter rejects. The account's
    "active" flag is checked on the few ids found rather than joined into the search, which
    would look up an account for every row in the sort (thousands near a city) before the
    page is cut. If an inactive account's profile is among them, which is rare, the page
    is read again with the join."""
    rows = _ids(parts, offset + size)
    inactive = (
        get_user_model()
        .objects.filter(pk__in={user_id for _pk, user_id in rows}, is_active=False)
        .exists()
    )
    if inactive:
        rows = _ids([part.filter(user__is_active=True) for part in parts], offset + size)
    ids = [pk for pk, _user_id in rows[offset:]]
    found = TherapistProfile.objects.defer("statement_html", "search_text").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def bounded_count(queryset: TherapistProfileQuerySet, cap: int) -> tuple[int, bool]:
    """The number of rows, stopping at ``cap`` + 1: ``(count, capped)``."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap


def search_profiles(params: SearchParams) -> SearchResults:
    """Run a search: one page of listings, the (bounded) total, and, when nothing matches,
    which single filter to remove to find someone."""
    active = _filters(params)
    # fetch_page leaves out inactive accounts; the "soonest" sort's hook receives public
    # profiles, as its contract says.
    base = (
        TherapistProfile.objects.public()
        if params.sort == "soonest"
        else TherapistProfile.objects.verified()
    )
    filtered = _apply(base, [condition for _n, _l, condition in active])
    parts = _fee_parts(filtered, params) if params.sort == "fee" else [_ordered(filtered, params)]
    page = max(1, min(params.page, MAX_PAGE))
    offset = (page - 1) * PAGE_SIZE
    # One row more than a page says whether there is a next page. A full count would read
    # every match, which for a rare combination of filters is the whole index.
    rows = fetch_page_of_parts(parts, offset, PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    total, capped = offset + len(rows), more
    listings = [
        Listing(
            profile=profile,
            distance_km=(
                distance_km(
                    params.town.latitude, params.town.longitude, profile.latitude, profile.longitude
                )
                if params.town is not None
                else None
            ),
        )
        for profile in rows
    ]
    results = SearchResults(
        params=replace(params, page=page), listings=listings, total=total, total_is_capped=capped
    )
    if total == 0 and active:
        results.relaxations = _relaxations(params, active)
    return results


def _relaxations(params: SearchParams, active: list[tuple[str, str, Any]]) -> list[Relaxation]:
    found: list[Relaxation] = []
    base = TherapistProfile.objects.public()
    # The filters most likely to empty a search are tried first; each try may read the whole
    # index when the others are still selective, so at most RELAXATION_TRIES are tried.
    likely = sorted(active, key=lambda item: RELAXATION_ORDER.index(item[0]))
    for name, label, _condition in likely[:RELAXATION_TRIES]:
        others = [condition for other, _l, condition in active if other != name]
        count, _capped = bounded_count(_apply(base, others), cap=RELAXATION_CAP)
        if count:
            cleared: dict[str, Any] = {
                name: SearchParams.__dataclass_fields__[name].default,
                "page": 1,
            }
            if name == "near":
                cleared.update(town=None, sort="best" if params.sort == "nearest" else params.sort)
            found.append(
                Relaxation(label=label, count=count, querystring=params.querystring(**cleared))
            )
    found.sort(key=lambda relaxation: -relaxation.count)
    return found
