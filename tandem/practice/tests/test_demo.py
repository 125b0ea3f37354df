"""The demo shows a working practice on the first run, and prints every login."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.directory.models import ProfileStatus, TherapistProfile
from tandem.journal.models import Comment, CommentStatus
from tandem.practice.couple import couple_view, partner_consent
from tandem.practice.progress import caseload

pytestmark = pytest.mark.django_db


def test_the_demo_therapist_runs_a_practice_with_alerts() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for login in (
        "therapist@demo.tandem.invalid",
        "verifier@demo.tandem.invalid",
        "editor@demo.tandem.invalid",
        "alex@demo.tandem.invalid",
        "sam@demo.tandem.invalid",
        "jordan@demo.tandem.invalid",
        "morgan@demo.tandem.invalid",
        "robin@demo.tandem.invalid",
        "kit@demo.tandem.invalid",
    ):
        assert login in printed
    therapist = User.objects.get(email="therapist@demo.tandem.invalid")
    profile = TherapistProfile.objects.get(user=therapist)
    assert profile.status == ProfileStatus.VERIFIED
    assert profile.weekly_hours.exists() and profile.session_types.exists()
    rows = caseload(therapist, timezone.now())
    assert len(rows) >= 3
    statuses = {row.client.email: row.since_first.status for row in rows if row.since_first}
    assert statuses["jordan@demo.tandem.invalid"] == "recovered"
    assert statuses["morgan@demo.tandem.invalid"] == "deteriorated"
    # The demo couple are neither: they are there to be seen side by side.
    assert {statuses["alex@demo.tandem.invalid"], statuses["sam@demo.tandem.invalid"]} <= {
        "no_reliable_change",
        "improved",
    }
    assert {alert.kind for row in rows for alert in row.alerts} == {
        "deterioration",
        "safety",
        "overdue",
    }
    spans = [(row.latest.completed_at - row.consent.created_at).days for row in rows if row.latest]
    assert min(spans) > 60  # several months of results
    assert User.objects.filter(role=Role.EDITOR, email="editor@demo.tandem.invalid").exists()
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() >= 2
    assert TherapistProfile.objects.filter(status=ProfileStatus.SUBMITTED).count() >= 3
    # Both partners share, each with their own consent, and both share the couple report.
    alex = next(row.consent for row in rows if row.client.email == "alex@demo.tandem.invalid")
    sam = partner_consent(alex, therapist)
    assert sam is not None
    view = couple_view(alex, sam)
    assert view.partner.email == "sam@demo.tandem.invalid"
    assert view.checks and view.report is not None
    # A second run adds nothing.
    call_command("seed_demo", stdout=io.StringIO())
    assert len(caseload(therapist, timezone.now())) == len(rows)
