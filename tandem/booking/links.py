"""Signed links in booking emails: cancel or move a session without signing in.

A link names the booking, the person it was sent to and the booking's SEQUENCE, signed with
a salt per action: a link cannot be turned from "move" into "cancel", from the client's into
the therapist's, and a link from an email older than the last change stops working.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from tandem.booking.models import Booking

__all__ = ["ACTIONS", "LinkRefused", "SignedAction", "make_link_token", "read_link_token"]

ACTIONS = ("cancel", "reschedule")
MAX_AGE_SECONDS = 400 * 24 * 3600  # a booking's horizon is at most a year ahead


class LinkRefused(Exception):
    pass


@dataclass(frozen=True)
class SignedAction:
    action: str
    booking: Booking
    party: str


def _salt(action: str) -> str:
    return f"tandem.booking.link.{action}"


def make_link_token(booking: Booking, action: str, party: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown link action {action!r}.")
    payload = {"b": str(booking.public_id), "p": party, "s": booking.ical_sequence}
    return f"{action}.{signing.dumps(payload, salt=_salt(action), compress=True)}"


def read_link_token(token: str) -> SignedAction:
    """The action, booking and person a token names; ``LinkRefused`` if it is not genuine."""
    action, _dot, signed = token.partition(".")
    if action not in ACTIONS:
        raise LinkRefused("This link is not one we sent.")
    try:
        payload = signing.loads(signed, salt=_salt(action), max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise LinkRefused("This link has expired.") from error
    except signing.BadSignature as error:
        raise LinkRefused("This link is not one we sent, or it was changed.") from error
    booking = (
        Booking.objects.select_related("therapist", "session_type", "client")
        .filter(public_id=payload.get("b"))
        .first()
    )
    if booking is None:
        raise LinkRefused("This booking no longer exists.")
    if payload.get("s") != booking.ical_sequence:
        raise LinkRefused(
            "This booking has changed since that email was sent: please use the link in "
            "the latest email, or sign in."
        )
    return SignedAction(action=action, booking=booking, party=payload.get("p", ""))
