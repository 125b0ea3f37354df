"""The database itself refuses a role that is not one of Role's (one_of_choices)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tandem.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_value_outside_the_choices() -> None:
    user = User.objects.create_user(email="una@example.com", password="x" * 20, role=Role.CLIENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role="superhero")
    User.objects.filter(pk=user.pk).update(role=Role.THERAPIST)
    user.refresh_from_db()
    assert user.role == Role.THERAPIST
