"""The client's side: what they share and with whom, and a therapist's invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.models import Role
from tandem.practice import services
from tandem.practice.forms import ConsentForm
from tandem.practice.models import Consent, DueMeasure
from tandem.practice.views.common import (
    consent_for_client,
    title_of,
    user_of,
)


@never_cache
@login_required
@require_safe
def sharing(request: HttpRequest) -> HttpResponse:
    client = user_of(request)
    consents = list(Consent.objects.current().filter(client=client).select_related("therapist"))
    shared_with = {consent.therapist_id for consent in consents}
    for consent in consents:
        consent.titles = [title_of(slug) for slug in consent.instruments]  # type: ignore[attr-defined]
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
        measure.title = title_of(measure.schedule.instrument_slug)  # type: ignore[attr-defined]
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
    client = user_of(request)
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
            "share_couple_report": current.share_couple_report,
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
    consent = consent_for_client(request, consent_id)
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
    client = user_of(request)
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
