"""The couple check's part of "My data".

Export: the person's couple checks (when, their role, their consent), the invitations they
sent or accepted, which of their own responses answered each round (the answers themselves
are in the "assessments" section), and every couple report they can see now.

Erasure: each current couple check ends for both (the other partner is told only that it
ended), the person's memberships and the invitations they sent go. Their answers go with the
"assessments" section, so the couple report, which is built from both partners' answers,
is gone for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.couples.models import Invitation, Member, MemberRole, RoundAnswer
from tandem.couples.services import build_report, couple_leave, round_state

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = ["erase_couples", "export_couples"]


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_couples(user: User) -> dict[str, Any]:
    couples = []
    memberships = Member.objects.filter(user=user).select_related("couple").order_by("pk")
    for member in memberships:
        couple = member.couple
        partner = (
            couple.members.exclude(user=user).select_related("user").first()
            if member.left_at is None
            else None
        )
        rounds = []
        for round_ in couple.rounds.all():
            answer = RoundAnswer.objects.filter(round=round_, user=user).first()
            entry: dict[str, Any] = {
                "round": round_.number,
                "started_at": _when(round_.started_at),
                "your_response": str(answer.response.public_id) if answer else None,
                "couple_report": None,
            }
            if member.left_at is None and partner is not None:
                state = round_state(round_=round_, viewer=user, partner_id=partner.user_id)
                report = build_report(state, partner_name=partner.display_name)
                entry["couple_report"] = report.to_dict() if report else None
            rounds.append(entry)
        couples.append(
            {
                "id": str(couple.public_id),
                "status": couple.status,
                "your_role": member.role,
                "consented_at": _when(member.consented_at),
                "consent_version": member.consent_version,
                "left_at": _when(member.left_at),
                "partner": partner.display_name if partner else None,
                "budget_share_minor": member.budget_share_minor,
                "formats": member.formats,
                "rounds": rounds,
            }
        )
    sent = Invitation.objects.filter(
        couple__members__user=user, couple__members__role=MemberRole.INVITER
    ).order_by("pk")
    accepted = Invitation.objects.filter(accepted_by=user).order_by("pk")
    return {
        "couples": couples,
        "invitations_sent": [
            {
                "email": invitation.email,
                "status": invitation.status,
                "created_at": _when(invitation.created_at),
                "sent_at": _when(invitation.sent_at),
                "expires_at": _when(invitation.expires_at),
                "times_sent": invitation.send_count,
                "accepted_at": _when(invitation.accepted_at),
                "withdrawn_at": _when(invitation.withdrawn_at),
            }
            for invitation in sent
        ],
        "invitations_accepted": [
            {"accepted_at": _when(invitation.accepted_at)} for invitation in accepted
        ],
    }


def erase_couples(user: User) -> None:
    for member in Member.objects.current().filter(user=user).select_related("couple"):
        couple_leave(couple=member.couple, user=user)
    Invitation.objects.filter(
        couple__members__user=user, couple__members__role=MemberRole.INVITER
    ).delete()
    Invitation.objects.filter(accepted_by=user).update(accepted_by=None, email="")
    # Memberships and round links go with the user row (CASCADE); the partner's own
    # membership stays, ended, so their page can say the check has ended.
