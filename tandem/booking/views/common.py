"""Helpers every booking page shares: who is asking, the zone times are shown in, the
object lookups, a week of the diary, and the page that moves a session (signed in or through
a link from an email)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.booking.display import day_label, time_label, when
from tandem.booking.forms import RescheduleForm, slot_key
from tandem.booking.models import Booking, BookingSettings, validate_time_zone
from tandem.booking.services import BookingRefused, SlotTaken, booking_reschedule
from tandem.booking.slots import Diary
from tandem.directory.models import Country, TherapistProfile

DEFAULT_ZONE = "Europe/London"
DAYS_SHOWN = 7
SESSION_ZONE_KEY = "booking_time_zone"
LINK_SESSION_KEY = "booking_link"


def signed_in_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def viewer_zone(request: HttpRequest, asked: str | None = None) -> ZoneInfo:
    """The zone times are shown in: asked for now, else remembered, else London."""
    if asked:
        try:
            validate_time_zone(asked)
        except ValidationError:  # an unknown name falls back, never fails
            asked = None
            messages.warning(
                request,
                f"We do not know the time zone in that link, so times are shown in {DEFAULT_ZONE}.",
            )
        else:
            request.session[SESSION_ZONE_KEY] = asked
    return ZoneInfo(asked or request.session.get(SESSION_ZONE_KEY) or DEFAULT_ZONE)


def get_public_profile(slug: str) -> TherapistProfile:
    # select_related("user"): public() joins it anyway to check the account is active.
    return get_object_or_404(TherapistProfile.objects.public().select_related("user"), slug=slug)


def get_booking_for_user(request: HttpRequest, public_id: uuid.UUID) -> tuple[Booking, str]:
    """The booking and which side the user is on; 404 for anyone who is neither."""
    found = Booking.objects.find_with_party(signed_in_user(request), public_id)
    if found is None:
        raise Http404("No such booking.")
    return found


@dataclass
class Day:
    date: date
    label: str
    slots: list[tuple[str, str]]  # (form value, "09:00")
    reason: str


def diary_days(
    *,
    profile_id: int,
    session_minutes: int,
    first: date,
    zone: ZoneInfo,
    now: datetime,
    ignore: Booking | None = None,
) -> list[Day]:
    """``DAYS_SHOWN`` days from ``first`` in the viewer's zone: free times, or why none."""
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(first + timedelta(days=DAYS_SHOWN), time(0), zone)
    diary = Diary.load(profile_id, start, end, now=now)
    if ignore is not None:
        diary = diary.without(ignore)
    slots = diary.free_slots(session_minutes)
    reasons = diary.day_reasons(session_minutes, zone)
    days = []
    for offset in range(DAYS_SHOWN):
        day = first + timedelta(days=offset)
        noon = datetime.combine(day, time(12), zone)
        days.append(
            Day(day, day_label(noon, zone), [], reasons[day].value if day in reasons else "")
        )
    by_date = {day.date: day for day in days}
    for slot in slots:
        local = slot.start.astimezone(zone).date()
        if local in by_date:
            by_date[local].slots.append((slot_key(slot.start), time_label(slot.start, zone)))
    return days


def first_day(raw: date | None, zone: ZoneInfo, now: datetime) -> date:
    today = now.astimezone(zone).date()
    if raw is None or raw < today:
        return today
    return min(raw, today + timedelta(days=400))


def link_refused(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    return render(request, "booking/link_refused.html", {"reason": reason}, status=status)


def link_done(request: HttpRequest, booking: Booking, what: str, zone: ZoneInfo) -> HttpResponse:
    """The page after a change made through an emailed link, which the change has spent."""
    request.session.pop(LINK_SESSION_KEY, None)
    context = {
        "booking": booking,
        "what": what,
        "when": when(booking.starts_at, booking.ends_at, zone),
    }
    return render(request, "booking/link_done.html", context)


def reschedule_page(
    request: HttpRequest, booking: Booking, party: str, *, action: str, via_link: bool = False
) -> HttpResponse:
    now = timezone.now()
    zone = viewer_zone(request, request.GET.get("tz"))
    if not booking.can_change(party, now):
        if via_link:
            return link_refused(request, "This session can no longer be moved online.", 403)
        messages.error(request, "This session can no longer be moved online.")
        return redirect(booking)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking_reschedule(
                    booking=booking,
                    new_start=form.cleaned_data["start"],
                    by=party,
                    reason=form.cleaned_data["reason"],
                )
            except BookingRefused as error:
                form.add_error("start", error.reason)
                status = 409 if isinstance(error, SlotTaken) else 403
            else:
                if via_link:
                    return link_done(request, booking, "moved", zone)
                messages.success(
                    request, "The session has moved. We have told both of you by email."
                )
                return redirect(booking)
        else:
            status = 400
    asked: date | None
    try:
        asked = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        asked = None
    first = first_day(asked, zone, now)
    days = (
        diary_days(
            profile_id=booking.therapist_id,
            session_minutes=booking.minutes,
            first=first,
            zone=zone,
            now=now,
            ignore=booking,
        )
        if booking.therapist_id
        else []
    )
    context = {
        "booking": booking,
        "form": form,
        "days": days,
        "zone": str(zone),
        "action": action,
        "when": when(booking.starts_at, booking.ends_at, zone),
        "later": f"?start={first + timedelta(days=DAYS_SHOWN)}&tz={zone}",
        "earlier": f"?start={first - timedelta(days=DAYS_SHOWN)}&tz={zone}"
        if first > now.astimezone(zone).date()
        else None,
    }
    return render(request, "booking/reschedule.html", context, status=status)


def get_practice(request: HttpRequest) -> tuple[TherapistProfile, BookingSettings]:
    """The signed-in therapist's profile and rules (made on first visit); 403 for others."""
    user = signed_in_user(request)
    if user.role != Role.THERAPIST:
        raise PermissionDenied("Only therapists have a diary.")
    profile = TherapistProfile.objects.filter(user=user).first()
    if profile is None:
        raise PermissionDenied("Create your directory profile first.")
    rules, _created = BookingSettings.objects.get_or_create(
        therapist=profile,
        defaults={
            "time_zone": "America/New_York" if profile.country == Country.US else DEFAULT_ZONE
        },
    )
    return profile, rules
