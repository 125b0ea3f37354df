"""About sixty fictional therapists for trying the directory, and people to verify them.

Every name is invented (see ``generate.FIRST_NAMES`` and ``SURNAMES``), every address ends in
``.invalid``, and every statement says the profile is fictional. Running it twice changes
nothing: each therapist is keyed by their email address.
"""

from __future__ import annotations

import random
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction

from tandem.accounts.demo import DEMO_PASSWORD
from tandem.accounts.models import Role, User
from tandem.directory.generate import FIRST_NAMES, SURNAMES, _pools, build_profile
from tandem.directory.models import ProfileStatus, TherapistProfile

VERIFIED = 60
WAITING = 3
FICTIONAL = "\n\n*This is a fictional profile, made up for trying Tandem.*"


def _account(email: str, name: str, role: str, *, can_sign_in: bool) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "role": role})
    if created:
        if can_sign_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, created


def seed(stdout: TextIO) -> None:
    rng = random.Random(2026)
    pools = _pools(rng)
    added = 0
    with transaction.atomic():
        _account("verifier@demo.tandem.invalid", "Vale Verifier", Role.VERIFIER, can_sign_in=True)
        for number in range(VERIFIED + WAITING):
            name = (
                f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {SURNAMES[(number * 7) % len(SURNAMES)]}"
            )
            waiting = number >= VERIFIED
            # The therapist who can sign in has a verified profile, so their practice works.
            email = (
                "therapist@demo.tandem.invalid"
                if number == 0
                else f"therapist-{number + 1}@demo.tandem.invalid"
            )
            user, created = _account(email, name, Role.THERAPIST, can_sign_in=number == 0)
            if not created and TherapistProfile.objects.filter(user=user).exists():
                continue
            profile = build_profile(
                rng,
                user=user,
                name=name,
                slug="",
                pools=pools,
                status=ProfileStatus.SUBMITTED if waiting else ProfileStatus.VERIFIED,
            )
            profile.statement += FICTIONAL
            profile.save()  # derives the slug, the statement's HTML and the search text
            added += 1
    stdout.write(
        f"Demo directory: {added} therapists added ({VERIFIED} public, {WAITING} waiting). "
        f"Verifier: verifier@demo.tandem.invalid, therapist: therapist@demo.tandem.invalid "
        f"(password: {DEMO_PASSWORD}; both set up two-step verification on first sign-in).\n"
    )
