"""The couple check's JSON API: start, invite, accept, status, report, leave.

The same rules as booking's writes: the browser session (``django_auth``, with its CSRF
check), 404 for any couple the caller is not a current member of, and 422 naming the field
on bad input. ``status`` and ``report`` answer the unflagged partner exactly as when the
report is simply not ready: the same status code, the same body.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.security import django_auth
from pydantic import Field

from tandem.accounts.models import User
from tandem.couples import services
from tandem.couples.models import CoupleStatus, Member
from tandem.couples.services import CoupleRefused, build_report, round_state
from tandem.lib.api_refusals import WRITE_REFUSALS, refusals

router = Router(tags=["couples"])

NOT_AVAILABLE = "Your couple report is not available. Each of you can still see your own results."


BAD_EMAIL = "Enter an email address like name@example.com."


class Detail(Schema):
    detail: str


class StartIn(Schema):
    partner_email: str = Field(max_length=254, description="Where the invitation is sent.")
    consent: bool = Field(
        description="True: you have read what your partner will and will not see, and agree."
    )


class AcceptIn(Schema):
    token: str = Field(max_length=100, description="The token from the invitation link.")
    consent: bool


class InvitationOut(Schema):
    email: str
    status: str
    sent_at: datetime | None
    expires_at: datetime | None


class CoupleOut(Schema):
    id: uuid.UUID
    status: str = Field(description="pending (invitation not accepted), active.")
    partner: str | None
    round: int | None
    round_started_at: datetime | None
    you: str | None = Field(
        description="not_answered, waiting (you have answered; waiting for your partner) or "
        "ready (both have answered: the report is available)."
    )
    report_available: bool
    message: str
    invitation: InvitationOut | None
    url: str


class ReportOut(Schema):
    available: bool
    message: str
    round: int | None
    report: dict[str, Any] | None


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _member(request: HttpRequest, couple_id: uuid.UUID) -> Member:
    member = Member.objects.for_viewer(_user(request), couple_id)
    if member is None:
        raise HttpError(404, "No such couple check.")
    return member


def _partner(member: Member) -> Member | None:
    return member.couple.members.current().select_related("user").exclude(pk=member.pk).first()


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError(
        [{"loc": ["body", "payload", field], "msg": message, "type": "value_error"}]
    )


def _refused(refusal: CoupleRefused) -> Exception:
    if refusal.status == 422 and refusal.field:
        return _field_error(refusal.field, refusal.reason)
    return HttpError(refusal.status, refusal.reason)


def _out(member: Member) -> CoupleOut:
    couple = member.couple
    partner = _partner(member)
    invitation = None
    if couple.status == CoupleStatus.PENDING:
        pending = couple.invitations.filter(status="pending").first()
        if pending is not None:
            invitation = InvitationOut(
                email=pending.email,
                status=pending.status,
                sent_at=pending.sent_at,
                expires_at=pending.expires_at,
            )
    round_ = couple.rounds.order_by("-number").first()
    you = None
    available = False
    if couple.status == CoupleStatus.ACTIVE and round_ is not None and partner is not None:
        state = round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
        services.notify_if_ready(round_=round_, member_ids=[member.user_id, partner.user_id])
        you = state.status
        available = state.report_available
    return CoupleOut(
        id=couple.public_id,
        status=couple.status,
        partner=partner.display_name if partner else None,
        round=round_.number if round_ else None,
        round_started_at=round_.started_at if round_ else None,
        you=you,
        report_available=available,
        message="" if available or couple.status != CoupleStatus.ACTIVE else NOT_AVAILABLE,
        invitation=invitation,
        url=couple.get_absolute_url(),
    )


@router.post(
    "/couples",
    auth=django_auth,
    response={201: CoupleOut, **refusals(*WRITE_REFUSALS)},
    url_name="couples",
)
def start_couple(request: HttpRequest, payload: StartIn) -> Status[CoupleOut]:
    """Start a couple check and invite your partner (the email goes out from the worker)."""
    try:
        validate_email(payload.partner_email.strip())
    except DjangoValidationError:
        raise _field_error(
            "partner_email", "Enter an email address like name@example.com."
        ) from None
    try:
        couple = services.couple_start(
            user=_user(request), partner_email=payload.partner_email, consent=payload.consent
        )
    except CoupleRefused as refusal:
        raise _refused(refusal) from None
    member = couple.members.select_related("couple", "user").get(user=_user(request))
    return Status(201, _out(member))


@router.post(
    "/couples/{couple_id}/invitation",
    auth=django_auth,
    response={202: CoupleOut, **refusals(*WRITE_REFUSALS, 429)},
    url_name="couple_invite",
)
def invite(request: HttpRequest, couple_id: uuid.UUID) -> Status[CoupleOut]:
    """Send the pending invitation again (rate-limited: 429 says when you may)."""
    member = _member(request, couple_id)
    try:
        services.invitation_resend(couple=member.couple, user=_user(request))
    except CoupleRefused as refusal:
        raise _refused(refusal) from None
    return Status(202, _out(member))


@router.post(
    "/couples/accept",
    auth=django_auth,
    response={200: CoupleOut, **refusals(*WRITE_REFUSALS)},
    url_name="couple_accept",
)
def accept(request: HttpRequest, payload: AcceptIn) -> CoupleOut:
    """Accept an invitation with its token and your consent."""
    try:
        couple = services.invitation_accept(
            token=payload.token, user=_user(request), consent=payload.consent
        )
    except CoupleRefused as refusal:
        raise _refused(refusal) from None
    return _out(couple.members.select_related("couple", "user").get(user=_user(request)))


@router.get(
    "/couples/{couple_id}",
    auth=django_auth,
    response={200: CoupleOut, **refusals(401, 404, 422)},
    url_name="couple",
)
def status(request: HttpRequest, couple_id: uuid.UUID) -> CoupleOut:
    """Where the couple check stands, as far as you may know it."""
    return _out(_member(request, couple_id))


@router.get(
    "/couples/{couple_id}/report",
    auth=django_auth,
    response={200: ReportOut, **refusals(401, 404, 422)},
    url_name="couple_report",
)
def report(request: HttpRequest, couple_id: uuid.UUID) -> ReportOut:
    """The latest round's couple report, or ``available: false`` with the neutral message."""
    member = _member(request, couple_id)
    partner = _partner(member)
    round_ = member.couple.rounds.order_by("-number").first()
    if member.couple.status != CoupleStatus.ACTIVE or partner is None or round_ is None:
        return ReportOut(available=False, message=NOT_AVAILABLE, round=None, report=None)
    state = round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
    built = build_report(state, partner_name=partner.display_name)
    if built is None:
        return ReportOut(available=False, message=NOT_AVAILABLE, round=round_.number, report=None)
    return ReportOut(available=True, message="", round=round_.number, report=built.to_dict())


@router.post(
    "/couples/{couple_id}/leave",
    auth=django_auth,
    response={200: Detail, **refusals(*WRITE_REFUSALS)},
    url_name="couple_leave",
)
def leave(request: HttpRequest, couple_id: uuid.UUID) -> Detail:
    """Leave: the check ends for both; each keeps their own answers."""
    member = _member(request, couple_id)
    services.couple_leave(couple=member.couple, user=_user(request))
    return Detail(detail="You have left the couple check. Your own answers are still yours.")
