"""The "who saw my data" log: written by other apps, shown on My data, exported, kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tandem.accounts import personal_data
from tandem.accounts.access_log import record_access, record_accesses
from tandem.accounts.models import AccessKind, AccessLog
from tandem.accounts.tests.test_my_data import _recently_authenticated
from tandem.conftest import client_for

pytestmark = pytest.mark.django_db


def test_my_data_lists_who_read_what_and_on_which_consent(
    client_user: Any, therapist_user: Any, unrelated_client_user: Any
) -> None:
    record_access(
        subject=client_user,
        viewer=therapist_user,
        kind=AccessKind.RESULT,
        detail="Healthy Relationship Check, 1 Jun 2027",
        consent_id=7,
    )
    record_access(subject=unrelated_client_user, viewer=therapist_user, kind=AccessKind.HISTORY)
    html = client_for(client_user).get(reverse("my_data")).content.decode()
    assert "Who has read your results" in html
    assert "Theo Therapist (therapist)" in html
    assert "A result, in full: Healthy Relationship Check, 1 Jun 2027" in html
    assert "Your consent no. 7" in html
    assert "Results over time" not in html  # another person's log


def test_a_person_nobody_read_is_told_so(client_user: Any) -> None:
    html = client_for(client_user).get(reverse("my_data")).content.decode()
    assert "Nobody but you has read your results." in html


def test_the_export_holds_the_log(client: Any, client_user: Any, therapist_user: Any) -> None:
    record_accesses(
        viewer=therapist_user, kind=AccessKind.CASELOAD, reads=[(client_user.pk, 3, "")]
    )
    http = _recently_authenticated(client, client_user)
    exported = json.loads(http.get(reverse("my_data_export")).content)
    (row,) = exported["sections"]["access_log"]
    assert (row["who"], row["role"], row["what"], row["consent_id"]) == (
        "Theo Therapist",
        "therapist",
        "caseload",
        3,
    )


def test_the_log_outlives_the_readers_account(client_user: Any, therapist_user: Any) -> None:
    record_access(subject=client_user, viewer=therapist_user, kind=AccessKind.EXPORT, consent_id=1)
    personal_data.erase_user(therapist_user)
    row = AccessLog.objects.get()
    assert row.viewer is None and row.viewer_name == "Theo Therapist"
    html = client_for(client_user).get(reverse("my_data")).content.decode()
    assert "Theo Therapist (therapist)" in html


def test_the_log_goes_with_the_person_it_is_about(client_user: Any, therapist_user: Any) -> None:
    record_access(subject=client_user, viewer=therapist_user, kind=AccessKind.RESULT)
    personal_data.erase_user(client_user)
    assert not AccessLog.objects.exists()


def test_an_unknown_kind_of_read_is_refused(client_user: Any, therapist_user: Any) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        record_access(subject=client_user, viewer=therapist_user, kind="peek")
    assert not AccessLog.objects.exists()
