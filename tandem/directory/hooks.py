"""Seams for parts of Tandem built on top of the directory (booking).

The directory never imports booking: data flows ``directory ← booking``. Booking plugs in
here from its ``AppConfig.ready()``::

    from tandem.directory import hooks
    hooks.register_soonest_sort(order_by_next_free_slot)

``order_by_next_free_slot(queryset)`` receives the filtered public profiles and returns them
ordered by their next free slot (soonest first; none last). Until something registers, the
"soonest free slot" sort is not offered. The "Book a session" button on a profile appears
when the URL name ``booking:book`` (taking the profile's slug) resolves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from tandem.directory.models import TherapistProfileQuerySet

__all__ = ["book_url", "register_soonest_sort", "soonest_sort"]

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
