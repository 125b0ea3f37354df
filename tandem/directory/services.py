"""Workflows of the directory that touch more than one row: submitting and verifying."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tandem.directory.models import (
    Decision,
    ProfileStatus,
    TherapistProfile,
    VerificationDecision,
)
from tandem.directory.tasks import send_verification_decision

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = [
    "CHECKED_FIELDS",
    "InvalidTransition",
    "decide",
    "send_back_if_checked_facts_changed",
    "submit_profile",
]

# What a verifier checks against the register. A verified profile that changes any of them
# is checked again before it is public, wherever the change is made (the therapist's own
# form or the admin), and that check is a recorded decision like the first.
CHECKED_FIELDS = frozenset({"name", "registration_body", "registration_number", "qualifications"})

# What each decision does to the profile.
_OUTCOME = {
    Decision.APPROVED: ProfileStatus.VERIFIED,
    Decision.CHANGES_REQUESTED: ProfileStatus.CHANGES_REQUESTED,
    Decision.REJECTED: ProfileStatus.REJECTED,
}


class InvalidTransition(ValueError):
    """The profile is not in a state where this can happen (e.g. decided already)."""


def submit_profile(*, profile: TherapistProfile) -> TherapistProfile:
    """Send a draft (or a profile that was asked for changes) to the verifiers' queue."""
    with transaction.atomic():
        # The conditional update claims the transition: two submits from two tabs make one.
        updated = TherapistProfile.objects.filter(
            pk=profile.pk, status__in=[ProfileStatus.DRAFT, ProfileStatus.CHANGES_REQUESTED]
        ).update(status=ProfileStatus.SUBMITTED, submitted_at=timezone.now())
        if not updated:
            raise InvalidTransition("This profile has already been sent for verification.")
    profile.refresh_from_db()
    return profile


def send_back_if_checked_facts_changed(
    *, profile: TherapistProfile, changed: Iterable[str]
) -> bool:
    """Put a verified ``profile`` whose checked facts are among ``changed`` back in the queue.

    Changes the instance only; the caller saves it with the rest of the edit, in the same
    transaction. Returns whether it was sent back.
    """
    if profile.status != ProfileStatus.VERIFIED or not CHECKED_FIELDS & set(changed):
        return False
    profile.status = ProfileStatus.SUBMITTED
    profile.submitted_at = timezone.now()
    return True


def decide(
    *, profile: TherapistProfile, verifier: User, decision: str, reason: str
) -> VerificationDecision:
    """Record a verifier's decision on a submitted profile and apply it.

    Two verifiers working the same queue may open the same profile; the conditional update
    lets only the first decision through, and the second gets ``InvalidTransition``.
    """
    if decision not in _OUTCOME:
        raise ValueError(f"unknown decision: {decision!r}")
    if decision != Decision.APPROVED and not reason.strip():
        raise ValueError("a reason is needed when asking for changes or rejecting")
    now = timezone.now()
    outcome = _OUTCOME[Decision(decision)]
    with transaction.atomic():
        updated = TherapistProfile.objects.filter(
            pk=profile.pk, status=ProfileStatus.SUBMITTED
        ).update(
            status=outcome,
            verified_at=now if outcome == ProfileStatus.VERIFIED else None,
        )
        if not updated:
            raise InvalidTransition("Someone has already decided on this profile.")
        record = VerificationDecision.objects.create(
            profile=profile,
            decided_by=verifier,
            decision=decision,
            reason=reason.strip(),
            registration_checked=f"{profile.registration_body} {profile.registration_number}",
            decided_at=now,
        )
        # Sent only once the decision is committed, so a rolled-back decision emails nobody.
        transaction.on_commit(lambda: send_verification_decision.enqueue(record.pk))
    profile.refresh_from_db()
    return record
