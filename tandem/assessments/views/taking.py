"""Taking a check, one section a page, anonymously or signed in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tandem.assessments import services
from tandem.assessments.flow import CheckFlow, FlowSection, check_flow, listed_instruments
from tandem.assessments.forms import Action, SectionForm
from tandem.assessments.models import Response
from tandem.assessments.pages import UNANSWERED, form_problems, section_page
from tandem.assessments.presentation import anonymous_session_lifetime

#: In the visitor's session: public id of each anonymous response -> its claim token.
from tandem.assessments.views.access import (
    current_response,
    flow_or_404,
    remember_claim,
    section_url,
)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    instruments = listed_instruments()
    unfinished: set[str] = set()
    if request.user.is_authenticated:
        unfinished = set(
            Response.objects.in_progress()
            .filter(owner=request.user)
            .values_list("instrument_slug", flat=True)
        )
    checks = [
        {
            "instrument": instrument,
            "flow": check_flow(instrument.slug),
            "unfinished": instrument.slug in unfinished,
        }
        for instrument in instruments
    ]
    return render(
        request,
        "assessments/index.html",
        {"checks": checks, "anonymous_lifetime": anonymous_session_lifetime()},
    )


@never_cache
@require_safe
def take(request: HttpRequest, slug: str) -> HttpResponse:
    flow = flow_or_404(slug)
    response = current_response(request, slug)
    start_at = flow.first
    answered = 0
    if response is not None:
        flow = check_flow(slug, response.instrument_version)
        answers = response.answers
        answered = flow.answered_count(answers)
        start_at = flow.first_incomplete(answers) or flow.last
    return render(
        request,
        "assessments/take.html",
        {
            "flow": flow,
            "instrument": flow.instrument,
            "response": response,
            "answered": answered,
            "start_url": section_url(flow, start_at),
            "anonymous_lifetime": anonymous_session_lifetime(),
        },
    )


def _section_page(
    request: HttpRequest, flow: CheckFlow, flow_section: FlowSection, *args: Any, **kwargs: Any
) -> HttpResponse:
    return section_page(
        request,
        flow,
        flow_section,
        *args,
        action_url=section_url(flow, flow_section),
        breadcrumb_url=reverse("assessments:take", args=[flow.slug]),
        **kwargs,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, slug: str, section_id: str) -> HttpResponse:
    flow_or_404(slug)
    response = current_response(request, slug)
    flow = check_flow(slug, response.instrument_version if response else None)
    flow_section = flow.section(section_id)
    if flow_section is None:
        raise Http404(f"The check “{flow.instrument.title}” has no part called “{section_id}”.")
    saved = response.answers if response is not None else {}

    if request.method == "GET":
        errors = {}
        if request.GET.get("incomplete"):
            errors = {item.id: UNANSWERED for item in flow.unanswered(flow_section, saved)}
        return _section_page(request, flow, flow_section, saved, errors=errors)

    form = SectionForm(request.POST, flow_section=flow_section)
    if not form.is_valid():
        # Tampered or stale input: nothing from this page is saved, earlier answers stay.
        errors, shown, form_error = form_problems(form, saved)
        return _section_page(
            request, flow, flow_section, shown, errors=errors, form_error=form_error, status=400
        )

    if response is None:
        token = None if request.user.is_authenticated else services.new_claim_token()
        response = services.start_response(
            flow=flow,
            owner=request.user if request.user.is_authenticated else None,
            claim_token=token,
        )
        if token:
            remember_claim(request, response, token)
    finishing = form.action == Action.NEXT and flow.after(flow_section) is None
    answers, completed = services.save_section_answers(
        response=response,
        section=flow_section,
        answers=form.answers(),
        finish=flow if finishing else None,
    )
    if completed:
        return redirect("assessments:result", public_id=response.public_id)

    if form.action == Action.BACK:
        previous = flow.before(flow_section)
        return redirect(
            section_url(flow, previous) if previous else reverse("assessments:take", args=[slug])
        )
    if form.action == Action.SAVE:
        messages.success(
            request,
            "Your answers are saved. Come back to this page to carry on where you left off."
            if request.user.is_authenticated
            else "Your answers are saved. Come back to this page in this browser to carry on "
            f"where you left off, {anonymous_session_lifetime()}.",
        )
        return redirect("assessments:take", slug=slug)

    missing = flow.unanswered(flow_section, answers)
    if missing:
        return _section_page(
            request, flow, flow_section, answers, errors={item.id: UNANSWERED for item in missing}
        )
    following = flow.after(flow_section)
    if following is not None:
        return redirect(section_url(flow, following))
    # The last page did not complete the check, so an earlier page still needs answers.
    incomplete = flow.first_incomplete(answers) or flow_section
    messages.error(request, "A few questions on this page still need an answer.")
    return redirect(section_url(flow, incomplete) + "?incomplete=1")
