"""Background work: the couple emails (queue "email")."""

from __future__ import annotations

from django_tasks import task

from tandem.accounts.models import User
from tandem.couples import emails
from tandem.couples.models import Couple, MemberRole
from tandem.couples.tokens import issue_invitation_token

__all__ = ["send_couple_ended", "send_invitation", "send_report_ready"]


@task(queue_name="email")
def send_invitation(invitation_id: int) -> bool:
    """Make the invitation's token here, so it exists only in the email it is sent in."""
    issued = issue_invitation_token(invitation_id=invitation_id)
    if issued is None:
        return False
    invitation, token = issued
    inviter = (
        invitation.couple.members.select_related("user").filter(role=MemberRole.INVITER).first()
    )
    if inviter is None:  # pragma: no cover - erased between the request and the worker
        return False
    emails.invitation(
        to=invitation.email,
        inviter_name=inviter.display_name,
        token=token,
        expires_at=invitation.expires_at,
    )
    return True


@task(queue_name="email")
def send_report_ready(couple_id: int, user_id: int) -> bool:
    couple = Couple.objects.filter(pk=couple_id).first()
    user = User.objects.filter(pk=user_id).first()
    if couple is None or user is None or not couple.is_active:
        return False
    emails.report_ready(to=user.email, couple_url=couple.get_absolute_url())
    return True


@task(queue_name="email")
def send_couple_ended(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    emails.couple_ended(to=user.email)
    return True
