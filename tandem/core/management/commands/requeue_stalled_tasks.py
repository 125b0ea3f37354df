from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.lib.models import EmailDelivery

# Delivery records outlive their task rows (prune_db_task_results) by a wide margin.
DELIVERY_RECORDS_KEPT = timedelta(days=30)


class Command(BaseCommand):
    help = (
        "Put background tasks whose worker died back in the queue: a task claimed longer ago "
        "than TASKS_STALLED_AFTER_SECONDS returns to 'ready' for another worker. Emails sent "
        "by such a task go out once all the same (tandem.lib.outbox). Also forgets email "
        "delivery records older than 30 days. Run it every minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="seconds a task may run before it counts as stalled "
            "(default: TASKS_STALLED_AFTER_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["older_than"]
        if seconds is None:
            seconds = settings.TASKS_STALLED_AFTER_SECONDS
        now = timezone.now()
        # One conditional UPDATE: a task that finished meanwhile is no longer 'RUNNING' and is
        # left alone, and a worker can only claim it again once it is 'READY'.
        requeued = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            started_at__lt=now - timedelta(seconds=max(0, seconds)),
        ).update(status=TaskResultStatus.READY, started_at=None)
        forgotten, _ = EmailDelivery.objects.filter(
            claimed_at__lt=now - DELIVERY_RECORDS_KEPT
        ).delete()
        self.stdout.write(
            f"Requeued {requeued} stalled task(s); forgot {forgotten} old delivery record(s)."
        )
