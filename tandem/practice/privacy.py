"""Practice's part of "My data": the consents a person gave and the measures asked of them.

Erasing a client deletes their consents (with schedules and due measures). Erasing a
therapist deletes the consents given to them and their invitations; the access log keeps
its rows, which name them by a copied name (see ``tandem.accounts.models.AccessLog``).
"""

from __future__ import annotations

from typing import Any

from tandem.accounts.models import User
from tandem.practice.models import Consent, DueMeasure, Invitation


def export_sharing(user: User) -> dict[str, Any]:
    consents = Consent.objects.filter(client=user).select_related("therapist").order_by("pk")
    return {
        "consents_given": [
            {
                "id": consent.pk,
                "therapist": consent.therapist.name or consent.therapist.email,
                "instruments": consent.instruments,
                "share_from": consent.share_from.isoformat(),
                "auto_share": consent.auto_share,
                "shared_through": consent.shared_through.isoformat()
                if consent.shared_through
                else None,
                "share_safety": consent.share_safety,
                "created_at": consent.created_at.isoformat(),
                "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None,
            }
            for consent in consents
        ],
        "measures_asked_of_me": [
            due.to_dict()
            for due in DueMeasure.objects.filter(schedule__consent__client=user)
            .select_related("schedule")
            .order_by("due_at", "pk")
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "created_at": invitation.created_at.isoformat(),
                "used": invitation.used_at is not None,
            }
            for invitation in Invitation.objects.filter(therapist=user).order_by("pk")
        ],
    }


def erase_sharing(user: User) -> None:
    Consent.objects.filter(client=user).delete()
    Consent.objects.filter(therapist=user).delete()
    Invitation.objects.filter(therapist=user).delete()
