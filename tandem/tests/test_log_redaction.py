"""No log line holds a live token from an emailed link.

Django logs the path of every refused request (``django.request`` for 4xx answers,
``django.security.csrf`` for a form without its CSRF cookie, ``django.server`` for each request
in development), and some paths hold the token that is the only key to a booking, a comment
or an account. The log handlers redact those path segments; these tests read what the
configured handlers write, not pytest's own capture.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tandem.booking.links import make_link_token
from tandem.booking.models import Party
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable
from tandem.lib.redaction import redact_tokens


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything the configured log handlers write while the test runs."""
    output = io.StringIO()
    handlers = [
        handler
        for name in ("", "django.server")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler) and handler.filters
    ]
    assert handlers, "the LOGGING setting configures no filtered stream handler"
    previous = [handler.setStream(output) for handler in handlers]
    try:
        yield output
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


@pytest.fixture
def live_link_token(therapist_user: Any, client_user: Any) -> str:
    _profile, session = make_bookable(therapist_user)
    with time_machine.travel(NOW, tick=False):
        booking = booking_create(
            slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
        )
    return make_link_token(booking, "reschedule", Party.CLIENT)


def test_a_link_posted_without_its_csrf_cookie_logs_no_token(
    live_link_token: str, log_output: io.StringIO
) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(f"/bookings/link/{live_link_token}/", {"reason": "x"})

    assert response.status_code == 403
    written = log_output.getvalue()
    assert "Forbidden (CSRF cookie not set.): /bookings/link/[redacted]/" in written
    assert live_link_token not in written
    assert live_link_token.split(".", 1)[1] not in written


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/journal/comments/delete/{token}/",
        "/journal/comments/unsubscribe/{token}/",
        "/bookings/feed/{token}.ics",
        "/accounts/password/reset/key/3-{token}/",
        "/accounts/confirm-email/{token}/",
    ],
)
def test_no_refused_token_path_is_logged_with_its_token(path: str, log_output) -> None:
    token = signing.dumps({"c": 1, "e": "0123456789abcdef"}, salt="any")
    browser = Client(enforce_csrf_checks=True)

    browser.post(path.format(token=token), {"x": "y"})
    browser.get(path.format(token=token) + "?next=/")

    written = log_output.getvalue()
    assert "[redacted]" in written  # it did log the refusal
    assert token not in written and token.split(":")[-1] not in written


def _patterns(
    resolvers: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        else:
            yield route, entry.name or ""


def test_every_route_with_a_token_or_key_in_its_path_is_redacted() -> None:
    secret = "c2VjcmV0LXRva2VuLTEyMzQ1Njc4OTA:1tZk9L:abcDEF123-_xyz"
    routes = [
        route
        for route, _name in _patterns(get_resolver().url_patterns)
        if re.search(r"<(?:\w+:)?(?:token|key)>|\(\?P<(?:token|key)>", route)
    ]
    assert len(routes) >= 5
    for route in routes:
        path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>", secret, route)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        line = f"Forbidden: {path}"
        assert secret not in redact_tokens(line), route
