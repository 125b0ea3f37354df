"""Builders for booking tests: a bookable therapist with hours, rules and session types."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.booking.models import BookingSettings, SessionType, WeeklyHours
from tandem.booking.slots import Slot, free_slots_for
from tandem.directory.models import TherapistProfile
from tandem.directory.tests.helpers import make_profile

WEEKDAYS = range(7)

# The week most booking tests live in: "now" is Monday 22 March 2027, 08:00 GMT, and START
# is the next Monday at 09:00 UTC (10:00 BST, after London's clocks have gone forward).
NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)
START = datetime(2027, 3, 29, 9, tzinfo=UTC)


def make_bookable(
    user: User | None = None,
    *,
    time_zone: str = "Europe/London",
    hours: tuple[tuple[time, time], ...] = ((time(9), time(17)),),
    weekdays: range | tuple[int, ...] = WEEKDAYS,
    minutes: int = 50,
    buffer_minutes: int = 10,
    minimum_notice_minutes: int = 0,
    horizon_days: int = 365,
    daily_cap: int | None = None,
    auto_confirm: bool = True,
    cancellation_window_hours: int = 24,
    **profile_fields: Any,
) -> tuple[TherapistProfile, SessionType]:
    profile = make_profile(user, **profile_fields)
    BookingSettings.objects.create(
        therapist=profile,
        time_zone=time_zone,
        buffer_minutes=buffer_minutes,
        minimum_notice_minutes=minimum_notice_minutes,
        horizon_days=horizon_days,
        daily_cap=daily_cap,
        auto_confirm=auto_confirm,
    )
    for weekday in weekdays:
        for start, end in hours:
            WeeklyHours.objects.create(therapist=profile, weekday=weekday, start=start, end=end)
    session = SessionType.objects.create(
        therapist=profile,
        name="Individual session",
        minutes=minutes,
        price_minor=6000,
        currency=profile.currency,
        format="video",
        cancellation_window_hours=cancellation_window_hours,
    )
    return profile, session


def soon_bookable() -> tuple[SessionType, Slot]:
    """A new therapist's session type, an hour's notice, and its first free slot from now.

    For the tests that run against real servers, where time cannot be frozen.
    """
    profile, session_type = make_bookable(minimum_notice_minutes=60)
    now = timezone.now()
    return session_type, free_slots_for(profile, session_type, now, now + timedelta(days=7))[0]
