"""Access by membership only: every couple URL and API route is a 404 to anyone who is not a
current, consenting member: a stranger, a former partner, a pending invitee, a therapist."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.conftest import CSRF_TOKEN, api_client_for, make_user
from tandem.couples import services
from tandem.couples.tests.helpers import pending_couple

pytestmark = pytest.mark.django_db


def routes(public_id: Any) -> list[tuple[str, str]]:
    api = f"/api/v1/couples/{public_id}"
    return [
        ("get", reverse("couples:detail", args=[public_id])),
        ("post", reverse("couples:resend", args=[public_id])),
        ("post", reverse("couples:withdraw", args=[public_id])),
        ("get", reverse("couples:answer", args=[public_id])),
        ("get", reverse("couples:section", args=[public_id, "giving"])),
        ("post", reverse("couples:section", args=[public_id, "giving"])),
        ("get", reverse("couples:round", args=[public_id, 1])),
        ("get", reverse("couples:report", args=[public_id, 1])),
        ("get", reverse("couples:history", args=[public_id])),
        ("get", reverse("couples:therapists", args=[public_id])),
        ("post", reverse("couples:therapists", args=[public_id])),
        ("post", reverse("couples:again", args=[public_id])),
        ("get", reverse("couples:leave", args=[public_id])),
        ("post", reverse("couples:leave", args=[public_id])),
        ("get", api),
        ("get", f"{api}/report"),
        ("post", f"{api}/invitation"),
        ("post", f"{api}/leave"),
    ]


def assert_all_404(http: Client, public_id: Any) -> None:
    for method, url in routes(public_id):
        response = getattr(http, method)(url, headers={"X-CSRFToken": CSRF_TOKEN})
        assert response.status_code == 404, (method, url, response.status_code)


def test_a_stranger_gets_404_everywhere(ready_couple: Any, unrelated_client_user: Any) -> None:
    assert_all_404(api_client_for(unrelated_client_user), ready_couple.public_id)
    ready_couple.refresh_from_db()
    assert ready_couple.status == "active"


def test_a_therapist_gets_404_everywhere(ready_couple: Any, therapist_user: Any) -> None:
    assert_all_404(api_client_for(therapist_user), ready_couple.public_id)


def test_a_former_partner_gets_404_everywhere(
    ready_couple: Any, client_user: Any, partner_user: Any
) -> None:
    services.couple_leave(couple=ready_couple, user=partner_user)
    assert_all_404(api_client_for(partner_user), ready_couple.public_id)
    assert_all_404(api_client_for(client_user), ready_couple.public_id)


def test_a_pending_invitee_gets_404_everywhere(client_user: Any) -> None:
    invitee = make_user("invitee@example.com")
    couple, _token = pending_couple(client_user, invitee.email)
    assert_all_404(api_client_for(invitee), couple.public_id)
    couple.refresh_from_db()
    assert couple.status == "pending"


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(
    ready_couple: Any, anonymous: Any
) -> None:
    for method, url in routes(ready_couple.public_id):
        response = getattr(anonymous, method)(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anyone_can_read_what_a_couple_check_is_and_is_asked_to_sign_in(anonymous: Any) -> None:
    page = anonymous.get(reverse("couples:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "What your partner will and will not see" in text
    assert "/accounts/login/?next=/couples/" in text and "csrfmiddlewaretoken" not in text


def test_a_member_of_a_waiting_couple_reaches_only_its_page(client_user: Any) -> None:
    couple, _token = pending_couple(client_user, "parker@example.com")
    http = api_client_for(client_user)
    assert http.get(couple.get_absolute_url()).status_code == 200
    for name in ("answer", "history", "therapists"):
        assert http.get(reverse(f"couples:{name}", args=[couple.public_id])).status_code == 404
