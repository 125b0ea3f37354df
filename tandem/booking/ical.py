"""iCalendar invites (RFC 5545/5546) for bookings, and the therapist's private feed.

One booking is one VEVENT for its whole life: the UID never changes, SEQUENCE goes up with
every change (so calendars replace the old copy), and a cancellation is sent as
``METHOD:CANCEL`` with ``STATUS:CANCELLED``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from email.mime.text import MIMEText

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from tandem.booking.models import Booking, BookingStatus, Party
from tandem.directory.models import Format

__all__ = ["feed_calendar", "invite_attachment", "invite_calendar"]

PRODID = "-//Tandem//Booking//EN"


def _address(email: str, name: str, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    if role:
        address.params["ROLE"] = vText(role)
    return address


def _location(booking: Booking) -> str:
    if booking.format == Format.VIDEO:
        return "Online: the room link is on the booking page from 10 minutes before"
    if booking.format == Format.PHONE:
        return "By phone"
    if booking.therapist is not None and booking.therapist.place:
        return booking.therapist.place
    return "In person"


def _event(booking: Booking, *, party: str | None, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", booking.ical_uid)
    event.add("sequence", booking.ical_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    if party == Party.THERAPIST or party is None:
        who = booking.client_name or "a client"
    else:
        who = booking.therapist_name
    event.add("summary", f"{booking.session_name} with {who}")
    url = settings.SITE_URL.rstrip("/") + booking.get_absolute_url()
    event.add("url", url)
    event.add("description", f"Booked through Tandem. Details, changes and cancelling: {url}")
    event.add("location", _location(booking))
    if cancelled or booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED):
        event.add("status", "CANCELLED")
    elif booking.status == BookingStatus.REQUESTED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    # The organiser is Tandem's address: neither person's own address goes to the other.
    event.add("organizer", _address(_from_address(), f"{booking.therapist_name} via Tandem"))
    return event


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "hello@tandem.invalid"


def invite_calendar(booking: Booking, *, party: str, email: str, name: str) -> bytes:
    """The invite sent to one person: ``METHOD:REQUEST``, or ``CANCEL`` once it is off."""
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = _event(booking, party=party, cancelled=cancelled)
    event.add("attendee", _address(email, name, role="REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical()


def invite_attachment(ics: bytes) -> MIMEText:
    """``invite.ics`` as ``text/calendar; method=…``, which mail programs show as an invite."""
    method = Calendar.from_ical(ics).get("method", "REQUEST")
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", str(method))
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def feed_calendar(bookings: Iterable[Booking], *, name: str) -> bytes:
    """A therapist's private feed: every booking, cancelled ones marked so."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Tandem sessions of {name}")
    calendar.add("x-published-ttl", "PT15M")
    for booking in bookings:
        calendar.add_component(_event(booking, party=Party.THERAPIST, cancelled=False))
    return calendar.to_ical()
