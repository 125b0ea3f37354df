from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.models import Role, User
from tandem.booking import ical
from tandem.booking.display import day_label, moment, time_label, time_range, when
from tandem.booking.forms import (
    BookingForm,
    DateExceptionForm,
    DecisionForm,
    ReasonForm,
    RescheduleForm,
    RulesForm,
    SessionTypeForm,
    SlotChoiceForm,
    TakeOfferForm,
    ViewForm,
    WaitlistForm,
    WeeklyHoursForm,
    slot_key,
)
from tandem.booking.links import LinkRefused, read_link_token
from tandem.booking.models import (
    Booking,
    BookingSettings,
    DateException,
    Party,
    SessionType,
    WaitlistEntry,
    WaitlistStatus,
    WeeklyHours,
    validate_time_zone,
)
from tandem.booking.services import (
    BookingRefused,
    SlotTaken,
    booking_cancel,
    booking_create,
    booking_decide,
    booking_reschedule,
    waitlist_claim,
    waitlist_join,
)
from tandem.booking.slots import (
    Reason,
    Slot,
    day_reasons,
    free_slots,
    load_bookings,
    load_exceptions,
    load_rules,
)
from tandem.directory.models import Country, TherapistProfile

DEFAULT_ZONE = "Europe/London"
DAYS_SHOWN = 7
SESSION_ZONE_KEY = "booking_time_zone"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def _viewer_zone(request: HttpRequest, asked: str | None = None) -> ZoneInfo:
    """The zone times are shown in: asked for now, else remembered, else London."""
    if asked:
        try:
            validate_time_zone(asked)
        except ValidationError:  # an unknown name falls back, never fails
            asked = None
        else:
            request.session[SESSION_ZONE_KEY] = asked
    return ZoneInfo(asked or request.session.get(SESSION_ZONE_KEY) or DEFAULT_ZONE)


def _get_public_profile(slug: str) -> TherapistProfile:
    # select_related("user"): public() joins it anyway to check the account is active.
    return get_object_or_404(TherapistProfile.objects.public().select_related("user"), slug=slug)


