"""A result: its page, its PDF report, keeping it, and therapists who fit it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tandem.assessments import services
from tandem.assessments.forms import MatchForm
from tandem.assessments.models import Response
from tandem.assessments.presentation import result_view
from tandem.assessments.views.access import (
    forget_claim,
    get_response_for_viewer,
)

#: In the visitor's session: public id of each anonymous response -> its claim token.
from tandem.directory.matching import MatchPreferences, match_therapists
from tandem.lib.ratelimit import over_limit


def _result_context(request: HttpRequest, response: Response) -> dict[str, Any]:
    result = response.result or {}
    view = result_view(result)
    here = reverse("assessments:result", args=[response.public_id])
    return {
        "response": response,
        "view": view,
        "result": result,
        "is_anonymous_result": response.owner_id is None,
        "can_keep": request.user.is_authenticated and response.owner_id is None,
        "here": here,
        "directory_installed": apps.is_installed("tandem.directory"),
        "helplines": settings.HELPLINES,
    }


@never_cache
@require_safe
def result(request: HttpRequest, public_id: UUID) -> HttpResponse:
    response = get_response_for_viewer(request, public_id)
    context = _result_context(request, response)
    context["articles"] = context["view"].articles()
    return render(request, "assessments/result.html", context)


# At most this many PDF reports per person in each window (count, seconds).
REPORT_PDF_LIMITS = [(3, 60), (20, 3600)]


@never_cache
@require_safe
def report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    from weasyprint import HTML

    response = get_response_for_viewer(request, public_id)
    # A PDF costs about 0.4 s of CPU: limited per person (the account, or the visitor's
    # session, which holds their claim to the result).
    person = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else f"session:{request.session.session_key}"
    )
    if over_limit("report-pdf", person, REPORT_PDF_LIMITS):
        return render(request, "assessments/report_limited.html", status=429)
    context = _result_context(request, response)
    context["printed_at"] = timezone.now()
    html = render_to_string("assessments/report.html", context, request=request)
    # Nothing remote: relative URLs (none are used) would resolve inside the static folder.
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    download = HttpResponse(pdf, content_type="application/pdf")
    when = (response.completed_at or timezone.now()).date().isoformat()
    download["Content-Disposition"] = (
        f'attachment; filename="tandem-{response.instrument_slug}-{when}.pdf"'
    )
    return download


@login_required
@require_POST
def keep(request: HttpRequest, public_id: UUID) -> HttpResponse:
    response = get_response_for_viewer(request, public_id)
    if response.owner_id is None:
        services.keep_response(response=response, user=request.user)  # type: ignore[arg-type]
        forget_claim(request, response)
        messages.success(request, "This result is now kept in your history.")
    return redirect("assessments:result", public_id=response.public_id)


@never_cache
@require_safe
def therapists(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if not apps.is_installed("tandem.directory"):
        raise Http404("The therapist directory is not part of this site.")
    response = get_response_for_viewer(request, public_id)
    form = MatchForm(request.GET if request.GET else None)
    preferences = MatchPreferences()
    status = 200
    if form.is_bound:
        if form.is_valid():
            preferences = form.to_preferences()
        else:
            form.describe_errors()
            status = 400
    matches = (
        match_therapists(result=response.result, preferences=preferences) if status == 200 else []
    )
    return render(
        request,
        "assessments/therapists.html",
        {
            "response": response,
            "view": result_view(response.result or {}),
            "form": form,
            "matches": matches,
        },
        status=status,
    )
