from __future__ import annotations

from django_tasks import task

from tandem.directory import emails
from tandem.directory.models import VerificationDecision


@task(queue_name="email")
def send_verification_decision(decision_id: int) -> None:
    """Tell the therapist what was decided about their profile."""
    record = (
        VerificationDecision.objects.select_related("profile__user")
        .filter(pk=decision_id, profile__isnull=False)
        .first()
    )
    if record is None or record.profile is None or not record.profile.user.is_active:
        return
    emails.verification_decided(record)
