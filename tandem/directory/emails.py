"""One function per email, each rendering ``directory/emails/<name>-subject.txt``, ``.txt``
and ``.html``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tandem.directory.models import VerificationDecision


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def verification_decided(record: VerificationDecision) -> None:
    """To a therapist: what the verifiers decided about their profile, and why."""
    profile = record.profile
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "profile": profile,
        "decision": record.decision,
        "reason": record.reason,
        "my_profile_url": _absolute(reverse("directory:my_profile")),
        "public_url": _absolute(profile.get_absolute_url()),
    }
    subject = render_to_string("directory/emails/verification-decided-subject.txt", context)
    text = render_to_string("directory/emails/verification-decided.txt", context)
    html = render_to_string("directory/emails/verification-decided.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[profile.user.email])
    message.attach_alternative(html, "text/html")
    message.send()
