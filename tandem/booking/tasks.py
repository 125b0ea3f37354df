"""Background work: booking emails (queue "email") and reminders 24 h and 1 h before."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import TaskContext, task

from tandem.booking import emails
from tandem.booking.background import Worker
from tandem.booking.models import Booking, Party, WaitlistEntry
from tandem.booking.services import REMINDERS, claim_reminder
from tandem.lib.outbox import send_once

__all__ = [
    "WORKER",
    "schedule_reminders",
    "send_booking_email",
    "send_reminder",
    "send_waitlist_offer",
]

_EMAILS = {
    "booking-confirmed": emails.booking_confirmed,
    "booking-requested": emails.booking_requested,
    "booking-changed": emails.booking_changed,
    "booking-cancelled": emails.booking_cancelled,
}


def _booking(pk: int) -> Booking | None:
    # select_related: every email names both people and the therapist's account address.
    return (
        Booking.objects.select_related("therapist__user", "client", "partner", "session_type")
        .filter(pk=pk)
        .first()
    )


@task(queue_name="email", takes_context=True)
def send_booking_email(context: TaskContext, booking_id: int, name: str, party: str) -> bool:
    """Send one booking email, once even if a dead worker's task is run again (outbox.py)."""
    booking = _booking(booking_id)
    if booking is None:
        return False
    return send_once(f"task:{context.task_result.id}", lambda: _EMAILS[name](booking, party))


@task(queue_name="email")
def send_reminder(booking_id: int, which: str, expected_start: str) -> bool:
    """Send one reminder to both people, if this task wins the claim (see claim_reminder)."""
    if not claim_reminder(
        booking_id=booking_id, which=which, expected_start=datetime.fromisoformat(expected_start)
    ):
        return False
    booking = _booking(booking_id)
    if booking is None:
        return False
    partner = (Party.PARTNER,) if booking.partner_id is not None else ()
    for party in (Party.CLIENT, Party.THERAPIST, *partner):
        emails.reminder(booking, party, which)
    return True


@task(queue_name="email")
def send_waitlist_offer(entry_id: int) -> None:
    entry = (
        WaitlistEntry.objects.select_related("therapist", "client", "session_type")
        .filter(pk=entry_id)
        .first()
    )
    if entry is not None and entry.offered_start is not None:
        emails.waitlist_offer(entry)


def schedule_reminders(booking_id: int, starts_at: datetime, now: datetime | None = None) -> None:
    """Enqueue the 24 h and 1 h reminders to run then.

    A backend that cannot defer (the immediate one) gets nothing: ``send_due_reminders``
    (cron) sends what is due either way.
    """
    now = now or timezone.now()
    if not send_reminder.get_backend().supports_defer:
        return
    for which, before in REMINDERS.items():
        run_at = starts_at - before
        if run_at > now:
            send_reminder.using(run_after=run_at).enqueue(booking_id, which, starts_at.isoformat())


# What booking's services hand over for later (connected in ``BookingConfig.ready``).
WORKER = Worker(
    booking_email=send_booking_email.enqueue,
    reminders=schedule_reminders,
    waitlist_offer=send_waitlist_offer.enqueue,
)
