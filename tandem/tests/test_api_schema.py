"""The API answers what its OpenAPI description says, and never a 5xx, whatever it is sent.

schemathesis reads /api/v1/openapi.json, makes requests for every operation from the
schemas (valid and invalid), sends them to the WSGI application in-process, and checks each
answer: not a server error, a documented status code, a documented content type, a body
that matches the documented schema. Once as an anonymous visitor, once signed in (with the
CSRF cookie and header a browser would send). Bounded: a few dozen examples per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tandem.booking.tests.helpers import make_bookable
from tandem.booking.tests.servers import signed_in_session
from tandem.conftest import make_user
from tandem.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF = "x" * 32
BOUNDS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is never a fluke
    suppress_health_check=list(HealthCheck),
    database=None,
)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI application itself, so each request ends with Django's
    ``close_old_connections``. With ``CONN_MAX_AGE = 0`` that gives the connection back to
    the pool, taking the test's transaction with it (PostgreSQL; SQLite's in-memory database
    ignores it), and every later request fails with "Cannot open a new connection in an
    atomic block". Django's own test client disconnects it for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _a_bookable_therapist(db: None, settings: Any) -> None:
    settings.DEBUG = False  # errors answer as in production, not with a traceback
    make_bookable()  # one public therapist with hours, so some slugs and slots are real


@pytest.fixture
def signed_in(_a_bookable_therapist: None) -> dict[str, Any]:
    """The cookies and header a signed-in browser sends with an API write."""
    user = make_user("sam@example.com", name="Sam Schema")
    return {
        "cookies": {"sessionid": signed_in_session(user), "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }


@schema.parametrize()
@BOUNDS
def test_the_api_answers_as_documented_to_a_visitor(case: Any) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@BOUNDS
def test_the_api_answers_as_documented_to_a_signed_in_client(
    case: Any, signed_in: dict[str, Any]
) -> None:
    response = case.call(**signed_in)
    case.validate_response(response, checks=CHECKS)
