from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from tandem.accounts.models import Role

SIGNUP_ROLE_SESSION_KEY = "tandem_signup_role"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Therapists start from the "for therapists" page, which records the choice in the
        # session; every other sign-up is a client. Staff roles are only ever given by staff.
        if request.session.get(SIGNUP_ROLE_SESSION_KEY) == Role.THERAPIST:
            user.role = Role.THERAPIST
        return super().save_user(request, user, form, commit=commit)
