"""The directory's "soonest free slot": worked out in bulk, stored on the therapist's profile.

The directory's sort hook must return a queryset it can page and count, so the order comes
from a stored column on the profile, ``TherapistProfile.next_free_at``, with its own index
(``directory_soonest_idx``): sorting needs no join, and the first page is read from the top of
the index. Booking services refresh it for a therapist whenever their bookings, hours or time
off change. Time makes it stale (the slot passes, the horizon moves on), so the sort first
refreshes the stale ones among the therapists a visitor is about to see (the top
``REFRESH_PER_REQUEST`` of the order), and ``manage.py refresh_soonest_slots`` refreshes the
rest from cron.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from tandem.booking.models import SessionType
from tandem.booking.slots import Diary, Slot, load_rules
from tandem.directory.models import TherapistProfile, TherapistProfileQuerySet

__all__ = [
    "order_by_soonest_free_slot",
    "refresh_next_free",
    "soonest_free_slot_for_many",
]

FIRST_LOOK_DAYS = 14
STALE_AFTER = timedelta(minutes=15)
REFRESH_PER_REQUEST = 60


def soonest_free_slot_for_many(
    profiles: Iterable[TherapistProfile | int], now: datetime | None = None
) -> dict[int, Slot | None]:
    """The soonest free slot of each therapist (for their shortest session type), by id.

    Six queries for any number of therapists: rules (2), session lengths, and exceptions
    and bookings for the next fortnight; a seventh pair only for those with nothing free in
    the fortnight, looking on to their horizon.
    """
    now = now or timezone.now()
    ids = [profile if isinstance(profile, int) else profile.pk for profile in profiles]
    if not ids:
        return {}
    minutes: dict[int, int] = {}
    for therapist_id, length in (
        SessionType.objects.filter(therapist_id__in=ids, is_active=True)
        .order_by()
        .values_list("therapist_id", "minutes")
    ):
        minutes[therapist_id] = min(length, minutes.get(therapist_id, length))
    rules = load_rules([pk for pk in ids if pk in minutes])
    found: dict[int, Slot | None] = dict.fromkeys(ids)
    pending = list(rules)
    start = now
    for days in (FIRST_LOOK_DAYS, None):
        if not pending:
            break
        horizon = max(rules[pk].horizon_days for pk in pending)
        end = now + timedelta(days=days if days is not None else horizon + 1)
        if end <= start:
            break
        diaries = Diary.load_many(pending, start, end, now=now, rules=rules)
        still = []
        for pk in pending:
            slot = diaries[pk].first_free_slot(minutes[pk])
            if slot is None:
                still.append(pk)
            else:
                found[pk] = slot
        pending, start = still, end
    return found


def refresh_next_free(profile_ids: Iterable[int], now: datetime | None = None) -> None:
    """Store the soonest free slot of each therapist (none for those who take no bookings)."""
    now = now or timezone.now()
    slots = soonest_free_slot_for_many(list(profile_ids), now)
    rows = [
        TherapistProfile(pk=pk, next_free_at=slot.start if slot else None, next_free_checked_at=now)
        for pk, slot in slots.items()
    ]
    TherapistProfile.objects.bulk_update(rows, ["next_free_at", "next_free_checked_at"])


def stale_slots(now: datetime) -> Q:
    """Profiles whose stored soonest slot may be wrong by now."""
    return (
        Q(next_free_checked_at__isnull=True)
        | Q(next_free_checked_at__lt=now - STALE_AFTER)
        | Q(next_free_at__lt=now)
    )


def _is_stale(next_free_at: datetime | None, checked_at: datetime | None, now: datetime) -> bool:
    """:func:`stale_slots` for one row already read (the sort's top rows)."""
    return (
        checked_at is None
        or checked_at < now - STALE_AFTER
        or (next_free_at is not None and next_free_at < now)
    )


def order_by_soonest_free_slot(queryset: TherapistProfileQuerySet) -> TherapistProfileQuerySet:
    """The directory's sort: soonest free slot first, those with none last.

    First refreshes the stale ones among the top ``REFRESH_PER_REQUEST`` of the order (what a
    visitor is about to see), read from the index; refreshing can move a therapist down, so
    it looks again, at most three times. What lies further down is cron's to refresh.
    """
    now = timezone.now()
    ordered = queryset.order_by(F("next_free_at").asc(nulls_last=True), "id")
    for _look in range(3):
        top = ordered.values_list("id", "next_free_at", "next_free_checked_at")[
            :REFRESH_PER_REQUEST
        ]
        stale = [pk for pk, at, checked in top if _is_stale(at, checked, now)]
        if not stale:
            break
        refresh_next_free(stale, now)
    return ordered
