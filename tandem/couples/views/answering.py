"""Answering apart: each partner's own sections of the couple check."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tandem.assessments import services as check_services
from tandem.assessments.flow import CheckFlow, FlowSection, check_flow
from tandem.assessments.forms import Action, SectionForm
from tandem.assessments.pages import UNANSWERED, form_problems, section_page
from tandem.couples import services
from tandem.couples.models import INSTRUMENT, Member
from tandem.couples.services import round_state
from tandem.couples.views.common import (
    active_parts,
    latest_round,
    viewer,
)


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
    member, _partner_member = active_parts(request, public_id)
    round_ = latest_round(member)
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
    member, partner = active_parts(request, public_id)
    round_ = latest_round(member)
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
        response = services.round_response(round_=round_, user=viewer(request))
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
