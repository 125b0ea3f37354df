from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.assessments.tests.helpers import complete_check
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import make_bookable

pytestmark = pytest.mark.django_db

TOKEN = "m" * 16 + "4fG9kQ2xV7pL1sD8hJ3n"


@pytest.fixture
def token(settings: Any) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(token: str) -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{sample} not in the metrics")


def test_metrics_are_not_served_without_a_configured_token(anonymous: Client) -> None:
    assert anonymous.get("/metrics").status_code == 404


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize(
    "authorization", ["", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_metrics_need_the_bearer_token(anonymous: Client, authorization: str) -> None:
    response = anonymous.get("/metrics", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "tandem_" not in response.content.decode()


@pytest.mark.usefixtures("token")
def test_metrics_refuse_post(anonymous: Client) -> None:
    response = anonymous.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 405


def test_metrics_report_latency_by_route_and_what_the_database_holds(
    token: str, client_user: Any
) -> None:
    _profile, session = make_bookable(user=None)
    booking_create(
        slot_start=(timezone.now() + timedelta(days=3)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ),
        session_type=session,
        client=client_user,
        idempotency_key=uuid.uuid4(),
    )
    complete_check(Client(), "healthy-relationship")
    Client().get("/healthz")
    waiting = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tandem.booking.tasks.send_waitlist_offer",
        queue_name="email",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=120),
    )
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=300)
    )

    text = _scrape(token)

    assert _value(text, 'tandem_bookings{status="confirmed"}') == 1
    assert _value(text, "tandem_checks_completed") == 1
    assert _value(text, 'tandem_task_queue_depth{queue="email"}') == 1
    assert _value(text, 'tandem_task_queue_depth{queue="default"}') == 0
    # A deferred task waits from when it was due, not from when it was enqueued.
    assert 115 <= _value(text, 'tandem_task_queue_oldest_age_seconds{queue="email"}') < 200
    assert _value(text, "tandem_tasks_stalled") == 0
    assert (
        _value(
            text,
            'tandem_http_request_duration_seconds_count{method="GET",route="healthz",status="200"}',
        )
        >= 1
    )
    assert 'route="assessments:section"' in text
    assert "/checks/" not in text  # routes, never paths
