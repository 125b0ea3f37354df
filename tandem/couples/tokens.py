"""The invitation link's token, made as the email that carries it is sent.

Its own module because both the services and the email task (``tasks.py``) need it, and tasks
import nothing from services: the services queue the tasks, so the import would be a cycle.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from tandem.couples.models import INVITATION_LIFETIME, Invitation, InvitationStatus, token_hash

__all__ = ["issue_invitation_token"]


def issue_invitation_token(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """Make a fresh token for a pending invitation (the worker calls this as it sends).

    Any earlier link stops working: only the newest email's link is valid. Returns None when
    the invitation is no longer pending (withdrawn or accepted before the worker ran).
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            return None
        invitation.token_hash = token_hash(token)
        invitation.sent_at = now
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    return invitation, token
