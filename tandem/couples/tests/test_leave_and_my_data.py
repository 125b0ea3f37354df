"""Leaving, and "My data": export and erasure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tandem.accounts import personal_data
from tandem.assessments.models import Response
from tandem.conftest import client_for
from tandem.couples.models import Couple, Invitation, Member

pytestmark = pytest.mark.django_db


def test_leaving_ends_the_report_for_both_and_each_keeps_their_answers(
    ready_couple: Any, client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    casey, parker = client_for(client_user), client_for(partner_user)
    confirm = parker.get(reverse("couples:leave", args=[ready_couple.public_id]))
    assert "not who left, and not why" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        left = parker.post(reverse("couples:leave", args=[ready_couple.public_id]))
    assert left["Location"] == reverse("couples:home")
    assert casey.get(ready_couple.get_absolute_url()).status_code == 404
    assert [m.to for m in mail.outbox] == [[client_user.email]]
    assert mail.outbox[0].subject == "Your couple check on Tandem has ended"
    assert "Your couple check has ended." in casey.get(reverse("couples:home")).content.decode()
    assert Response.objects.filter(owner=client_user).completed().count() == 1
    assert Response.objects.filter(owner=partner_user).completed().count() == 1
    # Either can start afresh.
    assert casey.get(reverse("couples:home")).status_code == 200


def test_the_export_holds_own_answers_the_report_and_invitations(
    ready_couple: Any, client_user: Any
) -> None:
    exported = personal_data.export_user(client_user)["sections"]
    couples = exported["couples"]
    assert couples["couples"][0]["your_role"] == "inviter"
    round_one = couples["couples"][0]["rounds"][0]
    response = Response.objects.get(owner=client_user)
    assert round_one["your_response"] == str(response.public_id)
    assert round_one["couple_report"]["balances"][0]["scale"] == "time"
    assert couples["invitations_sent"][0]["email"] == "parker@example.com"
    assert couples["invitations_sent"][0]["status"] == "accepted"
    # The answers themselves are in the checks' section, the person's own only.
    mine = [r for r in exported["assessments"] if r["id"] == str(response.public_id)]
    assert mine and mine[0]["answers"]["cb1"] == 0
    assert len(exported["assessments"]) == 1
    text = repr(couples)
    assert "sf1" not in text and "flags" not in text


def test_erasing_one_partner_removes_the_report_for_both_and_says_only_that_it_ended(
    ready_couple: Any, client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase_user(partner_user)
    assert not Response.objects.filter(owner_id=partner_user.pk).exists()
    assert [m.subject for m in mail.outbox] == ["Your couple check on Tandem has ended"]
    assert mail.outbox[0].to == [client_user.email]
    ready_couple.refresh_from_db()
    assert ready_couple.status == "ended"
    casey = client_for(client_user)
    assert casey.get(ready_couple.get_absolute_url()).status_code == 404
    assert "Your couple check has ended." in casey.get(reverse("couples:home")).content.decode()
    exported = personal_data.export_user(client_user)["sections"]["couples"]
    assert all(r["couple_report"] is None for r in exported["couples"][0]["rounds"])
    assert Response.objects.filter(owner=client_user).count() == 1


def test_erasing_the_inviter_deletes_their_invitations(
    ready_couple: Any, client_user: Any, partner_user: Any
) -> None:
    personal_data.erase_user(client_user)
    assert not Invitation.objects.exists()
    assert Couple.objects.get().status == "ended"
    assert Member.objects.filter(user=partner_user).get().left_at is not None
