"""Workflows of the couple check: start, invite, accept, answer, leave, and the round's state.

The one rule that shapes this module (DESIGN.md sections 5 and 8): a partner's view never
depends on whether the other raised the safety flag. :func:`round_state` therefore reports,
for the viewer, only "you have not answered", "waiting for your partner" or "ready"; a
partner whose answers raised a flag counts as "not answered yet" for the other, so the
unflagged partner sees exactly what they would see if the other had simply not answered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tandem.assessments import services as check_services
from tandem.assessments.flow import check_flow
from tandem.assessments.models import Response
from tandem.couples.models import (
    CONSENT_VERSION,
    INSTRUMENT,
    Couple,
    CoupleStatus,
    Invitation,
    InvitationStatus,
    Member,
    MemberRole,
    Round,
    RoundAnswer,
    token_hash,
)
from tandem.couples.report import CoupleReport, couple_report
from tandem.couples.tokens import issue_invitation_token

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = [
    "CoupleRefused",
    "RoundState",
    "couple_leave",
    "couple_start",
    "current_partner",
    "invitation_accept",
    "invitation_by_token",
    "invitation_resend",
    "invitation_withdraw",
    "issue_invitation_token",
    "notify_if_ready",
    "round_again",
    "round_response",
    "round_state",
]


class CoupleRefused(Exception):
    """A couple action that cannot be done now; ``field`` names the input at fault, if any."""

    def __init__(self, reason: str, *, field: str = "", status: int = 409) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.status = status


def _on_commit_enqueue(task_name: str, *args: object) -> None:
    def enqueue() -> None:
        from tandem.couples import tasks

        getattr(tasks, task_name).enqueue(*args)

    transaction.on_commit(enqueue)


def current_member(user: User) -> Member | None:
    """The user's membership of their current couple check, if any."""
    return Member.objects.current().select_related("couple").filter(user=user).first()


def current_partner(user: User) -> User | None:
    """The partner ``user`` shares an active couple check with (booking's couple sessions)."""
    member = current_member(user)
    if member is None or member.couple.status != CoupleStatus.ACTIVE:
        return None
    other = member.couple.members.current().select_related("user").exclude(user=user).first()
    return other.user if other is not None else None


def _require_consent(consent: bool) -> None:
    """Refuse to go on without the person's consent to what their partner will see."""
    if not consent:
        raise CoupleRefused(
            "Please confirm you have read what your partner will and will not see.",
            field="consent",
            status=422,
        )


def couple_start(*, user: User, partner_email: str, consent: bool) -> Couple:
    """Start a couple check: the starter's consent, and an invitation the worker sends.

    The partial unique constraint ``couples_one_current_couple`` stops two requests from
    putting one person in two current couples at once.
    """
    _require_consent(consent)
    email = partner_email.strip()
    if email.lower() == user.email.lower():
        raise CoupleRefused(
            "That is your own address. Enter your partner's email address.",
            field="partner_email",
            status=422,
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            couple = Couple.objects.create(created_at=now)
            Member.objects.create(
                couple=couple,
                user=user,
                role=MemberRole.INVITER,
                consented_at=now,
                consent_version=CONSENT_VERSION,
            )
            invitation = Invitation.objects.create(couple=couple, email=email, created_at=now)
            _on_commit_enqueue("send_invitation", invitation.pk)
    except IntegrityError:
        raise CoupleRefused(
            "You are already in a couple check. Leave it before you start another."
        ) from None
    return couple


def _pending_invitation(couple: Couple) -> Invitation | None:
    return couple.invitations.filter(status=InvitationStatus.PENDING).first()


def invitation_resend(*, couple: Couple, user: User, now: datetime | None = None) -> Invitation:
    """Send the pending invitation again, at most every RESEND_INTERVAL and MAX_SENDS times.

    The conditional update claims the resend, so two clicks at once send one email.
    """
    now = now or timezone.now()
    invitation = _pending_invitation(couple)
    if couple.status != CoupleStatus.PENDING or invitation is None:
        raise CoupleRefused("There is no invitation waiting to be accepted.", status=409)
    allowed_at = invitation.next_send_allowed_at()
    if allowed_at is None:
        raise CoupleRefused(
            "This invitation has been sent as many times as we allow. Withdraw it and start "
            "again if you need to.",
            status=429,
        )
    if now < allowed_at:
        minutes = max(1, math.ceil((allowed_at - now).total_seconds() / 60))
        raise CoupleRefused(
            f"The invitation was sent a moment ago. You can send it again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            status=429,
        )
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        status=InvitationStatus.PENDING,
        send_requested_at=invitation.send_requested_at,
    ).update(send_requested_at=now, send_count=invitation.send_count + 1)
    if not claimed:
        raise CoupleRefused("The invitation was sent a moment ago.", status=429)
    transaction.on_commit(lambda: _enqueue_invitation(invitation.pk))
    invitation.refresh_from_db()
    return invitation


