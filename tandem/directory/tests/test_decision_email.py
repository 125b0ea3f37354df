from __future__ import annotations

import pytest

from tandem.conftest import client_for, message_text
from tandem.directory.models import ProfileStatus
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(therapist_user):
    return make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.SUBMITTED)


@pytest.fixture
def decide(verifier_user, waiting, django_capture_on_commit_callbacks):
    """Post the verifier's decision on the waiting profile, running what waits for the commit."""

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(verifier_user).post(f"/therapists/verification/{waiting.pk}/", data)

    return post


def test_the_therapist_hears_by_email_when_changes_are_asked_for(decide, smtp_inbox):
    decide({"decision": "changes_requested", "reason": "Please add your registration number."})

    (message,) = smtp_inbox.wait_for(1)
    text = message_text(message)
    assert message["To"] == "theo@example.com"
    assert "changes" in message["Subject"].lower()
    assert "Please add your registration number." in text
    assert "/therapists/me/" in text
    # Nothing about the verifier who decided goes to the therapist.
    assert "vera@example.com" not in message.as_string()


def test_an_approval_email_links_to_the_public_profile(decide, waiting, smtp_inbox):
    decide({"decision": "approved", "registration_checked": "on"})

    (message,) = smtp_inbox.wait_for(1)
    assert "verified" in message["Subject"].lower()
    assert waiting.get_absolute_url() in message_text(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert waiting.get_absolute_url() in html


def test_a_refused_decision_sends_nothing(decide, smtp_inbox):
    response = decide({"decision": "rejected"})

    assert response.status_code == 400
    assert smtp_inbox.wait_for(1, timeout=0.5) == []
