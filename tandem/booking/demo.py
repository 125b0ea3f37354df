"""Booking rules for every demo therapist: their zone, weekday hours and 2-3 session types.

Runs after the directory's seed (INSTALLED_APPS order). Idempotent: a therapist who already
has booking settings is left as they are.
"""

from __future__ import annotations

import random
from datetime import time
from typing import TextIO

from django.db import transaction

from tandem.booking.models import BookingSettings, SessionType, WeeklyHours
from tandem.directory.models import Country, Format, TherapistProfile

ZONES = {Country.GB: "Europe/London", Country.US: "America/New_York"}
DAY_SHAPES = [
    [(time(9), time(12)), (time(13), time(17))],
    [(time(10), time(13)), (time(14), time(19))],
    [(time(8), time(12))],
    [(time(12), time(20))],
]


def seed(stdout: TextIO) -> None:
    rng = random.Random(2027)
    added = 0
    with transaction.atomic():
        profiles = TherapistProfile.objects.public().filter(booking_settings__isnull=True)
        for profile in profiles.order_by("pk"):
            BookingSettings.objects.create(
                therapist=profile,
                time_zone=ZONES.get(profile.country, "Europe/London"),  # type: ignore[call-overload]
                buffer_minutes=rng.choice([0, 10, 10, 15]),
                minimum_notice_minutes=rng.choice([120, 720, 1440]),
                horizon_days=rng.choice([30, 60, 90]),
                daily_cap=rng.choice([None, None, 5, 6]),
                auto_confirm=rng.random() < 0.7,
            )
            working_days = sorted(rng.sample(range(6), rng.choice([3, 4, 5])))
            for weekday in working_days:
                for start, end in rng.choice(DAY_SHAPES):
                    WeeklyHours.objects.create(
                        therapist=profile, weekday=weekday, start=start, end=end
                    )
            video = Format.VIDEO if profile.offers_video else profile.formats[0]
            if profile.sees_individuals:
                SessionType.objects.create(
                    therapist=profile,
                    name="Individual session",
                    minutes=50,
                    price_minor=profile.fee_individual_minor or 0,
                    currency=profile.currency,
                    format=video,
                )
            if profile.sees_couples:
                SessionType.objects.create(
                    therapist=profile,
                    name="Couple session",
                    minutes=80,
                    price_minor=profile.fee_couple_minor or 0,
                    currency=profile.currency,
                    format=video,
                    for_couples=True,
                    cancellation_window_hours=48,
                )
            SessionType.objects.create(
                therapist=profile,
                name="Introduction call",
                minutes=15,
                price_minor=0,
                currency=profile.currency,
                format=Format.PHONE if profile.offers_phone else video,
                cancellation_window_hours=2,
            )
            added += 1
    from tandem.booking.soonest import refresh_next_free

    refresh_next_free(
        BookingSettings.objects.filter(therapist__next_free_checked_at__isnull=True).values_list(
            "therapist_id", flat=True
        )
    )
    stdout.write(f"Demo booking: {added} therapists given hours and session types.\n")
