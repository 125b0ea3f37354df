"""Booking's part of "My data".

Export: a client's own bookings, complete with their notes and reasons; a therapist's rules
and agenda. The agenda holds only what the therapist was given to run each session: its time,
session type, status and the name the client chose. Clients' notes, reasons and addresses are
the clients' data, so they stay out of it.

Erasure of a client: their future sessions are cancelled (the therapist is told the time and
nothing else); past sessions stay in the therapist's records as a minimal entry (time and
session type) with the client's link, name, time zone, note and reasons emptied.
Erasure of a therapist: future sessions are cancelled and the clients told; past sessions stay
in the clients' records under the therapist's name, which was public.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tandem.booking.models import (
    Booking,
    BookingEvent,
    BookingQuerySet,
    BookingSettings,
    Party,
    SessionType,
    WaitlistEntry,
    WeeklyHours,
)
from tandem.booking.services import booking_cancel

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = ["erase_bookings", "export_bookings"]


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def _client_booking(booking: Booking) -> dict[str, Any]:
    return {
        "id": str(booking.public_id),
        "therapist": booking.therapist_name,
        "client_name": booking.client_name,
        "client_time_zone": booking.client_time_zone,
        "session": booking.session_name,
        "format": booking.format,
        "price_minor": booking.price_minor,
        "currency": booking.currency,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "status": booking.status,
        "note": booking.client_note,
        "created_at": booking.created_at.isoformat(),
        "confirmed_at": _iso(booking.confirmed_at),
        "reminder_24h_sent_at": _iso(booking.reminder_24h_sent_at),
        "reminder_1h_sent_at": _iso(booking.reminder_1h_sent_at),
        "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
        "cancelled_by": booking.cancelled_by or None,
        "cancel_reason": booking.cancel_reason,
        "history": [
            {
                "what": event.kind,
                "by": event.by,
                "reason": event.reason,
                "at": event.at.isoformat(),
                "previous_start": event.previous_start.isoformat()
                if event.previous_start
                else None,
            }
            for event in booking.events.all()
        ],
    }


def _agenda_entry(booking: Booking) -> dict[str, Any]:
    return {
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "session": booking.session_name,
        "status": booking.status,
        "client": booking.client_name or None,
    }


def export_bookings(user: User) -> dict[str, Any]:
    as_client = Booking.objects.filter(client=user).prefetch_related("events")
    exported: dict[str, Any] = {
        "as_client": [_client_booking(booking) for booking in as_client],
        # Couple sessions booked by a partner: the session, never the client's own note.
        "as_partner": [
            {**_client_booking(booking), "note": None}
            for booking in Booking.objects.filter(partner=user).prefetch_related("events")
        ],
        "waitlist": [
            {
                "therapist": entry.therapist.name,
                "session": entry.session_type.name,
                "status": entry.status,
                "wanted_before": _iso(entry.wanted_before),
                "offered_start": _iso(entry.offered_start),
                "offer_expires_at": _iso(entry.offer_expires_at),
                "joined_at": entry.created_at.isoformat(),
            }
            for entry in WaitlistEntry.objects.filter(client=user).select_related(
                "therapist", "session_type"
            )
        ],
    }
    rules = BookingSettings.objects.filter(therapist__user=user).first()
    if rules is not None:
        agenda = Booking.objects.filter(therapist__user=user).order_by("starts_at")
        exported["as_therapist"] = {
            "time_zone": rules.time_zone,
            "buffer_minutes": rules.buffer_minutes,
            "minimum_notice_minutes": rules.minimum_notice_minutes,
            "horizon_days": rules.horizon_days,
            "daily_cap": rules.daily_cap,
            "auto_confirm": rules.auto_confirm,
            "session_types": list(
                SessionType.objects.filter(therapist_id=rules.therapist_id).values(
                    "name", "minutes", "price_minor", "currency", "format", "is_active"
                )
            ),
            "weekly_hours": [
                {
                    "weekday": hours.weekday,
                    "start": f"{hours.start:%H:%M}",
                    "end": f"{hours.end:%H:%M}",
                }
                for hours in WeeklyHours.objects.filter(therapist_id=rules.therapist_id)
            ],
            "agenda": [_agenda_entry(booking) for booking in agenda],
        }
    return exported


def _cancel_all(bookings: BookingQuerySet, who: str, now: datetime, *, notify: str) -> None:
    """Cancel the future ones of ``bookings`` because ``who`` closed their account."""
    for booking in bookings.active().filter(starts_at__gt=now):
        booking_cancel(
            booking=booking,
            by=Party.SYSTEM,
            reason=f"The {who} closed their account.",
            now=now,
            notify=(notify,),
        )


def erase_bookings(user: User) -> None:
    now = timezone.now()
    # Future sessions as a client: cancelled, the therapist told only the time.
    _cancel_all(Booking.objects.filter(client=user), "client", now, notify=Party.THERAPIST)
    mine = Booking.objects.filter(client=user)
    BookingEvent.objects.filter(booking__in=mine).update(reason="")
    # The zone says where the client lives, roughly: it goes with their name.
    mine.update(client=None, client_name="", client_time_zone="", client_note="", cancel_reason="")
    # Future sessions as a therapist: cancelled, the clients told.
    _cancel_all(Booking.objects.filter(therapist__user=user), "therapist", now, notify=Party.CLIENT)
    WaitlistEntry.objects.filter(client=user).delete()
