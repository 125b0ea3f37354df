"""Work out again each therapist's soonest free slot for the directory's sort (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tandem.booking.soonest import refresh_next_free, stale_slots
from tandem.directory.models import TherapistProfile

BATCH = 200


class Command(BaseCommand):
    help = "Refresh the stored soonest free slot of every therapist whose value is stale."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        ids = list(
            TherapistProfile.objects.filter(stale_slots(now), booking_settings__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for first in range(0, len(ids), BATCH):
            refresh_next_free(ids[first : first + BATCH], now)
        self.stdout.write(f"Soonest free slots refreshed: {len(ids)}.\n")
