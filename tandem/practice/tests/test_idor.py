"""Every practice URL answers 404 to anyone without a current consent from the client.

The matrix: another therapist, the client's partner, a verifier, an editor, an anonymous
visitor (sent to sign in), and the therapist after the client revoked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import AccessLog
from tandem.conftest import client_for
from tandem.practice.models import MeasureSchedule
from tandem.practice.services import consent_revoke, schedule_create
from tandem.practice.tests.conftest import NOW, result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def shared(consent: Any, client_user: Any) -> dict[str, Any]:
    response = result(client_user, 60, NOW - timedelta(days=3))
    schedule = schedule_create(
        consent=consent, instrument_slug="healthy-relationship", kind="once", every=None
    )
    return {"consent": consent, "response": response, "schedule": schedule}


def _urls(shared: dict[str, Any]) -> list[tuple[str, str]]:
    pk = shared["consent"].pk
    return [
        ("get", reverse("practice:client", args=[pk])),
        ("get", reverse("practice:client_csv", args=[pk])),
        ("get", reverse("practice:progress_pdf", args=[pk])),
        ("get", reverse("practice:result", args=[pk, shared["response"].public_id])),
        ("post", reverse("practice:schedule_add", args=[pk])),
        ("post", reverse("practice:schedule_stop", args=[pk, shared["schedule"].pk])),
        ("get", reverse("api-v1:practice_client_results", args=[pk])),
    ]


@pytest.fixture(
    params=["unrelated_therapist", "partner", "verifier", "editor", "revoked_therapist"]
)
def outsider(request: Any, shared: dict[str, Any]) -> Client:
    fixture = {
        "unrelated_therapist": "unrelated_therapist_user",
        "partner": "partner_user",
        "verifier": "verifier_user",
        "editor": "editor_user",
        "revoked_therapist": "therapist_user",
    }[request.param]
    if request.param == "revoked_therapist":
        consent_revoke(consent=shared["consent"])
    return client_for(request.getfixturevalue(fixture))


def test_it_answers_404_to_anyone_without_a_current_consent(
    outsider: Client, shared: dict[str, Any]
) -> None:
    schedules = list(MeasureSchedule.objects.values_list("pk", "is_active"))
    for method, url in _urls(shared):
        data = {"instrument": "healthy-relationship", "kind": "once"} if method == "post" else {}
        answer = getattr(outsider, method)(url, data)
        assert answer.status_code == 404, (method, url, answer.status_code)
    assert not AccessLog.objects.exists()
    assert list(MeasureSchedule.objects.values_list("pk", "is_active")) == schedules


def test_an_anonymous_visitor_is_sent_to_sign_in_and_sees_nothing(
    anonymous: Client, shared: dict[str, Any]
) -> None:
    for method, url in _urls(shared)[:-1]:
        answer = getattr(anonymous, method)(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    api = anonymous.get(reverse("api-v1:practice_client_results", args=[shared["consent"].pk]))
    assert api.status_code == 401
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "fixture", ["unrelated_therapist_user", "partner_user", "verifier_user", "editor_user"]
)
def test_the_caseload_shows_nobody_elses_clients(
    fixture: str, request: Any, shared: dict[str, Any]
) -> None:
    user = request.getfixturevalue(fixture)
    http = client_for(user)
    page = http.get(reverse("practice:caseload"))
    if user.role == "therapist":
        assert page.status_code == 200
        assert "Casey" not in page.content.decode()
        assert http.get(reverse("api-v1:practice_caseload")).json() == []
    else:
        assert page.status_code == 404
        assert http.get(reverse("api-v1:practice_caseload")).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_therapist_with_consent_gets_each_page(
    therapist_user: Any, shared: dict[str, Any]
) -> None:
    http = client_for(therapist_user)
    for method, url in _urls(shared):
        if method == "get":
            assert http.get(url).status_code == 200, url
    assert AccessLog.objects.filter(subject=shared["consent"].client).count() == 5
