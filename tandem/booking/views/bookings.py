"""Booking, for clients: choose a time, book it, see, cancel or move a session; the therapist
accepts or declines a request on the same page."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.booking import ical
from tandem.booking.display import moment, when
from tandem.booking.forms import (
    BookingForm,
    DecisionForm,
    ReasonForm,
    SlotChoiceForm,
    ViewForm,
    WaitlistForm,
    slot_key,
)
from tandem.booking.models import Booking, Party, SessionType
from tandem.booking.services import (
    BookingRefused,
    SlotTaken,
    booking_cancel,
    booking_create,
    booking_decide,
)
from tandem.booking.views.common import (
    DAYS_SHOWN,
    SESSION_ZONE_KEY,
    Day,
    diary_days,
    first_day,
    get_booking_for_user,
    get_public_profile,
    reschedule_page,
    signed_in_user,
    viewer_zone,
)


@require_safe
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a session type and a time (anyone may look; booking asks them to sign in)."""
    profile = get_public_profile(slug)
    now = timezone.now()
    sessions = list(SessionType.objects.filter(therapist=profile, is_active=True))
    chosen = bool(request.GET.get("tz")) or SESSION_ZONE_KEY in request.session
    zone = viewer_zone(request, request.GET.get("tz"))
    data = {
        # The first paid session by default: a free introduction call is rarely what is meant.
        "session": request.GET.get("session")
        or next((s.pk for s in sessions if s.price_minor), sessions[0].pk if sessions else ""),
        "tz": str(zone),
        "start": request.GET.get("start", ""),
    }
    form = ViewForm(data, therapist=profile, current_zone=str(zone))
    if chosen:
        # booking.js only suggests the browser's zone to someone who has not picked one.
        form.fields["tz"].widget.attrs["data-chosen"] = "true"
    days: list[Day] = []
    status = 200
    session = None
    first = now.astimezone(zone).date()
    if sessions and form.is_valid():
        session = form.cleaned_data["session"]
        first = first_day(form.cleaned_data["start"], zone, now)
        days = diary_days(
            profile_id=profile.pk, session_minutes=session.minutes, first=first, zone=zone, now=now
        )
    elif sessions:
        status = 400
    query = {"session": session.pk if session else "", "tz": str(zone)}
    context = {
        "profile": profile,
        "form": form,
        "sessions": sessions,
        "session": session,
        "days": days,
        "zone": str(zone),
        "has_slots": any(day.slots for day in days),
        "earlier": _page_link(slug, query, first - timedelta(days=DAYS_SHOWN))
        if first > now.astimezone(zone).date()
        else None,
        "later": _page_link(slug, query, first + timedelta(days=DAYS_SHOWN)),
        "waitlist_form": WaitlistForm(therapist=profile, initial={"session": session}),
        "accepting": profile.accepting_new_clients,
    }
    return render(request, "booking/book.html", context, status=status)


