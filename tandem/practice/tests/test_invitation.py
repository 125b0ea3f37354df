"""A therapist invites someone by email; the single-use link leads to sign-up and consent."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.conftest import client_for
from tandem.practice.models import Consent, ConsentSource, Invitation

pytestmark = pytest.mark.django_db

ACCEPT = {"instruments": ["healthy-relationship"], "share_from": "2026-01-01", "auto_share": "on"}


@pytest.fixture
def invite(django_capture_on_commit_callbacks: Any) -> Callable[..., str]:
    """Invite by the page; returns the link from the email (sent when the write commits)."""

    def send(therapist: Any, email: str = "newcomer@example.com") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            answer = client_for(therapist).post(
                reverse("practice:invite"),
                {"email": email, "instruments": ["healthy-relationship"]},
            )
        assert answer.status_code == 302
        (message,) = mail.outbox
        assert message.to == [email]
        found = re.search(r"https?://\S+/practice/invitations/(\S+)/", message.body)
        assert found is not None
        return reverse("practice:invitation", args=[found.group(1)])

    return send


def test_an_invited_person_signs_in_accepts_and_only_then_is_visible(
    invite: Any, therapist_user: Any, unrelated_client_user: Any, anonymous: Client
) -> None:
    link = invite(therapist_user, unrelated_client_user.email)
    therapist = client_for(therapist_user)
    # Before consent the therapist sees the address they typed, and nothing else.
    assert "Uma" not in therapist.get(reverse("practice:caseload")).content.decode()
    landing = anonymous.get(link).content.decode()
    assert "Create an account" in landing and "Theo Therapist" in landing

    http = client_for(unrelated_client_user)
    assert http.get(link).status_code == 200
    assert http.post(link, ACCEPT).status_code == 302
    consent = Consent.objects.get()
    assert (consent.client, consent.source) == (unrelated_client_user, ConsentSource.INVITED)
    assert ">Uma Unrelated<" in therapist.get(reverse("practice:caseload")).content.decode()
    # The link worked once.
    assert http.get(link).status_code == 404
    assert client_for(unrelated_client_user).post(link, ACCEPT).status_code == 404
    # And the client can now share with that therapist from their own page too.
    sharing = http.get(reverse("practice:sharing")).content.decode()
    assert "Stop sharing with Theo Therapist" in sharing


def test_an_expired_or_made_up_link_is_refused(
    invite: Any, therapist_user: Any, client_user: Any
) -> None:
    link = invite(therapist_user)
    http = client_for(client_user)
    with time_machine.travel(Invitation.objects.get().expires_at + timedelta(seconds=1)):
        assert http.post(link, ACCEPT).status_code == 404
    assert http.get(reverse("practice:invitation", args=["not-a-token"])).status_code == 404
    assert not Consent.objects.exists()


def test_bad_acceptance_input_saves_nothing_and_keeps_the_link(
    invite: Any, therapist_user: Any, client_user: Any
) -> None:
    link = invite(therapist_user)
    http = client_for(client_user)
    answer = http.post(link, {"share_from": "2026-01-01"})
    assert answer.status_code == 400
    assert "Choose at least one check to share." in answer.content.decode()
    assert not Consent.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_the_therapist_cannot_accept_their_own_invitation(invite: Any, therapist_user: Any) -> None:
    link = invite(therapist_user)
    assert client_for(therapist_user).post(link, ACCEPT).status_code == 404
    assert not Consent.objects.exists()


def test_inviting_needs_a_valid_address_and_a_therapist(
    therapist_user: Any, client_user: Any
) -> None:
    answer = client_for(therapist_user).post(
        reverse("practice:invite"), {"email": "not-an-address", "instruments": ["x"]}
    )
    assert answer.status_code == 400
    assert "Enter a valid email address." in answer.content.decode()
    assert client_for(client_user).get(reverse("practice:invite")).status_code == 404
    assert not Invitation.objects.exists() and mail.outbox == []
