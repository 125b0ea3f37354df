from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.lib.models import EmailDelivery, EmailDeliveryStatus
from tandem.lib.outbox import send_once

pytestmark = pytest.mark.django_db


def test_an_email_is_sent_once_for_one_key() -> None:
    sent: list[str] = []

    assert send_once("k1", lambda: sent.append("first")) is True
    assert send_once("k1", lambda: sent.append("again")) is False

    assert sent == ["first"]
    assert EmailDelivery.objects.get(key="k1").status == EmailDeliveryStatus.SENT


def test_a_failed_send_gives_the_claim_back_for_the_next_try() -> None:
    def refuse() -> None:
        raise ConnectionRefusedError("no SMTP server")

    with pytest.raises(ConnectionRefusedError):
        send_once("k2", refuse)
    sent: list[str] = []

    assert send_once("k2", lambda: sent.append("retry")) is True
    assert sent == ["retry"]


def test_a_recent_claim_is_left_to_the_worker_that_holds_it(settings) -> None:
    settings.TASKS_STALLED_AFTER_SECONDS = 600
    EmailDelivery.objects.create(
        key="k3", status=EmailDeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    sent: list[str] = []

    assert send_once("k3", lambda: sent.append("second")) is False
    assert sent == []


def test_a_stalled_claim_is_taken_over(settings) -> None:
    settings.TASKS_STALLED_AFTER_SECONDS = 600
    EmailDelivery.objects.create(
        key="k4",
        status=EmailDeliveryStatus.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=601),
    )
    sent: list[str] = []

    assert send_once("k4", lambda: sent.append("taken over")) is True
    assert send_once("k4", lambda: sent.append("third")) is False
    assert sent == ["taken over"]
