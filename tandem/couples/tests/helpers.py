"""Making couples in tests: through the services, and answering through the real pages."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.assessments.flow import check_flow
from tandem.assessments.tests.helpers import answers_for, section_post
from tandem.couples import services
from tandem.couples.models import INSTRUMENT, Couple

__all__ = ["active_couple", "answer_all", "answers_for", "invite_token", "pending_couple"]


def pending_couple(inviter: User, email: str) -> tuple[Couple, str]:
    """A couple waiting for ``email`` to accept, and the token of the link that was sent."""
    couple = services.couple_start(user=inviter, partner_email=email, consent=True)
    return couple, invite_token(couple)


def invite_token(couple: Couple) -> str:
    issued = services.issue_invitation_token(
        invitation_id=couple.invitations.get(status="pending").pk
    )
    assert issued is not None
    return issued[1]


def active_couple(inviter: User, partner: User) -> Couple:
    couple, token = pending_couple(inviter, partner.email)
    services.invitation_accept(token=token, user=partner, consent=True)
    couple.refresh_from_db()
    return couple


def answer_all(
    http: Client,
    couple: Couple,
    *,
    safety: bool = False,
    lean: str = "",
    stop_before_last: bool = False,
) -> Any:
    """Answer the couple check page by page as a partner does; returns the last response."""
    answers = answers_for(INSTRUMENT, safety=safety, lean=lean)
    sections = check_flow(INSTRUMENT).sections
    if stop_before_last:
        sections = sections[:-1]
    response = None
    for flow_section in sections:
        response = http.post(
            reverse("couples:section", args=[couple.public_id, flow_section.id]),
            section_post(INSTRUMENT, flow_section.id, answers),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return response
