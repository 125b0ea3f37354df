"""One JSON line per request, naming the route and the user's id and nothing personal.

The journey: a person signs in, takes the healthy-relationship check, opens the result,
books a session, follows a booking link from an email and their calendar feed, and a
stranger tries a made-up link token. Every log line of it, formatted as production formats
it, is then searched for what must never be there.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.assessments.tests.helpers import answers_for, complete_check
from tandem.booking.links import make_link_token
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import PASSWORD, make_user
from tandem.lib.observability import JsonFormatter

pytestmark = pytest.mark.django_db


def _formatted(caplog: Any) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def test_a_whole_journey_logs_routes_and_ids_but_nothing_personal(caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="tandem.request")  # as LOG_FORMAT=json sets it
    person = make_user("robin.quill@example.org", name="Robin Quill")
    _profile, session = make_bookable(user=None)
    http = Client()

    signed_in = http.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    result_url = complete_check(http, "healthy-relationship")
    assert http.get(result_url).status_code == 200
    booking = booking_create(
        slot_start=(timezone.now() + timedelta(days=4)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ),
        session_type=session,
        client=person,
        idempotency_key=uuid.uuid4(),
        client_name="Robin Quill",
    )
    link_token = make_link_token(booking, "cancel", "client")
    assert http.get(reverse("booking:link", args=[link_token])).status_code in (200, 302)
    made_up = "x" * 24 + "Qz9" + "y" * 10
    assert Client().get(f"/bookings/link/{made_up}/", follow=True).status_code == 400
    assert Client().get(f"/bookings/feed/{made_up}.ics").status_code == 404

    lines = _formatted(caplog)
    request_lines = [json.loads(line) for line in lines if '"logger": "tandem.request"' in line]
    routes = [line["route"] for line in request_lines]
    assert "account_login" in routes
    assert "assessments:section" in routes
    assert "assessments:result" in routes
    assert "booking:link" in routes
    assert "booking:feed" in routes
    for line in request_lines:
        assert set(line) >= {"request_id", "route", "method", "status", "duration_ms", "user_id"}
        assert len(line["request_id"]) == 32
    signed_in_lines = [line for line in request_lines if line["user_id"] is not None]
    assert signed_in_lines and {line["user_id"] for line in signed_in_lines} == {person.pk}

    everything = "\n".join(lines)
    answers = answers_for("healthy-relationship")
    for secret in (
        person.email,
        "robin.quill",
        "Robin Quill",
        PASSWORD,
        link_token,
        made_up,
        result_url.rstrip("/").rsplit("/", 1)[-1],  # the result's public id
        http.cookies["sessionid"].value,
    ):
        assert secret not in everything, secret
    assert "answers" not in everything
    assert not any(item_id in everything for item_id in answers)


def test_the_request_id_a_proxy_sends_is_kept_and_returned(caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="tandem.request")

    response = Client().get("/healthz", HTTP_X_REQUEST_ID="3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5b")

    assert response["X-Request-ID"] == "3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5b"
    line = json.loads(_formatted(caplog)[-1])
    assert line["request_id"] == "3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5b"
    assert (line["route"], line["status"], line["user_id"]) == ("healthz", 200, None)


def test_a_request_id_that_does_not_look_like_one_is_replaced(caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="tandem.request")

    response = Client().get("/healthz", HTTP_X_REQUEST_ID='bad" id\nwith a newline')

    assert len(response["X-Request-ID"]) == 32
    assert "newline" not in "\n".join(_formatted(caplog))


def test_an_unknown_path_is_logged_without_the_path(caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="tandem.request")

    assert Client().get("/no-such-page/secret-token-abcdefghijklmnop").status_code == 404

    lines = _formatted(caplog)
    assert "secret-token" not in "\n".join(lines)
    assert json.loads(lines[-1])["route"] == "<unmatched>"
