"""Work out again each therapist's soonest free slot for the directory's sort (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tandem.booking.models import BookingSettings
from tandem.booking.soonest import refresh_next_free, stale_settings

BATCH = 200


class Command(BaseCommand):
    help = "Refresh the stored soonest free slot of every therapist whose value is stale."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        ids = list(
            BookingSettings.objects.filter(stale_settings(now)).values_list(
                "therapist_id", flat=True
            )
        )
        for first in range(0, len(ids), BATCH):
            refresh_next_free(ids[first : first + BATCH], now)
        self.stdout.write(f"Soonest free slots refreshed: {len(ids)}.\n")
