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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.assessments import services
from tandem.assessments.charts import history_chart
from tandem.assessments.flow import CheckFlow, FlowSection, check_flow, listed_instruments
from tandem.assessments.forms import Action, MatchForm, SectionForm
from tandem.assessments.models import Response
from tandem.assessments.pages import UNANSWERED, form_problems, section_page
from tandem.assessments.presentation import result_view
from tandem.instruments import UnknownInstrument, library

#: In the visitor's session: public id of each anonymous response -> its claim token.
CLAIMS_SESSION_KEY = "assessments_claims"


# --- Who may see what ---------------------------------------------------------------------


def _claims(request: HttpRequest) -> dict[str, str]:
    claims = request.session.get(CLAIMS_SESSION_KEY, {})
    return claims if isinstance(claims, dict) else {}


def _remember_claim(request: HttpRequest, response: Response, token: str) -> None:
    claims = _claims(request)
    claims[str(response.public_id)] = token
    request.session[CLAIMS_SESSION_KEY] = claims


def _forget_claim(request: HttpRequest, response: Response) -> None:
    claims = _claims(request)
    if claims.pop(str(response.public_id), None) is not None:
        request.session[CLAIMS_SESSION_KEY] = claims


def _is_viewers(request: HttpRequest, response: Response) -> bool:
    if request.user.is_authenticated and response.owner_id == request.user.pk:
        return True
    return response.is_claimable_with(_claims(request).get(str(response.public_id)))


def _get_response_for_viewer(request: HttpRequest, public_id: UUID) -> Response:
    """A completed response the viewer owns, or holds the claim token of in this session.

    Anything else is a 404, never a 403: a result's existence is itself private. No
    select_related: the owner is compared by id and never read.
    """
    response = Response.objects.completed().filter(public_id=public_id).first()
    if response is None or not _is_viewers(request, response):
        raise Http404("No such result.")
    return response


def _current_response(request: HttpRequest, slug: str) -> Response | None:
    """The viewer's unfinished response to ``slug``, if any.

    Signed in: their own, else one they began anonymously in this session (which becomes
    theirs, since they are the one carrying on). Anonymous: one claimed in this session.
    """
    unfinished = Response.objects.in_progress().filter(instrument_slug=slug)
    if request.user.is_authenticated:
        owned = unfinished.filter(owner=request.user).first()
        if owned is not None:
            return owned
    claims = _claims(request)
    if not claims:
        return None
    for response in unfinished.filter(owner__isnull=True, public_id__in=list(claims)):
        if response.is_claimable_with(claims.get(str(response.public_id))):
            if request.user.is_authenticated:
                services.keep_response(response=response, user=request.user)
                _forget_claim(request, response)
            return response
    return None


def _flow_or_404(slug: str, version: int | None = None) -> CheckFlow:
    try:
        flow = check_flow(slug, version)
    except UnknownInstrument as exc:
        raise Http404(f"There is no check called “{slug}”.") from exc
    if flow.instrument.slug not in {instrument.slug for instrument in listed_instruments()}:
        raise Http404(f"“{slug}” is asked as part of other checks, not on its own.")
    return flow


def _section_url(flow: CheckFlow, section: FlowSection) -> str:
    return reverse("assessments:section", args=[flow.slug, section.id])


def _section_page(
    request: HttpRequest, flow: CheckFlow, flow_section: FlowSection, *args: Any, **kwargs: Any
) -> HttpResponse:
    return section_page(
        request,
        flow,
        flow_section,
        *args,
        action_url=_section_url(flow, flow_section),
        breadcrumb_url=reverse("assessments:take", args=[flow.slug]),
        **kwargs,
    )


# --- Taking a check -----------------------------------------------------------------------


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
    return render(request, "assessments/index.html", {"checks": checks})


