"""Matching: from a person's result and preferences to a short, ranked list with reasons.

:func:`match_therapists` is the one entry point, used by the match page, the API and, later,
the checks' result page. The result is ``tandem.instruments`` ``Result.to_dict()`` (or
``None``); every key is optional, so an older or partial result still works.

How it ranks: hard preferences (format and place, language, gender, couples, budget) filter
in the database; the candidates who work with what the result points to come first, and
each is scored in Python on what they share with the person's needs. The tier is never
read: two therapists who differ only in tier score the same and keep the neutral order
(taking new clients, then profile id).

Safety first: when the result raises the ``safety`` flag, only therapists who work with
recovery from abuse or trauma and see people on their own are suggested, couples work is
never suggested, and the reason says so gently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.db.models.lookups import Exact, LessThanOrEqual

from tandem.directory.gazetteer import Town, distance_km
from tandem.directory.models import (
    Currency,
    Format,
    TherapistProfile,
    TherapistProfileQuerySet,
    budget_fee,
    format_money,
)
from tandem.directory.search import bit_condition, fetch_page, near_condition
from tandem.directory.vocab import LANGUAGES, SPECIALTIES

__all__ = [
    "SAFETY_REASON",
    "Match",
    "MatchPreferences",
    "Needs",
    "match_therapists",
    "needs_from_result",
]

SAFETY_REASON = "has experience supporting people who feel unsafe in a relationship"
SAFETY_SPECIALTIES = ("abuse_recovery", "trauma")
CANDIDATES = 100

# What a style or a plan strategy suggests a therapist should work with, most telling first.
STYLE_NEEDS: dict[str, tuple[str, ...]] = {
    "codependent": ("codependency", "self_esteem", "boundaries"),
    "counterdependent": ("attachment", "intimacy"),
    "dependent": ("dependency", "self_esteem"),
    "interdependent": (),
}
PATTERN_NEEDS: dict[str, tuple[str, ...]] = {
    "switching": ("attachment", "codependency"),
    "mixed": ("attachment",),
}
STRATEGY_NEEDS: dict[str, tuple[str, ...]] = {
    "self_esteem": ("self_esteem",),
    "alone": ("dependency", "self_esteem"),
    "listening": ("communication",),
    "needs_boundaries": ("boundaries", "communication"),
    "own_goals": ("self_esteem",),
    "attachment": ("attachment",),
    "couples_counselling": ("couples", "communication"),
    "specialist_support": SAFETY_SPECIALTIES,
}


@dataclass(frozen=True)
class MatchPreferences:
    """What the person asked for. ``town`` means in person, within ``within_km``."""

    max_fee_minor: int | None = None
    currency: str = "GBP"
    format: str = ""
    town: Town | None = None
    within_km: int = 25
    language: str = ""
    couples: bool = False
    gender: str = ""
    specialties: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        max_fee_minor: int | None = None,
        currency: str = "",
        format: str = "",
        town: Town | None = None,
        within_km: int | None = None,
        language: str = "",
        couples: bool = False,
        gender: str = "",
        specialties: Iterable[str] = (),
    ) -> MatchPreferences:
        """The one way in, for the match page, a check's results page and the API.

        Blank means no preference; the fee is in minor units of ``currency`` (GBP when
        blank); naming a town means meeting in person there.

        >>> MatchPreferences.build(max_fee_minor=6000, currency="USD", format="video").format
        'video'
        """
        return cls(
            max_fee_minor=max_fee_minor,
            currency=currency or Currency.GBP,
            format=Format.IN_PERSON if town else format or "",
            town=town,
            within_km=int(within_km or 25),
            language=language or "",
            couples=bool(couples),
            gender=gender or "",
            specialties=tuple(specialties or ()),
        )


@dataclass(frozen=True)
class Needs:
    """What a result points to: specialties (most telling first), couples work, safety."""

    specialties: tuple[str, ...] = ()
    couples: bool = False
    safety: bool = False
    because: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    profile: TherapistProfile
    score: float
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None


def _flag_keys(flags: Any) -> set[str]:
    keys: set[str] = set()
    if not isinstance(flags, list | tuple):
        return keys
    for flag in flags:
        if isinstance(flag, str):
            keys.add(flag)
        elif isinstance(flag, Mapping) and isinstance(flag.get("key"), str):
            keys.add(flag["key"])
    return keys


def _ordered_unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value in SPECIALTIES))


def needs_from_result(result: Mapping[str, Any] | None, *, couples: bool = False) -> Needs:
    """Read what a result points to, tolerating missing or unknown keys.

    Example: a result whose style is ``codependent`` and whose plan starts with
    ``needs_boundaries`` needs codependency, self-esteem, boundaries and communication.
    """
    result = result if isinstance(result, Mapping) else {}
    safety = "safety" in _flag_keys(result.get("flags"))
    wanted: list[str] = []
    because: list[str] = []
    style = result.get("style") if isinstance(result.get("style"), Mapping) else None
    if style:
        primary = style.get("primary")
        if isinstance(primary, str) and STYLE_NEEDS.get(primary):
            wanted.extend(STYLE_NEEDS[primary])
            because.append(f"your results lean towards a {primary} way of relating")
        pattern = style.get("pattern")
        if isinstance(pattern, str) and pattern in PATTERN_NEEDS:
            wanted.extend(PATTERN_NEEDS[pattern])
    plan_value = result.get("plan")
    plan: list[Any] = plan_value if isinstance(plan_value, list) else []
    strategies = [step.get("strategy") for step in plan if isinstance(step, Mapping)] + [
        step for step in plan if isinstance(step, str)
    ]
    wants_couples = couples
    for strategy in strategies:
        if isinstance(strategy, str):
            wanted.extend(STRATEGY_NEEDS.get(strategy, ()))
            wants_couples = wants_couples or strategy == "couples_counselling"
    if safety:
        # Couples work is not safe when a person may fear their partner (DESIGN.md §5).
        wanted = [*SAFETY_SPECIALTIES, *(s for s in wanted if s != "couples")]
        wants_couples = False
        because.insert(0, "your answers suggest you may not feel safe")
    return Needs(
        specialties=_ordered_unique(wanted),
        couples=wants_couples,
        safety=safety,
        because=tuple(because),
    )


def _hard_filters(
    queryset: TherapistProfileQuerySet, preferences: MatchPreferences, needs: Needs
) -> TherapistProfileQuerySet:
    queryset = queryset.filter(accepting_new_clients=True)
    if needs.safety:
        safety_bits = SPECIALTIES.mask(SAFETY_SPECIALTIES)
        queryset = queryset.filter(sees_individuals=True).filter(
            bit_condition("specialty_bits", safety_bits)
        )
    elif needs.couples:
        queryset = queryset.filter(sees_couples=True)
    else:
        queryset = queryset.filter(sees_individuals=True)
    format_columns: dict[str, str] = {
        Format.VIDEO: "offers_video",
        Format.PHONE: "offers_phone",
        Format.IN_PERSON: "offers_in_person",
    }
    if preferences.town is None and preferences.format in format_columns:
        queryset = queryset.filter(**{format_columns[preferences.format]: True})
    if preferences.language:
        queryset = queryset.filter(
            bit_condition("language_bits", LANGUAGES[preferences.language].bit)
        )
    if preferences.gender:
        queryset = queryset.filter(gender=preferences.gender)
    if preferences.max_fee_minor is not None:
        # "The fee or the sliding scale is within budget", as a range the budget indexes read.
        queryset = queryset.filter(
            LessThanOrEqual(budget_fee(couples=needs.couples), preferences.max_fee_minor),
            currency=preferences.currency,
        )
    if preferences.town is not None:
        # Last: SQLite tests a WHERE's terms in order, and the circle's arithmetic costs most.
        queryset = queryset.filter(
            Q(offers_in_person=True) & near_condition(preferences.town, preferences.within_km)
        )
    return queryset


def _candidates(
    queryset: TherapistProfileQuerySet, wanted: tuple[str, ...]
) -> list[TherapistProfile]:
    """Those who work with the two most telling needs first, then with any, then anyone:
    each step reads at most CANDIDATES rows in the neutral order, so this stays fast at a
    million profiles."""
    queryset = queryset.order_by("-accepting_new_clients", "id")
    steps: list[Any] = []
    if wanted:
        top = SPECIALTIES.mask(wanted[:2])
        steps.append(Exact(F("specialty_bits").bitand(top), top))
        if len(wanted) > 1:
            steps.append(bit_condition("specialty_bits", SPECIALTIES.mask(wanted)))
    steps.append(None)
    found: dict[int, TherapistProfile] = {}
    for condition in steps:
        step = queryset if condition is None else queryset.filter(condition)
        if found:
            step = step.exclude(pk__in=list(found))
        for profile in fetch_page(step, 0, CANDIDATES - len(found)):
            found[profile.pk] = profile
        if len(found) >= CANDIDATES // 4:
            break
    return list(found.values())


def _score(
    profile: TherapistProfile, preferences: MatchPreferences, needs: Needs
) -> tuple[float, list[str], float | None]:
    score = 0.0
    reasons: list[str] = []
    wanted = needs.specialties
    if needs.safety and profile.specialty_bits & SPECIALTIES.mask(SAFETY_SPECIALTIES):
        score += 10
        reasons.append(SAFETY_REASON)
    for position, key in enumerate(wanted):
        if key in SAFETY_SPECIALTIES and needs.safety:
            continue
        if profile.specialty_bits & SPECIALTIES[key].bit:
            # Earlier needs are more telling: 4, 3, 2, then 1 point each.
            score += max(1, 4 - position)
            if key == "couples":
                continue
            reasons.append(f"works with {SPECIALTIES.label(key).lower()}")
    for key in preferences.specialties:
        if (
            key not in wanted
            and key in SPECIALTIES
            and profile.specialty_bits & SPECIALTIES[key].bit
        ):
            score += 3
            reasons.append(f"works with {SPECIALTIES.label(key).lower()}")
    if needs.safety:
        reasons.append("sees people on their own")
    elif needs.couples and profile.sees_couples:
        score += 2
        reasons.append("sees couples")
    if preferences.max_fee_minor is not None:
        fee = profile.fee_couple_minor if needs.couples else profile.fee_individual_minor
        if fee is not None and fee <= preferences.max_fee_minor:
            score += 2
            reasons.append(f"within your budget ({profile.money(fee)} a session)")
        elif profile.sliding_scale_min_minor is not None:
            score += 1
            reasons.append(
                "offers a sliding scale from "
                f"{format_money(profile.sliding_scale_min_minor, profile.currency)}, "
                "within your budget"
            )
    distance = None
    if preferences.town is not None:
        distance = distance_km(
            preferences.town.latitude,
            preferences.town.longitude,
            profile.latitude,
            profile.longitude,
        )
        score += max(0.0, 1 - distance / max(1, preferences.within_km))
        reasons.append(f"sees people in person {distance:.0f} km from {preferences.town.name}")
    elif preferences.format in (Format.VIDEO, Format.PHONE):
        reasons.append(f"offers {Format(preferences.format).label.lower()} sessions")
    if preferences.language:
        reasons.append(f"speaks {LANGUAGES.label(preferences.language)}")
    reasons.append("is taking new clients")
    return score, reasons, distance


def match_therapists(
    *,
    result: Mapping[str, Any] | None,
    preferences: MatchPreferences,
    limit: int = 10,
) -> list[Match]:
    """Rank public therapists for a person.

    Parameters:
        result: the instrument result (``Result.to_dict()``), or ``None`` for preferences
            alone.
        preferences: what the person asked for.
        limit: how many matches to return.

    Returns:
        up to ``limit`` matches, best first; each with its score and its reasons in plain
        words ("works with codependency", "sees couples", "within your budget (£60 a
        session)").

    Example: a codependent result with a budget of £60 ranks a therapist who works with
    codependency and self-esteem for £55 above one who works with anxiety for £50.
    """
    needs = needs_from_result(result, couples=preferences.couples)
    # verified(), not public(): fetch_page leaves out inactive accounts (see there).
    queryset = _hard_filters(TherapistProfile.objects.verified(), preferences, needs)
    wanted = _ordered_unique([*needs.specialties, *preferences.specialties])
    scored = []
    for profile in _candidates(queryset, wanted):
        score, reasons, distance = _score(profile, preferences, needs)
        scored.append(Match(profile=profile, score=score, reasons=reasons, distance_km=distance))
    # Ties keep the neutral order: taking new clients (all are), then the oldest profile.
    scored.sort(key=lambda match: (-match.score, match.profile.pk))
    return scored[:limit]
