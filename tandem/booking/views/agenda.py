"""The therapist's agenda and private calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tandem.booking import ical
from tandem.booking.display import day_label, time_range
from tandem.booking.models import Booking, BookingSettings
from tandem.booking.views.common import get_practice


@never_cache
@login_required
@require_safe
def agenda(request: HttpRequest) -> HttpResponse:
    profile, rules = get_practice(request)
    zone = rules.zone
    now = timezone.now()
    bookings = Booking.objects.filter(therapist=profile, ends_at__gt=now - timedelta(days=7))
    rows = [
        {
            "booking": booking,
            "day": day_label(booking.starts_at, zone),
            "time": time_range(booking.starts_at, booking.ends_at, zone),
        }
        for booking in bookings.order_by("starts_at")
    ]
    context = {"profile": profile, "rows": rows, "zone": str(zone)}
    return render(request, "booking/agenda.html", context)


@never_cache
@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    _profile, rules = get_practice(request)
    rules.reset_feed_token()
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("booking:practice")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The therapist's private calendar feed; the token in the address is the only key."""
    rules = (
        BookingSettings.objects.select_related("therapist")
        .filter(calendar_feed_token=token)
        .first()
    )
    if rules is None or not token:
        raise Http404("No such feed.")
    since = timezone.now() - timedelta(days=30)
    bookings = Booking.objects.filter(therapist=rules.therapist, ends_at__gte=since).select_related(
        "therapist"
    )
    body = ical.feed_calendar(bookings, name=rules.therapist.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
