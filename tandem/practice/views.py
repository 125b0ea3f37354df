"""The therapist's practice and the client's side of sharing.

Every therapist page goes through :func:`_get_consent_for_therapist` or :func:`_therapist`:
anyone without a current consent from the client gets a 404, never a 403, because whether
a person shares anything with a therapist is itself private. Every read of a client's data
writes a row to their access log before the page is returned.
"""

from __future__ import annotations

import csv
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.access_log import AccessKind, record_access, record_accesses
from tandem.accounts.models import Role, User
from tandem.assessments.models import Response
from tandem.assessments.presentation import result_view
from tandem.booking.models import Booking
from tandem.instruments import UnknownInstrument, library
from tandem.practice import services
from tandem.practice.forms import ConsentForm, InvitationForm, ScheduleForm
from tandem.practice.models import Consent, DueMeasure, Invitation, MeasureSchedule
from tandem.practice.progress import caseload, outcome_changes, shared_results
from tandem.practice.reports import client_progress, timeline
from tandem.practice.tasks import send_invitation

NOT_SHARED = "No such client."


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def _therapist(request: HttpRequest) -> User:
    """The signed-in therapist; anyone else is told the page does not exist."""
    user = _user(request)
    if user.role != Role.THERAPIST:
        raise Http404("No such page.")
    return user


