"""The waitlist: ask to hear of an earlier time, take an offered one, or leave."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tandem.accounts.models import User
from tandem.booking.display import when
from tandem.booking.forms import TakeOfferForm, WaitlistForm
from tandem.booking.models import Booking, WaitlistEntry, WaitlistStatus
from tandem.booking.services import (
    BookingRefused,
    name_for_therapist,
    waitlist_claim,
    waitlist_join,
)
from tandem.booking.views.common import get_public_profile, signed_in_user, viewer_zone


@never_cache
@login_required
@require_POST
def waitlist_add(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_public_profile(slug)
    form = WaitlistForm(request.POST, therapist=profile)
    if not form.is_valid():
        messages.error(request, "Please choose a session.")
        return redirect("booking:book", slug)
    try:
        waitlist_join(
            therapist=profile,
            client=signed_in_user(request),
            session_type=form.cleaned_data["session"],
        )
    except BookingRefused as error:
        messages.error(request, error.reason)
        return redirect("booking:book", slug)
    messages.success(
        request,
        f"You are on {profile.name}'s waitlist: we will email you when an earlier time opens.",
    )
    return redirect("booking:waitlist")


def _get_entry_for_user(request: HttpRequest, pk: int) -> WaitlistEntry:
    # select_related: the claim books the session type with this therapist.
    return get_object_or_404(
        WaitlistEntry.objects.select_related("therapist", "session_type", "client"),
        pk=pk,
        client=signed_in_user(request),
    )


@never_cache
@login_required
@require_safe
def waitlist(request: HttpRequest) -> HttpResponse:
    zone = viewer_zone(request)
    now = timezone.now()
    entries = WaitlistEntry.objects.filter(
        client=signed_in_user(request), status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).select_related("therapist", "session_type")
    user = signed_in_user(request)
    rows = [
        {
            "entry": entry,
            "take_form": TakeOfferForm(
                auto_id=f"take_{entry.pk}_%s",
                initial={"client_name": _name_given_before(user, entry.therapist_id)},
            ),
            "offer": when(
                entry.offered_start,
                entry.offered_start + timedelta(minutes=entry.session_type.minutes),
                zone,
            )
            if entry.offer_is_open(now) and entry.offered_start
            else None,
        }
        for entry in entries
    ]
    return render(request, "booking/waitlist.html", {"rows": rows})


def _name_given_before(user: User, therapist_id: int) -> str:
    """The name the client last gave this therapist, else their account's name."""
    given = (
        Booking.objects.filter(client=user, therapist_id=therapist_id)
        .exclude(client_name="")
        .order_by("-created_at")
        .values_list("client_name", flat=True)
        .first()
    )
    return name_for_therapist(user, given or "")


@never_cache
@login_required
@require_POST
def waitlist_take(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    form = TakeOfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please tell us the name to give the therapist.")
        return redirect("booking:waitlist")
    try:
        booking = waitlist_claim(entry=entry, client_name=form.cleaned_data["client_name"])
    except BookingRefused as error:
        messages.error(request, f"{error.reason} You stay on the waitlist.")
        return redirect("booking:waitlist")
    messages.success(request, "The time is yours.")
    return redirect(booking)


@never_cache
@login_required
@require_POST
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    entry.status = WaitlistStatus.LEFT
    entry.save(update_fields=["status"])
    messages.success(request, "You have left the waitlist.")
    return redirect("booking:waitlist")
