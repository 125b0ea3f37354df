"""Whatever a visitor puts in a query string or a form, a page answers below 500.

Every parameter that reaches a parser (dates, numbers, choices, time zones, slugs, page
numbers, a result in JSON) is given hostile values by hypothesis: names of zone folders,
over-long text, numbers too big for any column, impossible dates, control characters.
The API's own parameters and bodies are covered by test_api_schema.py (schemathesis).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable
from tandem.conftest import client_for

NASTY = [
    "",
    "Europe",
    "America",
    "Etc",
    "x" * 300,
    "../../etc/passwd",
    "Europe/London",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "2027-02-30",
    "0001-01-01",
    "9999-12-31",
    "2027-03-29T08:00Z",
    "9999-12-31T23:59Z",
    "' OR 1=1 --",
    "{",
    '{"scales": 1}',
    "%00",
    "\x00",
    "é" * 50,
]
# Text with no lone surrogates: a browser cannot send one in UTF-8.
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
BOUNDS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def _query(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, values))


def _assert_answers(http: Client, path: str, data: dict[str, str], method: str = "get") -> None:
    response = getattr(http, method)(path, data)
    assert response.status_code < 500, (path, data, response.status_code)


@pytest.fixture
def bookable(db: None, therapist_user: Any) -> Any:
    profile, session = make_bookable(therapist_user)
    return profile, session


@BOUNDS
@given(
    query=_query(
        [
            "q",
            "format",
            "near",
            "within_km",
            "max_fee",
            "currency",
            "sliding_scale",
            "specialty",
            "approach",
            "couples",
            "language",
            "gender",
            "tier",
            "accepting",
            "sort",
            "page",
        ]
    )
)
def test_the_directory_search(bookable: Any, query: dict[str, str]) -> None:
    _assert_answers(Client(), "/therapists/", query)


@BOUNDS
@given(
    query=_query(
        [
            "max_fee",
            "currency",
            "format",
            "near",
            "within_km",
            "language",
            "couples",
            "gender",
            "specialties",
            "result",
        ]
    )
)
def test_the_match_page(bookable: Any, query: dict[str, str]) -> None:
    _assert_answers(Client(), "/therapists/match/", query)
    _assert_answers(Client(), "/therapists/match/", query, method="post")


@BOUNDS
@given(query=_query(["tz", "session", "start"]), slug=values)
def test_the_book_page(bookable: Any, query: dict[str, str], slug: str) -> None:
    profile, _session = bookable
    _assert_answers(Client(), f"/bookings/with/{profile.slug}/", query)
    _assert_answers(Client(), "/bookings/with/" + slug.replace("/", "") + "/", query)


@BOUNDS
@given(query=_query(["tz", "session", "start", "idempotency_key"]))
def test_the_confirm_page(bookable: Any, client_user: Any, query: dict[str, str]) -> None:
    profile, _session = bookable
    http = client_for(client_user)
    _assert_answers(http, f"/bookings/with/{profile.slug}/confirm/", query)
    _assert_answers(
        http, f"/bookings/with/{profile.slug}/confirm/", {**query, "client_name": "C"}, "post"
    )


@pytest.fixture
def booking(bookable: Any, client_user: Any) -> Any:
    _profile, session = bookable
    with time_machine.travel(NOW, tick=False):
        return booking_create(
            slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
        )


@BOUNDS
@given(query=_query(["tz", "start", "reason"]))
def test_the_reschedule_page(booking: Any, client_user: Any, query: dict[str, str]) -> None:
    http = client_for(client_user)
    path = f"/bookings/{booking.public_id}/reschedule/"
    _assert_answers(http, path, query)
    _assert_answers(http, path, query, method="post")


@BOUNDS
@given(query=_query(["page", "replyto", "status"]), slug=values)
def test_the_journal(db: None, editor_user: Any, query: dict[str, str], slug: str) -> None:
    _assert_answers(Client(), "/journal/", query)
    _assert_answers(Client(), "/journal/" + slug.replace("/", "") + "/", query)
    _assert_answers(client_for(editor_user), "/journal/moderation/", query)


@BOUNDS
@given(query=_query(["budget", "format", "town", "incomplete"]), slug=values)
def test_the_checks(db: None, query: dict[str, str], slug: str) -> None:
    http = Client()
    _assert_answers(http, "/checks/" + slug.replace("/", "") + "/", query)
    _assert_answers(http, f"/checks/results/{uuid.uuid4()}/therapists/", query)
    _assert_answers(http, "/checks/relating-styles/", query)
