"""Following the invitation link: sign in or sign up, then consent, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tandem.conftest import client_for
from tandem.couples.models import Couple, Member
from tandem.couples.tests.helpers import pending_couple

pytestmark = pytest.mark.django_db


def test_someone_without_an_account_is_offered_sign_in_and_sign_up_back_to_the_link(
    client_user: Any, anonymous: Any
) -> None:
    _couple, token = pending_couple(client_user, "parker@example.com")
    page = anonymous.get(reverse("couples:join", args=[token]))
    assert page.status_code == 200
    text = page.content.decode()
    here = reverse("couples:join", args=[token])
    assert f"/accounts/login/?next={here}" in text and f"/accounts/signup/?next={here}" in text
    assert "Casey Client invites you" in text
    assert "What your partner will and will not see" in text
    assert anonymous.post(reverse("couples:join", args=[token])).status_code == 302
    assert Member.objects.count() == 1


def test_accepting_records_consent_and_starts_the_first_round(
    client_user: Any, partner_user: Any
) -> None:
    couple, token = pending_couple(client_user, "parker@example.com")
    http = client_for(partner_user)
    assert "Accept and join" in http.get(reverse("couples:join", args=[token])).content.decode()
    refused = http.post(reverse("couples:join", args=[token]), {})
    assert refused.status_code == 400
    assert "Please confirm you have read the statement above." in refused.content.decode()
    assert Member.objects.count() == 1
    accepted = http.post(reverse("couples:join", args=[token]), {"consent": "on"})
    assert accepted["Location"] == couple.get_absolute_url()
    couple.refresh_from_db()
    assert couple.status == "active" and couple.rounds.count() == 1
    member = Member.objects.get(user=partner_user)
    assert member.role == "partner" and member.consented_at is not None
    # The link works once.
    again = client_for(partner_user).post(reverse("couples:join", args=[token]), {"consent": "on"})
    assert again.status_code == 404


def test_the_inviter_cannot_accept_their_own_invitation(client_user: Any) -> None:
    couple, token = pending_couple(client_user, "parker@example.com")
    http = client_for(client_user)
    assert http.post(reverse("couples:join", args=[token]), {"consent": "on"}).status_code == 409
    couple.refresh_from_db()
    assert couple.status == "pending"


def test_someone_already_in_a_couple_check_cannot_accept_another(
    client_user: Any, partner_user: Any, unrelated_client_user: Any
) -> None:
    pending_couple(unrelated_client_user, "someone@example.com")
    couple, token = pending_couple(client_user, "parker@example.com")
    response = client_for(unrelated_client_user).post(
        reverse("couples:join", args=[token]), {"consent": "on"}
    )
    assert response.status_code == 409
    assert "already in a couple check" in response.content.decode()
    assert Couple.objects.get(pk=couple.pk).status == "pending"


def test_a_made_up_or_overlong_token_is_a_plain_404(anonymous: Any, client_user: Any) -> None:
    assert anonymous.get(reverse("couples:join", args=["x" * 43])).status_code == 404
    assert anonymous.get(reverse("couples:join", args=["x" * 500])).status_code == 404
    assert client_for(client_user).put(reverse("couples:join", args=["x"])).status_code == 405
