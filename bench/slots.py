"""Benchmark: free slots for one busy therapist, and the soonest slot of a search page.

Builds its own SQLite database in a temporary directory, then measures the median of many
runs of:

* ``free_slots_for`` over 60 days for a therapist with hours every weekday and ~200 bookings
  (target: under 5 ms, queries included);
* ``soonest_free_slot_for_many`` for the 20 therapists of one search page (target: 10 ms).

    .venv/bin/python bench/slots.py [--runs 300]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

_data = tempfile.mkdtemp(prefix="tandem-bench-slots-")
os.environ["TANDEM_DATA_DIR"] = _data
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tandem.accounts.models import Role, User  # noqa: E402
from tandem.booking.models import (  # noqa: E402
    Booking,
    BookingSettings,
    BookingStatus,
    SessionType,
    WeeklyHours,
)
from tandem.booking.slots import free_slots_for  # noqa: E402
from tandem.booking.soonest import soonest_free_slot_for_many  # noqa: E402
from tandem.directory.generate import _pools, build_profile  # noqa: E402
from tandem.directory.models import ProfileStatus, TherapistProfile  # noqa: E402

NOW = datetime(2027, 3, 1, 7, 30, tzinfo=UTC)
DAYS = 60
THERAPISTS = 20
BUSY_BOOKINGS = 200


def _therapist(rng: random.Random, pools: Any, number: int) -> tuple[TherapistProfile, SessionType]:
    user = User.objects.create_user(f"bench{number}@example.invalid", role=Role.THERAPIST)
    profile = build_profile(
        rng,
        user=user,
        name=f"Bench Therapist {number}",
        slug="",
        pools=pools,
        status=ProfileStatus.VERIFIED,
    )
    profile.save()
    BookingSettings.objects.create(
        therapist=profile,
        time_zone=rng.choice(["Europe/London", "America/New_York"]),
        buffer_minutes=10,
        minimum_notice_minutes=12 * 60,
        horizon_days=90,
        daily_cap=None,
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(therapist=profile, weekday=day, start=start, end=end)
        for day in range(5)
        for start, end in (
            (datetime(1, 1, 1, 9).time(), datetime(1, 1, 1, 12).time()),
            (datetime(1, 1, 1, 13).time(), datetime(1, 1, 1, 18).time()),
        )
    )
    session = SessionType.objects.create(
        therapist=profile, name="Individual session", minutes=50, price_minor=6000
    )
    SessionType.objects.create(
        therapist=profile, name="Couple session", minutes=80, price_minor=9000
    )
    return profile, session


def _fill(profile: TherapistProfile, session: SessionType, count: int, rng: random.Random) -> int:
    """Book ``count`` of the therapist's free slots over the next 60 days (or all of them)."""
    client = User.objects.create_user(f"client-of-{profile.pk}@example.invalid")
    free = free_slots_for(profile, session, NOW, NOW + timedelta(days=DAYS), now=NOW)
    chosen = sorted(rng.sample(free, min(count, len(free))))
    Booking.objects.bulk_create(
        Booking(
            therapist=profile,
            therapist_name=profile.name,
            client=client,
            client_name="Bench client",
            session_type=session,
            session_name=session.name,
            format="video",
            starts_at=slot.start,
            ends_at=slot.end,
            blocked_until=slot.end + timedelta(minutes=10),
            status=BookingStatus.CONFIRMED,
            ical_uid=f"bench-{profile.pk}-{n}@tandem",
        )
        for n, slot in enumerate(chosen)
    )
    return len(chosen)


def _median_ms(function: object, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    runs = parser.parse_args().runs

    call_command("migrate", verbosity=0)
    rng = random.Random(6)
    pools = _pools(rng)
    profiles = [_therapist(rng, pools, number) for number in range(THERAPISTS)]
    busy, busy_session = profiles[0]
    booked = _fill(busy, busy_session, BUSY_BOOKINGS, rng)
    for profile, session in profiles[1:]:
        # Most of a page is busy too: their first fortnight nearly full.
        _fill(profile, session, rng.randint(40, 80), rng)
    page = [profile for profile, _session in profiles]

    slots = free_slots_for(busy, busy_session, NOW, NOW + timedelta(days=DAYS), now=NOW)
    one = _median_ms(
        lambda: free_slots_for(busy, busy_session, NOW, NOW + timedelta(days=DAYS), now=NOW), runs
    )
    many = _median_ms(lambda: soonest_free_slot_for_many(page, NOW), runs)
    print(f"Busy therapist: {booked} bookings over {DAYS} days, {len(slots)} free slots left.")
    print(f"free_slots_for, {DAYS} days, one busy therapist: median {one:.2f} ms (target < 5 ms)")
    print(
        f"soonest free slot, {THERAPISTS} therapists of a search page: "
        f"median {many:.2f} ms (target < 10 ms)"
    )
    print("Both targets met." if one < 5 and many < 10 else "A target was missed.")
    shutil.rmtree(_data, ignore_errors=True)


if __name__ == "__main__":
    main()