def _page_link(slug: str, query: dict[str, Any], first: date) -> str:
    return reverse("booking:book", args=[slug]) + "?" + urlencode({**query, "start": first})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Check the chosen time, ask the name the therapist will see, and book it (POST, with an
    idempotency key against double submits)."""
    profile = get_public_profile(slug)
    user = signed_in_user(request)
    zone = viewer_zone(request)
    form: SlotChoiceForm
    if request.method == "POST":
        form = BookingForm(request.POST, therapist=profile)
    else:
        form = SlotChoiceForm(
            {
                "session": request.GET.get("session"),
                "start": request.GET.get("start"),
                "idempotency_key": str(uuid.uuid4()),
            },
            therapist=profile,
        )
    status = 200
    refusal = None
    valid = form.is_valid()
    chosen = form.cleaned_data if valid else {}
    if not valid:
        status = 400
        chosen = {
            name: form.cleaned_data[name]
            for name in ("session", "start")
            if name in form.cleaned_data and not form.errors.get(name)
        }
    elif not isinstance(form, BookingForm):
        # The time reads well: show the full form, the name prefilled from the account.
        form = BookingForm(
            initial={
                "session": chosen["session"].pk,
                "start": slot_key(chosen["start"]),
                "idempotency_key": chosen["idempotency_key"],
                "client_name": user.name,
            },
            therapist=profile,
        )
    else:
        try:
            booking = booking_create(
                slot_start=form.cleaned_data["start"],
                session_type=form.cleaned_data["session"],
                client=user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                client_name=form.cleaned_data["client_name"],
                note=form.cleaned_data["note"],
                client_time_zone=str(zone),
            )
        except SlotTaken as error:
            refusal, status = error.reason, 409
        except BookingRefused as error:
            refusal, status = error.reason, 403
        else:
            messages.success(
                request,
                "Your session is booked."
                if booking.status == "confirmed"
                else "Your request has been sent to the therapist.",
            )
            return redirect(booking)
    session, start = chosen.get("session"), chosen.get("start")
    slot_errors = [error for name in ("session", "start") for error in form.errors.get(name, [])]
    if form.errors.get("idempotency_key"):
        slot_errors.append("This form could not be read: please choose the time again.")
    context = {
        "profile": profile,
        "form": form,
        "slot_errors": slot_errors,
        "session": session,
        "when": when(start, start + timedelta(minutes=session.minutes), zone)
        if session and start
        else "",
        "refusal": refusal,
        "back": reverse("booking:book", args=[slug])
        + (f"?session={session.pk}" if session else ""),
    }
    return render(request, "booking/confirm.html", context, status=status)


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's sessions, as a client."""
    user = signed_in_user(request)
    zone = viewer_zone(request)
    now = timezone.now()
    bookings = Booking.objects.filter(Q(client=user) | Q(partner=user)).order_by("starts_at")
    rows = [(booking, when(booking.starts_at, booking.ends_at, zone)) for booking in bookings]
    # Cancelled and declined sessions are not coming up, however far ahead they were.
    context = {
        "upcoming": [{"booking": b, "when": w} for b, w in rows if b.is_active and b.ends_at > now],
        "past": [
            {"booking": b, "when": w} for b, w in rows if not (b.is_active and b.ends_at > now)
        ][::-1],
        "zone": str(zone),
    }
    return render(request, "booking/mine.html", context)


@never_cache
@login_required
@require_safe
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = get_booking_for_user(request, public_id)
    zone = viewer_zone(request)
    now = timezone.now()
    context = {
        "booking": booking,
        "party": party,
        "is_therapist": party == Party.THERAPIST,
        "other_name": (booking.client_name or "A former client")
        if party == Party.THERAPIST
        else booking.therapist_name,
        "when": when(booking.starts_at, booking.ends_at, zone),
        "can_change": booking.can_change(party, now),
        "deadline": moment(booking.change_deadline(), zone),
        "room_url": booking.room_url() if booking.room_open(now) else None,
        "room_later": booking.format == "video" and booking.is_active and now < booking.ends_at,
        "cancel_form": ReasonForm(auto_id="cancel_%s"),
        "decision_form": DecisionForm(auto_id="decide_%s"),
        "events": [
            {"event": event, "when": moment(event.at, zone)} for event in booking.events.all()
        ],
    }
    return render(request, "booking/detail.html", context)


@never_cache
@login_required
@require_safe
def invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The booking's calendar invite, the same file the emails attach, for this person."""
    booking, party = get_booking_for_user(request, public_id)
    user = signed_in_user(request)
    name = booking.client_name if party == Party.CLIENT else booking.therapist_name
    ics = ical.invite_calendar(booking, party=party, email=user.email, name=name)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-session.ics"'
    return response


@never_cache
@login_required
@require_POST
def cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = get_booking_for_user(request, public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give a reason for cancelling.")
        return redirect(booking)
    try:
        booking_cancel(booking=booking, by=party, reason=form.cleaned_data["reason"])
    except BookingRefused as error:
        messages.error(request, error.reason)
        return redirect(booking)
    messages.success(request, "The session is cancelled. We have told both of you by email.")
    return redirect(booking)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = get_booking_for_user(request, public_id)
    return reschedule_page(
        request, booking, party, action=reverse("booking:reschedule", args=[public_id])
    )


@never_cache
@login_required
@require_POST
def decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = get_booking_for_user(request, public_id)
    if party != Party.THERAPIST:
        raise PermissionDenied("Only the therapist accepts or declines a request.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give the client a reason when you decline.")
        return redirect(booking)
    try:
        booking_decide(
            booking=booking, accept=form.cleaned_data["accept"], reason=form.cleaned_data["reason"]
        )
    except BookingRefused as error:
        messages.error(request, error.reason)
    else:
        messages.success(
            request,
            "Accepted." if form.cleaned_data["accept"] else "Declined. The client has been told.",
        )
    return redirect(booking)