def _enqueue_invitation(invitation_id: int) -> None:
    from tandem.couples import tasks

    tasks.send_invitation.enqueue(invitation_id)


def invitation_withdraw(*, couple: Couple, user: User) -> None:
    """Withdraw the invitation: the couple check that was waiting for it ends."""
    if couple.status != CoupleStatus.PENDING:
        raise CoupleRefused("There is no invitation waiting to be accepted.", status=409)
    couple_leave(couple=couple, user=user)


def invitation_by_token(token: str, *, now: datetime | None = None) -> Invitation | None:
    """The pending, unexpired invitation this link's token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("couple")
        .filter(token_hash=token_hash(token), status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None or not invitation.is_usable(now or timezone.now()):
        return None
    return invitation


def inviter_of(couple: Couple) -> Member | None:
    return couple.members.select_related("user").filter(role=MemberRole.INVITER).first()


def invitation_accept(*, token: str, user: User, consent: bool) -> Couple:
    """Accept an invitation: the partner's consent, and the couple's first round.

    The invitation row is locked, so the link works once even when clicked twice at once;
    ``couples_one_current_couple`` keeps the partner to one current couple.
    """
    _require_consent(consent)
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update()
                .filter(token_hash=token_hash(token), status=InvitationStatus.PENDING)
                .first()
                if token and len(token) <= 100
                else None
            )
            if invitation is None or not invitation.is_usable(now):
                raise CoupleRefused(
                    "This invitation link is not valid any more.", field="token", status=404
                )
            couple = Couple.objects.select_for_update().get(pk=invitation.couple_id)
            if couple.status != CoupleStatus.PENDING:
                raise CoupleRefused(
                    "This invitation link is not valid any more.", field="token", status=404
                )
            if couple.members.filter(user=user).exists():
                raise CoupleRefused(
                    "This is your own invitation: send the link to your partner.",
                    field="token",
                    status=409,
                )
            invitation.status = InvitationStatus.ACCEPTED
            invitation.accepted_at = now
            invitation.accepted_by = user
            invitation.token_hash = ""
            invitation.save(update_fields=["status", "accepted_at", "accepted_by", "token_hash"])
            Member.objects.create(
                couple=couple,
                user=user,
                role=MemberRole.PARTNER,
                consented_at=now,
                consent_version=CONSENT_VERSION,
            )
            couple.status = CoupleStatus.ACTIVE
            couple.activated_at = now
            couple.save(update_fields=["status", "activated_at"])
            Round.objects.create(
                couple=couple,
                number=1,
                instrument_version=check_flow(INSTRUMENT).instrument.version,
                started_at=now,
            )
    except IntegrityError:
        raise CoupleRefused(
            "You are already in a couple check. Leave it before you accept another invitation.",
            status=409,
        ) from None
    return couple


def couple_leave(*, couple: Couple, user: User, notify: bool = True) -> None:
    """End the couple check for both. Each keeps their own answers; the report goes.

    The other current member (if the couple was active) is told only that the check ended:
    the same email whoever left and why.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Couple.objects.select_for_update().get(pk=couple.pk)
        if locked.status == CoupleStatus.ENDED:
            return
        others = list(locked.members.current().exclude(user=user).values_list("user_id", flat=True))
        locked.members.current().update(left_at=now)
        locked.invitations.filter(status=InvitationStatus.PENDING).update(
            status=InvitationStatus.WITHDRAWN, withdrawn_at=now, token_hash=""
        )
        was_active = locked.status == CoupleStatus.ACTIVE
        locked.status = CoupleStatus.ENDED
        locked.ended_at = now
        locked.save(update_fields=["status", "ended_at"])
        if notify and was_active:
            for other in others:
                _on_commit_enqueue("send_couple_ended", other)
    couple.refresh_from_db()


# --- A round's state, as one partner sees it ------------------------------------------------


def _answer(round_: Round, user_id: int) -> Response | None:
    answer = (
        RoundAnswer.objects.select_related("response").filter(round=round_, user_id=user_id).first()
    )
    return answer.response if answer is not None else None


def _flagged(response: Response | None) -> bool:
    if response is None or not response.is_completed:
        return False
    result = response.result or {}
    return bool(result.get("flags"))


