"""One function per email, each rendering ``directory/emails/<name>-subject.txt``, ``.txt``
and ``.html``."""

from __future__ import annotations

from django.urls import reverse

from tandem.directory.models import VerificationDecision
from tandem.lib.mail import absolute_url, templated_email


def verification_decided(record: VerificationDecision) -> None:
    """To a therapist: what the verifiers decided about their profile, and why."""
    profile = record.profile
    context = {
        "profile": profile,
        "decision": record.decision,
        "reason": record.reason,
        "my_profile_url": absolute_url(reverse("directory:my_profile")),
        "public_url": absolute_url(profile.get_absolute_url()),
    }
    templated_email("directory/emails/verification-decided", context, profile.user.email).send()
