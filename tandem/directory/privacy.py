"""The directory's part of "My data": a therapist's profile and its verification history.

Erasure deletes the profile, its photo file and the decisions about it (they describe the
therapist and their registration, so they are the therapist's data). Decisions a verifier
made about others stay, with ``decided_by`` emptied by the database when the verifier's
account goes: a therapist's history must still show that, and when, they were verified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from tandem.directory.models import TherapistProfile, VerificationDecision

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = ["erase_profile", "export_profile"]


def _decision(decision: VerificationDecision) -> dict[str, Any]:
    return {
        "decision": decision.decision,
        "reason": decision.reason,
        "registration_checked": decision.registration_checked,
        "decided_at": decision.decided_at.isoformat(),
    }


def export_profile(user: User) -> dict[str, Any] | None:
    profile = TherapistProfile.objects.filter(user=user).first()
    made = VerificationDecision.objects.filter(decided_by=user).select_related("profile")
    exported: dict[str, Any] = {
        # What this verifier did, not what they learned about others: the reasons and the
        # registration details belong to the therapists the decisions were about.
        "decisions_made_as_verifier": [
            {
                "profile": decision.profile.slug if decision.profile else None,
                "decision": decision.decision,
                "decided_at": decision.decided_at.isoformat(),
            }
            for decision in made
        ]
    }
    if profile is None:
        exported["profile"] = None
        return exported
    exported["profile"] = {
        "slug": profile.slug,
        "status": profile.status,
        "name": profile.name,
        "pronouns": profile.pronouns,
        "gender": profile.gender,
        "gender_description": profile.gender_description,
        "photo": profile.photo.name or None,
        "statement": profile.statement,
        "qualifications": profile.qualifications,
        "registration_body": profile.registration_body,
        "registration_number": profile.registration_number,
        "years_in_practice": profile.years_in_practice,
        "specialties": profile.specialties,
        "approaches": profile.approaches,
        "languages": profile.languages,
        "sees_individuals": profile.sees_individuals,
        "sees_couples": profile.sees_couples,
        "formats": profile.formats,
        "place": profile.place,
        "town": profile.town,
        "country": profile.country,
        "latitude": profile.latitude,
        "longitude": profile.longitude,
        "currency": profile.currency,
        "fee_individual_minor": profile.fee_individual_minor,
        "fee_couple_minor": profile.fee_couple_minor,
        "sliding_scale_min_minor": profile.sliding_scale_min_minor,
        "accepting_new_clients": profile.accepting_new_clients,
        "tier": profile.tier,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
        "submitted_at": profile.submitted_at.isoformat() if profile.submitted_at else None,
        "verified_at": profile.verified_at.isoformat() if profile.verified_at else None,
        "decisions": [_decision(decision) for decision in profile.decisions.all()],
    }
    return exported


def erase_profile(user: User) -> None:
    profile = TherapistProfile.objects.filter(user=user).first()
    if profile is None:
        return
    photo = profile.photo
    storage, name = photo.storage, photo.name
    profile.delete()  # decisions about the profile go with it (CASCADE)
    if name:
        # The file goes only once the rows are gone for good, so a rolled-back erasure
        # never leaves a profile pointing at a missing photo.
        transaction.on_commit(lambda: storage.delete(name))
