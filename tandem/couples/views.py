"""The couple check's pages.

Every page about a couple goes through :func:`_get_member_for_user`: only a current member
of the couple gets anything, everyone else (a stranger, a former partner, a pending invitee,
a therapist) gets the same 404. What a member sees of the report comes only from
``services.round_state``, whose answer for the unflagged partner is the same whether the
other has not answered or raised the safety flag.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.models import User
from tandem.assessments import services as check_services
from tandem.assessments.flow import CheckFlow, FlowSection, check_flow
from tandem.assessments.forms import Action, SectionForm
from tandem.assessments.pages import UNANSWERED, form_problems, section_page
from tandem.assessments.presentation import result_view
from tandem.couples import services
from tandem.couples.charts import balance_chart_svg
from tandem.couples.forms import AcceptForm, CouplePreferencesForm, StartForm
from tandem.couples.history import couple_history
from tandem.couples.matching import couple_matches, couple_needs
from tandem.couples.models import INSTRUMENT, CoupleStatus, Member, Round
from tandem.couples.services import CoupleRefused, RoundState, build_report, round_state

#: The one neutral sentence for every reason a report is missing (DESIGN.md section 8).
NOT_AVAILABLE = "Your couple report is not available. Each of you can still see your own results."


# --- Who may see what ---------------------------------------------------------------------


def _viewer(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _get_member_for_user(request: HttpRequest, public_id: UUID) -> Member:
    """The viewer's current membership of this couple, or 404 for anyone else.

    Member.objects.for_viewer says which related rows it loads and why.
    """
    member = Member.objects.for_viewer(_viewer(request), public_id)
    if member is None:
        raise Http404("No such couple check.")
    return member


def _partner(member: Member) -> Member | None:
    return member.couple.members.current().select_related("user").exclude(pk=member.pk).first()


def _active_parts(request: HttpRequest, public_id: UUID) -> tuple[Member, Member]:
    """Viewer and partner of an active couple; 404 while the couple waits for its partner."""
    member = _get_member_for_user(request, public_id)
    partner = _partner(member)
    if member.couple.status != CoupleStatus.ACTIVE or partner is None:
        raise Http404("This couple check has not started yet.")
    return member, partner


def _latest_round(member: Member) -> Round:
    round_ = member.couple.rounds.order_by("-number").first()
    if round_ is None:  # pragma: no cover - an active couple always has its first round
        raise Http404("This couple check has not started yet.")
    return round_


def _round_for_user(
    request: HttpRequest, public_id: UUID, number: int
) -> tuple[Member, Member, Round, RoundState]:
    """Viewer, partner, round ``number`` of their active couple, and how it stands for the viewer.

    404 for a round the couple does not have (as for a couple the viewer is not in).
    """
    member, partner = _active_parts(request, public_id)
    round_ = member.couple.rounds.filter(number=number).first()
    if round_ is None:
        raise Http404("No such round.")
    state = round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
    return member, partner, round_, state


def _states(member: Member, partner: Member) -> list[RoundState]:
    return [
        round_state(round_=round_, viewer=member.user, partner_id=partner.user_id)
        for round_ in member.couple.rounds.order_by("number")
    ]


def _base_context(member: Member, partner: Member | None) -> dict[str, Any]:
    return {
        "couple": member.couple,
        "member": member,
        "partner": partner,
        "partner_name": partner.display_name if partner else "",
        "not_available": NOT_AVAILABLE,
        "helplines": settings.HELPLINES,
    }


def _report_context(state: RoundState, partner: Member) -> dict[str, Any]:
    report = build_report(state, partner_name=partner.display_name)
    return {
        "report": report,
        "chart": balance_chart_svg(report, chart_id=f"balance-{state.round.number}")
        if report
        else "",
    }


# --- Starting and inviting ----------------------------------------------------------------


@never_cache
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What a couple check is; signed in, the form to start one (or the current one)."""
    if not request.user.is_authenticated:
        return render(request, "couples/home.html", {"form": None, "ended": False})
    current = services.current_member(_viewer(request))
    if current is not None:
        return redirect(current.couple)
    ended = (
        Member.objects.filter(user=_viewer(request), left_at__isnull=False)
        .order_by("-left_at")
        .first()
    )
    return render(
        request,
        "couples/home.html",
        {"form": StartForm(), "ended": ended is not None},
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            couple = services.couple_start(
                user=_viewer(request),
                partner_email=form.cleaned_data["partner_email"],
                consent=form.cleaned_data["consent"],
            )
        except CoupleRefused as refusal:
            if refusal.field:
                form.add_error(refusal.field, refusal.reason)
            else:
                messages.error(request, refusal.reason)
                return redirect("couples:home")
        else:
            messages.success(
                request,
                "Your invitation is on its way. We will let you know here when your partner "
                "accepts.",
            )
            return redirect(couple)
    return render(request, "couples/home.html", {"form": form, "ended": False}, status=400)


@login_required
@require_POST
def resend(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _get_member_for_user(request, public_id)
    try:
        services.invitation_resend(couple=member.couple, user=_viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(member.couple)
    messages.success(
        request, "We have sent the invitation again. The earlier link no longer works."
    )
    return redirect(member.couple)


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _get_member_for_user(request, public_id)
    try:
        services.invitation_withdraw(couple=member.couple, user=_viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(member.couple)
    messages.success(request, "The invitation is withdrawn; its link no longer works.")
    return redirect("couples:home")


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: sign in or sign up first (back here after), then consent."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "couples/join_invalid.html", status=404)
    inviter = services.inviter_of(invitation.couple)
    context: dict[str, Any] = {
        "invitation": invitation,
        "inviter_name": inviter.display_name if inviter else "",
        "here": reverse("couples:join", args=[token]),
    }
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?next={context['here']}")
        return render(request, "couples/join.html", context)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if inviter is not None and inviter.user_id == request.user.pk:
        context["own_invitation"] = True
        return render(request, "couples/join.html", context, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            couple = services.invitation_accept(
                token=token,
                user=_viewer(request),
                consent=form.cleaned_data["consent"],
            )
        except CoupleRefused as refusal:
            if refusal.status == 404:
                return render(request, "couples/join_invalid.html", status=404)
            if refusal.field:
                form.add_error(
                    refusal.field if refusal.field in form.fields else None, refusal.reason
                )
            else:
                form.add_error(None, refusal.reason)
            return render(request, "couples/join.html", context, status=refusal.status)
        messages.success(request, "You have joined the couple check. You can answer now.")
        return redirect(couple)
    return render(request, "couples/join.html", context, status=400 if form.is_bound else 200)


# --- The couple's page ---------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _get_member_for_user(request, public_id)
    couple = member.couple
    partner = _partner(member)
    context = _base_context(member, partner)
    if couple.status == CoupleStatus.PENDING:
        invitation = couple.invitations.filter(status="pending").first()
        now = timezone.now()
        context.update(
            {
                "invitation": invitation,
                "expired": invitation is not None and invitation.is_expired(now),
                "can_resend": invitation is not None
                and invitation.next_send_allowed_at() is not None,
            }
        )
        return render(request, "couples/pending.html", context)
    if partner is None:  # pragma: no cover - an active couple has two current members
        raise Http404("No such couple check.")
    states = _states(member, partner)
    latest = states[-1]
    services.notify_if_ready(round_=latest.round, member_ids=[member.user_id, partner.user_id])
    earlier = [s for s in states[:-1] if s.report_available]
    context.update(
        {
            "state": latest,
            "round": latest.round,
            "earlier": earlier[-1] if earlier else None,
            "flow": check_flow(INSTRUMENT, latest.round.instrument_version),
            # The viewer's own flag, for their eyes only: their own result's safety panel.
            "own_view": result_view(latest.viewer_response.result or {})
            if latest.viewer_flagged and latest.viewer_response is not None
            else None,
            **_report_context(latest, partner),
        }
    )
    return render(request, "couples/detail.html", context)


@never_cache
@login_required
@require_safe
def round_report(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    member, partner, round_, state = _round_for_user(request, public_id, number)
    context = _base_context(member, partner)
    context.update({"state": state, "round": round_, **_report_context(state, partner)})
    return render(request, "couples/round.html", context)


@never_cache
@login_required
@require_safe
def report_pdf(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    from weasyprint import HTML

    member, partner, round_, state = _round_for_user(request, public_id, number)
    if not state.report_available:
        # The same 404 whatever the reason: not answered, or a flag on either side.
        raise Http404(NOT_AVAILABLE)
    context = _base_context(member, partner)
    context.update(
        {"state": state, "round": round_, "printed_at": timezone.now(), "printing": True}
    )
    context.update(_report_context(state, partner))
    html = render_to_string("couples/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    download = HttpResponse(pdf, content_type="application/pdf")
    download["Content-Disposition"] = (
        f'attachment; filename="tandem-couple-report-{round_.number}.pdf"'
    )
    return download


@never_cache
@login_required
@require_safe
def history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, partner = _active_parts(request, public_id)
    states = _states(member, partner)
    context = _base_context(member, partner)
    context["history"] = couple_history(
        [state for state in states if state.report_available], partner_name=partner.display_name
    )
    return render(request, "couples/history.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def therapists(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, partner = _active_parts(request, public_id)
    context = _base_context(member, partner)
    available = any(state.report_available for state in _states(member, partner))
    context["available"] = available
    if not available:
        return render(request, "couples/therapists.html", context)
    initial = {
        "budget_share": None
        if member.budget_share_minor is None
        else member.budget_share_minor // 100,
        "formats": member.formats,
    }
    form = CouplePreferencesForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            share = form.cleaned_data["budget_share"]
            member.budget_share_minor = None if share is None else share * 100
            member.formats = list(form.cleaned_data["formats"])
            member.save(update_fields=["budget_share_minor", "formats"])
            messages.success(request, "Saved. These matches use what you both said.")
            return redirect("couples:therapists", public_id=public_id)
        form.describe_errors()
        status = 400
    needs = couple_needs([member, partner])
    context.update({"form": form, "needs": needs, "matches": couple_matches(needs)})
    return render(request, "couples/therapists.html", context, status=status)


@login_required
@require_POST
def again(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, _partner_member = _active_parts(request, public_id)
    try:
        services.round_again(couple=member.couple, user=_viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
    return redirect(member.couple)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _get_member_for_user(request, public_id)
    if request.method == "GET":
        return render(request, "couples/leave.html", _base_context(member, _partner(member)))
    services.couple_leave(couple=member.couple, user=_viewer(request))
    messages.success(
        request, "You have left the couple check. Your own answers and results are still yours."
    )
    return redirect("couples:home")


# --- Answering apart ------------------------------------------------------------------------


def _section_page(
    request: HttpRequest,
    member: Member,
    flow: CheckFlow,
    flow_section: FlowSection,
    answers: dict[str, int | None],
    *,
    errors: dict[str, str] | None = None,
    form_error: str = "",
    status: int = 200,
) -> HttpResponse:
    return section_page(
        request,
        flow,
        flow_section,
        answers,
        action_url=reverse("couples:section", args=[member.couple.public_id, flow_section.id]),
        breadcrumb_url=member.couple.get_absolute_url(),
        breadcrumb="Your couple check",
        errors=errors,
        form_error=form_error,
        status=status,
    )


@never_cache
@login_required
@require_safe
def answer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, _partner_member = _active_parts(request, public_id)
    round_ = _latest_round(member)
    flow = check_flow(INSTRUMENT, round_.instrument_version)
    state = round_state(round_=round_, viewer=member.user, partner_id=None)
    if state.viewer_response is not None and state.viewer_response.is_completed:
        return redirect(member.couple)
    answers = state.viewer_response.answers if state.viewer_response else {}
    section = flow.first_incomplete(answers) or flow.last
    return redirect("couples:section", public_id=public_id, section_id=section.id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, public_id: UUID, section_id: str) -> HttpResponse:
    member, partner = _active_parts(request, public_id)
    round_ = _latest_round(member)
    flow = check_flow(INSTRUMENT, round_.instrument_version)
    flow_section = flow.section(section_id)
    if flow_section is None:
        raise Http404(f"The check has no part called “{section_id}”.")
    state = round_state(round_=round_, viewer=member.user, partner_id=None)
    response = state.viewer_response
    if response is not None and response.is_completed:
        messages.info(request, "You have already answered this round.")
        return redirect(member.couple)
    saved = response.answers if response is not None else {}
    if request.method == "GET":
        errors = {}
        if request.GET.get("incomplete"):
            errors = {item.id: UNANSWERED for item in flow.unanswered(flow_section, saved)}
        return _section_page(request, member, flow, flow_section, saved, errors=errors)

    form = SectionForm(request.POST, flow_section=flow_section)
    if not form.is_valid():
        errors, shown, form_error = form_problems(form, saved)
        return _section_page(
            request,
            member,
            flow,
            flow_section,
            shown,
            errors=errors,
            form_error=form_error,
            status=400,
        )
    if response is None:
        response = services.round_response(round_=round_, user=_viewer(request))
    finishing = form.action == Action.NEXT and flow.after(flow_section) is None
    answers, completed = check_services.save_section_answers(
        response=response,
        section=flow_section,
        answers=form.answers(),
        finish=flow if finishing else None,
    )
    if completed:
        services.notify_if_ready(round_=round_, member_ids=[member.user_id, partner.user_id])
        messages.success(request, "Thank you. Your answers are saved.")
        return redirect(member.couple)
    if form.action == Action.BACK:
        previous = flow.before(flow_section)
        return redirect(
            reverse("couples:section", args=[public_id, previous.id])
            if previous
            else member.couple.get_absolute_url()
        )
    if form.action == Action.SAVE:
        messages.success(
            request, "Your answers are saved. Come back to carry on where you left off."
        )
        return redirect(member.couple)
    missing = flow.unanswered(flow_section, answers)
    if missing:
        return _section_page(
            request,
            member,
            flow,
            flow_section,
            answers,
            errors={item.id: UNANSWERED for item in missing},
        )
    following = flow.after(flow_section)
    if following is not None:
        return redirect("couples:section", public_id=public_id, section_id=following.id)
    incomplete = flow.first_incomplete(answers) or flow_section
    messages.error(request, "A few questions on this page still need an answer.")
    return redirect(reverse("couples:section", args=[public_id, incomplete.id]) + "?incomplete=1")
