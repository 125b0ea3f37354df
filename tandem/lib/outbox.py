"""Send an email from a background task once, even when the task runs twice.

django-tasks-db runs a task once per claim, and a task whose worker died is put back to run
again (``manage.py requeue_stalled_tasks``). Without a record, the second run would send a
second copy of a message the first had already handed to the SMTP server. ``send_once``
keeps that record:

1. claim the delivery: insert its row (the unique key lets one insert win), or take over a
   claim left "sending" for longer than ``TASKS_STALLED_AFTER_SECONDS`` (its worker died
   mid-send) with a conditional update, so two workers never both take it over;
2. send;
3. mark it sent. A later run finds it sent and does nothing.

A failed send gives the claim back, so the next run tries again. The one gap left is
the instant between the SMTP server's "250 accepted" and step 3: a worker killed exactly
there leaves a claim that is taken over, and the message goes out twice. No SMTP client
can close that gap; it is milliseconds wide, against the seconds of the send itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tandem.lib.models import EmailDelivery, EmailDeliveryStatus

__all__ = ["send_once"]


def _claim(key: str) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            EmailDelivery.objects.create(
                key=key, status=EmailDeliveryStatus.SENDING, claimed_at=now
            )
        return True
    except IntegrityError:
        stale = now - timedelta(seconds=settings.TASKS_STALLED_AFTER_SECONDS)
        taken_over = EmailDelivery.objects.filter(
            key=key, status=EmailDeliveryStatus.SENDING, claimed_at__lt=stale
        ).update(claimed_at=now, attempts=F("attempts") + 1)
        return taken_over == 1


def send_once(key: str, send: Callable[[], object]) -> bool:
    """Call ``send`` unless the email named ``key`` was sent or is being sent.

    Returns True when this call sent it. ``send`` raising gives the claim back and re-raises.
    """
    if not _claim(key):
        return False
    try:
        send()
    except BaseException:
        EmailDelivery.objects.filter(key=key, status=EmailDeliveryStatus.SENDING).delete()
        raise
    EmailDelivery.objects.filter(key=key).update(
        status=EmailDeliveryStatus.SENT, sent_at=timezone.now()
    )
    return True
