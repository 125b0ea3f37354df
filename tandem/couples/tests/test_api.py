"""The couple routes under /api/v1/couples/: session and CSRF as booking, 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tandem.conftest import CSRF_TOKEN, api_client_for, post_json
from tandem.couples.models import Couple
from tandem.couples.tests.helpers import answer_all, invite_token

pytestmark = pytest.mark.django_db


def test_the_routes_are_in_the_openapi_schema(anonymous: Any) -> None:
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/couples",
        "/api/v1/couples/accept",
        "/api/v1/couples/{couple_id}",
        "/api/v1/couples/{couple_id}/invitation",
        "/api/v1/couples/{couple_id}/report",
        "/api/v1/couples/{couple_id}/leave",
    ):
        assert path in paths, path


def test_start_invite_accept_status_report_and_leave(
    client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    casey, parker = api_client_for(client_user), api_client_for(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = post_json(
            casey, "/api/v1/couples", {"partner_email": partner_user.email, "consent": True}
        )
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "pending" and body["invitation"]["email"] == partner_user.email
    assert len(mail.outbox) == 1
    couple = Couple.objects.get()
    assert post_json(casey, f"/api/v1/couples/{couple.public_id}/invitation").status_code == 429
    token = invite_token(couple)  # as if the email were read: a fresh link
    refused = post_json(parker, "/api/v1/couples/accept", {"token": token, "consent": False})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "consent"
    accepted = post_json(parker, "/api/v1/couples/accept", {"token": token, "consent": True})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active" and accepted.json()["you"] == "not_answered"
    assert (
        post_json(parker, "/api/v1/couples/accept", {"token": token, "consent": True}).status_code
        == 404
    )
    status = casey.get(f"/api/v1/couples/{couple.public_id}").json()
    assert status["partner"] == "Parker Partner" and status["round"] == 1
    answer_all(casey, couple)
    waiting = casey.get(f"/api/v1/couples/{couple.public_id}").json()
    assert waiting["you"] == "waiting" and waiting["report_available"] is False
    assert waiting["message"].startswith("Your couple report is not available.")
    report = casey.get(f"/api/v1/couples/{couple.public_id}/report").json()
    assert report == {
        "available": False,
        "message": "Your couple report is not available. Each of you can still see your own "
        "results.",
        "round": 1,
        "report": None,
    }
    answer_all(parker, couple)
    ready = casey.get(f"/api/v1/couples/{couple.public_id}/report").json()
    assert ready["available"] is True and ready["report"]["balances"][0]["scale"] == "time"
    left = post_json(parker, f"/api/v1/couples/{couple.public_id}/leave")
    assert left.status_code == 200
    assert casey.get(f"/api/v1/couples/{couple.public_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"consent": True}, "partner_email"),
        ({"partner_email": "not an address", "consent": True}, "partner_email"),
        ({"partner_email": "casey@example.com", "consent": True}, "partner_email"),
        ({"partner_email": "parker@example.com", "consent": False}, "consent"),
        ({"partner_email": "parker@example.com"}, "consent"),
        ({"partner_email": "x" * 300 + "@example.com", "consent": True}, "partner_email"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client_user: Any, body: dict[str, Any], field: str
) -> None:
    response = post_json(api_client_for(client_user), "/api/v1/couples", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not Couple.objects.exists()


def test_writes_need_the_csrf_token_and_a_session(client_user: Any, anonymous: Any) -> None:
    body = {"partner_email": "parker@example.com", "consent": True}
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(client_user)
    assert post_json(strict, "/api/v1/couples", body, csrf=False).status_code == 403
    strict.cookies["csrftoken"] = CSRF_TOKEN
    assert post_json(strict, "/api/v1/couples", body).status_code == 201
    Couple.objects.all().delete()
    assert post_json(anonymous, "/api/v1/couples", body).status_code == 401
    assert not Couple.objects.exists()


def test_a_second_couple_is_a_409(client_user: Any) -> None:
    http = api_client_for(client_user)
    post_json(http, "/api/v1/couples", {"partner_email": "parker@example.com", "consent": True})
    again = post_json(
        http, "/api/v1/couples", {"partner_email": "other@example.com", "consent": True}
    )
    assert again.status_code == 409
