"""Send every reminder that is due and not yet sent (run it from cron every few minutes).

The safety net beside the deferred tasks: each reminder is claimed with the same conditional
update, so this command and a worker never both send one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tandem.booking.models import Booking, BookingStatus
from tandem.booking.services import REMINDERS
from tandem.booking.tasks import send_reminder


class Command(BaseCommand):
    help = "Send booking reminders that are due (24 h and 1 h before) and not yet sent."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        sent = 0
        # The 24-hour reminder is due from 24 h to 1 h before; after that only the 1-hour one.
        due = {
            "24h": Booking.objects.filter(
                starts_at__lte=now + REMINDERS["24h"],
                starts_at__gt=now + REMINDERS["1h"],
                reminder_24h_sent_at__isnull=True,
            ),
            "1h": Booking.objects.filter(
                starts_at__lte=now + REMINDERS["1h"],
                starts_at__gt=now,
                reminder_1h_sent_at__isnull=True,
            ),
        }
        for which, bookings in due.items():
            for pk, starts_at in bookings.filter(status=BookingStatus.CONFIRMED).values_list(
                "pk", "starts_at"
            ):
                if send_reminder.call(pk, which, starts_at.isoformat()):
                    sent += 1
        self.stdout.write(f"Reminders sent: {sent}.\n")
