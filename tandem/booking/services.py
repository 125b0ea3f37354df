"""Booking workflows: book, confirm or decline, move, cancel, waitlist, reminders.

No slot is booked twice, however many web servers run:

* on PostgreSQL two exclusion constraints (migration 0002) make overlapping active bookings
  of one therapist (session plus buffer) or of one client impossible; a concurrent insert
  that loses fails with ``IntegrityError``, turned into ``SlotTaken`` here;
* on SQLite every ``transaction.atomic()`` starts with ``BEGIN IMMEDIATE`` (settings), so
  the check-then-insert below runs with the database's one write lock held.

On PostgreSQL the therapist's settings row is also locked (``SELECT … FOR UPDATE``) so the
checks the constraints cannot express (the daily cap) see every booking committed before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tandem.booking import hooks
from tandem.booking.background import worker
from tandem.booking.models import (
    Booking,
    BookingEvent,
    BookingSettings,
    BookingStatus,
    Party,
    SessionType,
    WaitlistEntry,
    WaitlistStatus,
)
from tandem.booking.slots import OUT_OF_REACH, Diary, within_reach
from tandem.booking.soonest import refresh_next_free

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.directory.models import TherapistProfile

__all__ = [
    "BookingRefused",
    "SlotTaken",
    "booking_cancel",
    "booking_create",
    "booking_decide",
    "booking_reschedule",
    "claim_reminder",
    "name_for_therapist",
    "waitlist_claim",
    "waitlist_join",
]

TAKEN = "That time has just been booked by someone else."
CLIENT_CLASH = "You already have a session at that time."
OFFER_HOURS = 24


class BookingRefused(Exception):
    """The request cannot be done; ``reason`` says why in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SlotTaken(BookingRefused):
    """The time asked for is not (or no longer) free."""


def _after_commit(function: Callable[[], Any]) -> None:
    transaction.on_commit(function)


def name_for_therapist(client: User, given: str = "") -> str:
    """The client's name as the therapist sees it: the name given when booking, else the
    account's name, else nothing ("a client"). Never any part of their address."""
    return (given.strip() or client.name)[:150]


def _lock_settings(profile_id: int) -> None:
    # PostgreSQL serialises bookings per therapist here; SQLite already holds its write lock.
    list(BookingSettings.objects.select_for_update().filter(therapist_id=profile_id).values("pk"))


def _check_slot(
    *,
    profile_id: int,
    session_minutes: int,
    slot_start: datetime,
    now: datetime,
    ignore: Booking | None = None,
) -> None:
    diary = Diary.around(profile_id, slot_start, now=now)
    if ignore is not None:
        diary = diary.without(ignore)
    refusal = diary.refusal(slot_start, session_minutes)
    if refusal:
        raise SlotTaken(refusal)


def _client_clash(
    client: User, start: datetime, end: datetime, ignore_pk: int | None = None
) -> bool:
    clashes = Booking.objects.active().sessions_overlapping(start, end).filter(client=client)
    if ignore_pk is not None:
        clashes = clashes.exclude(pk=ignore_pk)
    return clashes.exists()


def _notify(booking: Booking, name: str, parties: tuple[str, ...]) -> None:
    pk = booking.pk
    if booking.partner_id is not None and Party.CLIENT in parties:
        parties = (*parties, Party.PARTNER)  # a couple session: the partner hears it all too
    for party in parties:
        _after_commit(lambda party=party: worker().booking_email(pk, name, party))  # type: ignore[misc]


def _schedule_reminders(booking: Booking, now: datetime) -> None:
    if booking.status == BookingStatus.CONFIRMED:
        pk, start = booking.pk, booking.starts_at
        _after_commit(lambda: worker().reminders(pk, start, now))


def _refresh_soonest(profile_id: int | None) -> None:
    if profile_id is not None:
        _after_commit(lambda: refresh_next_free([profile_id]))


def _booking_with_key(client: User, idempotency_key: uuid.UUID) -> Booking | None:
    return Booking.objects.filter(client=client, idempotency_key=idempotency_key).first()