@never_cache
@require_safe
def take(request: HttpRequest, slug: str) -> HttpResponse:
    flow = _flow_or_404(slug)
    response = _current_response(request, slug)
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
            "start_url": _section_url(flow, start_at),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, slug: str, section_id: str) -> HttpResponse:
    _flow_or_404(slug)
    response = _current_response(request, slug)
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
            _remember_claim(request, response, token)
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
            _section_url(flow, previous) if previous else reverse("assessments:take", args=[slug])
        )
    if form.action == Action.SAVE:
        messages.success(
            request,
            "Your answers are saved. Come back to this page to carry on where you left off"
            + ("." if request.user.is_authenticated else " (in this browser, within 7 days)."),
        )
        return redirect("assessments:take", slug=slug)

    missing = flow.unanswered(flow_section, answers)
    if missing:
        return _section_page(
            request, flow, flow_section, answers, errors={item.id: UNANSWERED for item in missing}
        )
    following = flow.after(flow_section)
    if following is not None:
        return redirect(_section_url(flow, following))
    # The last page did not complete the check, so an earlier page still needs answers.
    incomplete = flow.first_incomplete(answers) or flow_section
    messages.error(request, "A few questions on this page still need an answer.")
    return redirect(_section_url(flow, incomplete) + "?incomplete=1")


# --- Results ------------------------------------------------------------------------------


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
    response = _get_response_for_viewer(request, public_id)
    context = _result_context(request, response)
    context["articles"] = context["view"].articles()
    return render(request, "assessments/result.html", context)


@never_cache
@require_safe
def report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    from weasyprint import HTML

    response = _get_response_for_viewer(request, public_id)
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
    response = _get_response_for_viewer(request, public_id)
    if response.owner_id is None:
        services.keep_response(response=response, user=request.user)  # type: ignore[arg-type]
        _forget_claim(request, response)
        messages.success(request, "This result is now kept in your history.")
    return redirect("assessments:result", public_id=response.public_id)


@never_cache
@require_safe
def therapists(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if not apps.is_installed("tandem.directory"):
        raise Http404("The therapist directory is not part of this site.")
    from tandem.directory.matching import MatchPreferences, match_therapists

    response = _get_response_for_viewer(request, public_id)
    form = MatchForm(request.GET if request.GET else None)
    preferences = MatchPreferences()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            preferences = MatchPreferences(
                max_fee_minor=None if data["budget"] is None else data["budget"] * 100,
                format="in_person" if data["town"] else data["format"],
                town=data["town"],
            )
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


# --- A person's own checks ----------------------------------------------------------------


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    responses = list(
        Response.objects.owned_by(request.user).order_by("-completed_at", "-started_at")
    )
    titles = {instrument.slug: instrument.title for instrument in library.all()}
    for response in responses:
        response.title = titles.get(response.instrument_slug, response.instrument_slug)  # type: ignore[attr-defined]
    completed = [r for r in responses if r.is_completed]
    unfinished = [r for r in responses if not r.is_completed]
    history_links = sorted(
        {(r.instrument_slug, titles.get(r.instrument_slug, "")) for r in completed}
    )
    return render(
        request,
        "assessments/mine.html",
        {"completed": completed, "unfinished": unfinished, "history_links": history_links},
    )


def _change(
    flow_slug: str, version: int, scale: str, before: float, after: float
) -> tuple[bool | None, str]:
    try:
        change = library.get(flow_slug, version).reliable_change(scale, before, after)
    except (KeyError, UnknownInstrument):
        return None, ""
    return change.reliable, change.direction


@never_cache
@login_required
@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    flow = _flow_or_404(slug)
    responses = list(
        Response.objects.completed()
        .owned_by(request.user)
        .filter(instrument_slug=slug)
        .order_by("completed_at", "pk")
    )
    charts = []
    for key, scale in flow.instrument.scales.items():
        series: list[tuple[Any, float | None, bool, str]] = []
        rows = []
        previous: float | None = None
        for response in responses:
            score = response.scale_scores.get(key)
            reliable: bool | None = None
            direction = ""
            if score is not None and previous is not None:
                reliable, direction = _change(
                    slug, response.instrument_version, key, previous, score
                )
            series.append(
                (response.completed_at, score, bool(reliable), direction if reliable else "")
            )
            rows.append(
                {
                    "response": response,
                    "score": None if score is None else round(score),
                    "difference": None
                    if score is None or previous is None
                    else round(score - previous),
                    "reliable": reliable,
                    "direction": direction,
                }
            )
            if score is not None:
                previous = score
        charts.append(
            {"chart": history_chart(key, scale.title, series), "rows": rows, "scale": scale}
        )
    return render(
        request,
        "assessments/history.html",
        {
            "flow": flow,
            "instrument": flow.instrument,
            "responses": responses,
            "last_completed": responses[-1].completed_at if responses else None,
            "charts": charts,
        },
    )
