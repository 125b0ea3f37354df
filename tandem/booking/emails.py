"""One function per email, each rendering ``booking/emails/<name>-subject.txt``, ``.txt`` and
``.html``, with the booking's ``invite.ics`` attached.

Booking emails say only what the booking needs: the time, the session, the links. They
never mention checks, results or anything about safety.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse

from tandem.booking.display import day_label, time_label, when
from tandem.booking.ical import invite_attachment, invite_calendar
from tandem.booking.links import make_link_token
from tandem.booking.models import Booking, BookingSettings, Party, WaitlistEntry
from tandem.lib.mail import absolute_url, templated_email

__all__ = [
    "booking_cancelled",
    "booking_changed",
    "booking_confirmed",
    "booking_requested",
    "reminder",
    "waitlist_offer",
]


@dataclass(frozen=True)
class Recipient:
    party: str
    email: str
    name: str
    zone: ZoneInfo


def recipient(booking: Booking, party: str) -> Recipient | None:
    """Who gets the ``party``'s copy, or None when that person's account is gone."""
    if party == Party.PARTNER:
        if booking.partner is None:
            return None
        # The partner sees times in the zone the client booked in, as the client does.
        name = booking.partner.name or booking.partner.email
        return Recipient(party, booking.partner.email, name, ZoneInfo(booking.client_time_zone))
    if party == Party.CLIENT:
        if booking.client is None:
            return None
        return Recipient(
            party, booking.client.email, booking.client_name, ZoneInfo(booking.client_time_zone)
        )
    if booking.therapist is None:
        return None
    zone = (
        BookingSettings.objects.filter(therapist_id=booking.therapist_id)
        .values_list("time_zone", flat=True)
        .first()
    ) or "Europe/London"
    return Recipient(party, booking.therapist.user.email, booking.therapist_name, ZoneInfo(zone))


def _send(name: str, booking: Booking, to: Recipient, extra: dict[str, Any] | None = None) -> None:
    context: dict[str, Any] = {
        "booking": booking,
        "recipient": to,
        "is_therapist": to.party == Party.THERAPIST,
        "other_name": (booking.client_name or "your client")
        if to.party == Party.THERAPIST
        else booking.therapist_name,
        "when": when(booking.starts_at, booking.ends_at, to.zone),
        "booking_url": absolute_url(booking.get_absolute_url()),
        **(extra or {}),
    }
    if booking.is_active:
        for action in ("cancel", "reschedule"):
            token = make_link_token(booking, action, to.party)
            context[f"{action}_url"] = absolute_url(reverse("booking:link", args=[token]))
    message = templated_email(f"booking/emails/{name}", context, to.email)
    ics = invite_calendar(booking, party=to.party, email=to.email, name=to.name)
    message.attach(invite_attachment(ics))
    message.send()


def _each(name: str, booking: Booking, party: str, extra: dict[str, Any] | None = None) -> None:
    to = recipient(booking, party)
    if to is not None:
        _send(name, booking, to, extra)


def booking_confirmed(booking: Booking, party: str) -> None:
    """The session is booked and confirmed."""
    _each("booking-confirmed", booking, party)


def booking_requested(booking: Booking, party: str) -> None:
    """The client asked; the therapist will accept or decline."""
    _each("booking-requested", booking, party)


def booking_changed(booking: Booking, party: str) -> None:
    """The session moved to a new time (same invite, higher SEQUENCE)."""
    last = booking.events.filter(kind="rescheduled").order_by("-at", "-pk").first()
    previous = None
    to = recipient(booking, party)
    if last is not None and last.previous_start is not None and to is not None:
        previous = (
            f"{day_label(last.previous_start, to.zone)}, {time_label(last.previous_start, to.zone)}"
        )
    _each(
        "booking-changed",
        booking,
        party,
        {
            "previous": previous,
            "reason": last.reason if last else "",
            "by": last.by if last else "",
        },
    )


def booking_cancelled(booking: Booking, party: str) -> None:
    """The session is off (cancelled or declined); the invite is a CANCEL."""
    _each("booking-cancelled", booking, party)


def reminder(booking: Booking, party: str, which: str) -> None:
    """The session is tomorrow, or in an hour."""
    _each("reminder", booking, party, {"which": which})


def waitlist_offer(entry: WaitlistEntry) -> None:
    """To a client on a waitlist: an earlier time has opened; the first to take it has it."""
    assert entry.offered_start is not None
    # The zone the client last booked in; London until they have booked anything.
    zone = ZoneInfo(
        Booking.objects.filter(client=entry.client)
        .order_by("-created_at")
        .values_list("client_time_zone", flat=True)
        .first()
        or "Europe/London"
    )
    context = {
        "entry": entry,
        "therapist_name": entry.therapist.name,
        "when": when(
            entry.offered_start,
            entry.offered_start + timedelta(minutes=entry.session_type.minutes),
            zone,
        ),
        "claim_url": absolute_url(reverse("booking:waitlist")),
    }
    templated_email("booking/emails/waitlist-offer", context, entry.client.email).send()