def booking_create(
    *,
    slot_start: datetime,
    session_type: SessionType,
    client: User,
    idempotency_key: uuid.UUID | None,
    client_name: str = "",
    note: str = "",
    client_time_zone: str = "Europe/London",
    now: datetime | None = None,
) -> Booking:
    """Book ``slot_start`` for ``client``; returns the booking (requested or confirmed).

    ``client_name`` is what the therapist sees: the name the client gave when booking, else
    their account's name, else nothing ("a client"). Never any part of their address.

    A second call with the same ``idempotency_key`` returns the first booking unchanged
    (a double-submitted form). Raises ``SlotTaken`` when the time is not free (taken, in
    the past, inside the minimum notice, beyond the horizon, outside the hours, over the
    daily cap) or the client has another session then; ``BookingRefused`` otherwise.
    """
    now = now or timezone.now()
    if idempotency_key is not None and (existing := _booking_with_key(client, idempotency_key)):
        return existing
    profile = session_type.therapist
    if not session_type.is_active or not profile.is_public:
        raise BookingRefused("This therapist is not taking bookings for that session.")
    if not profile.accepting_new_clients:
        raise BookingRefused("This therapist is not taking new clients at the moment.")
    if profile.user_id == client.pk:
        raise BookingRefused("You cannot book a session with yourself.")
    if not within_reach(slot_start, now):  # before any arithmetic: year 9999 overflows
        raise SlotTaken(OUT_OF_REACH)
    slot_start = slot_start.astimezone(UTC).replace(microsecond=0)
    ends_at = slot_start + timedelta(minutes=session_type.minutes)
    try:
        with transaction.atomic():
            _lock_settings(profile.pk)
            # Same key again, now with the lock held: a submit sent at the same moment as
            # this one may have booked while we waited, and its booking is the answer here
            # too, not "taken" (which it is, by this very client).
            if idempotency_key is not None and (
                existing := _booking_with_key(client, idempotency_key)
            ):
                return existing
            settings_row = BookingSettings.objects.filter(therapist=profile).first()
            if settings_row is None:
                raise SlotTaken("This therapist has not opened their diary yet.")
            _check_slot(
                profile_id=profile.pk,
                session_minutes=session_type.minutes,
                slot_start=slot_start,
                now=now,
            )
            if _client_clash(client, slot_start, ends_at):
                raise SlotTaken(CLIENT_CLASH)
            confirmed = settings_row.auto_confirm
            booking = Booking.objects.create(
                partner=hooks.couple_partner(client) if session_type.for_couples else None,
                therapist=profile,
                therapist_name=profile.name,
                client=client,
                client_name=name_for_therapist(client, client_name),
                client_time_zone=client_time_zone,
                session_type=session_type,
                session_name=session_type.name,
                format=session_type.format,
                price_minor=session_type.price_minor,
                currency=session_type.currency,
                starts_at=slot_start,
                ends_at=ends_at,
                blocked_until=ends_at + timedelta(minutes=settings_row.buffer_minutes),
                status=BookingStatus.CONFIRMED if confirmed else BookingStatus.REQUESTED,
                confirmed_at=now if confirmed else None,
                client_note=note,
                idempotency_key=idempotency_key,
                created_at=now,
            )
            BookingEvent.objects.create(
                booking=booking,
                kind=BookingEvent.Kind.CONFIRMED if confirmed else BookingEvent.Kind.REQUESTED,
                by=Party.CLIENT,
                at=now,
            )
    except IntegrityError as error:
        if idempotency_key is not None and (existing := _booking_with_key(client, idempotency_key)):
            return existing
        if _client_clash(client, slot_start, ends_at):
            raise SlotTaken(CLIENT_CLASH) from error
        raise SlotTaken(TAKEN) from error
    name = "booking-confirmed" if confirmed else "booking-requested"
    _notify(booking, name, (Party.CLIENT, Party.THERAPIST))
    _schedule_reminders(booking, now)
    _refresh_soonest(profile.pk)
    return booking


