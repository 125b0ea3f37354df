"""'Find a couples therapist': the directory's matching, for two people at once.

Each partner says what they can pay towards a session and how they can meet. The couple's
budget is the two shares added up (only once both have said theirs), and only the ways of
meeting both can attend count. The directory is asked once per shared way of meeting and
the lists are merged, best match first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tandem.couples.models import Member
from tandem.directory.matching import Match, MatchPreferences, match_therapists
from tandem.directory.models import Format

__all__ = ["CoupleNeeds", "couple_matches", "couple_needs"]

#: What a couple's report points to: couples work (never asked when either raised a flag:
#: this is only reached when the couple report exists, which a flag prevents).
COUPLE_RESULT = {"plan": [{"strategy": "couples_counselling"}], "flags": []}


@dataclass(frozen=True)
class CoupleNeeds:
    budget_minor: int | None
    formats: tuple[str, ...]  # empty: any way
    no_shared_format: bool
    waiting_for_share: bool


def couple_needs(members: Sequence[Member]) -> CoupleNeeds:
    shares = [m.budget_share_minor for m in members]
    budget = sum(s for s in shares if s is not None) if all(s is not None for s in shares) else None
    every = [value for value, _label in Format.choices]
    common = set(every)
    for member in members:
        if member.formats:
            common &= set(member.formats)
    formats = tuple(value for value in every if value in common)
    return CoupleNeeds(
        budget_minor=budget,
        formats=() if len(formats) == len(every) else formats,
        no_shared_format=not formats,
        waiting_for_share=any(s is not None for s in shares) and budget is None,
    )


def couple_matches(needs: CoupleNeeds, *, limit: int = 10) -> list[Match]:
    if needs.no_shared_format:
        return []
    asks = list(needs.formats) or [""]
    found: dict[int, Match] = {}
    for fmt in asks:
        preferences = MatchPreferences.build(
            max_fee_minor=needs.budget_minor, format=fmt, couples=True
        )
        for match in match_therapists(result=COUPLE_RESULT, preferences=preferences, limit=limit):
            kept = found.get(match.profile.pk)
            if kept is None or match.score > kept.score:
                found[match.profile.pk] = match
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.profile.pk))
    return ranked[:limit]
