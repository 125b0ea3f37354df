import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


def _signed_in(http, user):
    response = http.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(pk=http.cookies["sessionid"].value)


def _session_writes(queries):
    return [
        query["sql"]
        for query in queries.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    ]


def test_a_request_within_a_minute_of_the_last_save_does_not_write_the_session(
    anonymous, client_user
):
    with time_machine.travel(START, tick=False) as clock:
        saved = _signed_in(anonymous, client_user)
        clock.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(reverse("my_data")).status_code == 200

    assert _session_writes(queries) == []
    assert Session.objects.get(pk=saved.pk).expire_date == saved.expire_date


def test_a_request_a_minute_or_more_after_the_last_save_extends_the_session(
    anonymous, client_user, settings
):
    with time_machine.travel(START, tick=False) as clock:
        saved = _signed_in(anonymous, client_user)
        clock.shift(dt.timedelta(seconds=61))
        assert anonymous.get(reverse("my_data")).status_code == 200

    extended = Session.objects.get(pk=saved.pk).expire_date
    assert extended == START + dt.timedelta(seconds=61 + settings.SESSION_COOKIE_AGE)
    assert extended - saved.expire_date == dt.timedelta(seconds=61)


def test_a_session_refreshed_only_by_throttled_requests_ends_within_a_minute_of_its_age(
    anonymous, client_user, settings
):
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(START, tick=False) as clock:
        _signed_in(anonymous, client_user)
        clock.shift(dt.timedelta(seconds=30))
        assert anonymous.get(reverse("my_data")).status_code == 200  # not saved: too soon
        clock.shift(age - dt.timedelta(seconds=30))
        response = anonymous.get(reverse("my_data"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_visitor_without_a_session_is_not_given_one(anonymous):
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(reverse("help_now"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert _session_writes(queries) == []
    assert not Session.objects.exists()
