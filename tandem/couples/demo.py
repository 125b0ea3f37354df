"""A demo couple who have both answered, so the couple report shows at once.

Alex and Sam (the accounts app's demo clients) are joined through the same services a real
invitation uses, and each answers the Couple Balance Check. Idempotent: a demo client who is
already in a couple check is left as they are.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from tandem.accounts.demo import DEMO_PASSWORD
from tandem.accounts.models import User
from tandem.assessments.flow import check_flow
from tandem.assessments.services import save_section_answers
from tandem.couples import services
from tandem.couples.models import INSTRUMENT, Member

INVITER = "alex@demo.tandem.invalid"
PARTNER = "sam@demo.tandem.invalid"

# Alex feels they give more time and energy; Sam agrees on time but not on energy.
ANSWERS = {
    INVITER: {
        "cb1": 2, "cb2": -1, "cb3": 0, "cb4": 0, "cb5": 2, "cb6": -2, "cb7": 1, "cb8": 1,
        "cb9": 0, "cb10": 1, "cb11": 0, "cb12": -1, "cb13": 3, "cb14": 4, "cb15": 3,
    },
    PARTNER: {
        "cb1": -2, "cb2": 1, "cb3": 1, "cb4": 0, "cb5": 1, "cb6": 1, "cb7": 0, "cb8": -1,
        "cb9": 1, "cb10": 0, "cb11": 0, "cb12": 0, "cb13": 4, "cb14": 4, "cb15": 2,
    },
}  # fmt: skip
NO_TO_SAFETY = {f"sf{n}": 0 for n in range(1, 7)}


def seed(stdout: TextIO) -> None:
    inviter = User.objects.filter(email=INVITER).first()
    partner = User.objects.filter(email=PARTNER).first()
    if inviter is None or partner is None:
        return
    if Member.objects.current().filter(user__in=[inviter, partner]).exists():
        stdout.write(_logins())
        return
    with transaction.atomic():
        couple = services.couple_start(user=inviter, partner_email=PARTNER, consent=True)
        invitation = couple.invitations.get()
        issued = services.issue_invitation_token(invitation_id=invitation.pk)
        if issued is None:  # pragma: no cover - just created, so pending
            return
        services.invitation_accept(token=issued[1], user=partner, consent=True)
        round_ = couple.rounds.get()
        flow = check_flow(INSTRUMENT, round_.instrument_version)
        for user in (inviter, partner):
            response = services.round_response(round_=round_, user=user)
            answers = {**ANSWERS[user.email], **NO_TO_SAFETY}
            for section in flow.sections:
                save_section_answers(
                    response=response,
                    section=section,
                    answers=answers,
                    finish=flow if section is flow.last else None,
                )
        round_.ready_notified_at = round_.started_at  # nobody to email in the demo
        round_.save(update_fields=["ready_notified_at"])
    stdout.write(_logins())


def _logins() -> str:
    return (
        f"Demo couple with a couple report at /couples/: {INVITER} and {PARTNER} "
        f"(password: {DEMO_PASSWORD})\n"
    )
