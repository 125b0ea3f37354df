"""Signed links from emails: cancel or move a session without signing in."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.booking.display import when
from tandem.booking.forms import ReasonForm
from tandem.booking.links import LinkRefused, read_link_token
from tandem.booking.models import Booking, Party
from tandem.booking.services import BookingRefused, booking_cancel
from tandem.booking.views.common import (
    LINK_SESSION_KEY,
    link_done,
    link_refused,
    reschedule_page,
    viewer_zone,
)

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
        return link_refused(request, linked)
    action_name, booking, party = linked
    action = reverse(LINK_CONTINUE)
    if action_name == "reschedule":
        return reschedule_page(request, booking, party, action=action, via_link=True)
    zone = viewer_zone(request)
    now = timezone.now()
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if not booking.can_change(party, now):
        return link_refused(request, "This session can no longer be cancelled online.", 403)
    if request.method == "POST":
        if form.is_valid():
            try:
                booking_cancel(booking=booking, by=party, reason=form.cleaned_data["reason"])
            except BookingRefused as error:
                return link_refused(request, error.reason, 403)
            return link_done(request, booking, "cancelled", zone)
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
