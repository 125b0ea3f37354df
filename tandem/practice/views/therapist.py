"""The therapist's pages: the caseload, a client's progress, results, exports, schedules."""

from __future__ import annotations

from functools import partial
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.access_log import AccessKind, record_access, record_accesses
from tandem.assessments.models import Response
from tandem.booking.models import Booking
from tandem.practice import services
from tandem.practice.forms import InvitationForm, ScheduleForm
from tandem.practice.models import DueMeasure, Invitation, MeasureSchedule
from tandem.practice.progress import caseload, outcome_changes, shared_results
from tandem.practice.reports import client_progress, timeline
from tandem.practice.tasks import send_invitation
from tandem.practice.views.common import (
    consent_for_therapist,
    csv_response,
    shared_result,
    therapist_of,
    title_of,
    user_of,
)
from tandem.practice.views.couple import couple_for


@never_cache
@login_required
@require_safe
def caseload_page(request: HttpRequest) -> HttpResponse:
    therapist = therapist_of(request)
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
    therapist = therapist_of(request)
    rows = caseload(therapist, timezone.now())
    record_accesses(
        viewer=therapist,
        kind=AccessKind.EXPORT,
        reads=[(row.client.pk, row.consent.pk, "caseload CSV") for row in rows],
    )
    response, writer = csv_response("tandem-caseload.csv")
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
    therapist = therapist_of(request)
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
    consent = consent_for_therapist(request, consent_id)
    therapist = user_of(request)
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
    titles = {slug: title_of(slug) for slug in consent.instruments}
    couple = couple_for(consent, therapist, kind=AccessKind.HISTORY, detail="couple view")
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
            "couple": couple,
        },
    )


@never_cache
@login_required
@require_safe
def client_csv(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = consent_for_therapist(request, consent_id)
    results = shared_results(consent)
    record_access(
        subject=consent.client,
        viewer=user_of(request),
        kind=AccessKind.EXPORT,
        detail="results CSV",
        consent_id=consent.pk,
    )
    response, writer = csv_response(f"tandem-client-{consent.pk}.csv")
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
    consent = consent_for_therapist(request, consent_id)
    response = (
        Response.objects.completed().filter(public_id=public_id, owner=consent.client).first()
    )
    if response is None or not consent.covers(response.instrument_slug, response.completed_at):
        raise Http404("No such result.")
    result, view = shared_result(consent, response)
    record_access(
        subject=consent.client,
        viewer=user_of(request),
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
    consent = consent_for_therapist(request, consent_id)
    form = ScheduleForm(
        request.POST, instruments=[(slug, title_of(slug)) for slug in consent.instruments]
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
    consent = consent_for_therapist(request, consent_id)
    schedule = MeasureSchedule.objects.filter(pk=pk, consent=consent).first()
    if schedule is None:
        raise Http404("No such schedule.")
    services.schedule_stop(schedule=schedule)
    messages.success(request, "The schedule is stopped; nothing more will be sent for it.")
    return redirect("practice:client", consent_id=consent.pk)