@dataclass(frozen=True)
class RoundState:
    """A round as the viewer may know it.

    ``status`` is "not_answered" (the viewer has not finished), "waiting" (the viewer has, and
    no report is available: the partner has not answered, or either raised a flag) or
    "ready". ``viewer_flagged`` is the viewer's own private fact, for their own eyes only.
    """

    round: Round
    status: str
    viewer_response: Response | None
    viewer_flagged: bool
    partner_response: Response | None  # only ever read to build the report

    @property
    def report_available(self) -> bool:
        return self.status == "ready"


def round_state(*, round_: Round, viewer: User, partner_id: int | None) -> RoundState:
    """The viewer's view of ``round_``. Both responses' results are read on every call, so
    the work done does not depend on the partner's answers either."""
    mine = _answer(round_, viewer.pk)
    theirs = _answer(round_, partner_id) if partner_id is not None else None
    viewer_flagged = _flagged(mine)
    partner_flagged = _flagged(theirs)
    mine_done = mine is not None and mine.is_completed
    theirs_done = theirs is not None and theirs.is_completed
    if not mine_done:
        status = "not_answered"
    elif (
        theirs_done
        and not viewer_flagged
        and not partner_flagged
        and round_.couple.status == CoupleStatus.ACTIVE
    ):
        status = "ready"
    else:
        status = "waiting"
    return RoundState(
        round=round_,
        status=status,
        viewer_response=mine,
        viewer_flagged=viewer_flagged,
        partner_response=theirs if status == "ready" else None,
    )


def build_report(state: RoundState, *, partner_name: str) -> CoupleReport | None:
    if not state.report_available or state.viewer_response is None:
        return None
    if state.partner_response is None:  # pragma: no cover - "ready" always has both
        return None
    return couple_report(
        slug=INSTRUMENT,
        version=state.round.instrument_version,
        mine=state.viewer_response.answers,
        theirs=state.partner_response.answers,
        partner_name=partner_name,
    )


def round_response(*, round_: Round, user: User) -> Response:
    """The viewer's own response for this round, started on first use.

    The unique constraint on (round, user) means two tabs starting at once keep one.
    """
    existing = _answer(round_, user.pk)
    if existing is not None:
        return existing
    flow = check_flow(INSTRUMENT, round_.instrument_version)
    try:
        with transaction.atomic():
            response = check_services.start_response(flow=flow, owner=user, claim_token=None)
            RoundAnswer.objects.create(round=round_, user=user, response=response)
    except IntegrityError:
        found = _answer(round_, user.pk)
        if found is None:  # pragma: no cover - the constraint names this very row
            raise
        return found
    return response


def notify_if_ready(*, round_: Round, member_ids: list[int]) -> bool:
    """Email both partners once that their report is ready, when it is.

    Called after each finished answer and on each view of the couple. Readiness needs both
    answers unflagged, so a flag sends nothing, exactly as a missing answer sends nothing.
    The conditional update makes one request the sender.
    """
    if round_.ready_notified_at is not None or len(member_ids) != 2:
        return False
    responses = list(
        Response.objects.filter(
            pk__in=RoundAnswer.objects.filter(round=round_).values("response_id")
        )
    )
    if len(responses) != 2 or not all(r.is_completed for r in responses):
        return False
    if any(_flagged(r) for r in responses) or round_.couple.status != CoupleStatus.ACTIVE:
        return False
    claimed = Round.objects.filter(pk=round_.pk, ready_notified_at__isnull=True).update(
        ready_notified_at=timezone.now()
    )
    if not claimed:
        return False
    for user_id in member_ids:
        _on_commit_enqueue("send_report_ready", round_.couple_id, user_id)
    return True


def round_again(*, couple: Couple, user: User) -> Round:
    """Start the next round, once the latest one has a report for the viewer."""
    with transaction.atomic():
        locked = Couple.objects.select_for_update().get(pk=couple.pk)
        latest = locked.rounds.order_by("-number").first()
        partner = locked.members.current().exclude(user=user).first()
        if latest is None or partner is None or locked.status != CoupleStatus.ACTIVE:
            raise CoupleRefused("You can check again once your couple report is ready.")
        state = round_state(round_=latest, viewer=user, partner_id=partner.user_id)
        if not state.report_available:
            raise CoupleRefused("You can check again once your couple report is ready.")
        return Round.objects.create(
            couple=locked,
            number=latest.number + 1,
            instrument_version=check_flow(INSTRUMENT).instrument.version,
        )


def memberships_of(user: User) -> Q:
    return Q(members__user=user, members__left_at__isnull=True)