def _get_consent_for_therapist(request: HttpRequest, consent_id: int) -> Consent:
    """The signed-in therapist's current consent with this id, else a 404.

    A revoked consent, another therapist's, or one that never existed look the same.
    select_related: every page names the client.
    """
    consent = (
        Consent.objects.readable_by(request.user)
        .select_related("client")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        raise Http404(NOT_SHARED)
    return consent


def _get_consent_for_client(request: HttpRequest, consent_id: int) -> Consent:
    """One of the signed-in client's own current consents, else a 404."""
    consent = (
        Consent.objects.current()
        .select_related("therapist")
        .filter(pk=consent_id, client=_user(request))
        .first()
    )
    if consent is None:
        raise Http404("No such consent.")
    return consent


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response, csv.writer(response)


def _title(slug: str) -> str:
    try:
        return library.get(slug).title
    except UnknownInstrument:
        return slug


# --- The therapist ------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def caseload_page(request: HttpRequest) -> HttpResponse:
    therapist = _therapist(request)
    now = timezone.now()
    rows = caseload(therapist, now)
    record_accesses(
        viewer=therapist,
        kind=AccessKind.CASELOAD,
        reads=[(row.client.pk, row.consent.pk, "") for row in rows if row.latest is not None],
    )
    invitations = Invitation.objects.filter(therapist=therapist, used_at__isnull=True).filter(
        expires_at__gt=now
    )
    return render(
        request,
        "practice/caseload.html",
        {
            "rows": rows,
            # Each row's link is this and the consent id: one reverse() instead of 200.
            "client_url": reverse("practice:client", args=[0]).removesuffix("0/"),
            "alerts": sum(1 for row in rows if row.alerts),
            "invitations": invitations,
            "overdue_days": settings.PRACTICE_OVERDUE_DAYS,
        },
    )


@never_cache
@login_required
@require_safe
def caseload_csv(request: HttpRequest) -> HttpResponse:
    therapist = _therapist(request)
    rows = caseload(therapist, timezone.now())
    record_accesses(
        viewer=therapist,
        kind=AccessKind.EXPORT,
        reads=[(row.client.pk, row.consent.pk, "caseload CSV") for row in rows],
    )
    response, writer = _csv_response("tandem-caseload.csv")
    writer.writerow(
        [
            "client",
            "email",
            "results",
            "last_measured",
            "check",
            "latest_score",
            "since_first",
            "since_previous",
            "next_due",
            "overdue",
            "alerts",
        ]
    )
    for row in rows:
        next_due = ""
        if row.next_due is not None and row.next_due.at is not None:
            next_due = row.next_due.at.isoformat()
        elif row.next_due is not None and row.next_due.sessions_to_go:
            next_due = f"after {row.next_due.sessions_to_go} more sessions"
        writer.writerow(
            [
                row.client.name,
                row.client.email,
                row.results,
                row.last_measured.isoformat() if row.last_measured else "",
                row.title,
                "" if row.latest_score is None else round(row.latest_score),
                row.since_first.words if row.since_first else "",
                row.since_previous.words if row.since_previous else "",
                next_due,
                len(row.overdue),
                "; ".join(alert.message for alert in row.alerts),
            ]
        )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    therapist = _therapist(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            invitation, token = services.invitation_create(
                therapist=therapist,
                email=form.cleaned_data["email"],
                instruments=form.cleaned_data["instruments"],
            )
            # The token travels in the task's arguments (the queue is ours) and the email,
            # nowhere else; queued once the invitation row is committed.
            transaction.on_commit(partial(send_invitation.enqueue, invitation.pk, token))
            messages.success(
                request,
                "The invitation is on its way. You will see this person on your caseload once "
                "they have signed up and chosen what to share.",
            )
            return redirect("practice:caseload")
        return render(request, "practice/invite.html", {"form": form}, status=400)
    return render(request, "practice/invite.html", {"form": form})


@never_cache
@login_required
@require_safe
def client_page(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _get_consent_for_therapist(request, consent_id)
    therapist = _user(request)
    now = timezone.now()
    results = shared_results(consent)
    record_access(
        subject=consent.client,
        viewer=therapist,
        kind=AccessKind.HISTORY,
        detail="progress page",
        consent_id=consent.pk,
    )
    bookings = list(
        Booking.objects.filter(client=consent.client, therapist__user=therapist).order_by(
            "starts_at"
        )
    )
    schedules = list(consent.schedules.filter(is_active=True))
    since_first, since_previous = outcome_changes(results)
    titles = {slug: _title(slug) for slug in consent.instruments}
    return render(
        request,
        "practice/client.html",
        {
            "consent": consent,
            "client": consent.client,
            "progress": client_progress(results),
            "timeline": timeline(results, bookings, now),
            "since_first": since_first,
            "since_previous": since_previous,
            "schedules": schedules,
            "open_due": DueMeasure.objects.filter(
                schedule__in=schedules, completed_at__isnull=True
            ).select_related("schedule"),
            "schedule_form": ScheduleForm(instruments=list(titles.items())),
            "titles": titles,
        },
    )


@never_cache
@login_required
@require_safe
def client_csv(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _get_consent_for_therapist(request, consent_id)
    results = shared_results(consent)
    record_access(
        subject=consent.client,
        viewer=_user(request),
        kind=AccessKind.EXPORT,
        detail="results CSV",
        consent_id=consent.pk,
    )
    response, writer = _csv_response(f"tandem-client-{consent.pk}.csv")
    writer.writerow(["completed_at", "check", "version", "scale", "score"])
    for result in results:
        for scale, score in result.scale_scores.items():
            writer.writerow(
                [
                    result.completed_at.isoformat(),
                    result.instrument_slug,
                    result.instrument_version,
                    scale,
                    round(score, 2),
                ]
            )
    return response


@never_cache
@login_required
@require_safe
def result_page(request: HttpRequest, consent_id: int, public_id: UUID) -> HttpResponse:
    consent = _get_consent_for_therapist(request, consent_id)
    response = (
        Response.objects.completed().filter(public_id=public_id, owner=consent.client).first()
    )
    if response is None or not consent.covers(response.instrument_slug, response.completed_at):
        raise Http404("No such result.")
    result = dict(response.result or {})
    if not consent.share_safety:
        # Without the separate yes, nothing that comes from the safety answers is shown: the
        # flags, and the plan, whose order they change. Always hidden, flagged or not, so
        # its absence says nothing.
        result["flags"] = []
        result["plan"] = []
    view = result_view(result)
    record_access(
        subject=consent.client,
        viewer=_user(request),
        kind=AccessKind.RESULT,
        detail=f"{view.title}, {response.completed_at:%d %b %Y}" if response.completed_at else "",
        consent_id=consent.pk,
    )
    return render(
        request,
        "practice/result.html",
        {
            "consent": consent,
            "client": consent.client,
            "response": response,
            "view": view,
            "result": result,
            "helplines": settings.HELPLINES,
        },
    )


@login_required
@require_POST
def schedule_add(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _get_consent_for_therapist(request, consent_id)
    form = ScheduleForm(
        request.POST, instruments=[(slug, _title(slug)) for slug in consent.instruments]
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("practice:client", consent_id=consent.pk)
    services.schedule_create(
        consent=consent,
        instrument_slug=form.cleaned_data["instrument"],
        kind=form.cleaned_data["kind"],
        every=form.cleaned_data["every"],
    )
    messages.success(request, "The schedule is set. Due checks go to your client by email.")
    return redirect("practice:client", consent_id=consent.pk)


@login_required
@require_POST
def schedule_stop(request: HttpRequest, consent_id: int, pk: int) -> HttpResponse:
    consent = _get_consent_for_therapist(request, consent_id)
    schedule = MeasureSchedule.objects.filter(pk=pk, consent=consent).first()
    if schedule is None:
        raise Http404("No such schedule.")
    services.schedule_stop(schedule=schedule)
    messages.success(request, "The schedule is stopped; nothing more will be sent for it.")
    return redirect("practice:client", consent_id=consent.pk)


# --- The client ---------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def sharing(request: HttpRequest) -> HttpResponse:
    client = _user(request)
    consents = list(Consent.objects.current().filter(client=client).select_related("therapist"))
    shared_with = {consent.therapist_id for consent in consents}
    for consent in consents:
        consent.titles = [_title(slug) for slug in consent.instruments]  # type: ignore[attr-defined]
    due = (
        DueMeasure.objects.filter(
            schedule__consent__client=client,
            schedule__consent__revoked_at__isnull=True,
            schedule__is_active=True,
            completed_at__isnull=True,
            due_at__lte=timezone.now(),
        )
        .select_related("schedule__consent__therapist")
        .order_by("due_at")
    )
    for measure in due:
        measure.title = _title(measure.schedule.instrument_slug)  # type: ignore[attr-defined]
    return render(
        request,
        "practice/sharing.html",
        {
            "consents": consents,
            "due": due,
            "others": [
                therapist
                for therapist in services.therapists_to_share_with(client)
                if therapist.pk not in shared_with
            ],
        },
    )


def _consent_page(
    request: HttpRequest,
    template: str,
    form: ConsentForm,
    extra: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render(request, template, {"form": form, **extra}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, therapist_id: int) -> HttpResponse:
    client = _user(request)
    therapist = services.therapists_to_share_with(client).filter(pk=therapist_id).first()
    if therapist is None:
        raise Http404("You can share results with a therapist you have booked with.")
    current = Consent.objects.current().filter(client=client, therapist=therapist).first()
    initial = {}
    if current is not None:
        initial = {
            "instruments": current.instruments,
            "share_from": current.share_from,
            "auto_share": current.auto_share,
            "share_safety": current.share_safety,
        }
    form = ConsentForm(request.POST or None, initial=initial)
    extra = {"therapist": therapist, "current": current}
    if request.method == "POST":
        if not form.is_valid():
            return _consent_page(request, "practice/share.html", form, extra, 400)
        try:
            services.consent_save(client=client, therapist=therapist, **form.cleaned_data)
        except IntegrityError:
            messages.error(request, "Your choice was saved in another tab a moment ago.")
            return redirect("practice:sharing")
        messages.success(
            request, f"Saved. {therapist.name or therapist.email} sees what you chose, from now."
        )
        return redirect("practice:sharing")
    return _consent_page(request, "practice/share.html", form, extra)


@login_required
@require_POST
def revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = _get_consent_for_client(request, consent_id)
    services.consent_revoke(consent=consent)
    messages.success(
        request,
        f"You no longer share anything with {consent.therapist.name or consent.therapist.email}."
        " This took effect at once.",
    )
    return redirect("practice:sharing")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = services.open_invitation(token)
    if found is None:
        return render(request, "practice/invitation_invalid.html", status=404)
    here = reverse("practice:invitation", args=[token])
    if not request.user.is_authenticated:
        return render(request, "practice/invitation.html", {"invitation": found, "here": here})
    client = _user(request)
    if client.pk == found.therapist_id or client.role != Role.CLIENT:
        return render(request, "practice/invitation_invalid.html", status=404)
    form = ConsentForm(request.POST or None, initial={"instruments": found.instruments})
    context = {"invitation": found, "here": here}
    if request.method == "POST":
        if not form.is_valid():
            return _consent_page(request, "practice/invitation.html", form, context, 400)
        try:
            services.invitation_accept(token=token, client=client, **form.cleaned_data)
        except services.InvitationRefused:
            return render(request, "practice/invitation_invalid.html", status=404)
        messages.success(request, "Thank you. You can change or stop what you share here.")
        return redirect("practice:sharing")
    return _consent_page(request, "practice/invitation.html", form, context)
