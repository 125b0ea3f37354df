"""Booking's JSON API: free slots, book, cancel, move.

The writes use the browser session (``django_auth``, with its CSRF check). A time that is no
longer free answers 409 with the reason; bad input 422; a booking that is not yours 404.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from tandem.accounts.models import User
from tandem.booking.models import Booking, SessionType, validate_time_zone
from tandem.booking.services import (
    BookingRefused,
    SlotTaken,
    booking_cancel,
    booking_create,
    booking_reschedule,
    name_for_therapist,
)
from tandem.booking.slots import Diary, within_reach
from tandem.directory.models import TherapistProfile
from tandem.lib.api_refusals import WRITE_REFUSALS, refusals

router = Router(tags=["booking"])

MAX_RANGE_DAYS = 62


class SlotOut(Schema):
    start: datetime
    end: datetime
    local_start: str = Field(description="The start in the asked zone, ISO 8601 with offset.")


class SlotsOut(Schema):
    therapist: str
    session_type: int
    minutes: int
    time_zone: str
    slots: list[SlotOut]
    days_without_slots: dict[str, str] = Field(
        description="Dates (in the asked zone) with no free slot, and why."
    )


class BookingIn(Schema):
    session_type: int
    start: datetime
    idempotency_key: uuid.UUID | None = None
    client_name: str = Field(
        default="",
        max_length=150,
        description="The name the therapist will see; defaults to the account's name, and is "
        "required when the account has none.",
    )
    note: str = Field(default="", max_length=1000)
    time_zone: str = "Europe/London"


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class RescheduleIn(ReasonIn):
    start: datetime


class BookingOut(Schema):
    id: uuid.UUID
    therapist: str
    session: str
    start: datetime
    end: datetime
    status: str
    url: str


def _out(booking: Booking) -> BookingOut:
    return BookingOut(
        id=booking.public_id,
        therapist=booking.therapist_name,
        session=booking.session_name,
        start=booking.starts_at,
        end=booking.ends_at,
        status=booking.status,
        url=booking.get_absolute_url(),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        validate_time_zone(name)
    except ValidationError as error:
        raise HttpError(422, error.messages[0]) from None
    return ZoneInfo(name)


OUT_OF_REACH = "Dates and times must be within about a year (400 days) of now."


def _reachable(instant: datetime) -> datetime:
    # Checked before any arithmetic: near year 1 or 9999, adding a day overflows.
    if not within_reach(instant, timezone.now()):
        raise HttpError(422, OUT_OF_REACH)
    return instant


def _instant(raw: str | None, zone: ZoneInfo, default: datetime) -> datetime:
    if not raw:
        return default
    try:
        if len(raw) == 10:
            return _reachable(datetime.combine(date.fromisoformat(raw), time(0), zone))
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise HttpError(422, f"{raw!r} is not an ISO 8601 date or date-time.") from None
    return _reachable(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone))


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise HttpError(422, "Give the start with its UTC offset (for example 2027-03-29T08:00Z).")
    return _reachable(instant)


@router.get(
    "/therapists/{slug}/slots",
    response={200: SlotsOut, **refusals(404, 422)},
    url_name="therapist_slots",
)
def therapist_slots(
    request: HttpRequest,
    slug: str,
    start: str | None = None,
    end: str | None = None,
    tz: str = "Europe/London",
    session_type: int | None = None,
) -> SlotsOut:
    """Free slots of one therapist between ``start`` and ``end`` (dates or date-times; dates
    are midnight in ``tz``), at most 62 days; ``session_type`` defaults to their shortest."""
    profile = get_object_or_404(TherapistProfile.objects.public(), slug=slug)
    zone = _zone(tz)
    now = timezone.now()
    begin = _instant(start, zone, now)
    finish = _instant(end, zone, begin + timedelta(days=7))
    if finish <= begin or finish - begin > timedelta(days=MAX_RANGE_DAYS):
        raise HttpError(422, f"end must be after start, and at most {MAX_RANGE_DAYS} days later.")
    sessions = SessionType.objects.filter(therapist=profile, is_active=True)
    session = (
        sessions.filter(pk=session_type).first()
        if session_type
        else sessions.order_by("minutes").first()
    )
    if session is None:
        raise HttpError(404, "That therapist offers no such session.")
    diary = Diary.load(profile.pk, begin, finish, now=now)
    slots = diary.free_slots(session.minutes)
    reasons = diary.day_reasons(session.minutes, zone)
    return SlotsOut(
        therapist=profile.slug,
        session_type=session.pk,
        minutes=session.minutes,
        time_zone=str(zone),
        slots=[
            SlotOut(
                start=slot.start, end=slot.end, local_start=slot.start.astimezone(zone).isoformat()
            )
            for slot in slots
        ],
        days_without_slots={day.isoformat(): reason.value for day, reason in reasons.items()},
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _booking_for(request: HttpRequest, public_id: uuid.UUID) -> tuple[Booking, str]:
    found = Booking.objects.find_with_party(_user(request), public_id)
    if found is None:
        raise HttpError(404, "No such booking.")
    return found


@router.post(
    "/bookings",
    auth=django_auth,
    response={201: BookingOut, **refusals(*WRITE_REFUSALS)},
    url_name="bookings",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Status[BookingOut]:
    session = (
        SessionType.objects.select_related("therapist__user")
        .filter(pk=payload.session_type, is_active=True)
        .first()
    )
    if session is None:
        raise HttpError(404, "No such session type.")
    _zone(payload.time_zone)
    client = _user(request)
    client_name = name_for_therapist(client, payload.client_name)
    if not client_name:
        raise HttpError(422, "Give client_name: the name the therapist will see.")
    try:
        booking = booking_create(
            slot_start=_aware(payload.start),
            session_type=session,
            client=client,
            idempotency_key=payload.idempotency_key,
            client_name=client_name,
            note=payload.note,
            client_time_zone=payload.time_zone,
        )
    except SlotTaken as error:
        raise HttpError(409, error.reason) from None
    except BookingRefused as error:
        raise HttpError(403, error.reason) from None
    return Status(201, _out(booking))


@router.post(
    "/bookings/{public_id}/cancel",
    auth=django_auth,
    response={200: BookingOut, **refusals(*WRITE_REFUSALS)},
    url_name="booking_cancel",
)
def cancel_booking(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> BookingOut:
    booking, party = _booking_for(request, public_id)
    try:
        booking = booking_cancel(booking=booking, by=party, reason=payload.reason)
    except BookingRefused as error:
        raise HttpError(409, error.reason) from None
    return _out(booking)


@router.post(
    "/bookings/{public_id}/reschedule",
    auth=django_auth,
    response={200: BookingOut, **refusals(*WRITE_REFUSALS)},
    url_name="booking_reschedule",
)
def reschedule_booking(
    request: HttpRequest, public_id: uuid.UUID, payload: RescheduleIn
) -> BookingOut:
    booking, party = _booking_for(request, public_id)
    try:
        booking = booking_reschedule(
            booking=booking, new_start=_aware(payload.start), by=party, reason=payload.reason
        )
    except BookingRefused as error:
        raise HttpError(409, error.reason) from None
    return _out(booking)
