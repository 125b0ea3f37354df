"""Who may see what: the lookups every couple page goes through, and the report's context."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest

from tandem.accounts.models import User
from tandem.couples.charts import balance_chart_svg
from tandem.couples.models import CoupleStatus, Member, Round
from tandem.couples.services import RoundState, build_report, round_state

#: The one neutral sentence for every reason a report is missing (DESIGN.md section 8).
NOT_AVAILABLE = "Your couple report is not available. Each of you can still see your own results."


# --- Who may see what ---------------------------------------------------------------------


def viewer(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def get_member_for_user(request: HttpRequest, public_id: UUID) -> Member:
    """The viewer's current membership of this couple, or 404 for anyone else.

    Member.objects.for_viewer says which related rows it loads and why.
    """
    member = Member.objects.for_viewer(viewer(request), public_id)
    if member is None:
        raise Http404("No such couple check.")
    return member


def partner_of(member: Member) -> Member | None:
    return member.couple.members.current().select_related("user").exclude(pk=member.pk).first()


def active_parts(request: HttpRequest, public_id: UUID) -> tuple[Member, Member]:
    """Viewer and partner of an active couple; 404 while the couple waits for its partner."""
    member = get_member_for_user(request, public_id)
    partner = partner_of(member)
    if member.couple.status != CoupleStatus.ACTIVE or partner is None:
        raise Http404("This couple check has not started yet.")
    return member, partner


def latest_round(member: Member) -> Round:
    round_ = member.couple.rounds.order_by("-number").first()
    if round_ is None:  # pragma: no cover - an active couple always has its first round
        raise Http404("This couple check has not started yet.")
    return round_


def round_for_user(
    request: HttpRequest, public_id: UUID, number: int
) -> tuple[Member, Member, Round, RoundState]:
    """Viewer, partner, round ``number`` of their active couple, and how it stands for the viewer.

    404 for a round the couple does not have (as for a couple the viewer is not in).
    """
    member, partner = active_parts(request, public_id)
    round_ = member.couple.rounds.filter(number=number).first()
    if round_ is None:
        raise Http404("No such round.")
    state = round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
    return member, partner, round_, state


def round_states(member: Member, partner: Member) -> list[RoundState]:
    return [
        round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
        for round_ in member.couple.rounds.order_by("number")
    ]


def base_context(member: Member, partner: Member | None) -> dict[str, Any]:
    return {
        "couple": member.couple,
        "member": member,
        "partner": partner,
        "partner_name": partner.display_name if partner else "",
        "not_available": NOT_AVAILABLE,
        "helplines": settings.HELPLINES,
    }


def report_context(state: RoundState, partner: Member) -> dict[str, Any]:
    report = build_report(state, partner_name=partner.display_name)
    return {
        "report": report,
        "chart": balance_chart_svg(report, chart_id=f"balance-{state.round.number}")
        if report
        else "",
    }
