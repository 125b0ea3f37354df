"""Signed links from emails: the token URL only checks the token and redirects to a
token-free page, so no 4xx log line (django.request logs the path) ever holds a live token."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from tandem.booking.forms import slot_key
from tandem.booking.links import make_link_token
from tandem.booking.models import Booking, BookingStatus, Party
from tandem.booking.tests.helpers import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]

CONTINUE = "/bookings/link/continue/"


def _forgeries(token: str) -> list[str]:
    return [
        token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        "cancel.nonsense",
        "delete." + token.split(".", 1)[1],
        token.replace("cancel.", "reschedule.", 1),
    ]


def test_opening_a_link_redirects_to_a_page_whose_form_posts_without_the_token(
    booking: Booking, anonymous: Any
) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    landing = anonymous.get(f"/bookings/link/{token}/")
    assert landing.status_code == 302 and landing["Location"] == CONTINUE
    page = anonymous.get(CONTINUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="{CONTINUE}"' in html and token not in html
    assert booking.therapist_name in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # opening changes nothing


def test_a_cancel_posted_without_a_reason_logs_no_token(
    booking: Booking, anonymous: Any, caplog: Any
) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    with caplog.at_level(logging.DEBUG):
        anonymous.get(f"/bookings/link/{token}/")
        missing = anonymous.post(CONTINUE, {"reason": ""})
        anonymous.post(f"/bookings/link/{token}/", {"reason": ""})
        for bad in _forgeries(token):
            anonymous.get(f"/bookings/link/{bad}/")
            anonymous.post(f"/bookings/link/{bad}/", {"reason": "x"})
    assert missing.status_code == 400
    assert any(record.name == "django.request" for record in caplog.records)  # it did log
    signed = token.split(".", 1)[1]
    for record in caplog.records:
        assert signed[:20] not in record.getMessage()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_cancel_happens_only_on_the_post_to_the_token_free_page(
    booking: Booking, anonymous: Any
) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    posted_to_token = anonymous.post(f"/bookings/link/{token}/", {"reason": "Ill"})
    assert posted_to_token.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    done = anonymous.post(CONTINUE, {"reason": "Ill"})
    assert done.status_code == 200 and "cancelled" in done.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_by == Party.CLIENT
    # The grant is used up, and the link names the old SEQUENCE.
    again = anonymous.post(CONTINUE, {"reason": "Again"})
    assert again.status_code == 400 and "Nothing has been changed" in again.content.decode()
    assert anonymous.get(f"/bookings/link/{token}/").status_code == 302
    stale = anonymous.post(CONTINUE, {"reason": "Again"})
    assert "has changed since that email" in stale.content.decode()


def test_a_forged_link_does_nothing_and_replaces_an_earlier_genuine_one(
    booking: Booking, anonymous: Any
) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    for bad in _forgeries(token):
        anonymous.get(f"/bookings/link/{token}/")
        landing = anonymous.get(f"/bookings/link/{bad}/")
        assert landing.status_code == 302 and landing["Location"] == CONTINUE
        page = anonymous.post(CONTINUE, {"reason": "x"})
        assert page.status_code == 400
        assert "Nothing has been changed" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_token_free_page_without_a_link_changes_nothing(
    booking: Booking, anonymous: Any
) -> None:
    page = anonymous.post(CONTINUE, {"reason": "x", "start": slot_key(START)})
    assert page.status_code == 400 and "Nothing has been changed" in page.content.decode()
    assert anonymous.get(CONTINUE).status_code == 400
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_link_moves_the_session_for_the_side_it_was_sent_to(
    booking: Booking, anonymous: Any
) -> None:
    token = make_link_token(booking, "reschedule", Party.THERAPIST)
    assert anonymous.get(f"/bookings/link/{token}/")["Location"] == CONTINUE
    page = anonymous.get(CONTINUE, {"start": "2027-03-30"})
    html = page.content.decode()
    assert page.status_code == 200 and f'action="{CONTINUE}"' in html and token not in html
    new_start = START + timedelta(days=1)
    bad = anonymous.post(CONTINUE, {"start": slot_key(new_start), "reason": ""})
    assert bad.status_code == 400
    response = anonymous.post(CONTINUE, {"start": slot_key(new_start), "reason": "Training day"})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.starts_at == new_start
    assert booking.events.get(kind="rescheduled").by == Party.THERAPIST


def test_the_link_pages_refuse_other_methods_without_the_token_in_the_path(
    booking: Booking, anonymous: Any
) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    assert anonymous.put(f"/bookings/link/{token}/").status_code == 302
    assert anonymous.put(CONTINUE).status_code == 405
