"""A booking email goes out once when a worker dies mid-task and another takes the task over.

The tasks run on the real database backend (django-tasks-db) and are run by its worker's own
``run_task``; the email goes to a real local SMTP server.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import make_bookable
from tandem.lib.models import EmailDelivery, EmailDeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }


def _worker(name: str) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=name,
        excluded_queue_names=[],
    )


def _run(row: DBTaskResult, worker: str) -> None:
    row.refresh_from_db()
    row.claim(worker)
    _worker(worker).run_task(row)


def _email_tasks(client_user: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    _profile, session = make_bookable(user=None)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    start = start.replace(hour=10)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            slot_start=start, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
        )
    rows = DBTaskResult.objects.filter(task_path__endswith="send_booking_email")
    return {row.args_kwargs["args"][2]: row for row in rows}


def _stall(row: DBTaskResult) -> None:
    """What a SIGKILLed worker leaves: the task still marked running, claimed long ago."""
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )


@pytest.mark.usefixtures("database_tasks")
def test_a_task_run_again_after_its_email_went_out_does_not_send_it_twice(
    smtp_inbox: Any, client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = _email_tasks(client_user, django_capture_on_commit_callbacks)["client"]
    _run(row, "worker-a")
    assert len(smtp_inbox.wait_for(1)) == 1
    # The worker is killed after the send but before it could record the task's success.
    _stall(row)

    call_command("requeue_stalled_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    _run(row, "worker-b")

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value is False  # worker-b found the email sent
    assert row.worker_ids == ["worker-a", "worker-b"]
    assert [m["To"] for m in smtp_inbox.messages] == [client_user.email]


@pytest.mark.usefixtures("database_tasks")
def test_an_email_whose_worker_died_mid_send_is_sent_once_by_the_next_worker(
    smtp_inbox: Any, client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = _email_tasks(client_user, django_capture_on_commit_callbacks)["therapist"]
    row.claim("worker-a")
    # worker-a claimed the delivery and was killed before the SMTP server accepted anything.
    EmailDelivery.objects.create(
        key=f"task:{row.pk}",
        status=EmailDeliveryStatus.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    _stall(row)

    call_command("requeue_stalled_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _run(row, "worker-b")

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value is True
    assert len(smtp_inbox.wait_for(1)) == 1
    delivery = EmailDelivery.objects.get(key=f"task:{row.pk}")
    assert (delivery.status, delivery.attempts) == (EmailDeliveryStatus.SENT, 2)


@pytest.mark.usefixtures("database_tasks")
def test_a_task_another_worker_is_still_running_is_not_requeued(
    client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = _email_tasks(client_user, django_capture_on_commit_callbacks)["client"]
    row.claim("worker-a")  # claimed just now: a live worker busy with it

    call_command("requeue_stalled_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_delivery_records_are_forgotten_after_thirty_days() -> None:
    now = timezone.now()
    EmailDelivery.objects.create(
        key="old", status=EmailDeliveryStatus.SENT, claimed_at=now - timedelta(days=31)
    )
    EmailDelivery.objects.create(
        key="recent", status=EmailDeliveryStatus.SENT, claimed_at=now - timedelta(days=29)
    )

    call_command("requeue_stalled_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(EmailDelivery.objects.values_list("key", flat=True)) == ["recent"]