def _get_booking_for_user(request: HttpRequest, public_id: uuid.UUID) -> tuple[Booking, str]:
    """The booking and which side the user is on; 404 for anyone who is neither."""
    user = _user(request)
    # select_related: every booking page names the therapist, their account (to tell the
    # sides apart) and the session type (its cancellation window).
    booking = (
        Booking.objects.select_related("therapist__user", "client", "session_type")
        .filter(Q(client=user) | Q(therapist__user=user) | Q(partner=user), public_id=public_id)
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    party = booking.party_of(user)
    assert party is not None
    return booking, party


@dataclass
class Day:
    date: date
    label: str
    slots: list[tuple[str, str]]  # (form value, "09:00")
    reason: str


def _days(
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
    rules = load_rules([profile_id])[profile_id]
    bookings = load_bookings([profile_id], start, end)[profile_id]
    if ignore is not None:
        bookings = [pair for pair in bookings if pair != (ignore.starts_at, ignore.blocked_until)]
    exceptions = load_exceptions(
        [profile_id], first - timedelta(days=2), first + timedelta(days=DAYS_SHOWN + 2)
    )[profile_id]
    common: dict[str, Any] = {
        "rules": rules,
        "bookings": bookings,
        "exceptions": exceptions,
        "session_minutes": session_minutes,
        "start": start,
        "end": end,
        "now": now,
    }
    slots: list[Slot] = free_slots(**common)
    reasons: dict[date, Reason] = day_reasons(**common, viewer_zone=zone)
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


def _first_day(raw: date | None, zone: ZoneInfo, now: datetime) -> date:
    today = now.astimezone(zone).date()
    if raw is None or raw < today:
        return today
    return min(raw, today + timedelta(days=400))


# --- Booking, for clients -----------------------------------------------------------------


@require_safe
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a session type and a time (anyone may look; booking asks them to sign in)."""
    profile = _get_public_profile(slug)
    now = timezone.now()
    sessions = list(SessionType.objects.filter(therapist=profile, is_active=True))
    chosen = bool(request.GET.get("tz")) or SESSION_ZONE_KEY in request.session
    zone = _viewer_zone(request, request.GET.get("tz"))
    data = {
        # The first paid session by default: a free introduction call is rarely what is meant.
        "session": request.GET.get("session")
        or next((s.pk for s in sessions if s.price_minor), sessions[0].pk if sessions else ""),
        "tz": str(zone),
        "start": request.GET.get("start", ""),
    }
    form = ViewForm(data, therapist=profile)
    if chosen:
        # booking.js only suggests the browser's zone to someone who has not picked one.
        form.fields["tz"].widget.attrs["data-chosen"] = "true"
    days: list[Day] = []
    status = 200
    session = None
    first = now.astimezone(zone).date()
    if sessions and form.is_valid():
        session = form.cleaned_data["session"]
        first = _first_day(form.cleaned_data["start"], zone, now)
        days = _days(
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
    from urllib.parse import urlencode

    return reverse("booking:book", args=[slug]) + "?" + urlencode({**query, "start": first})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Check the chosen time, ask the name the therapist will see, and book it (POST, with an
    idempotency key against double submits)."""
    profile = _get_public_profile(slug)
    user = _user(request)
    zone = _viewer_zone(request)
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
    user = _user(request)
    zone = _viewer_zone(request)
    now = timezone.now()
    bookings = Booking.objects.filter(Q(client=user) | Q(partner=user)).order_by("starts_at")
    rows = [(booking, when(booking.starts_at, booking.ends_at, zone)) for booking in bookings]
    context = {
        "upcoming": [{"booking": b, "when": w} for b, w in rows if b.ends_at > now],
        "past": [{"booking": b, "when": w} for b, w in rows if b.ends_at <= now][::-1],
        "zone": str(zone),
    }
    return render(request, "booking/mine.html", context)


@never_cache
@login_required
@require_safe
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = _get_booking_for_user(request, public_id)
    zone = _viewer_zone(request)
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
@require_POST
def cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = _get_booking_for_user(request, public_id)
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
    booking, party = _get_booking_for_user(request, public_id)
    return _reschedule_page(
        request, booking, party, action=reverse("booking:reschedule", args=[public_id])
    )


def _reschedule_page(
    request: HttpRequest, booking: Booking, party: str, *, action: str, via_link: bool = False
) -> HttpResponse:
    now = timezone.now()
    zone = _viewer_zone(request, request.GET.get("tz"))
    if not booking.can_change(party, now):
        if via_link:
            return _link_refused(request, "This session can no longer be moved online.", 403)
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
                    request.session.pop(LINK_SESSION_KEY, None)
                    return render(
                        request,
                        "booking/link_done.html",
                        {
                            "booking": booking,
                            "what": "moved",
                            "when": when(booking.starts_at, booking.ends_at, zone),
                        },
                    )
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
    first = _first_day(asked, zone, now)
    days = (
        _days(
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


@never_cache
@login_required
@require_POST
def decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking, party = _get_booking_for_user(request, public_id)
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


# --- Signed links from emails ---------------------------------------------------------------

LINK_SESSION_KEY = "booking_link"
LINK_CONTINUE = "booking:link_continue"


@never_cache
def link(request: HttpRequest, token: str) -> HttpResponse:
    """Check the emailed token, remember what it allows in the session, and redirect.

    ``django.request`` logs the path of every 4xx answer, so this URL, which holds a live
    token, only ever answers 302 (whatever the method: a 405 would log it too); the form is
    shown and posted on the token-free page, where a missing reason may answer 400.
    """
    try:
        signed = read_link_token(token)
    except LinkRefused as error:
        request.session[LINK_SESSION_KEY] = {"refused": str(error)}
    else:
        request.session[LINK_SESSION_KEY] = {
            "action": signed.action,
            "booking": str(signed.booking.public_id),
            "party": signed.party,
            "sequence": signed.booking.ical_sequence,
        }
    return redirect(LINK_CONTINUE)


def _link_refused(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    return render(request, "booking/link_refused.html", {"reason": reason}, status=status)


def _get_linked_booking(request: HttpRequest) -> tuple[str, Booking, str] | str:
    """The action, booking and side the session's checked link allows, or why there is none.

    The booking's SEQUENCE must still be the one the token named: a change since (including
    one made through this very link) ends the permission.
    """
    granted = request.session.get(LINK_SESSION_KEY)
    if not isinstance(granted, dict):
        return "Please open the link from your email again: this page works only after it."
    if "refused" in granted:
        return str(granted["refused"])
    try:
        public_id = uuid.UUID(str(granted.get("booking")))
    except ValueError:
        return "Please open the link from your email again."
    # select_related: the page names the therapist; the checks read the session type's window.
    booking = (
        Booking.objects.select_related("therapist", "session_type", "client")
        .filter(public_id=public_id)
        .first()
    )
    if booking is None:
        return "This booking no longer exists."
    if booking.ical_sequence != granted.get("sequence"):
        return (
            "This booking has changed since that email was sent: please use the link in "
            "the latest email, or sign in."
        )
    return str(granted.get("action")), booking, str(granted.get("party"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_continue(request: HttpRequest) -> HttpResponse:
    """Cancel or move a session from the email, without signing in. GET never changes anything."""
    linked = _get_linked_booking(request)
    if isinstance(linked, str):
        return _link_refused(request, linked)
    action_name, booking, party = linked
    action = reverse(LINK_CONTINUE)
    if action_name == "reschedule":
        return _reschedule_page(request, booking, party, action=action, via_link=True)
    zone = _viewer_zone(request)
    now = timezone.now()
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if not booking.can_change(party, now):
        return _link_refused(request, "This session can no longer be cancelled online.", 403)
    if request.method == "POST":
        if form.is_valid():
            try:
                booking_cancel(booking=booking, by=party, reason=form.cleaned_data["reason"])
            except BookingRefused as error:
                return _link_refused(request, error.reason, 403)
            request.session.pop(LINK_SESSION_KEY, None)
            return render(
                request,
                "booking/link_done.html",
                {
                    "booking": booking,
                    "what": "cancelled",
                    "when": when(booking.starts_at, booking.ends_at, zone),
                },
            )
        status = 400
    context = {
        "booking": booking,
        "form": form,
        "action": action,
        "when": when(booking.starts_at, booking.ends_at, zone),
        "other_name": booking.therapist_name
        if party != Party.THERAPIST
        else (booking.client_name or "your client"),
    }
    return render(request, "booking/link_cancel.html", context, status=status)


# --- Waitlist -----------------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def waitlist_add(request: HttpRequest, slug: str) -> HttpResponse:
    profile = _get_public_profile(slug)
    form = WaitlistForm(request.POST, therapist=profile)
    if not form.is_valid():
        messages.error(request, "Please choose a session.")
        return redirect("booking:book", slug)
    try:
        waitlist_join(
            therapist=profile, client=_user(request), session_type=form.cleaned_data["session"]
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
        client=_user(request),
    )


@never_cache
@login_required
@require_safe
def waitlist(request: HttpRequest) -> HttpResponse:
    zone = _viewer_zone(request)
    now = timezone.now()
    entries = WaitlistEntry.objects.filter(
        client=_user(request), status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).select_related("therapist", "session_type")
    user = _user(request)
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
    return given or user.name


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


# --- The therapist's practice -------------------------------------------------------------------


def _get_practice(request: HttpRequest) -> tuple[TherapistProfile, BookingSettings]:
    """The signed-in therapist's profile and rules (made on first visit); 403 for others."""
    user = _user(request)
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


def _rules_changed(profile: TherapistProfile) -> None:
    from tandem.booking.soonest import refresh_next_free

    refresh_next_free([profile.pk])


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
    profile, rules = _get_practice(request)
    form = RulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        _rules_changed(profile)
        messages.success(request, "Your booking rules are saved.")
        return redirect("booking:practice")
    context = {
        "profile": profile,
        "form": form,
        "feed_url": request.build_absolute_uri(
            reverse("booking:feed", args=[rules.calendar_feed_token])
        ),
    }
    return render(request, "booking/practice.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_hours(request: HttpRequest) -> HttpResponse:
    profile, _rules = _get_practice(request)
    form = WeeklyHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hours = form.save(commit=False)
        hours.therapist = profile
        hours.save()
        _rules_changed(profile)
        messages.success(request, f"Added {hours}.")
        return redirect("booking:practice_hours")
    context = {"form": form, "hours": WeeklyHours.objects.filter(therapist=profile)}
    return render(
        request, "booking/practice_hours.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_POST
def practice_hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _rules = _get_practice(request)
    get_object_or_404(WeeklyHours, pk=pk, therapist=profile).delete()
    _rules_changed(profile)
    messages.success(request, "Removed.")
    return redirect("booking:practice_hours")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_exceptions(request: HttpRequest) -> HttpResponse:
    profile, rules = _get_practice(request)
    form = DateExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exception = form.save(commit=False)
        exception.therapist = profile
        exception.save()
        _rules_changed(profile)
        messages.success(request, f"Added {exception}.")
        return redirect("booking:practice_exceptions")
    today = timezone.now().astimezone(rules.zone).date()
    context = {
        "form": form,
        "exceptions": DateException.objects.filter(therapist=profile, date__gte=today),
    }
    return render(
        request, "booking/practice_exceptions.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_POST
def practice_exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _rules = _get_practice(request)
    get_object_or_404(DateException, pk=pk, therapist=profile).delete()
    _rules_changed(profile)
    messages.success(request, "Removed.")
    return redirect("booking:practice_exceptions")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_sessions(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile, _rules = _get_practice(request)
    instance = get_object_or_404(SessionType, pk=pk, therapist=profile) if pk else None
    form = SessionTypeForm(request.POST or None, instance=instance, therapist=profile)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        _rules_changed(profile)
        messages.success(request, f"Saved {session.name}.")
        return redirect("booking:practice_sessions")
    context = {
        "form": form,
        "editing": instance,
        "sessions": SessionType.objects.filter(therapist=profile),
    }
    return render(
        request, "booking/practice_sessions.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_safe
def agenda(request: HttpRequest) -> HttpResponse:
    profile, rules = _get_practice(request)
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
    _profile, rules = _get_practice(request)
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
