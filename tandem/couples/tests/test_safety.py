"""Safety comes first: a flag means no report and no couples counselling for either, and
nothing the unflagged partner can reach tells a flag apart from "not answered yet".

The identity tests render everything the unflagged partner can reach (pages, the PDF, the
API, emails) in each case inside one transaction, rolled back to a savepoint between cases,
so the couple, its ids and (with time frozen) every date are the same in each. CSRF tokens,
which change on every request, and the random ids of responses made afresh in each case are
masked; so are ISO dates, as a guard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from tandem.conftest import CSRF_TOKEN, api_client_for, client_for
from tandem.couples.tests.helpers import active_couple, answer_all

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)


def _mask(text: str, keep: str = "") -> str:
    text = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="*"', text
    )
    # Ids made fresh in each case (the partner's own new response) are random.
    text = re.sub(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        lambda found: found.group(0) if found.group(0) == keep else "<id>",
        text,
    )
    text = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?", "<date>", text)
    return text


def _seen(http: Any, method: str, url: str, keep: str = "", **kwargs: Any) -> tuple[Any, ...]:
    response = getattr(http, method)(url, **kwargs)
    body = response.content
    shown = "<pdf>" if body.startswith(b"%PDF") else _mask(body.decode(), keep)
    return (
        method,
        url,
        response.status_code,
        response.get("Content-Type"),
        response.get("Location"),
        response.get("Cache-Control"),
        shown,
    )


def everything_casey_sees(casey: Any, couple: Any) -> list[tuple[Any, ...]]:
    """Every page, download and API answer the partner can reach about the couple."""
    public_id = couple.public_id
    api = f"/api/v1/couples/{public_id}"
    headers = {"X-CSRFToken": CSRF_TOKEN}
    keep = str(public_id)  # the couple's id is the same in every case: left unmasked
    seen = [
        _seen(casey, "get", keep=keep, url=reverse("couples:home")),
        _seen(casey, "get", keep=keep, url=couple.get_absolute_url()),
        _seen(casey, "get", keep=keep, url=reverse("couples:answer", args=[public_id])),
        _seen(casey, "get", keep=keep, url=reverse("couples:section", args=[public_id, "giving"])),
        _seen(casey, "get", keep=keep, url=reverse("couples:round", args=[public_id, 1])),
        _seen(casey, "get", keep=keep, url=reverse("couples:report", args=[public_id, 1])),
        _seen(casey, "get", keep=keep, url=reverse("couples:history", args=[public_id])),
        _seen(casey, "get", keep=keep, url=reverse("couples:therapists", args=[public_id])),
        _seen(
            casey, "post", keep=keep, url=reverse("couples:therapists", args=[public_id]), data={}
        ),
        _seen(casey, "get", keep=keep, url=reverse("couples:leave", args=[public_id])),
        _seen(casey, "post", keep=keep, url=reverse("couples:again", args=[public_id])),
        _seen(
            casey, "get", keep=keep, url=couple.get_absolute_url()
        ),  # after the refused "check again"
        _seen(casey, "get", keep=keep, url=reverse("assessments:mine")),
        _seen(casey, "get", keep=keep, url=api),
        _seen(casey, "get", keep=keep, url=f"{api}/report"),
        _seen(casey, "post", keep=keep, url=f"{api}/invitation", headers=headers),
    ]
    return seen


def _emails_to(address: str) -> list[tuple[str, str]]:
    return [(str(m.subject), _mask(m.body)) for m in mail.outbox if address in m.to]


def _casey_after_each(
    cases: tuple[str, ...],
    casey_user: Any,
    capture_on_commit: Any,
    run: Callable[[str], Any],
) -> dict[str, tuple[Any, list[tuple[str, str]]]]:
    """For each case, from the same starting point: ``run(case)`` and the emails Casey got.

    Each run's on-commit work (the emails) is done, then the whole run is undone by a
    savepoint, so the cases differ only in what ``run`` does for them.
    """
    views = {}
    for case in cases:
        savepoint = transaction.savepoint()
        mail.outbox.clear()
        with capture_on_commit(execute=True):
            seen = run(case)
        views[case] = (seen, _emails_to(casey_user.email))
        transaction.savepoint_rollback(savepoint)
    return views


def test_when_the_partner_answers_second_with_a_flag_the_first_sees_only_not_ready(
    client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def partner_then_casey(case: str) -> Any:
        parker = client_for(partner_user)
        if case == "flagged":
            answer_all(parker, couple, safety=True)
        elif case == "half answered":
            answer_all(parker, couple, stop_before_last=True)
        return everything_casey_sees(api_client_for(client_user), couple)

    with time_machine.travel(NOW, tick=False):
        couple = active_couple(client_user, partner_user)
        answer_all(client_for(client_user), couple)
        views = _casey_after_each(
            ("flagged", "not answered", "half answered"),
            client_user,
            django_capture_on_commit_callbacks,
            partner_then_casey,
        )
    assert views["flagged"] == views["not answered"] == views["half answered"]
    seen, emails = views["flagged"]
    assert emails == []
    detail = seen[1][-1]
    assert "Waiting for your partner" in detail and "Your couple report is not available." in detail
    assert [entry[2] for entry in seen] == [
        302,
        200,
        302,
        302,
        200,
        404,
        200,
        200,
        200,
        200,
        302,
        200,
        200,
        200,
        200,
        409,
    ]


def test_when_the_flagged_partner_answers_first_the_other_finishes_to_the_same_page(
    client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def partner_then_casey_finishes(case: str) -> Any:
        if case == "flagged first":
            answer_all(client_for(partner_user), couple, safety=True)
        casey = api_client_for(client_user)
        finished = answer_all(casey, couple)
        landing = _seen(casey, "get", finished["Location"])
        seen = everything_casey_sees(casey, couple)
        return (finished.status_code, finished["Location"], landing, seen)

    with time_machine.travel(NOW, tick=False):
        couple = active_couple(client_user, partner_user)
        views = _casey_after_each(
            ("flagged first", "partner not answered"),
            client_user,
            django_capture_on_commit_callbacks,
            partner_then_casey_finishes,
        )
    assert views["flagged first"] == views["partner not answered"]


def test_the_flagged_partner_privately_gets_safety_help_and_never_couples_counselling(
    client_user: Any, partner_user: Any
) -> None:
    couple = active_couple(client_user, partner_user)
    answer_all(client_for(client_user), couple)
    parker = client_for(partner_user)
    answer_all(parker, couple, safety=True)
    text = parker.get(couple.get_absolute_url()).content.decode()
    assert "Your safety comes first" in text
    assert "Only you can see this" in text
    assert "Your couple report is not available." in text
    assert reverse("couples:therapists", args=[couple.public_id]) not in text
    assert "Find a couples therapist" not in text
    assert reverse("couples:leave", args=[couple.public_id]) in text
    api = parker.get(f"/api/v1/couples/{couple.public_id}/report").json()
    assert api["available"] is False and api["report"] is None
    matches = parker.get(reverse("couples:therapists", args=[couple.public_id]))
    assert "Your couple report is not available." in matches.content.decode()
    # Casey's page says nothing about safety.
    casey_text = client_for(client_user).get(couple.get_absolute_url()).content.decode()
    assert "safety" not in casey_text.lower().replace("safety-", "")


def test_a_quiet_leave_reads_to_the_other_exactly_as_any_leave(
    client_user: Any, partner_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def partner_leaves_then_casey(case: str) -> Any:
        parker = client_for(partner_user)
        answer_all(parker, couple, safety=case == "flagged", stop_before_last=case != "flagged")
        parker.post(reverse("couples:leave", args=[couple.public_id]))
        return everything_casey_sees(api_client_for(client_user), couple)

    with time_machine.travel(NOW, tick=False):
        couple = active_couple(client_user, partner_user)
        answer_all(client_for(client_user), couple)
        views = _casey_after_each(
            ("flagged", "unflagged"),
            client_user,
            django_capture_on_commit_callbacks,
            partner_leaves_then_casey,
        )
    assert views["flagged"] == views["unflagged"]
    seen, emails = views["flagged"]
    assert emails == [("Your couple check on Tandem has ended", emails[0][1])]
    assert "ended" in emails[0][1] and "safety" not in emails[0][1].lower()
    assert seen[1][2] == 404
