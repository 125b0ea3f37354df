from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.assessments import services


class Command(BaseCommand):
    help = (
        "Delete anonymous check responses (answers and results) that nobody kept and nobody "
        "touched for seven days. Run it daily, e.g. from cron or a systemd timer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = services.purge_anonymous_responses()
        self.stdout.write(f"Deleted {deleted} anonymous response(s) older than 7 days.")
