"""The caseload: statuses against the first and previous result, alerts first, access log."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.accounts.models import AccessKind, AccessLog
from tandem.conftest import client_for, make_user
from tandem.practice.models import DueMeasure
from tandem.practice.services import consent_save, schedule_create
from tandem.practice.tests.conftest import CHECK, NOW, result, session_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _client(bookable: Any, therapist: Any, email: str, name: str, scores: list[int], **kw: Any):
    person = make_user(email, name=name)
    session_on(bookable, person, NOW - timedelta(weeks=20))
    for position, score in enumerate(scores):
        result(
            person, score, NOW - timedelta(weeks=16 - 4 * position), flagged=kw.get("flag", False)
        )
    return consent_save(
        client=person,
        therapist=therapist,
        instruments=[CHECK],
        share_from=(NOW - timedelta(weeks=30)).date(),
        auto_share=True,
        share_safety=kw.get("safety", False),
    )


@pytest.fixture
def practice(bookable: Any, therapist_user: Any) -> dict[str, Any]:
    return {
        "recovered": _client(bookable, therapist_user, "a@example.com", "Ann", [30, 40, 70]),
        "worse": _client(bookable, therapist_user, "b@example.com", "Ben", [75, 70, 40]),
        "steady": _client(bookable, therapist_user, "c@example.com", "Cat", [55, 58]),
        "flag_hidden": _client(bookable, therapist_user, "d@example.com", "Dee", [55], flag=True),
        "flag_shared": _client(
            bookable, therapist_user, "e@example.com", "Eve", [55], flag=True, safety=True
        ),
    }


def _rows(http: Client) -> list[str]:
    html = http.get(reverse("practice:caseload")).content.decode()
    return [line for line in html.split("<tr") if "practice/clients/" in line]


def test_it_judges_change_and_puts_alerts_first(therapist_user: Any, practice: Any) -> None:
    rows = _rows(client_for(therapist_user))
    names = [next(n for n in ("Ann", "Ben", "Cat", "Dee", "Eve") if f">{n}<" in r) for r in rows]
    # Alerts first (Ben deteriorated, Eve shared a safety flag), then the rest by name.
    assert names == ["Ben", "Eve", "Ann", "Cat", "Dee"]
    by_name = dict(zip(names, rows, strict=True))
    assert "Recovered" in by_name["Ann"]
    assert "Deteriorated" in by_name["Ben"] and "Deterioration:" in by_name["Ben"]
    assert "No reliable change" in by_name["Cat"]
    assert "Safety:" in by_name["Eve"]
    # Dee did not agree to share safety answers: nothing shows that her answers raised a flag.
    assert "Safety" not in by_name["Dee"]


def test_a_long_overdue_measure_is_an_alert(
    therapist_user: Any, practice: Any, settings: Any
) -> None:
    settings.PRACTICE_OVERDUE_DAYS = 7
    schedule = schedule_create(
        consent=practice["steady"], instrument_slug=CHECK, kind="once", every=None
    )
    DueMeasure.objects.create(schedule=schedule, occurrence=1, due_at=NOW - timedelta(days=8))
    rows = _rows(client_for(therapist_user))
    # Cat joins the clients with alerts, who come first by name: Ben, Cat, Eve.
    assert ">Cat<" in rows[1] and "Overdue:" in rows[1]


def test_every_read_is_in_the_clients_access_log(therapist_user: Any, practice: Any) -> None:
    client_for(therapist_user).get(reverse("practice:caseload"))
    rows = AccessLog.objects.filter(kind=AccessKind.CASELOAD)
    assert rows.count() == 5
    row = rows.get(subject=practice["worse"].client)
    assert (row.viewer, row.viewer_name, row.consent_id) == (
        therapist_user,
        "Theo Therapist",
        practice["worse"].pk,
    )


def test_the_query_count_does_not_grow_with_the_caseload(
    bookable: Any, therapist_user: Any, practice: Any
) -> None:
    http = client_for(therapist_user)
    http.get(reverse("practice:caseload"))  # the first request also sets up the session
    with CaptureQueriesContext(connection) as five:
        http.get(reverse("practice:caseload"))
    for number in range(5):
        _client(bookable, therapist_user, f"x{number}@example.com", f"X{number}", [50, 60])
    with CaptureQueriesContext(connection) as ten:
        http.get(reverse("practice:caseload"))
    assert len(ten) == len(five)


def test_the_caseload_downloads_as_csv(therapist_user: Any, practice: Any) -> None:
    answer = client_for(therapist_user).get(reverse("practice:caseload_csv"))
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [row["client"] for row in rows] == ["Ben", "Eve", "Ann", "Cat", "Dee"]
    assert rows[0]["since_first"] == "Deteriorated"
    assert AccessLog.objects.filter(kind=AccessKind.EXPORT).count() == 5


def test_the_caseload_refuses_post_and_non_therapists(
    therapist_user: Any, client_user: Any, anonymous: Client
) -> None:
    assert client_for(therapist_user).post(reverse("practice:caseload")).status_code == 405
    assert client_for(client_user).get(reverse("practice:caseload")).status_code == 404
    assert anonymous.get(reverse("practice:caseload")).status_code == 302


def test_the_caseload_counts_only_what_the_consent_covers(
    bookable: Any, therapist_user: Any, frozen: Any
) -> None:
    """The dates are checked by the database now: the first day shared counts from its
    midnight, a result a second earlier does not, and without auto-share nothing after the
    snapshot counts."""
    person = make_user("f@example.com", name="Fay")
    session_on(bookable, person, NOW - timedelta(weeks=20))
    first_day = (NOW - timedelta(weeks=10)).date()
    midnight = datetime.combine(first_day, time(0), tzinfo=UTC)
    result(person, 20, midnight - timedelta(seconds=1))  # the day before: private
    result(person, 70, midnight)  # the first day shared, from its first second
    result(person, 72, NOW - timedelta(weeks=4))
    consent_save(
        client=person,
        therapist=therapist_user,
        instruments=[CHECK],
        share_from=first_day,
        auto_share=False,
        share_safety=False,
    )
    frozen.shift(timedelta(days=1))
    result(person, 10, NOW + timedelta(hours=12))  # after the snapshot: private
    answer = client_for(therapist_user).get(reverse("practice:caseload_csv"))
    row = next(csv.DictReader(io.StringIO(answer.content.decode())))
    assert row["results"] == "2"
    assert int(row["latest_score"]) > 60  # the 72, not the later 10
    assert row["since_first"] == "No reliable change"