def booking_decide(
    *, booking: Booking, accept: bool, reason: str = "", now: datetime | None = None
) -> Booking:
    """The therapist accepts or declines a requested booking."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Booking.objects.filter(
            pk=booking.pk, status=BookingStatus.REQUESTED, starts_at__gt=now
        ).update(
            status=BookingStatus.CONFIRMED if accept else BookingStatus.DECLINED,
            confirmed_at=now if accept else None,
            cancel_reason="" if accept else reason,
            cancelled_at=None if accept else now,
            cancelled_by="" if accept else Party.THERAPIST,
            ical_sequence=F("ical_sequence") + 1,
        )
        if not updated:
            raise BookingRefused("This booking is no longer waiting for an answer.")
        booking.refresh_from_db()
        BookingEvent.objects.create(
            booking=booking,
            kind=BookingEvent.Kind.CONFIRMED if accept else BookingEvent.Kind.DECLINED,
            by=Party.THERAPIST,
            reason=reason,
            at=now,
        )
    if accept:
        _notify(booking, "booking-confirmed", (Party.CLIENT, Party.THERAPIST))
        _schedule_reminders(booking, now)
    else:
        _notify(booking, "booking-cancelled", (Party.CLIENT, Party.THERAPIST))
        _offer_freed_slot(booking, now)
    _refresh_soonest(booking.therapist_id)
    return booking


def booking_cancel(
    *,
    booking: Booking,
    by: str,
    reason: str,
    now: datetime | None = None,
    notify: tuple[str, ...] = (Party.CLIENT, Party.THERAPIST),
) -> Booking:
    """Cancel an active booking; both people get a CANCEL invite; the waitlist hears."""
    now = now or timezone.now()
    if by != Party.SYSTEM and not booking.can_change(by, now):
        raise BookingRefused(_too_late(booking, now))
    if by != Party.SYSTEM and not reason.strip():
        raise BookingRefused("Please give a reason.")
    with transaction.atomic():
        updated = Booking.objects.filter(
            pk=booking.pk, status__in=[BookingStatus.REQUESTED, BookingStatus.CONFIRMED]
        ).update(
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason,
            ical_sequence=F("ical_sequence") + 1,
        )
        if not updated:
            raise BookingRefused("This booking has already been cancelled.")
        booking.refresh_from_db()
        BookingEvent.objects.create(
            booking=booking, kind=BookingEvent.Kind.CANCELLED, by=by, reason=reason, at=now
        )
    _notify(booking, "booking-cancelled", notify)
    _offer_freed_slot(booking, now)
    _refresh_soonest(booking.therapist_id)
    return booking


def _too_late(booking: Booking, now: datetime) -> str:
    if not booking.is_active:
        return "This booking is no longer active."
    if now >= booking.starts_at:
        return "This session has already started."
    return "It is too late to change this session online: please contact the therapist directly."


def booking_reschedule(
    *,
    booking: Booking,
    new_start: datetime,
    by: str,
    reason: str,
    now: datetime | None = None,
) -> Booking:
    """Move an active booking to ``new_start``: same UID, SEQUENCE raised, both told."""
    now = now or timezone.now()
    if not booking.can_change(by, now):
        raise BookingRefused(_too_late(booking, now))
    # A client may move their own session without saying why; the therapist moving a
    # client's session owes them a reason.
    if by != Party.CLIENT and not reason.strip():
        raise BookingRefused("Please give a reason.")
    if booking.therapist_id is None:
        raise BookingRefused("This therapist no longer takes bookings.")
    if not within_reach(new_start, now):  # before any arithmetic: year 9999 overflows
        raise SlotTaken(OUT_OF_REACH)
    new_start = new_start.astimezone(UTC).replace(microsecond=0)
    length = booking.ends_at - booking.starts_at
    buffer = booking.blocked_until - booking.ends_at
    new_end = new_start + length
    previous = booking.starts_at
    try:
        with transaction.atomic():
            _lock_settings(booking.therapist_id)
            settings_row = BookingSettings.objects.get(therapist_id=booking.therapist_id)
            buffer = timedelta(minutes=settings_row.buffer_minutes)
            _check_slot(
                profile_id=booking.therapist_id,
                session_minutes=int(length.total_seconds() // 60),
                slot_start=new_start,
                now=now,
                ignore=booking,
            )
            if booking.client is not None and _client_clash(
                booking.client, new_start, new_end, ignore_pk=booking.pk
            ):
                raise SlotTaken(CLIENT_CLASH)
            needs_answer = by == Party.CLIENT and not settings_row.auto_confirm
            updated = Booking.objects.filter(
                pk=booking.pk,
                starts_at=previous,
                status__in=[BookingStatus.REQUESTED, BookingStatus.CONFIRMED],
            ).update(
                starts_at=new_start,
                ends_at=new_end,
                blocked_until=new_end + buffer,
                status=BookingStatus.REQUESTED if needs_answer else booking.status,
                ical_sequence=F("ical_sequence") + 1,
                reminder_24h_sent_at=None,
                reminder_1h_sent_at=None,
            )
            if not updated:
                raise BookingRefused("This booking changed meanwhile: please look again.")
            booking.refresh_from_db()
            BookingEvent.objects.create(
                booking=booking,
                kind=BookingEvent.Kind.RESCHEDULED,
                by=by,
                reason=reason,
                previous_start=previous,
                at=now,
            )
    except IntegrityError as error:
        raise SlotTaken(TAKEN) from error
    _notify(booking, "booking-changed", (Party.CLIENT, Party.THERAPIST))
    _schedule_reminders(booking, now)
    freed = Booking(
        therapist_id=booking.therapist_id,
        starts_at=previous,
        ends_at=previous + length,
        session_type_id=booking.session_type_id,
    )
    _offer_freed_slot(freed, now)
    _refresh_soonest(booking.therapist_id)
    return booking


# --- Waitlist -------------------------------------------------------------------------------


def waitlist_join(
    *,
    therapist: TherapistProfile,
    client: User,
    session_type: SessionType,
    wanted_before: datetime | None = None,
) -> WaitlistEntry:
    """Ask to hear when an earlier time opens; joining twice returns the same entry."""
    if session_type.therapist_id != therapist.pk or not session_type.is_active:
        raise BookingRefused("That session is not offered by this therapist.")
    if therapist.user_id == client.pk:
        raise BookingRefused("You cannot join your own waitlist.")
    entry = WaitlistEntry.objects.filter(
        therapist=therapist,
        client=client,
        session_type=session_type,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    ).first()
    if entry is not None:
        return entry
    return WaitlistEntry.objects.create(
        therapist=therapist, client=client, session_type=session_type, wanted_before=wanted_before
    )


def _offer_freed_slot(freed: Booking, now: datetime) -> None:
    """Offer a freed time to the waitlist, in the order people joined; first to take it wins."""
    therapist_id, start = freed.therapist_id, freed.starts_at
    if therapist_id is None or start <= now:
        return

    def offer() -> None:
        entries = list(
            WaitlistEntry.objects.filter(
                therapist_id=therapist_id,
                status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
                session_type__is_active=True,
            )
            .exclude(wanted_before__lt=start)
            .select_related("session_type")
            .order_by("created_at", "pk")
        )
        if not entries:
            return
        diary = Diary.around(therapist_id, start, now=now)
        for entry in entries:
            if diary.refusal(start, entry.session_type.minutes):
                continue
            if entry.offer_is_open(now) and entry.offered_start and entry.offered_start < start:
                continue  # already holding an offer of an earlier time
            entry.status = WaitlistStatus.OFFERED
            entry.offered_start = start
            entry.offer_expires_at = min(now + timedelta(hours=OFFER_HOURS), start)
            entry.save(update_fields=["status", "offered_start", "offer_expires_at"])
            worker().waitlist_offer(entry.pk)

    _after_commit(offer)


def waitlist_claim(
    *, entry: WaitlistEntry, client_name: str = "", now: datetime | None = None
) -> Booking:
    """The client takes the time they were offered, if nobody was quicker; ``client_name``
    as for ``booking_create``."""
    now = now or timezone.now()
    if not entry.offer_is_open(now) or entry.offered_start is None:
        raise BookingRefused("This offer has expired.")
    try:
        booking = booking_create(
            slot_start=entry.offered_start,
            session_type=entry.session_type,
            client=entry.client,
            client_name=client_name,
            # One key per offer: claiming twice finds the first booking.
            idempotency_key=uuid.uuid5(
                uuid.NAMESPACE_URL, f"waitlist:{entry.pk}:{entry.offered_start}"
            ),
            now=now,
        )
    except BookingRefused:
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            status=WaitlistStatus.WAITING, offered_start=None, offer_expires_at=None
        )
        raise
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.BOOKED, booking=booking)
    return booking


# --- Reminders ------------------------------------------------------------------------------

REMINDERS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}


def claim_reminder(
    *, booking_id: int, which: str, expected_start: datetime, now: datetime | None = None
) -> bool:
    """Mark one reminder as sent, once: True for the one caller that gets to send it.

    The conditional update is the claim: a booking moved (start differs), cancelled or
    already reminded matches nothing, so a stale or duplicate task sends nothing.
    """
    now = now or timezone.now()
    column = {"24h": "reminder_24h_sent_at", "1h": "reminder_1h_sent_at"}[which]
    return bool(
        Booking.objects.filter(
            pk=booking_id,
            starts_at=expected_start,
            status=BookingStatus.CONFIRMED,
            starts_at__gt=now,
            **{f"{column}__isnull": True},
        ).update(**{column: now})
    )
