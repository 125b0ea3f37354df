"""The read-only API: the same consent rule as the pages, every read in the access log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import AccessLog
from tandem.conftest import client_for
from tandem.practice.services import consent_revoke
from tandem.practice.tests.conftest import NOW, result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def results(consent: Any, client_user: Any) -> list[Any]:
    return [
        result(client_user, 75, NOW - timedelta(weeks=8)),
        result(client_user, 35, NOW - timedelta(weeks=1)),
    ]


def test_the_caseload_and_a_clients_results(
    consent: Any, therapist_user: Any, results: list[Any]
) -> None:
    http = client_for(therapist_user)
    (row,) = http.get(reverse("api-v1:practice_caseload")).json()
    assert row["consent"] == consent.pk and row["name"] == "Casey Client"
    assert row["since_first"] == "deteriorated"
    assert [alert["kind"] for alert in row["alerts"]] == ["deterioration"]
    body = http.get(reverse("api-v1:practice_client_results", args=[consent.pk])).json()
    assert [item["id"] for item in body["results"]] == [str(r.public_id) for r in results]
    assert body["shares_safety"] is False
    assert "health" in body["results"][0]["scores"]
    assert AccessLog.objects.filter(subject=consent.client, detail="API").count() == 2


def test_a_revoked_consent_is_a_404(consent: Any, therapist_user: Any, results: Any) -> None:
    consent_revoke(consent=consent)
    http = client_for(therapist_user)
    answer = http.get(reverse("api-v1:practice_client_results", args=[consent.pk]))
    assert answer.status_code == 404
    assert http.get(reverse("api-v1:practice_caseload")).json() == []
    assert not AccessLog.objects.exists()


def test_the_routes_are_read_only_and_documented(
    consent: Any, therapist_user: Any, anonymous: Client
) -> None:
    http = client_for(therapist_user)
    assert http.post(reverse("api-v1:practice_caseload")).status_code == 405
    schema = anonymous.get("/api/v1/openapi.json").json()
    assert "/api/v1/practice/caseload" in schema["paths"]
    assert "/api/v1/practice/clients/{consent_id}/results" in schema["paths"]
    assert set(schema["paths"]["/api/v1/practice/caseload"]) == {"get"}
