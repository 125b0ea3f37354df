"""Seams for parts of Tandem built on top of the directory (booking, the checks).

The directory never imports booking: data flows ``directory ← booking``. Booking plugs in
here from its ``AppConfig.ready()``::

    from tandem.directory import hooks
    hooks.register_soonest_sort(order_by_next_free_slot)

``order_by_next_free_slot(queryset)`` receives the filtered public profiles and returns them
ordered by their next free slot (soonest first; none last). Until something registers, the
"soonest free slot" sort is not offered. The "Book a session" button on a profile appears
when the URL name ``booking:book`` (taking the profile's slug) resolves.

The checks (``tandem.assessments``) register where a signed-in person's saved results
are, so the match page can start from the latest one without importing the checks::

    hooks.register_saved_results(results_for_matching)

``results_for_matching(user)`` returns that person's :class:`SavedResult` list, newest
first. Until something registers, the match page works from preferences alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from tandem.directory.models import TherapistProfileQuerySet

__all__ = [
    "SavedResult",
    "book_url",
    "register_saved_results",
    "register_soonest_sort",
    "saved_results",
    "soonest_sort",
]

SoonestSort = Callable[["TherapistProfileQuerySet"], "TherapistProfileQuerySet"]
_soonest_sort: SoonestSort | None = None


def register_soonest_sort(order: SoonestSort | None) -> None:
    """Offer the "soonest free slot" sort, ordering with ``order`` (``None`` withdraws it)."""
    global _soonest_sort
    _soonest_sort = order


def soonest_sort() -> SoonestSort | None:
    return _soonest_sort


def book_url(slug: str) -> str | None:
    try:
        return reverse("booking:book", args=[slug])
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class SavedResult:
    """One of a person's saved check results, as the match page may use it.

    ``key`` is the result's public id (it names the choice in the match form), ``result``
    the instrument's ``Result.to_dict()``, ``url`` the result's own page."""

    key: str
    title: str
    completed_at: datetime
    result: Mapping[str, Any]
    url: str


SavedResults = Callable[[Any], list[SavedResult]]
_saved_results: SavedResults | None = None


def register_saved_results(provider: SavedResults | None) -> None:
    """Let the match page start from a person's saved results (``None`` withdraws it)."""
    global _saved_results
    _saved_results = provider


def saved_results(user: Any) -> list[SavedResult]:
    """The signed-in ``user``'s saved results, newest first; none for anyone else."""
    if _saved_results is None or not getattr(user, "is_authenticated", False):
        return []
    return _saved_results(user)
