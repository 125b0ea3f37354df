"""Demo accounts for trying Tandem locally. Fictional, and never created in production."""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress

from tandem.accounts.models import Role, User

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - a documented local demo password

DEMO_PEOPLE = [
    ("alex@demo.tandem.invalid", "Alex Demo", Role.CLIENT),
    ("sam@demo.tandem.invalid", "Sam Demo", Role.CLIENT),
]


def seed(stdout: TextIO) -> None:
    for email, name, role in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email, defaults={"name": name, "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    stdout.write(
        f"Demo clients: {', '.join(p[0] for p in DEMO_PEOPLE)} (password: {DEMO_PASSWORD})\n"
    )
