"""A result: its page, its PDF report, keeping it, and therapists who fit it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib import messages
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
from tandem.assessments.presentation import (
    anonymous_access_sentence,
    result_view,
)
from tandem.assessments.views.access import (
    _claims,
    forget_claim,
    get_response_for_viewer,
)

#: In the visitor's session: public id of each anonymous response -> its claim token.
from tandem.directory.matching import MatchPreferences, match_therapists
from tandem.lib.ratelimit import over_limit

#: In the visitor's session: public ids of results they asked to keep once signed in.
KEEP_AFTER_SIGN_IN_SESSION_KEY = "assessments_keep_after_sign_in"


def keep_results_asked_for_before_sign_in(request: HttpRequest, user: Any) -> None:
    """Keep the results this visitor asked to keep from a result's prompt, now they are in.

    Connected to ``user_logged_in`` (the seam auth offers): signing up logs in once the address
    is confirmed, and signing in logs in, both through allauth. Only results asked for from
    the prompt, and still claimable with this session's tokens, are kept: an earlier visitor's
    results in the same browser session never join this account by accident.
    """
    wanted = request.session.pop(KEEP_AFTER_SIGN_IN_SESSION_KEY, [])
    if not isinstance(wanted, list) or not wanted:
        return
    claims = _claims(request)
    kept = 0
    for response in Response.objects.completed().filter(
        owner__isnull=True, public_id__in=[pid for pid in wanted if pid in claims]
    ):
        if response.is_claimable_with(claims.get(str(response.public_id))):
            services.keep_response(response=response, user=user)
            forget_claim(request, response)
            kept += 1
    if kept:
        messages.success(
            request,
            "This result is now kept in your history."
            if kept == 1
            else "These results are now kept in your history.",
        )


def _result_context(request: HttpRequest, response: Response) -> dict[str, Any]:
    result = response.result or {}
    view = result_view(result)
    here = reverse("assessments:result", args=[response.public_id])
    return {
        "response": response,
        "view": view,
        "result": result,
        "is_anonymous_result": response.owner_id is None,
        "anonymous_keep_sentence": anonymous_access_sentence(),
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


def report_html(request: HttpRequest, response: Response) -> str:
    """The HTML the PDF report is printed from (WeasyPrint's input)."""
    context = _result_context(request, response)
    context["printed_at"] = timezone.now()
    return render_to_string("assessments/report.html", context, request=request)


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
    html = report_html(request, response)
    # Nothing remote: relative URLs (none are used) would resolve inside the static folder.
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    download = HttpResponse(pdf, content_type="application/pdf")
    when = (response.completed_at or timezone.now()).date().isoformat()
    download["Content-Disposition"] = (
        f'attachment; filename="tandem-{response.instrument_slug}-{when}.pdf"'
    )
    return download


@require_POST
def keep(request: HttpRequest, public_id: UUID) -> HttpResponse:
    response = get_response_for_viewer(request, public_id)
    here = reverse("assessments:result", args=[response.public_id])
    if not request.user.is_authenticated:
        # The prompt on an anonymous result: remember the wish, then sign up or sign in; the
        # result is kept as soon as the person is signed in (keep_results_asked_for_before_sign_in).
        then = request.POST.get("then")
        if then not in ("signup", "login"):
            return HttpResponse(
                "Choose to create an account or to sign in.", status=400, content_type="text/plain"
            )
        wanted = request.session.get(KEEP_AFTER_SIGN_IN_SESSION_KEY, [])
        if not isinstance(wanted, list):
            wanted = []
        if str(response.public_id) not in wanted:
            request.session[KEEP_AFTER_SIGN_IN_SESSION_KEY] = [*wanted, str(response.public_id)]
        return redirect(f"{reverse('account_' + then)}?{urlencode({'next': here}, safe='/')}")
    if response.owner_id is None:
        services.keep_response(response=response, user=request.user)
        forget_claim(request, response)
        messages.success(request, "This result is now kept in your history.")
    return redirect(here)


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
