"""Background work: invitations, due measures and their one reminder (queue "email")."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from tandem.accounts.models import User
from tandem.practice import emails
from tandem.practice.models import DueMeasure, Invitation
from tandem.practice.services import DueCounts, run_due_measures

__all__ = ["run_due_measures_task", "run_round", "send_invitation", "send_measure_email"]


@task(queue_name="email")
def send_invitation(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("therapist").filter(pk=invitation_id).first()
    if invitation is not None and invitation.used_at is None:
        therapist: User = invitation.therapist
        emails.invitation(therapist=therapist, email=invitation.email, token=token)


@task(queue_name="email")
def send_measure_email(due_id: int, which: str) -> None:
    # select_related: the email names the client, the therapist and the check.
    due = (
        DueMeasure.objects.select_related(
            "schedule__consent__client", "schedule__consent__therapist"
        )
        .filter(pk=due_id)
        .first()
    )
    if due is None or due.completed_at is not None or not due.schedule.consent.is_current:
        return
    if which == "reminder":
        emails.measure_reminder(due)
    else:
        emails.measure_due(due)


def _queue_measure_email(due_id: int, which: str) -> None:
    send_measure_email.enqueue(due_id, which)


def run_round(now: datetime | None = None) -> DueCounts:
    """One round of scheduled measures, each email queued on the "email" queue."""
    return run_due_measures(send=_queue_measure_email, now=now)


@task()
def run_due_measures_task() -> dict[str, int]:
    """The worker's round: see :func:`tandem.practice.services.run_due_measures`."""
    counts = run_round()
    return {
        "created": counts.created,
        "completed": counts.completed,
        "sent": counts.sent,
        "reminded": counts.reminded,
    }
