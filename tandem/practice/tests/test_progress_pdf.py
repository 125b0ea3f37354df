"""The progress report PDF: what it prints, who may have it, the log and the limit."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tandem.accounts.models import AccessKind, AccessLog
from tandem.conftest import client_for
from tandem.practice.models import Consent
from tandem.practice.services import consent_revoke
from tandem.practice.tests.conftest import NOW, result, session_on, share

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


@pytest.fixture
def history(bookable: Any, consent: Consent, client_user: Any) -> Consent:
    for weeks, score in ((10, 35), (6, 50), (2, 72)):
        result(client_user, score, NOW - timedelta(weeks=weeks), flagged=weeks == 2)
    session_on(bookable, client_user, NOW - timedelta(weeks=4))
    return consent


def _text(answer: Any) -> str:
    assert answer["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)


def test_it_prints_progress_change_sessions_and_the_latest_result(
    therapist_user: Any, history: Consent
) -> None:
    answer = client_for(therapist_user).get(reverse("practice:progress_pdf", args=[history.pk]))
    assert answer.status_code == 200
    text = _text(answer)
    assert "progress report" in text
    assert "Reliable change" in text and "Recovered" in text
    assert "Session attended" in text
    assert "The latest result in full" in text
    # Safety answers are not shared: no flag, no plan, though the latest result raised one.
    assert "Safety flag" not in text and "The plan is shared only when" in text
    log = AccessLog.objects.get(subject=history.client)
    assert (log.kind, log.consent_id) == (AccessKind.EXPORT, history.pk)
    assert log.detail == "progress report PDF, with the latest result in full"


def test_with_safety_answers_shared_it_prints_the_flag(
    therapist_user: Any, history: Consent, client_user: Any
) -> None:
    share(client_user, therapist_user, share_safety=True)
    answer = client_for(therapist_user).get(reverse("practice:progress_pdf", args=[history.pk]))
    assert "Safety flag" in _text(answer)


@pytest.mark.parametrize(
    "fixture", ["unrelated_therapist_user", "partner_user", "verifier_user", "editor_user"]
)
def test_anyone_without_the_consent_gets_404(fixture: str, request: Any, history: Consent) -> None:
    http = client_for(request.getfixturevalue(fixture))
    assert http.get(reverse("practice:progress_pdf", args=[history.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_after_revoking_the_therapist_gets_404_and_anonymous_is_sent_to_sign_in(
    therapist_user: Any, history: Consent, anonymous: Client
) -> None:
    url = reverse("practice:progress_pdf", args=[history.pk])
    answer = anonymous.get(url)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    consent_revoke(consent=history)
    assert client_for(therapist_user).get(url).status_code == 404
    assert client_for(therapist_user).post(url).status_code in (404, 405)
    assert not AccessLog.objects.exists()


def test_it_is_limited_per_therapist(therapist_user: Any, history: Consent) -> None:
    http = client_for(therapist_user)
    url = reverse("practice:progress_pdf", args=[history.pk])
    codes = [http.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert AccessLog.objects.count() == 3  # the refused one read nothing
