"""Starting a couple check and inviting a partner: sent by the worker, single use, expiring,
resent at a limited rate, withdrawn."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tandem.conftest import client_for
from tandem.couples.models import Couple, Invitation, Member, token_hash
from tandem.couples.tests.helpers import pending_couple

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def start(http: Any, email: str = "parker@example.com", consent: bool = True) -> Any:
    data = {"partner_email": email}
    if consent:
        data["consent"] = "on"
    return http.post(reverse("couples:start"), data)


def link_in(message: Any) -> str:
    found = re.search(r"http://\S+/couples/join/(\S+)/", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_the_start_page_shows_the_consent_statement(client_user: Any) -> None:
    page = client_for(client_user).get(reverse("couples:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "What your partner will and will not see" in text
    assert "never sees your individual answers, your individual results" in text


def test_starting_sends_one_invitation_with_a_link_only_the_email_holds(
    client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http = client_for(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(http)
    couple = Couple.objects.get()
    assert response.status_code == 302 and response["Location"] == couple.get_absolute_url()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parker@example.com"]
    assert "Casey Client invites you" in message.subject
    token = link_in(message)
    invitation = Invitation.objects.get()
    assert len(token) >= 40
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert invitation.expires_at == NOW + timedelta(days=7)
    page = http.get(couple.get_absolute_url()).content.decode()
    assert "Your invitation to parker@example.com is waiting to be accepted." in page


@pytest.mark.parametrize(
    ("email", "consent", "field", "message"),
    [
        ("", True, "partner_email", "Enter your partner&#x27;s email address."),
        ("not-an-address", True, "partner_email", "Enter an email address like"),
        ("casey@example.com", True, "partner_email", "That is your own address."),
        ("parker@example.com", False, "consent", "Please confirm you have read"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    client_user: Any, email: str, consent: bool, field: str, message: str
) -> None:
    response = start(client_for(client_user), email, consent)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Couple.objects.exists() and not Invitation.objects.exists()


def test_starting_needs_a_signed_in_person_and_a_post(client_user: Any, anonymous: Any) -> None:
    assert start(anonymous).status_code == 302  # to sign in
    assert not Couple.objects.exists()
    assert client_for(client_user).get(reverse("couples:start")).status_code == 405


def test_a_person_is_in_one_couple_check_at_a_time(client_user: Any) -> None:
    http = client_for(client_user)
    start(http)
    assert http.get(reverse("couples:home"))["Location"] == Couple.objects.get().get_absolute_url()
    response = start(http, "someone@example.com")
    assert response.status_code == 302
    assert Couple.objects.count() == 1


def test_resending_is_rate_limited_and_makes_the_old_link_stop_working(
    client_user: Any, anonymous: Any, django_capture_on_commit_callbacks: Any, _frozen: Any
) -> None:
    http = client_for(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        start(http)
    couple = Couple.objects.get()
    first = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        too_soon = http.post(reverse("couples:resend", args=[couple.public_id]), follow=True)
    assert "You can send it again in 10 minutes." in too_soon.content.decode()
    assert len(mail.outbox) == 1
    _frozen.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("couples:resend", args=[couple.public_id]))
    assert len(mail.outbox) == 2
    second = link_in(mail.outbox[1])
    assert first != second
    assert anonymous.get(reverse("couples:join", args=[first])).status_code == 404
    assert anonymous.get(reverse("couples:join", args=[second])).status_code == 200
    # At most five sends in all.
    for _ in range(4):
        _frozen.shift(timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            http.post(reverse("couples:resend", args=[couple.public_id]))
    assert len(mail.outbox) == 5
    page = http.get(couple.get_absolute_url()).content.decode()
    assert "sent as many times as we allow" in page


def test_an_invitation_expires_after_seven_days(
    client_user: Any, anonymous: Any, _frozen: Any
) -> None:
    couple, token = pending_couple(client_user, "parker@example.com")
    _frozen.shift(timedelta(days=7))
    assert anonymous.get(reverse("couples:join", args=[token])).status_code == 404
    page = client_for(client_user).get(couple.get_absolute_url()).content.decode()
    assert "has expired without being accepted" in page


def test_withdrawing_ends_the_waiting_check_and_the_link(client_user: Any, anonymous: Any) -> None:
    couple, token = pending_couple(client_user, "parker@example.com")
    http = client_for(client_user)
    assert http.get(reverse("couples:withdraw", args=[couple.public_id])).status_code == 405
    response = http.post(reverse("couples:withdraw", args=[couple.public_id]))
    assert response["Location"] == reverse("couples:home")
    assert anonymous.get(reverse("couples:join", args=[token])).status_code == 404
    assert http.get(couple.get_absolute_url()).status_code == 404
    assert Member.objects.current().count() == 0


def test_nobody_else_can_resend_or_withdraw(client_user: Any, unrelated_client_user: Any) -> None:
    couple, _token = pending_couple(client_user, "parker@example.com")
    other = client_for(unrelated_client_user)
    assert other.post(reverse("couples:resend", args=[couple.public_id])).status_code == 404
    assert other.post(reverse("couples:withdraw", args=[couple.public_id])).status_code == 404
    couple.refresh_from_db()
    assert couple.status == "pending"
