"""Create, send and remind the measures therapists scheduled (run it from cron every few
minutes, like ``send_due_reminders``): it queues the round on the worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.practice.tasks import run_due_measures_task


class Command(BaseCommand):
    help = "Queue the worker's round of scheduled measures: due ones sent, one reminder each."

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_due_measures_task.enqueue()
        self.stdout.write(f"Scheduled measures: round queued ({result.id}).\n")
